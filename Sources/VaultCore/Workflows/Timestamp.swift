import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// ISO 8601 times and dates as the vault stores them (UTC, second precision).
public enum Timestamp {
    /// The current time in UTC, such as `2026-11-24T10:52:31Z`.
    public static func now() -> String { format(Date()) }

    /// `date` as the vault stores times, truncated to the second.
    ///
    /// Written with `gmtime_r` rather than `ISO8601DateFormatter`: building that formatter
    /// (ICU) cost about 3 million instructions, 8% of a whole `docvault show` process.
    public static func format(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return Int(parts.tm_year + 1900).zeroPadded(4) + "-" + Int(parts.tm_mon + 1).zeroPadded(2) + "-"
            + Int(parts.tm_mday).zeroPadded(2) + "T" + Int(parts.tm_hour).zeroPadded(2) + ":"
            + Int(parts.tm_min).zeroPadded(2)
            + ":" + Int(parts.tm_sec).zeroPadded(2) + "Z"
    }

    /// Parses a stored time (`YYYY-MM-DDTHH:MM:SSZ`); nil when malformed.
    public static func parse(_ text: String) -> Date? {
        guard isValidTime(text) else { return nil }
        let digits = text.utf8.filter { (0x30...0x39).contains($0) }.map { Int($0 - 0x30) }
        func number(_ range: Range<Int>) -> Int32 { Int32(range.reduce(0) { $0 * 10 + digits[$1] }) }
        var parts = tm()
        parts.tm_year = number(0..<4) - 1900
        parts.tm_mon = number(4..<6) - 1
        parts.tm_mday = number(6..<8)
        parts.tm_hour = number(8..<10)
        parts.tm_min = number(10..<12)
        parts.tm_sec = number(12..<14)
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// Whether `text` is a real calendar date written `YYYY-MM-DD` with a year in 1900…2100.
    public static func isValidDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        // Int("+1") is 1, so check for ASCII digits first: a sign must not pass as part of a field.
        let digitsOnly = parts.allSatisfy { $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        guard text.utf8.count == 10, parts.count == 3, digitsOnly,
            parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1900...2100).contains(year), (1...12).contains(month), day >= 1
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    /// Whether `text` is a UTC time as the vault stores it: `YYYY-MM-DDTHH:MM:SSZ`.
    public static func isValidTime(_ text: String) -> Bool {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2, isValidDate(String(parts[0])), parts[1].hasSuffix("Z") else { return false }
        let clock = parts[1].dropLast().split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3,
            clock.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2])
        else { return false }
        return hour < 24 && minute < 60 && second < 61
    }
}
