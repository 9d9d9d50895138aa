extension LoanTable {
    /// Loans still out (approved, not returned) by document id, for evaluating many documents at once.
    static func allOutstanding(_ db: Database) throws -> [Int: [Int]] {
        var loans: [Int: [Int]] = [:]
        let rows = try db.query(
            """
            SELECT i.document_id, l.id FROM loans l CROSS JOIN loan_items i ON i.loan_id = l.id
            WHERE l.status = 'active' ORDER BY l.id
            """)
        for row in rows { loans[row.int("document_id"), default: []].append(row.int("id")) }
        return loans
    }
}
