/// The one-time recovery code `init` prints: 160 random bits in Crockford base32.
///
/// Printed as eight groups of four characters (`7K3Q-…`). Reading it back ignores
/// case, spaces and hyphens and maps the look-alikes O→0 and I, L→1.
public enum RecoveryCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    /// Secret length in bytes.
    static let byteCount = 20

    /// Formats `secret` (20 bytes) for printing.
    static func format(_ secret: SecretBytes) -> String {
        var bits = 0
        var value = 0
        var chars: [UInt8] = []
        secret.withUnsafeBytes { bytes in
            for byte in bytes {
                value = (value << 8) | Int(byte)
                bits += 8
                while bits >= 5 {
                    chars.append(alphabet[(value >> (bits - 5)) & 31])
                    bits -= 5
                }
                value &= (1 << bits) - 1
            }
        }
        var groups: [String] = []
        var index = 0
        while index < chars.count {
            groups.append(String(decoding: chars[index..<min(index + 4, chars.count)], as: UTF8.self))
            index += 4
        }
        return groups.joined(separator: "-")
    }

    /// Parses a typed recovery code; nil when it is not 32 valid characters.
    public static func parse(_ text: String) -> SecretBytes? {
        var symbols: [Int] = []
        for scalar in text.uppercased().utf8 {
            switch scalar {
            case 0x2D, 0x20: continue
            case 0x4F: symbols.append(0)
            case 0x49, 0x4C: symbols.append(1)
            default:
                guard let index = alphabet.firstIndex(of: scalar) else { return nil }
                symbols.append(index)
            }
        }
        guard symbols.count == 32 else { return nil }
        var bytes: [UInt8] = []
        var value = 0
        var bits = 0
        for symbol in symbols {
            value = (value << 5) | symbol
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((value >> (bits - 8)) & 0xFF))
                bits -= 8
                value &= (1 << bits) - 1
            }
        }
        defer { secureZero(&bytes) }
        return SecretBytes(copying: bytes)
    }
}
