/// The vault's loan periods: the default a request gets and the most any approval may grant.
public struct LoanSettings: Sendable, Equatable, Codable {
    /// Days a request asks for when it names none (7 unless changed).
    public let defaultDays: Int
    /// The longest loan or renewal an approver may grant (30 unless changed).
    public let maxDays: Int

    /// The longest period a vault may allow at all.
    public static let ceiling = 365

    /// The vault's current settings.
    static func current(_ db: Database) throws -> LoanSettings {
        let maxDays = Int(try SettingsTable.value(db, "loan.max_days") ?? "") ?? 30
        let defaultDays = Int(try SettingsTable.value(db, "loan.default_days") ?? "") ?? 7
        return LoanSettings(defaultDays: min(defaultDays, maxDays), maxDays: maxDays)
    }

    /// Refuses a period outside 1…maxDays with a usage error.
    func check(days: Int) throws {
        guard (1...maxDays).contains(days) else {
            throw VaultError.usage("--days must be between 1 and \(maxDays) (this vault's longest loan)")
        }
    }

    /// The settings; with no change this only reads them.
    public static func show(session: Session) throws -> LoanSettings {
        try session.perform(.borrowSettings) { _ in try current(session.database) }
    }

    /// Changes the default and/or the maximum period (compliance, admin); logged with old and new values.
    public static func change(defaultDays: Int?, maxDays: Int?, session: Session) throws -> LoanSettings {
        try session.perform(.borrowSettingsChange, target: "loan-settings") { note in
            let old = try current(session.database)
            let new = LoanSettings(defaultDays: defaultDays ?? old.defaultDays, maxDays: maxDays ?? old.maxDays)
            guard (1...ceiling).contains(new.maxDays) else {
                throw VaultError.usage("--max-days must be between 1 and \(ceiling)")
            }
            guard (1...new.maxDays).contains(new.defaultDays) else {
                throw VaultError.usage(
                    defaultDays == nil
                        ? "--max-days \(new.maxDays) is below the default period (\(old.defaultDays) days); "
                            + "give a smaller --default-days too"
                        : "--default-days must be between 1 and the maximum (\(new.maxDays))")
            }
            try SettingsTable.set(session.database, "loan.default_days", String(new.defaultDays))
            try SettingsTable.set(session.database, "loan.max_days", String(new.maxDays))
            note.details = [
                "default-days=\(old.defaultDays)->\(new.defaultDays)", "max-days=\(old.maxDays)->\(new.maxDays)",
            ]
            return new
        }
    }
}
