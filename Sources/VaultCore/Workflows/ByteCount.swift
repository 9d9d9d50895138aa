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
        let tenths = Int((value * 10).rounded(.toNearestOrEven))
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
