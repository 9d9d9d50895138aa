/// Sizes as people read them: the one format every listing, report and page uses.
public enum ByteCount {
    /// Bytes in a short human form: `19 B`, `1.5 KiB`, `1.0 GiB` (one decimal from KiB on).
    ///
    /// One decimal, rounded half to even as `"%.1f"` does; exact, since value × 10 is a dyadic
    /// rational of at most 53 significant bits. Without `String(format:)`, which cost a listing
    /// of 1,500 rows 33 M instructions.
    public static func text(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return "\(oneDecimal(value)) \(units[unit])"
    }

    /// A non-negative number with one decimal, as `"%.1f"` printed it: `2.25` → `2.2`, `0.35` → `0.3`.
    ///
    /// `printf` rounds the exact binary value, half to even. Ten times the value is rounded
    /// once more; a fused multiply-add gives what that rounding lost, which decides the
    /// halfway cases (`0.35` is a little under, `0.05` a little over).
    public static func oneDecimal(_ value: Double) -> String {
        let x = max(0, value)
        let product = x * 10
        let lost = (-product).addingProduct(x, 10)
        var tenths = product.rounded(.toNearestOrEven)
        if product - product.rounded(.down) == 0.5 && lost != 0 {
            tenths = lost > 0 ? product.rounded(.up) : product.rounded(.down)
        }
        let whole = Int(tenths)
        return "\(whole / 10).\(whole % 10)"
    }
}
