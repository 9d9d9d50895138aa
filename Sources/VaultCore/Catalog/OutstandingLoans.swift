extension LoanTable {
    /// Loans still out (approved, not returned) by document id, for evaluating many documents at once.
    static func allOutstanding(_ db: Database) throws -> [Int: [Int]] {
        var loans: [Int: [Int]] = [:]
        for row in try db.query(allOutstandingSQL) { loans[row.int("document_id"), default: []].append(row.int("id")) }
        return loans
    }

    /// Every loan still out with its items: seeks loans by status, then each loan's items (a test checks the plan).
    static let allOutstandingSQL = """
        SELECT i.document_id, l.id FROM loans l CROSS JOIN loan_items i ON i.loan_id = l.id
        WHERE l.status = 'active' ORDER BY l.id
        """
}
