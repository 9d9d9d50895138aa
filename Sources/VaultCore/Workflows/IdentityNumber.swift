/// Checks on the identity numbers the customer register keeps, so a mistyped digit is caught at the desk.
///
/// An 18-character PRC resident identity number (GB 11643-1999) ends in an ISO 7064
/// MOD 11-2 check character; an 18-character unified social credit code
/// (GB 32100-2015) ends in a MOD 31 check character. Other forms (15-digit
/// identity numbers, passports, old business registration numbers) are kept as
/// given once they look like an identifier.
public enum IdentityNumber {
    /// The value as compared and indexed: NFKC, upper case, no spaces or hyphens.
    public static func normalized(_ value: String) -> String {
        BlindIndex.normalize(value, field: "customer_id")
    }

    /// Why `value` cannot be the identity number of a customer of `kind`, or nil when it can.
    public static func problem(_ value: String, kind: CustomerKind) -> String? {
        let id = normalized(value)
        guard (5...32).contains(id.count),
            id.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        else {
            return "an ID number has 5 to 32 letters and digits"
        }
        guard id.count == 18 else { return nil }
        switch kind {
        case .individual where residentPattern(id):
            return residentCheck(id)
                ? nil : "resident ID number \(masked(value)) fails its check digit; check it was typed correctly"
        case .corporate where creditCodePattern(id):
            return creditCodeCheck(id)
                ? nil : "credit code \(masked(value)) fails its check character; check it was typed correctly"
        default:
            return nil
        }
    }

    /// The identity number with all but its first three and last four characters hidden.
    public static func masked(_ value: String) -> String {
        let id = Array(normalized(value))
        guard id.count > 7 else { return String(repeating: "*", count: id.count) }
        return String(id.prefix(3)) + String(repeating: "*", count: id.count - 7) + String(id.suffix(4))
    }

    private static func residentPattern(_ id: String) -> Bool {
        let chars = Array(id)
        return chars.prefix(17).allSatisfy(\.isASCIIDigit) && (chars[17].isASCIIDigit || chars[17] == "X")
    }

    /// ISO 7064 MOD 11-2 over the first 17 digits.
    static func residentCheck(_ id: String) -> Bool {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let chars = Array(id)
        let sum = zip(chars.prefix(17), weights).reduce(0) { $0 + ($1.0.wholeNumberValue ?? 0) * $1.1 }
        return Array("10X98765432")[sum % 11] == chars[17]
    }

    private static let creditCodeAlphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")

    private static func creditCodePattern(_ id: String) -> Bool {
        id.allSatisfy { creditCodeAlphabet.contains($0) }
    }

    /// GB 32100-2015: weights 3^i mod 31, check character 31 - (sum mod 31).
    static func creditCodeCheck(_ id: String) -> Bool {
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let values = id.compactMap { creditCodeAlphabet.firstIndex(of: $0) }
        guard values.count == 18 else { return false }
        let sum = zip(values.prefix(17), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return values[17] == (31 - sum % 31) % 31
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
