/// An archival reference number in DA/T 22-2015 structure: `FONDS-CAT-YEAR-RET-NNNN`.
public struct ReferenceNumber: Sendable, Equatable, CustomStringConvertible {
    /// Fonds code set at `init`, such as `J001`.
    public let fonds: String
    /// Category code, such as `CL`.
    public let category: String
    /// Year the document belongs to.
    public let year: Int
    /// Retention code.
    public let retention: RetentionCode
    /// Item number within category and year, from 1.
    public let item: Int

    /// Creates a reference from its parts.
    public init(fonds: String, category: String, year: Int, retention: RetentionCode, item: Int) {
        self.fonds = fonds
        self.category = category
        self.year = year
        self.retention = retention
        self.item = item
    }

    /// The printed form, with the item number padded to at least four digits.
    public var description: String {
        let number = String(item)
        let padded = String(repeating: "0", count: max(0, 4 - number.count)) + number
        return "\(fonds)-\(category)-\(year)-\(retention.rawValue)-\(padded)"
    }

    /// Whether `code` is a valid fonds code: 1 to 8 uppercase ASCII letters or digits.
    public static func isValidFonds(_ code: String) -> Bool {
        (1...8).contains(code.utf8.count)
            && code.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) }
    }
}
