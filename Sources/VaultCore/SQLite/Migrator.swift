/// Brings a database's schema up to date through numbered migrations kept in `PRAGMA user_version`.
///
/// All pending migrations run in one `BEGIN IMMEDIATE` transaction, so a vault is
/// never left between two schema versions.
public struct Migrator: Sendable {
    /// The SQL of each migration; migration `n` (1-based) brings the schema to version `n`.
    public let migrations: [String]

    /// Creates a migrator from its ordered migration scripts.
    public init(migrations: [String]) {
        self.migrations = migrations
    }

    /// The schema version this code writes.
    public var latestVersion: Int { migrations.count }

    /// Applies every migration newer than the database's version.
    ///
    /// Throws ``MigrationError/newerThanSoftware(_:)`` for a database written by a newer release.
    public func migrate(_ database: Database) throws {
        // Most opens find the schema current; only then is a write lock worth taking.
        if try database.userVersion() == latestVersion { return }
        try database.writeTransaction {
            let current = try database.userVersion()
            guard current <= latestVersion else { throw MigrationError.newerThanSoftware(current) }
            for version in (current + 1)..<(latestVersion + 1) {
                try database.execute(migrations[version - 1])
                try database.execute("PRAGMA user_version = \(version)")
            }
        }
    }
}

/// Why a schema could not be brought up to date.
public enum MigrationError: Error, Equatable {
    /// The database's schema version is newer than this software knows.
    case newerThanSoftware(Int)
}
