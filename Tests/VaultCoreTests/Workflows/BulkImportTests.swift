import Foundation
import Testing

@testable import VaultCore

/// Tests of `BulkImport.run` through real blobs: batches, the pipeline's order, a failure part-way.
@Suite("Bulk import")
struct BulkImportTests {
    /// Ten distinct files and a ledger naming them, in `test`'s input folder; returns the ledger and the contents.
    static func ledger(_ test: TestVault, count: Int = 10) throws -> (path: String, contents: [[UInt8]]) {
        var contents: [[UInt8]] = []
        var lines = ["path,category,year,title"]
        for index in 1...count {
            // Several chunks each, and one file over the pipeline's one-block line.
            let size = index == 5 ? EncryptedBlob.ioBufferSize + 40_000 : 20_000 + index * 1_000
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* (index + 3) >> 3) }
            _ = try test.input("scan-\(index).pdf", bytes)
            contents.append(bytes)
            lines.append("scan-\(index).pdf,CL,2024,scan \(index)")
        }
        return (try test.input("ledger.csv", text: lines.joined(separator: "\n")), contents)
    }

    /// Lends every document `result` names to the archivist, so the test can read them back.
    static func lend(_ result: ImportResult, _ test: TestVault) throws {
        _ = try Borrowing.approve(
            try Borrowing.request(
                scope: .references(result.rows.map(\.reference)), purpose: "test access", days: nil,
                session: test.session
            ).id, days: nil, session: try test.approver())
    }

    @Test("Batches commit in ledger order: references follow the rows and every blob reads back as its file")
    func referencesFollowTheLedger() throws {
        let test = try TestVault()
        let (ledger, contents) = try Self.ledger(test)
        let plan = try BulkImport.plan(.manifest(path: ledger, base: nil, encoding: nil), session: test.session)
        var reports: [ImportProgress] = []
        let result = try BulkImport.run(
            plan, session: test.session, limits: .init(documents: 3, bytes: 1 << 30)
        ) { reports.append($0) }
        #expect(result.filed == 10)
        #expect(result.bytes == contents.reduce(0) { $0 + $1.count })
        try Self.lend(result, test)
        for (index, row) in result.rows.enumerated() {
            #expect(row.reference == "J001-CL-2024-D10-\(String(format: "%04d", index + 1))")
            #expect(try test.get(row.reference) == contents[index])
        }
        #expect(test.blobFiles().count == 10)
        #expect(try test.temporaryBlobEntries().isEmpty)
        // Each batch's blobs share one `ab/cd/` folder.
        let folders = try result.rows.map { PathName.parent(try test.blobPath($0.reference)) }
        for batch in [0..<3, 3..<6, 6..<9, 9..<10] {
            #expect(Set(folders[batch]).count == 1, "\(folders)")
        }
        // Documents count up once per batch of three; bytes never go back.
        #expect(reports.map(\.documents).filter { $0 > 0 }.uniqued() == [3, 6, 9, 10])
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.bytes <= $1.bytes })
        #expect(reports.last?.bytes == result.bytes && reports.last?.documents == 10)
    }

    @Test("Batches end at the document or byte limit; a document over the byte limit is a batch of its own")
    func batchRanges() {
        let limits = BulkImport.Limits(documents: 3, bytes: 100)
        #expect(BulkImport.batchRanges([], limits: limits) == [])
        #expect(BulkImport.batchRanges([10, 10, 10, 10], limits: limits) == [0..<3, 3..<4])
        #expect(BulkImport.batchRanges([60, 40, 1, 500, 20], limits: limits) == [0..<2, 2..<3, 3..<4, 4..<5])
        #expect(BulkImport.batchRanges([500], limits: limits) == [0..<1])
    }

    @Test("A re-run with nothing left to file needs no blob-store lock")
    func rerunWithNothingPendingTakesNoLock() throws {
        let test = try TestVault()
        let (ledger, _) = try Self.ledger(test, count: 3)
        let source = ImportSource.manifest(path: ledger, base: nil, encoding: nil)
        _ = try BulkImport.run(try BulkImport.plan(source, session: test.session), session: test.session)
        let purge = try BlobStoreLock.acquire(vault: test.location.vault, .exclusive, purpose: "purge execute")
        defer { purge.release() }
        let again = try BulkImport.run(try BulkImport.plan(source, session: test.session), session: test.session)
        #expect(again.filed == 0 && again.skipped == 3)
    }

    @Test("A file gone after planning stops the import after the batches before it, and a re-run files the rest")
    func fileGoneAfterPlanning() throws {
        let test = try TestVault()
        let (ledger, contents) = try Self.ledger(test)
        let plan = try BulkImport.plan(.manifest(path: ledger, base: nil, encoding: nil), session: test.session)
        let gone = test.folder.path + "/inputs/scan-8.pdf"
        try FileManager.default.removeItem(atPath: gone)
        let before = try test.auditCount()
        let error = #expect(throws: VaultError.self) {
            try BulkImport.run(plan, session: test.session, limits: .init(documents: 3, bytes: 1 << 30))
        }
        #expect(error?.kind == .inputMissing)
        #expect(error?.message == "no such file: \(gone)")
        // Rows 1-6 (two batches) are filed; the batch holding row 8 and the one after it left nothing.
        #expect(try test.documentCount() == 6)
        #expect(test.blobFiles().count == 6)
        #expect(try test.temporaryBlobEntries().isEmpty)
        let entries = try test.auditEntries(after: before)
        #expect(entries.map(\.action) == Array(repeating: "file", count: 6) + ["import"])
        #expect(entries.last?.outcome == .failed)
        #expect(entries.last?.details.hasPrefix("rows=10; filed=6") == true)

        _ = try test.input("scan-8.pdf", contents[7])
        let again = try BulkImport.plan(.manifest(path: ledger, base: nil, encoding: nil), session: test.session)
        let result = try BulkImport.run(again, session: test.session, limits: .init(documents: 3, bytes: 1 << 30))
        #expect(result.filed == 4 && result.skipped == 6)
        #expect(test.blobFiles().count == 10)
        try Self.lend(result, test)
        for (index, row) in result.rows.enumerated() {
            #expect(try test.get(row.reference) == contents[index])
        }
    }
}

extension Array where Element: Hashable {
    /// The elements in order with repeats dropped.
    fileprivate func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
