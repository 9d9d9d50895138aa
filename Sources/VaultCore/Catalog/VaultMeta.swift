/// The vault's identity row.
public struct VaultMeta: Sendable {
    /// 16 random bytes fixed at `init`.
    public let vaultID: [UInt8]
    /// Fonds code used in reference numbers.
    public let fonds: String
    /// When the vault was created.
    public let createdAt: String
    /// The admin `init` created; the default actor.
    public let initialAdmin: String
    /// Whether `docvault demo` made this vault (and may delete it).
    public let isDemo: Bool

    static func read(_ db: Database) throws -> VaultMeta? {
        guard let row = try db.queryOne("SELECT * FROM vault_meta WHERE singleton = 1"),
            let id = [UInt8](hex: row.string("vault_id") ?? ""), id.count == 16
        else { return nil }
        return VaultMeta(
            vaultID: id, fonds: row.string("fonds") ?? "", createdAt: row.string("created_at") ?? "",
            initialAdmin: row.string("initial_admin") ?? "", isDemo: row.int("is_demo") != 0)
    }

    func insert(_ db: Database, formatVersion: Int) throws {
        try db.run(
            """
            INSERT INTO vault_meta (singleton, vault_id, fonds, format_version, created_at, initial_admin, is_demo)
            VALUES (1, ?, ?, ?, ?, ?, ?)
            """, [vaultID.hexString, fonds, formatVersion, createdAt, initialAdmin, isDemo ? 1 : 0])
    }
}

/// Queries on the `categories` table.
enum CategoryTable {
    static func seed(_ db: Database) throws {
        for category in Category.defaults {
            try db.run(
                """
                INSERT INTO categories (code, name, retention_code, retention_rule, trigger_event, legal_basis)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [
                    category.code, category.name, category.retentionCode.rawValue, category.rule, category.trigger,
                    category.basis,
                ])
        }
    }
}
