import Foundation
import Testing

@testable import VaultCore

/// `list` as a stream: logged with its count before the first row, titles opened one row at a time.
@Suite("Streamed listing")
struct DocumentListingTests {
    @Test("rows arrive in reference order with their titles, after an ok entry that counts them")
    func streamsInOrder() throws {
        let test = try TestVault()
        let first = try test.fileText("a", category: "CL", year: 2024) { $0.title = "Claim form" }
        let second = try test.fileText("b", category: "CL", year: 2024) { $0.title = "Loss assessment" }
        _ = try test.fileText("c", category: "UW", year: 2024) { $0.title = "Policy" }
        let before = try test.auditCount()
        var seen: [ListedDocument] = []
        var entriesAtFirstRow: Int?
        let count = try CatalogQueries.streamList(DocumentFilter(category: "cl", year: 2024), session: test.session) {
            if seen.isEmpty { entriesAtFirstRow = try test.auditCount() }
            seen.append($0)
        }
        #expect(count == 2)
        // The entry is already committed when the first row is handed over.
        #expect(entriesAtFirstRow == before + 1)
        #expect(seen.map(\.reference) == [first, second])
        #expect(seen.map(\.title) == ["Claim form", "Loss assessment"])
        let entry = try test.lastAudit()
        #expect(entry.action == "list" && entry.outcome == .ok)
        #expect(entry.details == "category=cl; year=2024; results=2")
    }

    @Test("a title that fails to open stops the stream and adds a failed entry after the ok one")
    func damagedTitleStopsTheStream() throws {
        let test = try TestVault()
        _ = try test.fileText("a", category: "CL", year: 2024) { $0.title = "Claim form" }
        let damaged = try test.fileText("b", category: "CL", year: 2024) { $0.title = "Loss assessment" }
        // Another row's sealed title: authentic, but bound to the wrong document.
        try test.database.run(
            "UPDATE documents SET title_sealed = (SELECT title_sealed FROM documents WHERE reference != ?) "
                + "WHERE reference = ?", [damaged, damaged])
        let before = try test.auditCount()
        var seen: [String] = []
        #expect(throws: VaultError.self) {
            try CatalogQueries.streamList(DocumentFilter(category: "CL"), session: test.session) {
                seen.append($0.reference)
            }
        }
        #expect(seen.count == 1)
        let entries = try test.auditEntries(after: before)
        #expect(entries.map(\.outcome) == [.ok, .failed])
        #expect(entries.last?.details.contains("listed=1") == true)
    }

    @Test("an unknown category is a usage error, logged, and hands over nothing")
    func unknownCategory() throws {
        let test = try TestVault()
        var called = false
        let error = #expect(throws: VaultError.self) {
            try CatalogQueries.streamList(DocumentFilter(category: "ZZ"), session: test.session) { _ in called = true }
        }
        #expect(error?.kind == .usage)
        #expect(!called)
        #expect(try test.lastAudit().outcome == .failed)
    }
}
