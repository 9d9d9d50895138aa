/// A person who can act on the vault.
public struct UserRecord: Sendable, Equatable {
    /// Row id.
    public let id: Int
    /// Login name.
    public let name: String
    /// Roles held (admin, archivist, approver, compliance, auditor, staff).
    public let roles: [String]
    /// When the user was disabled, if they were.
    public let disabledAt: String?
    /// When the user was added.
    public let createdAt: String

    init(row: Row) {
        id = row.int("id")
        name = row.string("name") ?? ""
        roles = (row.string("roles") ?? "").split(separator: ",").map(String.init)
        disabledAt = row.string("disabled_at")
        createdAt = row.string("created_at") ?? ""
    }

    /// Whether `name` is an acceptable user name: a lowercase letter, then up to 31 of a–z, 0–9, `.`, `_`, `-`.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...32).contains(bytes.count), (0x61...0x7A).contains(bytes[0]) else { return false }
        return bytes.allSatisfy {
            (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || [0x2E, 0x5F, 0x2D].contains($0)
        }
    }
}

/// Queries on the `users` table.
enum UserTable {
    static func insert(_ db: Database, name: String, roles: [String], createdAt: String) throws -> Int {
        try db.run(
            "INSERT INTO users (name, roles, created_at) VALUES (?, ?, ?)",
            [name, roles.joined(separator: ","), createdAt])
        return Int(db.lastInsertRowID)
    }

    static func find(_ db: Database, name: String) throws -> UserRecord? {
        try db.queryOne("SELECT * FROM users WHERE name = ?", [name]).map(UserRecord.init(row:))
    }

    static func all(_ db: Database) throws -> [UserRecord] {
        try db.query("SELECT * FROM users ORDER BY name").map(UserRecord.init(row:))
    }

    static func setRoles(_ db: Database, id: Int, roles: [String]) throws {
        try db.run("UPDATE users SET roles = ? WHERE id = ?", [roles.joined(separator: ","), id])
    }

    static func setDisabled(_ db: Database, id: Int, at: String?) throws {
        try db.run("UPDATE users SET disabled_at = ? WHERE id = ?", [at, id])
    }

    /// Enabled users holding `role`.
    static func enabled(_ db: Database, withRole role: String) throws -> [UserRecord] {
        try db.query("SELECT * FROM users WHERE disabled_at IS NULL ORDER BY name").map(UserRecord.init(row:))
            .filter { $0.roles.contains(role) }
    }
}
