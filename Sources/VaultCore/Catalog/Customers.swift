/// A `customers` row as stored.
struct CustomerRow {
    let id: Int
    let uid: [UInt8]
    let kind: CustomerKind
    let idIndex: [UInt8]
    let recordSealed: [UInt8]
    let valueTier: String?
    let riskTier: String?
    let vipLevel: Int
    let accountManager: String?
    let createdAt: String
    let createdBy: String
    let updatedAt: String
    let updatedBy: String

    init(row: Row) {
        id = row.int("id")
        uid = [UInt8](hex: row.string("uid") ?? "") ?? []
        kind = CustomerKind(rawValue: row.string("kind") ?? "") ?? .individual
        idIndex = row.bytes("id_index") ?? []
        recordSealed = row.bytes("record_sealed") ?? []
        valueTier = row.string("value_tier")
        riskTier = row.string("risk_tier")
        vipLevel = row.int("vip_level")
        accountManager = row.string("account_manager")
        createdAt = row.string("created_at") ?? ""
        createdBy = row.string("created_by") ?? ""
        updatedAt = row.string("updated_at") ?? ""
        updatedBy = row.string("updated_by") ?? ""
    }
}

/// Queries on `customers` and `customer_changes`.
enum CustomerTable {
    static func find(_ db: Database, id: Int) throws -> CustomerRow? {
        try db.queryOne("SELECT * FROM customers WHERE id = ?", [id]).map(CustomerRow.init)
    }

    static func find(_ db: Database, idIndex: [UInt8]) throws -> CustomerRow? {
        try db.queryOne("SELECT * FROM customers WHERE id_index = ?", [idIndex]).map(CustomerRow.init)
    }

    static func all(_ db: Database, manager: String?) throws -> [CustomerRow] {
        if let manager {
            return try db.query("SELECT * FROM customers WHERE account_manager = ? ORDER BY id", [manager])
                .map(CustomerRow.init)
        }
        return try db.query("SELECT * FROM customers ORDER BY id").map(CustomerRow.init)
    }

    static func insert(
        _ db: Database, uid: [UInt8], kind: CustomerKind, idIndex: [UInt8], recordSealed: [UInt8],
        valueTier: String?, riskTier: String?, vipLevel: Int, manager: String?, at: String, by: String
    ) throws -> Int {
        try db.run(
            """
            INSERT INTO customers (uid, kind, id_index, record_sealed, value_tier, risk_tier, vip_level,
                account_manager, created_at, created_by, updated_at, updated_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                uid.hexString, kind.rawValue, idIndex, recordSealed, valueTier, riskTier, vipLevel, manager, at, by,
                at, by,
            ])
        return try db.queryOne("SELECT last_insert_rowid() AS id")?.int("id") ?? 0
    }

    static func update(
        _ db: Database, id: Int, kind: CustomerKind, idIndex: [UInt8], recordSealed: [UInt8], valueTier: String?,
        riskTier: String?, vipLevel: Int, manager: String?, at: String, by: String
    ) throws {
        try db.run(
            """
            UPDATE customers SET kind = ?, id_index = ?, record_sealed = ?, value_tier = ?, risk_tier = ?,
                vip_level = ?, account_manager = ?, updated_at = ?, updated_by = ?
            WHERE id = ?
            """, [kind.rawValue, idIndex, recordSealed, valueTier, riskTier, vipLevel, manager, at, by, id])
    }

    /// The next change number (inside the writing transaction).
    static func nextChangeID(_ db: Database) throws -> Int {
        (try db.queryOne("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM customer_changes")?.int("next")) ?? 1
    }

    static func insertChange(
        _ db: Database, id: Int, customerID: Int, at: String, by: String, fields: String, sealed: [UInt8]
    ) throws {
        try db.run(
            """
            INSERT INTO customer_changes (id, customer_id, changed_at, changed_by, fields, change_sealed)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [id, customerID, at, by, fields, sealed])
    }

    static func changes(_ db: Database, customerID: Int) throws -> [Row] {
        try db.query("SELECT * FROM customer_changes WHERE customer_id = ? ORDER BY id", [customerID])
    }

    /// Documents filed with the customer ID whose blind index is `idIndex`, oldest first.
    static func documents(_ db: Database, idIndex: [UInt8]) throws -> [Row] {
        try db.query(
            """
            SELECT reference, doc_type, doc_date, filed_at, policy_no, claim_no, status FROM documents
            WHERE customer_id_index = ? ORDER BY COALESCE(doc_date, substr(filed_at, 1, 10)), reference
            """, [idIndex])
    }
}
