/// Writing `legal_holds` and reading the whole register; look-ups by subject are in `Holds.swift`.
extension HoldTable {
    /// The next hold number; call inside the write transaction that inserts it.
    static func nextID(_ db: Database) throws -> Int {
        try db.queryOne("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM legal_holds")?.int("next") ?? 1
    }

    /// Inserts a hold in force.
    static func insert(
        _ db: Database, id: Int, key: HoldKey, reasonSealed: [UInt8], placedBy: String, placedAt: String
    ) throws {
        try db.run(
            """
            INSERT INTO legal_holds (id, scope, subject, reason_sealed, placed_by, placed_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [id, key.scope, key.subject, reasonSealed, placedBy, placedAt])
    }

    /// Marks hold `id` released; it then covers nothing.
    static func release(_ db: Database, id: Int, by actor: String, at: String, reasonSealed: [UInt8]) throws {
        try db.run(
            "UPDATE legal_holds SET released_by = ?, released_at = ?, release_reason_sealed = ? WHERE id = ?",
            [actor, at, reasonSealed, id])
    }

    /// Every hold, oldest first; only those in force unless `includeReleased`.
    static func all(_ db: Database, includeReleased: Bool) throws -> [HoldRow] {
        let filter = includeReleased ? "" : " WHERE released_at IS NULL"
        return try db.query("SELECT * FROM legal_holds\(filter) ORDER BY id").map(HoldRow.init(row:))
    }

    /// The live (not destroyed) documents that `key` names now, in reference order.
    static func documents(_ db: Database, named key: HoldKey) throws -> [DocumentRow] {
        let rows: [DocumentRow]
        switch key.scope {
        case "document":
            rows = try DocumentTable.find(db, reference: key.subject).map { [$0] } ?? []
        case "policy":
            rows = try DocumentTable.matching(db, DocumentFilter(policyNo: key.subject))
        case "claim":
            rows = try DocumentTable.matching(db, DocumentFilter(claimNo: key.subject))
        case "customer":
            var filter = DocumentFilter()
            filter.customerIDIndex = [UInt8](hex: key.subject)
            rows = filter.customerIDIndex == nil ? [] : try DocumentTable.matching(db, filter)
        default:
            rows = []
        }
        return rows.filter { $0.status == "active" }
    }
}
