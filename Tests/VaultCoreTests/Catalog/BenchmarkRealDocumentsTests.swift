import Foundation
import Testing

@testable import VaultCore

/// The bench's real seeding: rows that `show`, `search` and `audit verify` treat like filed documents.
@Suite struct BenchmarkRealDocumentsTests {
    @Test func seededRowsOpenAndAreFoundByEverySearch() throws {
        let vault = try TestVault()
        let real = try vault.fileText("a real document", category: "CL", year: 2015)
        let seeded = try BenchmarkSupport.fillRealDocuments(session: vault.session, count: 200, batchSize: 64)
        #expect(seeded.count == 200)
        let count = try #require(try vault.database.queryOne("SELECT COUNT(*) AS n FROM documents")?.int("n"))
        #expect(count == 201)

        let shown = try CatalogQueries.show(seeded.sampleReference, session: vault.session)
        #expect(shown.title?.hasPrefix("claim-form water water water 0") == true)
        #expect(shown.customerID == seeded.sampleCustomerID)
        #expect(shown.policyNo == seeded.samplePolicy)
        #expect(shown.sha256.count == 64)
        // The first CL 2015 row follows the real document's item number instead of colliding with it.
        #expect(real.hasSuffix("-0001"))
        #expect(seeded.sampleReference == real.replacingOccurrences(of: "-0001", with: "-0002"))

        var byPolicy = SearchCriteria()
        byPolicy.filter.policyNo = seeded.samplePolicy
        #expect(try CatalogQueries.search(byPolicy, session: vault.session).count == 4)
        var byCustomer = SearchCriteria()
        byCustomer.customerID = seeded.sampleCustomerID
        #expect(
            try CatalogQueries.search(byCustomer, session: vault.session).map(\.reference) == [seeded.sampleReference])
        var byText = SearchCriteria()
        byText.text = seeded.sampleWord
        let found = try CatalogQueries.search(byText, session: vault.session)
        #expect(!found.isEmpty)
        #expect(found.allSatisfy { $0.title?.contains(seeded.sampleWord) == true })
    }

    @Test func everySeededRowHasAChainedFileEntry() throws {
        let vault = try TestVault()
        let before = try vault.auditEntries().count
        let seeded = try BenchmarkSupport.fillRealDocuments(session: vault.session, count: 30)
        let added = try vault.auditEntries().dropFirst(before)
        #expect(added.count == 30)
        #expect(added.allSatisfy { $0.action == "file" && $0.actor == vault.archivist && $0.outcome == .ok })
        #expect(added.contains { $0.target == seeded.sampleReference })
        let verified = try AuditQueries.verify(anchor: nil, session: try vault.user("ada", roles: [.auditor]))
        #expect(verified.firstBroken == nil)
    }

    @Test func seedingNeedsTheFilePermission() throws {
        let vault = try TestVault()
        #expect(throws: VaultError.self) {
            try BenchmarkSupport.fillRealDocuments(session: vault.adminSession, count: 5)
        }
        let count = try #require(try vault.database.queryOne("SELECT COUNT(*) AS n FROM documents")?.int("n"))
        #expect(count == 0)
    }
}
