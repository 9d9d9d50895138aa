import Foundation
import Testing

@testable import VaultCore

/// The loan and hold look-ups every `get`, register listing and retention check runs must seek an index, never scan.
@Suite("Query plans of the loan and hold look-ups")
struct QueryPlanTests {
    /// The `EXPLAIN QUERY PLAN` detail lines of `sql` on a migrated, empty catalogue.
    private static func plan(_ sql: String, bindings: [any SQLBindable]) throws -> [String] {
        let folder = try TestVaultFolder()
        let database = try Database(path: folder.path + "/plan.sqlite", create: true)
        try CatalogSchema.migrator.migrate(database)
        return try database.query("EXPLAIN QUERY PLAN " + sql, bindings).compactMap { $0.string("detail") }
    }

    /// A plan line that reads a whole table instead of seeking an index.
    private static func scans(_ lines: [String]) -> [String] {
        lines.filter { $0.hasPrefix("SCAN ") && !$0.contains("USING INDEX") && !$0.contains("USING COVERING INDEX") }
    }

    @Test("get's look-up of the reader's loans covering a document seeks loan_items by document, loans by id")
    func covering() throws {
        let lines = try Self.plan(LoanTable.coveringSQL, bindings: [1, "wang"])
        #expect(Self.scans(lines).isEmpty, "\(lines)")
        #expect(lines.contains { $0.contains("loan_items_by_document") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("SEARCH l USING INTEGER PRIMARY KEY") }, "\(lines)")
    }

    @Test("Filing's look-up of the newest blob and of its folder's size seek the primary key and the blob_id index")
    func recentBlobFolder() throws {
        let newest = try Self.plan(DocumentTable.newestBlobSQL, bindings: [])
        #expect(Self.scans(newest).isEmpty, "\(newest)")
        let folder = try Self.plan(DocumentTable.blobsInFolderSQL, bindings: ["abcd", "abcdg"])
        #expect(Self.scans(folder).isEmpty, "\(folder)")
        #expect(folder.contains { $0.contains("INDEX") && $0.contains("blob_id") }, "\(folder)")
    }

    @Test("Destruction's outstanding-loan check starts from the document, not from every active loan")
    func outstanding() throws {
        let lines = try Self.plan(LoanTable.outstandingSQL, bindings: [1])
        #expect(Self.scans(lines).isEmpty, "\(lines)")
        #expect(lines.first?.hasPrefix("SEARCH i USING COVERING INDEX loan_items_by_document") == true, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("SEARCH l USING INTEGER PRIMARY KEY") }, "\(lines)")
    }

    @Test("A loan's item list seeks loan_items by loan and documents by id")
    func references() throws {
        let lines = try Self.plan(LoanTable.referencesSQL, bindings: [1])
        #expect(Self.scans(lines).isEmpty, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("SEARCH i USING PRIMARY KEY (loan_id=?)") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("SEARCH d USING INTEGER PRIMARY KEY") }, "\(lines)")
    }

    @Test("The register filtered by borrower and status seeks loans_by_requester")
    func register() throws {
        let lines = try Self.plan(
            "SELECT * FROM loans WHERE requester = ? AND status IN (?) ORDER BY id", bindings: ["wang", "active"])
        #expect(Self.scans(lines).isEmpty, "\(lines)")
        #expect(lines.contains { $0.contains("loans_by_requester") }, "\(lines)")
    }

    @Test("The legal-hold look-up for one subject seeks the partial index of holds in force")
    func holdsInForce() throws {
        let lines = try Self.plan(HoldTable.inForceSQL, bindings: ["policy", "P1"])
        #expect(Self.scans(lines).isEmpty, "\(lines)")
        #expect(lines.contains { $0.contains("legal_holds_in_force") }, "\(lines)")
    }
}
