/// Hexadecimal encoding and decoding for test vectors.
enum Hex {
    /// Errors raised when a test vector holds malformed hex.
    enum DecodingError: Error, Equatable {
        case oddLength
        case invalidDigit(Character)
    }

    /// Decodes `text` (upper- or lower-case, no separators) into bytes.
    static func decode(_ text: String) throws -> [UInt8] {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { throw DecodingError.oddLength }
        var bytes = [UInt8]()
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            let high = try value(of: digits[index])
            let low = try value(of: digits[index + 1])
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    /// Encodes `bytes` as lower-case hex.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let alphabet = Array("0123456789abcdef".utf8)
        var digits = [UInt8]()
        for byte in bytes {
            digits.append(alphabet[Int(byte >> 4)])
            digits.append(alphabet[Int(byte & 0x0f)])
        }
        return String(decoding: digits, as: UTF8.self)
    }

    private static func value(of digit: UInt8) throws -> UInt8 {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: throw DecodingError.invalidDigit(Character(UnicodeScalar(digit)))
        }
    }
}
