import Foundation
import Testing

@testable import VaultCore

/// Workflow tests: filing documents, finding them again, and refusing every kind of tampering on the way out.
@Suite("Filing and retrieval")
struct FilingAndRetrievalTests {
    private static let customerName = "Wilhelmina Quackenbush-Oyelaran"
    private static let title = "Zygomorphic hailstorm claim dossier"
    private static let notes = "Adjuster Ptolemy Vanterpool visited on site"

    @Test("Filings share the newest blob's folder until it holds the limit, then draw a new one")
    func filingsShareTheNewestBlobFolder() throws {
        let test = try TestVault()
        #expect(try DocumentTable.recentBlobFolder(test.database) == nil, "an empty vault has no newest blob")
        var ids: [String] = []
        for index in 0..<3 {
            let path = try test.input("scan-\(index).pdf", [UInt8(index), 1, 2, 3])
            let filed = try test.file([path], category: "CL", year: 2024)
            ids.append(try #require(try test.row(filed[0].reference).string("blob_id")))
        }
        #expect(Set(ids.map { $0.prefix(4) }).count == 1, "\(ids)")
        #expect(Set(ids).count == 3, "the other 14 bytes stay random")
        let folder = try #require([UInt8](hex: String(ids[0].prefix(4))))
        #expect(try DocumentTable.recentBlobFolder(test.database, limit: 4) == folder)
        #expect(try DocumentTable.recentBlobFolder(test.database, limit: 3) == nil, "a full folder is not reused")
        for id in ids { #expect(FileManager.default.fileExists(atPath: test.vault.blobs.path(blobID: id))) }
    }

    @Test("A filed document comes back byte for byte with its details opened")
    func fileAndGet() throws {
        let test = try TestVault()
        let content = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let path = try test.input("claim-form.pdf", content)
        let filed = try test.file([path], category: "cl", year: 2024) {
            $0.docType = "claim-form"
            $0.title = Self.title
            $0.customerName = Self.customerName
            $0.customerID = "110105199003071234"
            $0.policyNo = "P-4711"
            $0.claimNo = "C-42"
            $0.docDate = "2024-02-29"
            $0.notes = Self.notes
        }
        #expect(filed.count == 1)
        let document = try #require(filed.first)
        #expect(document.reference == "J001-CL-2024-D10-0001")
        #expect(document.sourcePath == path)
        #expect(document.size == content.count)
        #expect(document.sameContentAs.isEmpty)
        try test.lend(document.reference)
        #expect(try test.get(document.reference) == content)
        let details = try CatalogQueries.show(document.reference.lowercased(), session: test.session)
        #expect(details.reference == "J001-CL-2024-D10-0001")
        #expect(details.category == "CL")
        #expect(details.year == 2024)
        #expect(details.retention == "D10")
        #expect(details.type == "claim-form")
        #expect(details.date == "2024-02-29")
        #expect(details.title == Self.title)
        #expect(details.customerName == Self.customerName)
        #expect(details.customerID == "110105199003071234")
        #expect(details.policyNo == "P-4711")
        #expect(details.claimNo == "C-42")
        #expect(details.fileName == "claim-form.pdf")
        #expect(details.notes == Self.notes)
        #expect(details.size == content.count)
        #expect(details.mediaType == "application/pdf")
        #expect(details.version == 1)
        #expect(details.status == "active")
        #expect(details.filedBy == test.archivist)
        #expect(details.sha256 == (try StreamingHash.digest(.sha256, content)).hexString)
    }

    @Test("An empty file can be filed and retrieved")
    func emptyFile() throws {
        let test = try TestVault()
        let reference = try test.fileText("", name: "empty.txt")
        try test.lend(reference)
        #expect(try test.get(reference).isEmpty)
        #expect(try CatalogQueries.show(reference, session: test.session).title?.hasSuffix("empty.txt") == true)
    }

    @Test("Sealed fields never reach the catalogue file or its WAL in the clear")
    func metadataSealed() throws {
        let test = try TestVault()
        let reference = try test.fileText("body", name: "Xanthippe-Orchestration.txt") {
            $0.title = Self.title
            $0.customerName = Self.customerName
            $0.customerID = "ZQ99887766"
            $0.notes = Self.notes
        }
        let row = try test.row(reference)
        let titleSealed = try #require(row.bytes("title_sealed"))
        #expect(!TestVault.contains(titleSealed, Array(Self.title.utf8)))
        #expect(row.bytes("customer_name_index")?.count == 32)
        #expect(row.bytes("customer_id_index")?.count == 32)
        #expect(row["customer_name"] == .null)
        var catalogue = TestVault.contents(of: test.location.catalogPath)
        catalogue += TestVault.contents(of: test.location.catalogPath + "-wal")
        #expect(catalogue.count > 4096)
        #expect(TestVault.contains(catalogue, Array(reference.utf8)))
        for secret in [
            Self.customerName, "Quackenbush", Self.title, "Zygomorphic", "ZQ99887766", "Vanterpool", "Xanthippe",
        ] {
            #expect(!TestVault.contains(catalogue, Array(secret.utf8)), "\(secret)")
            #expect(!TestVault.contains(catalogue, Array(secret.lowercased().utf8)), "\(secret)")
        }
    }

    @Test("Search by customer name and ID matches after normalisation")
    func blindIndexSearch() throws {
        let test = try TestVault()
        let first = try test.fileText("one") {
            $0.customerName = "Wang Xiao Ming"
            $0.customerID = "11010519900307123X"
        }
        let second = try test.fileText("two") {
            $0.customerName = "Li Lei"
            $0.customerID = "220102198001011234"
        }
        func search(name: String? = nil, id: String? = nil) throws -> [String] {
            var criteria = SearchCriteria()
            criteria.customerName = name
            criteria.customerID = id
            return try CatalogQueries.search(criteria, session: test.session).map(\.reference)
        }
        #expect(try search(name: "wang xiao ming") == [first])
        #expect(try search(name: "  WANG   Xiao\tMING ") == [first])
        #expect(try search(name: "\u{FF37}ang Xiao Ming") == [first])
        #expect(try search(name: "Wang Xiaoming").isEmpty)
        #expect(try search(id: "110105-19900307-123x") == [first])
        #expect(try search(id: "\u{FF11}\u{FF11}\u{FF10}\u{FF11}\u{FF10}\u{FF15}19900307123x") == [first])
        #expect(try search(id: "2201 0219 8001 0112 34") == [second])
        #expect(try search(name: "li lei", id: "11010519900307123X").isEmpty)
        #expect(try search(name: "   ").isEmpty)
        #expect(try search().count == 2)
    }

    @Test("Text search opens titles and notes; plain filters narrow in SQL")
    func textSearchAndFilters() throws {
        let test = try TestVault()
        let storm = try test.fileText("a", category: "CL", year: 2023) {
            $0.title = "Hail storm roof damage"
            $0.policyNo = "P-1"
        }
        let fire = try test.fileText("b", category: "UW", year: 2024) {
            $0.title = "Proposal"
            $0.notes = "Fire risk survey"
            $0.policyNo = "P-2"
        }
        var criteria = SearchCriteria()
        criteria.text = "ROOF hail"
        #expect(try CatalogQueries.search(criteria, session: test.session).map(\.reference) == [storm])
        criteria.text = "survey fire"
        #expect(try CatalogQueries.search(criteria, session: test.session).map(\.reference) == [fire])
        criteria.text = "hail fire"
        #expect(try CatalogQueries.search(criteria, session: test.session).isEmpty)
        #expect(
            try CatalogQueries.list(DocumentFilter(category: "uw"), session: test.session).map(\.reference) == [fire])
        #expect(try CatalogQueries.list(DocumentFilter(year: 2023), session: test.session).map(\.reference) == [storm])
        #expect(
            try CatalogQueries.list(DocumentFilter(policyNo: "P-2"), session: test.session).map(\.reference) == [fire])
        let error = #expect(throws: VaultError.self) {
            _ = try CatalogQueries.list(DocumentFilter(category: "ZZ"), session: test.session)
        }
        #expect(error?.kind == .usage)
    }

    @Test("Reference numbers count per category and year, and finance retention follows the type")
    func referenceNumbering() throws {
        let test = try TestVault(fonds: "K7")
        #expect(try test.fileText("1", category: "CL", year: 2024) == "K7-CL-2024-D10-0001")
        #expect(try test.fileText("2", category: "CL", year: 2024) == "K7-CL-2024-D10-0002")
        #expect(try test.fileText("3", category: "CL", year: 2023) == "K7-CL-2023-D10-0001")
        #expect(try test.fileText("4", category: "UW", year: 2024) == "K7-UW-2024-D10-0001")
        #expect(try test.fileText("5", category: "CU", year: 2024) == "K7-CU-2024-D5-0001")
        #expect(try test.fileText("6", category: "HR", year: 2024) == "K7-HR-2024-D5-0001")
        #expect(
            try test.fileText("7", category: "FI", year: 2024) { $0.docType = "annual-report" } == "K7-FI-2024-Y-0001")
        #expect(
            try test.fileText("8", category: "FI", year: 2024) { $0.docType = "bank-statement" }
                == "K7-FI-2024-D10-0002")
        #expect(try test.fileText("9", category: "FI", year: 2024) { $0.docType = "voucher" } == "K7-FI-2024-D30-0003")
        #expect(try test.fileText("10", category: "FI", year: 2024) == "K7-FI-2024-D30-0004")
        let paths = try (0..<3).map { try test.input("batch-\($0).txt", text: "batch \($0)") }
        #expect(
            try test.file(paths, category: "CL", year: 2024).map(\.reference) == [
                "K7-CL-2024-D10-0003", "K7-CL-2024-D10-0004", "K7-CL-2024-D10-0005",
            ])
        let row = try test.row("K7-FI-2024-Y-0001")
        #expect(row.string("retention_code") == "Y")
        #expect(row.int("item_no") == 1)
    }

    @Test("Filing content already in the vault warns with the earlier reference")
    func sameContentAcrossFilings() throws {
        let test = try TestVault()
        let first = try test.fileText("identical bytes")
        let other = try test.fileText("different bytes")
        let path = try test.input("again.txt", text: "identical bytes")
        let again = try #require(try test.file([path]).first)
        #expect(again.sameContentAs == [first])
        #expect(!again.sameContentAs.contains(other))
        let unrelated = try #require(try test.file([try test.input("new.txt", text: "identical bytez")]).first)
        #expect(unrelated.sameContentAs.isEmpty)
    }

    @Test("Duplicates within one batch are reported once each")
    func sameContentWithinBatch() throws {
        let test = try TestVault()
        let paths = [
            try test.input("a.txt", text: "twin"), try test.input("b.txt", text: "other"),
            try test.input("c.txt", text: "twin"), try test.input("d.txt", text: "twin"),
        ]
        let filed = try test.file(paths)
        #expect(filed.count == 4)
        #expect(filed[0].sameContentAs.isEmpty)
        #expect(filed[1].sameContentAs.isEmpty)
        #expect(filed[2].sameContentAs == [filed[0].reference])
        #expect(filed[3].sameContentAs == [filed[0].reference, filed[2].reference])
    }

    @Test("A missing path fails the whole batch: no rows, no blobs, empty tmp")
    func allOrNothingMissingPath() throws {
        let test = try TestVault()
        let good = try test.input("good.txt", text: "fine")
        let before = try test.catalogueSnapshot()
        let error = #expect(throws: VaultError.self) {
            try test.file([good, test.folder.path + "/inputs/missing.txt"])
        }
        #expect(error?.kind == .inputMissing)
        #expect(error?.exitCode == 66)
        #expect(try test.documentCount() == 0)
        #expect(try test.catalogueSnapshot() == before)
        #expect(test.blobFiles().isEmpty)
        #expect(try test.temporaryBlobEntries().isEmpty)
        // Only the audit log grew: one failed `file` entry, its reason (naming the path) sealed.
        let entry = try test.lastAudit()
        #expect(entry.action == "file")
        #expect(entry.outcome == .failed)
        #expect(entry.actor == test.archivist)
        #expect(entry.details == "files=2; category=CL; year=2024")
        #expect(try test.openSealed(entry)?.contains("missing.txt") == true)
    }

    @Test("A catalogue failure after the blobs were written removes the new blobs")
    func allOrNothingCatalogueFailure() throws {
        let test = try TestVault()
        _ = try test.fileText("already here", category: "OT", year: 2024)
        // A row in another category that already holds the reference the next CL filing will get.
        try test.database.run(
            "UPDATE documents SET reference = 'J001-CL-2024-D10-0002' WHERE reference = 'J001-OT-2024-D10-0001'")
        let blobsBefore = test.blobFiles()
        let before = try test.catalogueSnapshot()
        let entriesBefore = try test.auditCount()
        let paths = [try test.input("x.txt", text: "x"), try test.input("y.txt", text: "y")]
        let error = #expect(throws: VaultError.self) { try test.file(paths, category: "CL", year: 2024) }
        #expect(error?.kind == .failure)
        #expect(try test.documentCount() == 1)
        #expect(try test.catalogueSnapshot() == before)
        #expect(test.blobFiles() == blobsBefore)
        #expect(try test.temporaryBlobEntries().isEmpty)
        // The per-document `ok` entries rolled back with the rows; one `failed` entry remains.
        let added = try test.auditEntries().dropFirst(entriesBefore)
        #expect(added.map(\.action) == ["file"])
        #expect(added.map(\.outcome) == [.failed])
    }

    @Test("Bad requests are usage errors and file nothing")
    func badRequests() throws {
        let test = try TestVault()
        let path = try test.input("a.txt", text: "a")
        let cases: [(inout FilingRequest) -> Void] = [
            { $0.paths = [] }, { $0.category = "XX" }, { $0.year = 1899 }, { $0.year = 2101 },
            { $0.docDate = "2023-02-29" }, { $0.docDate = "29.02.2024" },
        ]
        let before = try test.catalogueSnapshot()
        let entriesBefore = try test.auditCount()
        for configure in cases {
            let error = #expect(throws: VaultError.self) { try test.file([path], configure: configure) }
            #expect(error?.kind == .usage)
        }
        let folderError = #expect(throws: VaultError.self) { try test.file([test.folder.path]) }
        #expect(folderError?.kind == .inputMissing)
        #expect(try test.documentCount() == 0)
        #expect(try test.catalogueSnapshot() == before)
        #expect(test.blobFiles().isEmpty)
        // Every refused request left one `failed` entry and nothing else.
        let added = try test.auditEntries().dropFirst(entriesBefore)
        #expect(added.count == cases.count + 1)
        #expect(added.allSatisfy { $0.action == "file" && $0.outcome == .failed })
    }

    @Test("An unknown reference is input missing")
    func unknownReference() throws {
        let test = try TestVault()
        let output = test.folder.path + "/out.bin"
        let error = #expect(throws: VaultError.self) {
            try Retrieval.get("J001-CL-2024-D10-0001", to: .file(output, overwrite: false), session: test.session)
        }
        #expect(error?.kind == .inputMissing)
        #expect(!FileManager.default.fileExists(atPath: output))
        let getEntry = try test.lastAudit()
        #expect(getEntry.action == "get")
        #expect(getEntry.target == "J001-CL-2024-D10-0001")
        #expect(getEntry.outcome == .failed)
        let show = #expect(throws: VaultError.self) { _ = try CatalogQueries.show("nope", session: test.session) }
        #expect(show?.kind == .inputMissing)
        let showEntry = try test.lastAudit()
        #expect(showEntry.action == "show")
        #expect(showEntry.target == "NOPE")
        #expect(showEntry.outcome == .failed)
    }

    @Test("Output inside the vault folder is refused")
    func outputInsideVault() throws {
        let test = try TestVault()
        let reference = try test.fileText("secret plan")
        try test.lend(reference)
        for output in [test.location.vault + "/plain.txt", test.location.blobsPath + "/x", test.location.vault] {
            let error = #expect(throws: VaultError.self) {
                try Retrieval.get(reference, to: .file(output, overwrite: true), session: test.session)
            }
            #expect(error?.kind == .usage, "\(output)")
        }
        #expect(!FileManager.default.fileExists(atPath: test.location.vault + "/plain.txt"))
        #expect(!FileManager.default.fileExists(atPath: test.location.blobsPath + "/x"))
    }

    @Test("Output through a symbolic link into the vault folder is refused")
    func outputThroughSymlinkIntoVault() throws {
        let test = try TestVault()
        let reference = try test.fileText("secret plan")
        try test.lend(reference)
        let link = test.folder.path + "/looks-harmless"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: test.location.vault)
        let error = #expect(throws: VaultError.self) {
            try Retrieval.get(reference, to: .file(link + "/plain.txt", overwrite: false), session: test.session)
        }
        #expect(error?.kind == .usage)
        #expect(!FileManager.default.fileExists(atPath: test.location.vault + "/plain.txt"))
    }

    @Test("Output into a missing folder is input missing")
    func outputFolderMissing() throws {
        let test = try TestVault()
        let reference = try test.fileText("text")
        try test.lend(reference)
        let error = #expect(throws: VaultError.self) {
            try Retrieval.get(
                reference, to: .file(test.folder.path + "/no/such/out.txt", overwrite: false), session: test.session)
        }
        #expect(error?.kind == .inputMissing)
    }

    @Test("An existing output is kept unless overwriting is asked for")
    func existingOutput() throws {
        let test = try TestVault()
        let reference = try test.fileText("new content")
        try test.lend(reference)
        let output = try test.folder.write("existing.txt", text: "old")
        let error = #expect(throws: VaultError.self) {
            try Retrieval.get(reference, to: .file(output, overwrite: false), session: test.session)
        }
        #expect(error?.kind == .failure)
        #expect(TestVault.contents(of: output) == Array("old".utf8))
        try Retrieval.get(reference, to: .file(output, overwrite: true), session: test.session)
        #expect(TestVault.contents(of: output) == Array("new content".utf8))
        #expect(try TestVault.mode(of: output) == 0o600)
    }

    /// Runs `get` into a fresh output path and checks that it fails with a data error and leaves no file.
    ///
    /// The archivist must hold a loan covering `reference`, or `get` stops at permission denied before
    /// it reaches the damaged data.
    private static func expectDataErrorOnGet(_ test: TestVault, _ reference: String) throws {
        let outputs = test.folder.path + "/outputs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: outputs, withIntermediateDirectories: true)
        let output = outputs + "/doc.bin"
        let error = #expect(throws: VaultError.self) {
            try Retrieval.get(reference, to: .file(output, overwrite: false), session: test.session)
        }
        #expect(error?.kind == .dataError)
        #expect(error?.exitCode == 65)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs).isEmpty)
    }

    @Test("A tampered blob is a data error and leaves no output or temporary file")
    func tamperedBlob() throws {
        let test = try TestVault()
        let content = (0..<40_000).map { UInt8(truncatingIfNeeded: $0) }
        let reference = try #require(try test.file([try test.input("big.bin", content)]).first).reference
        try test.lend(reference)
        let blob = try test.blobPath(reference)
        for offset in [-1, -20_000, 70] {
            try TestVault.flipByte(in: blob, at: offset)
            try Self.expectDataErrorOnGet(test, reference)
            try TestVault.flipByte(in: blob, at: offset)
        }
        #expect(try test.get(reference) == content)
    }

    @Test("A truncated, extended or missing blob is a data error")
    func damagedBlobFiles() throws {
        let test = try TestVault()
        let reference = try test.fileText("short text")
        try test.lend(reference)
        let blob = try test.blobPath(reference)
        let original = TestVault.contents(of: blob)
        try Data(original.dropLast()).write(to: URL(fileURLWithPath: blob))
        try Self.expectDataErrorOnGet(test, reference)
        try Data(original + [0]).write(to: URL(fileURLWithPath: blob))
        try Self.expectDataErrorOnGet(test, reference)
        try FileManager.default.removeItem(atPath: blob)
        try Self.expectDataErrorOnGet(test, reference)
    }

    @Test("Swapping two documents' blob files is a data error for both")
    func swappedBlobs() throws {
        let test = try TestVault()
        let first = try test.fileText("same length A")
        let second = try test.fileText("same length B")
        try test.lend(first, second)
        let firstBlob = try test.blobPath(first)
        let secondBlob = try test.blobPath(second)
        let firstBytes = TestVault.contents(of: firstBlob)
        let secondBytes = TestVault.contents(of: secondBlob)
        #expect(firstBytes.count == secondBytes.count)
        try Data(secondBytes).write(to: URL(fileURLWithPath: firstBlob))
        try Data(firstBytes).write(to: URL(fileURLWithPath: secondBlob))
        try Self.expectDataErrorOnGet(test, first)
        try Self.expectDataErrorOnGet(test, second)
    }

    @Test("Swapping blob ids in the catalogue is a data error")
    func swappedBlobIDs() throws {
        let test = try TestVault()
        let first = try test.fileText("same length A")
        let second = try test.fileText("same length B")
        try test.lend(first, second)
        let firstID = try #require(try test.row(first).string("blob_id"))
        let secondID = try #require(try test.row(second).string("blob_id"))
        try test.database.writeTransaction {
            try test.database.run("UPDATE documents SET blob_id = 'swap' WHERE reference = ?", [first])
            try test.database.run("UPDATE documents SET blob_id = ? WHERE reference = ?", [firstID, second])
            try test.database.run("UPDATE documents SET blob_id = ? WHERE reference = ?", [secondID, first])
        }
        try Self.expectDataErrorOnGet(test, first)
        try Self.expectDataErrorOnGet(test, second)
    }

    @Test("A flipped byte in a sealed field is a data error on show and get")
    func alteredSealedField() throws {
        let test = try TestVault()
        let reference = try test.fileText("content") {
            $0.title = Self.title
            $0.customerName = Self.customerName
        }
        try test.lend(reference)
        for column in ["title_sealed", "customer_name_sealed", "file_name_sealed", "sha256_sealed"] {
            var sealed = try #require(try test.row(reference).bytes(column))
            sealed[sealed.count - 3] ^= 0x10
            try test.database.run("UPDATE documents SET \(column) = ? WHERE reference = ?", [sealed, reference])
            let error = #expect(throws: VaultError.self, "\(column)") {
                _ = try CatalogQueries.show(reference, session: test.session)
            }
            #expect(error?.kind == .dataError, "\(column)")
            try Self.expectDataErrorOnGet(test, reference)
            sealed[sealed.count - 3] ^= 0x10
            try test.database.run("UPDATE documents SET \(column) = ? WHERE reference = ?", [sealed, reference])
        }
        #expect(try CatalogQueries.show(reference, session: test.session).title == Self.title)
    }

    @Test("Swapping sealed titles between two documents is a data error: the seal binds the document")
    func swappedSealedTitles() throws {
        let test = try TestVault()
        let first = try test.fileText("a") { $0.title = "First title" }
        let second = try test.fileText("b") { $0.title = "Other title" }
        let firstTitle = try #require(try test.row(first).bytes("title_sealed"))
        let secondTitle = try #require(try test.row(second).bytes("title_sealed"))
        try test.database.run("UPDATE documents SET title_sealed = ? WHERE reference = ?", [secondTitle, first])
        try test.database.run("UPDATE documents SET title_sealed = ? WHERE reference = ?", [firstTitle, second])
        for reference in [first, second] {
            let error = #expect(throws: VaultError.self) {
                _ = try CatalogQueries.show(reference, session: test.session)
            }
            #expect(error?.kind == .dataError)
        }
        let listError = #expect(throws: VaultError.self) {
            _ = try CatalogQueries.list(DocumentFilter(), session: test.session)
        }
        #expect(listError?.kind == .dataError)
    }

    @Test("A sealed field moved to another column of the same document is a data error")
    func sealedFieldMovedColumn() throws {
        let test = try TestVault()
        let reference = try test.fileText("a") {
            $0.title = "Title"
            $0.notes = "Notes"
        }
        let title = try #require(try test.row(reference).bytes("title_sealed"))
        try test.database.run("UPDATE documents SET notes_sealed = ? WHERE reference = ?", [title, reference])
        let error = #expect(throws: VaultError.self) { _ = try CatalogQueries.show(reference, session: test.session) }
        #expect(error?.kind == .dataError)
    }

    @Test("An altered or swapped wrapped data key is a data error and leaves no output")
    func alteredWrappedDataKey() throws {
        let test = try TestVault()
        let first = try test.fileText("one")
        let second = try test.fileText("two")
        try test.lend(first, second)
        var wrapped = try #require(try test.row(first).bytes("wrapped_data_key"))
        wrapped[5] ^= 1
        try test.database.run("UPDATE documents SET wrapped_data_key = ? WHERE reference = ?", [wrapped, first])
        try Self.expectDataErrorOnGet(test, first)
        let secondKey = try #require(try test.row(second).bytes("wrapped_data_key"))
        try test.database.run("UPDATE documents SET wrapped_data_key = ? WHERE reference = ?", [secondKey, first])
        try Self.expectDataErrorOnGet(test, first)
        try test.database.run("UPDATE documents SET key_epoch = 7 WHERE reference = ?", [second])
        try Self.expectDataErrorOnGet(test, second)
    }

    @Test("An altered catalogued size or version is a data error")
    func alteredPlainColumns() throws {
        let test = try TestVault()
        let first = try test.fileText("some content")
        let second = try test.fileText("more content")
        try test.lend(first, second)
        try test.database.run("UPDATE documents SET size = size + 1 WHERE reference = ?", [first])
        try Self.expectDataErrorOnGet(test, first)
        try test.database.run("UPDATE documents SET version = 2 WHERE reference = ?", [second])
        try Self.expectDataErrorOnGet(test, second)
    }

    @Test("A second session on a reopened vault reads what the first filed")
    func reopenedVault() throws {
        let test = try TestVault()
        let reference = try test.fileText("persisted") { $0.customerName = "Ada" }
        let vault = try Vault.open(test.location)
        let session = try Session.open(
            vault: vault, userName: test.archivist, credential: .keyFile(test.archivistKeyFile))
        let details = try CatalogQueries.show(reference, session: session)
        #expect(details.customerName == "Ada")
        var criteria = SearchCriteria()
        criteria.customerName = "ADA"
        #expect(try CatalogQueries.search(criteria, session: session).map(\.reference) == [reference])
    }
}
