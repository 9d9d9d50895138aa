/// A `loans` row as stored; `status` is the stored one (never `overdue`).
struct LoanRow {
    let id: Int
    let requester: String
    let purposeSealed: [UInt8]
    let scope: String
    /// `read` or `export` (a read loan never permits export).
    let kind: String
    let requestedDays: Int
    let status: String
    let requestedAt: String
    let decidedBy: String?
    let decidedAt: String?
    let dueAt: String?
    let renewalDays: Int?
    let renewedBy: String?
    let renewedAt: String?
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
        kind = row.string("kind") ?? LoanKind.read.rawValue
        requestedDays = row.int("requested_days")
        status = row.string("status") ?? ""
        requestedAt = row.string("requested_at") ?? ""
        decidedBy = row.string("decided_by")
        decidedAt = row.string("decided_at")
        dueAt = row.string("due_at")
        renewalDays = row["renewal_days"].integer.map { Int($0) }
        renewedBy = row.string("renewed_by")
        renewedAt = row.string("renewed_at")
        returnedBy = row.string("returned_by")
        returnedAt = row.string("returned_at")
        closedBy = row.string("closed_by")
        closedAt = row.string("closed_at")
        reasonSealed = row.bytes("reason_sealed")
    }
}

/// Queries on `loans` and `loan_items`.
enum LoanTable {
    /// The next loan number; call inside the write transaction that inserts it.
    static func nextID(_ db: Database) throws -> Int {
        try db.queryOne("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM loans")?.int("next") ?? 1
    }

    /// Inserts a `requested` loan and the documents it covers.
    static func insert(
        _ db: Database, id: Int, requester: String, purposeSealed: [UInt8], scope: String, days: Int, at: String,
        documentIDs: [Int], kind: LoanKind = .read
    ) throws {
        try db.run(
            """
            INSERT INTO loans (id, requester, purpose_sealed, scope, requested_days, status, requested_at, kind)
            VALUES (?, ?, ?, ?, ?, 'requested', ?, ?)
            """, [id, requester, purposeSealed, scope, days, at, kind.rawValue])
        for documentID in documentIDs {
            try db.run("INSERT INTO loan_items (loan_id, document_id) VALUES (?, ?)", [id, documentID])
        }
    }

    static func find(_ db: Database, id: Int) throws -> LoanRow? {
        try db.queryOne("SELECT * FROM loans WHERE id = ?", [id]).map(LoanRow.init(row:))
    }

    /// Loans of `requester` (all when nil) whose stored status is one of `statuses` (any when nil), oldest first.
    static func all(_ db: Database, requester: String?, statuses: [String]?) throws -> [LoanRow] {
        var clause = WhereClause()
        clause.add("requester = ?", requester)
        var bindings = clause.bindings
        var sql = "SELECT * FROM loans\(clause.sql)"
        if let statuses, !statuses.isEmpty {
            sql +=
                (clause.sql.isEmpty ? " WHERE " : " AND ") + "status IN ("
                + Array(repeating: "?", count: statuses.count).joined(separator: ", ") + ")"
            bindings += statuses.map { $0 as any SQLBindable }
        }
        return try db.query(sql + " ORDER BY id", bindings).map(LoanRow.init(row:))
    }

    /// The references a loan covers, in reference order.
    static func references(_ db: Database, loanID: Int) throws -> [String] {
        try db.query(referencesSQL, [loanID]).compactMap { $0.string("reference") }
    }

    /// Loans of `requester` that include document `documentID`, newest first.
    static func covering(_ db: Database, documentID: Int, requester: String) throws -> [LoanRow] {
        try db.query(coveringSQL, [documentID, requester]).map(LoanRow.init(row:))
    }

    /// The ids of loans still out (stored `active`, overdue included) that include `documentID`.
    static func outstanding(_ db: Database, documentID: Int) throws -> [Int] {
        try db.query(outstandingSQL, [documentID]).map { $0.int("id") }
    }

    // The look-ups `get`, the register and destruction run; a test checks each is served by an index.
    // CROSS JOIN fixes SQLite's join order: start from the one document, never from every active loan.
    static let referencesSQL = """
        SELECT d.reference FROM loan_items i JOIN documents d ON d.id = i.document_id
        WHERE i.loan_id = ? ORDER BY d.reference
        """
    static let coveringSQL = """
        SELECT l.* FROM loan_items i CROSS JOIN loans l ON l.id = i.loan_id
        WHERE i.document_id = ? AND l.requester = ? ORDER BY l.id DESC
        """
    static let outstandingSQL = """
        SELECT l.id FROM loan_items i CROSS JOIN loans l ON l.id = i.loan_id
        WHERE i.document_id = ? AND l.status = 'active' ORDER BY l.id
        """

    /// Sets the named columns of loan `id`.
    static func update(_ db: Database, id: Int, _ assignments: [String: any SQLBindable]) throws {
        let keys = assignments.keys.sorted()
        let sql = "UPDATE loans SET " + keys.map { "\($0) = ?" }.joined(separator: ", ") + " WHERE id = ?"
        try db.run(sql, keys.map { assignments[$0]! } + [id])
    }
}

/// Queries on `vault_settings`, the per-vault policy values such as loan periods.
enum SettingsTable {
    static func value(_ db: Database, _ name: String) throws -> String? {
        try db.queryOne("SELECT value FROM vault_settings WHERE name = ?", [name])?.string("value")
    }

    static func set(_ db: Database, _ name: String, _ value: String) throws {
        try db.run(
            "INSERT INTO vault_settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            [name, value])
    }
}
