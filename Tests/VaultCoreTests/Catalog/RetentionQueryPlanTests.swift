import Foundation
import Testing

@testable import VaultCore

/// The look-ups `retention due` and `retention set` run once per command seek indexes, never scan a whole table.
@Suite("Query plans of the retention look-ups")
struct RetentionQueryPlanTests {
    /// The `EXPLAIN QUERY PLAN` detail lines of `sql` on a migrated, empty catalogue.
    private static func plan(_ sql: String, bindings: [any SQLBindable] = []) throws -> [String] {
        let folder = try TestVaultFolder()
        let database = try Database(path: folder.path + "/plan.sqlite", create: true)
        try CatalogSchema.migrator.migrate(database)
        return try database.query("EXPLAIN QUERY PLAN " + sql, bindings).compactMap { $0.string("detail") }
    }

    @Test("Loans still out are found by status, then each loan's items by its primary key")
    func allOutstanding() throws {
        let lines = try Self.plan(LoanTable.allOutstandingSQL)
        #expect(lines.first?.hasPrefix("SEARCH l USING COVERING INDEX loans_by_status (status=?)") == true, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("SEARCH i USING PRIMARY KEY (loan_id=?)") }, "\(lines)")
    }

    @Test("A category's documents are found by the unique (category, year, item_no) index, not a scan")
    func category() throws {
        let lines = try Self.plan(
            "SELECT \(RetentionDocument.columns) FROM documents WHERE category = ? AND status = 'active'",
            bindings: ["OT"])
        #expect(
            lines.contains { $0.hasPrefix("SEARCH documents USING INDEX") && $0.contains("(category=?)") }, "\(lines)")
        #expect(!lines.contains { $0.hasPrefix("SCAN") }, "\(lines)")
    }
}
