/// A `loans` row as stored.
struct LoanRow {
    let id: Int
    let requester: String
    let purposeSealed: [UInt8]
    let scope: String
    let requestedDays: Int
    let status: String
    let requestedAt: String
    let decidedBy: String?
    let decidedAt: String?
    let dueAt: String?
    let renewalDays: Int?
    let returnedBy: String?
    let returnedAt: String?
    let closedBy: String?
    let closedAt: String?
    let reasonSealed: [UInt8]?

    init(row: Row) {
        id = row.int("id")
        requester = row.string("requester") ?? ""
        purposeSealed = row.bytes("purpose_sealed") ?? []
        scope = row.string("scope") ?? ""
        requestedDays = row.int("requested_days")
        status = row.string("status") ?? ""
        requestedAt = row.string("requested_at") ?? ""
        decidedBy = row.string("decided_by")
        decidedAt = row.string("decided_at")
        dueAt = row.string("due_at")
        renewalDays = row["renewal_days"].integer.map { Int($0) }
        returnedBy = row.string("returned_by")
        returnedAt = row.string("returned_at")
        closedBy = row.string("closed_by")
        closedAt = row.string("closed_at")
        reasonSealed = row.bytes("reason_sealed")
    }
}

/// Queries on `loans`, `loan_items` and `vault_settings`.
enum LoanTable {
    static func nextID(_ db: Database) throws -> Int {
        try db.queryOne("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM loans")?.int("next") ?? 1
    }

    static func insert(
        _ db: Database, id: Int, requester: String, purposeSealed: [UInt8], scope: String, days: Int, at: String,
        documentIDs: [Int]
    ) throws {
        try db.run(
            """
            INSERT INTO loans (id, requester, purpose_sealed, scope, requested_days, status, requested_at)
            VALUES (?, ?, ?, ?, ?, 'requested', ?)
            """, [id, requester, purposeSealed, scope, days, at])
        for documentID in documentIDs {
            try db.run("INSERT INTO loan_items (loan_id, document_id) VALUES (?, ?)", [id, documentID])
        }
    }

    static func find(_ db: Database, id: Int) throws -> LoanRow? {
        try db.queryOne("SELECT * FROM loans WHERE id = ?", [id]).map(LoanRow.init(row:))
    }

    static func all(_ db: Database, requester: String?, statuses: [String]?) throws -> [LoanRow] {
        var clause = WhereClause()
        clause.add("requester = ?", requester)
        var sql = "SELECT * FROM loans\(clause.sql)"
        if let statuses, !statuses.isEmpty {
            sql +=
                (clause.sql.isEmpty ? " WHERE " : " AND ")
                + "status IN (\(statuses.map { "'\($0)'" }.joined(separator: ", ")))"
        }
        return try db.query(sql + " ORDER BY id", clause.bindings).map(LoanRow.init(row:))
    }

    static func references(_ db: Database, loanID: Int) throws -> [String] {
        try db.query(
            """
            SELECT d.reference FROM loan_items i JOIN documents d ON d.id = i.document_id
            WHERE i.loan_id = ? ORDER BY d.reference
            """, [loanID]
        ).compactMap { $0.string("reference") }
    }

    /// Loans of `requester` that include document `documentID`.
    static func covering(_ db: Database, documentID: Int, requester: String) throws -> [LoanRow] {
        try db.query(
            """
            SELECT l.* FROM loans l JOIN loan_items i ON i.loan_id = l.id
            WHERE i.document_id = ? AND l.requester = ? ORDER BY l.id DESC
            """, [documentID, requester]
        ).map(LoanRow.init(row:))
    }

    static func update(_ db: Database, id: Int, _ assignments: [String: any SQLBindable]) throws {
        let keys = assignments.keys.sorted()
        let sql = "UPDATE loans SET " + keys.map { "\($0) = ?" }.joined(separator: ", ") + " WHERE id = ?"
        try db.run(sql, keys.map { assignments[$0]! } + [id])
    }

    static func setting(_ db: Database, _ name: String) throws -> String? {
        try db.queryOne("SELECT value FROM vault_settings WHERE name = ?", [name])?.string("value")
    }
}
