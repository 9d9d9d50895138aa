import Foundation

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
    public init?(_ text: some StringProtocol) {
        let prefix = String(text.prefix(10))
        guard Timestamp.isValidDate(prefix) else { return nil }
        let parts = prefix.split(separator: "-").compactMap { Int($0) }
        self.init(year: parts[0], month: parts[1], day: parts[2])
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
        String(format: "%04d-%02d-%02d", year, month, day)
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
