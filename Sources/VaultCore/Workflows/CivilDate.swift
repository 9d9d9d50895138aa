import FoundationEssentials

/// A calendar date without a time or zone (UTC), as retention counts: `YYYY-MM-DD`.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The year (1900…2100 for dates the vault accepts).
    public let year: Int
    /// The month, 1…12.
    public let month: Int
    /// The day of the month, 1…31.
    public let day: Int

    /// A date from its parts; the caller keeps them valid.
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (a stored time's first ten characters are its date); nil unless a real date.
    ///
    /// Accepts what ``Timestamp/isValidDate(_:)`` accepts (years 1900…2100), reading the
    /// bytes directly: `retention due` parses a date for every document in the catalogue.
    public init?(_ text: some StringProtocol) {
        var digits: [Int] = []
        digits.reserveCapacity(8)
        var count = 0
        for byte in text.utf8.prefix(10) {
            if count == 4 || count == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                digits.append(Int(byte - UInt8(ascii: "0")))
            }
            count += 1
        }
        guard count == 10 else { return nil }
        let year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
        let month = digits[4] * 10 + digits[5]
        let day = digits[6] * 10 + digits[7]
        guard (1900...2100).contains(year), (1...12).contains(month), day >= 1 else { return nil }
        let lengths = [31, Self.isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The UTC date of `instant`.
    public init(_ instant: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        self.init(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// 31 December of `year`.
    public static func endOfYear(_ year: Int) -> CivilDate { CivilDate(year: year, month: 12, day: 31) }

    /// Whether `year` has a 29 February.
    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// The same day `years` calendar years later; 29 February lands on 1 March in a common year.
    ///
    /// Never earlier than `years` full years: a period that started on a leap day has not
    /// run out on 28 February.
    public func adding(years: Int) -> CivilDate {
        let target = year + years
        if month == 2 && day == 29 && !Self.isLeap(target) { return CivilDate(year: target, month: 3, day: 1) }
        return CivilDate(year: target, month: month, day: day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        // Built from digits rather than String(format:), which is slow and runs once per listed document.
        func digits(_ value: Int, _ width: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: UInt8(ascii: "0"), count: width)
            var rest = value
            for index in stride(from: width - 1, through: 0, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            return bytes
        }
        let dash = [UInt8(ascii: "-")]
        return String(decoding: digits(year, 4) + dash + digits(month, 2) + dash + digits(day, 2), as: UTF8.self)
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CivilDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
