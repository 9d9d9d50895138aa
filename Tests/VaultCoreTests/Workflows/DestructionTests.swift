import Foundation
import Testing

@testable import VaultCore

/// Destruction: proposal, approval by someone else, execution by crypto-shredding, the register.
@Suite("Destruction: propose, approve, execute, register")
struct DestructionTests {
    /// A date at which every document filed today under OT (10 y after filing) is due.
    static let asOf = "2100-01-01"

    /// A vault with `count` OT documents filed by the archivist, and a compliance user `carol`.
    static func setUp(_ count: Int) throws -> (TestVault, Session, [String]) {
        let test = try TestVault()
        let carol = try test.user("carol", roles: [.compliance])
        var references: [String] = []
        for index in 0..<count {
            references.append(
                try test.fileText("minutes \(index)", name: "minutes-\(index).txt", category: "OT") {
                    $0.title = "Board minutes \(index)"
                    $0.customerName = "张三"
                })
        }
        return (test, carol, references)
    }

    /// Whether `needle` occurs anywhere in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBytes { buffer in
            (0...(haystack.count - needle.count)).contains { start in
                buffer[start] == needle[0] && haystack[start..<start + needle.count].elementsEqual(needle)
            }
        }
    }

    /// The bytes of the catalogue, its WAL and its journal, as they are on disk now.
    static func catalogueFiles(_ test: TestVault) -> [(String, [UInt8])] {
        ["", "-wal", "-journal"].compactMap { suffix in
            let path = test.location.catalogPath + suffix
            return (try? Data(contentsOf: URL(fileURLWithPath: path))).map { (path, [UInt8]($0)) }
        }
    }

    @Test("Proposal lists due documents with rule and dates, leaving out held ones and ones on loan")
    func proposeExcludesHeldAndLent() throws {
        let (test, carol, refs) = try Self.setUp(4)
        _ = try LegalHolds.place(.reference(refs[0]), reason: "litigation", session: carol)
        try test.lend(refs[1])
        let batch = try Destruction.propose(asOf: Self.asOf, category: "ot", session: carol)
        #expect(batch.id == 1)
        #expect(batch.status == "proposed")
        #expect(batch.asOf == Self.asOf)
        #expect(batch.category == "OT")
        #expect(batch.proposedBy == "carol")
        #expect(batch.items.map(\.reference) == [refs[2], refs[3]])
        #expect(batch.items.allSatisfy { $0.status == "proposed" && $0.rule == "10 y after filed" })
        let today = CivilDate(Date()).description
        #expect(batch.items.first?.triggerDate == today)
        let entry = try test.lastAudit()
        #expect(entry.action == "purge.propose")
        #expect(entry.target == "batch:1")
        #expect(entry.details == "as-of=2100-01-01; category=OT; items=2; held=1; on-loan=1")
        // A second proposal finds nothing new: the due items are in an open batch.
        let error = #expect(throws: VaultError.self) {
            try Destruction.propose(asOf: Self.asOf, category: nil, session: carol)
        }
        #expect(error?.exitCode == 1)
        #expect(error?.message.contains("nothing is due for destruction at 2100-01-01") == true)
    }

    @Test("The proposer may not approve or reject their own batch (77); nothing changes")
    func selfApprovalRefused() throws {
        let (test, _, _) = try Self.setUp(1)
        let dual = try test.user("dana", roles: [.compliance, .approver])
        let batch = try Destruction.propose(asOf: Self.asOf, category: nil, session: dual)
        try test.expectFailure(
            .permissionDenied, exit: 77, message: "you proposed batch 1 yourself; another approver must approve it",
            logged: "purge.approve", .denied, details: ""
        ) { _ = try Destruction.approve(batch.id, session: dual) }
        try test.expectFailure(
            .permissionDenied, exit: 77, message: "you proposed batch 1 yourself; another approver must reject it",
            logged: "purge.reject", .denied, details: ""
        ) { _ = try Destruction.reject(batch.id, reason: "mine", session: dual) }
        try test.expectFailure(
            .failure, exit: 1, message: "batch 1 is not approved yet", logged: "purge.execute", .failed, details: ""
        ) { _ = try Destruction.execute(batch.id, session: dual) }
        let approved = try Destruction.approve(batch.id, session: try test.approver())
        #expect(approved.status == "approved")
        #expect(approved.decidedBy == test.approverName)
    }

    @Test("Items may be struck before approval; a rejected batch ends and cannot be executed")
    func strikeAndReject() throws {
        let (test, carol, refs) = try Self.setUp(2)
        let batch = try Destruction.propose(asOf: Self.asOf, category: nil, session: carol)
        let struck = try Destruction.strike(
            batch.id, reference: refs[0].lowercased(), reason: "still needed", session: carol)
        #expect(struck.items.map(\.status) == ["struck", "proposed"])
        #expect(struck.items[0].reason == "still needed")
        #expect(struck.items[0].changedBy == "carol")
        try test.expectFailure(
            .usage, exit: 64, message: "purge strike needs --reason TEXT", logged: "purge.strike", .failed,
            details: "reference=\(refs[1])"
        ) { _ = try Destruction.strike(batch.id, reference: refs[1], reason: " ", session: carol) }
        let rejected = try Destruction.reject(batch.id, reason: "wrong year", session: try test.approver())
        #expect(rejected.status == "rejected")
        #expect(rejected.rejectReason == "wrong year")
        try test.expectFailure(
            .failure, exit: 1, message: "batch 1 was rejected; propose a new batch", logged: "purge.execute", .failed,
            details: ""
        ) { _ = try Destruction.execute(batch.id, session: carol) }
        try test.expectFailure(
            .failure, exit: 1, message: "items may be struck only before approval", logged: "purge.strike", .failed,
            details: "reference=\(refs[1])"
        ) { _ = try Destruction.strike(batch.id, reference: refs[1], reason: "x", session: carol) }
        try test.expectFailure(
            .inputMissing, exit: 66, message: "no destruction batch 9", logged: "purge.show", .failed, details: ""
        ) { _ = try Destruction.show(9, session: carol) }
        // The struck document is whole.
        try test.lend(refs[0])
        #expect(try test.get(refs[0]) == Array("minutes 0".utf8))
    }

    @Test("Execution shreds: blob gone, wrapped key bytes nowhere on disk, tombstone and register right")
    func executeShreds() throws {
        let (test, carol, refs) = try Self.setUp(3)
        let wrapped = try refs.map { try #require(try test.row($0).bytes("wrapped_data_key")) }
        let blobs = try refs.map { try test.blobPath($0) }
        let shas = try refs.map { try CatalogQueries.show($0, session: test.session).sha256 }
        let batch = try Destruction.propose(asOf: Self.asOf, category: nil, session: carol)
        _ = try Destruction.approve(batch.id, session: try test.approver())
        let outcome = try Destruction.execute(batch.id, session: carol)
        #expect(outcome.shredded == refs)
        #expect(outcome.skipped.isEmpty)
        #expect(outcome.batch.status == "executed")
        #expect(outcome.batch.executedBy == "carol")
        for (index, reference) in refs.enumerated() {
            #expect(!FileManager.default.fileExists(atPath: blobs[index]))
            for (path, bytes) in Self.catalogueFiles(test) {
                #expect(!Self.contains(bytes, wrapped[index]), "\(reference)'s wrapped key in \(path)")
            }
            let row = try test.row(reference)
            #expect(row.string("status") == "destroyed")
            #expect(row.bytes("wrapped_data_key") == [])
            for column in [
                "title_sealed", "customer_name_sealed", "customer_id_sealed", "file_name_sealed", "notes_sealed",
                "customer_name_index", "customer_id_index",
            ] {
                #expect(row[column] == .null, "\(column)")
            }
            // The tombstone keeps the plain facts.
            #expect(row.string("reference") == reference)
            #expect(row.string("category") == "OT")
            #expect(row.string("retention_code") == "D10")
        }
        // The register: one entry per item, with what was captured before shredding.
        let register = try Destruction.register(batch.id, session: carol)
        #expect(register.proposer == "carol")
        #expect(register.approver == test.approverName)
        #expect(register.executor == "carol")
        #expect(register.auditAnchor == outcome.batch.auditAnchor)
        #expect(AuditAnchor(register.auditAnchor) != nil)
        #expect(register.entries.map(\.reference) == refs)
        #expect(register.entries.map(\.title) == ["Board minutes 0", "Board minutes 1", "Board minutes 2"])
        #expect(register.entries.map(\.sha256) == shas)
        #expect(register.entries.allSatisfy { $0.retention == "D10 (10 y after filed)" && $0.year == 2024 })
        #expect(register.csv.hasPrefix("reference,title,category,year,retention,period-kept,"))
        #expect(register.text.contains("Board minutes 1"))
        // Filed as a permanent OT record, readable through a loan; no temporary file left.
        let registerRef = try #require(outcome.batch.registerReference)
        #expect(registerRef.hasPrefix("J001-OT-"))
        #expect(registerRef.contains("-Y-"))
        #expect(outcome.batch.registerCSVReference?.contains("-Y-") == true)
        let filed = try CatalogQueries.show(registerRef, session: test.session)
        #expect(filed.type == "destruction-register")
        #expect(filed.title == "Destruction register, batch 1")
        try test.lend(registerRef)
        #expect(try test.get(registerRef) == Array(register.text.utf8))
        // Only this vault's folders: other tests file registers in the same temporary folder at the same time.
        let mine = Destruction.registerFolderPrefix(test.vault.meta.vaultID)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
            .filter { $0.hasPrefix(mine) }
        #expect(leftovers.isEmpty)
        // The register is never due.
        let due = try RetentionReport.due(asOf: "2100-12-31", category: "OT", session: carol)
        #expect(!due.items.map(\.reference).contains(registerRef))
    }

    @Test("Getting, showing, borrowing or holding a destroyed document names the batch and date (66)")
    func destroyedDocumentRefusals() throws {
        let (test, carol, refs) = try Self.setUp(1)
        try test.lend(refs[0])
        _ = try Borrowing.returnLoan(1, session: test.session)
        let batch = try Destruction.propose(asOf: Self.asOf, category: nil, session: carol)
        _ = try Destruction.approve(batch.id, session: try test.approver())
        _ = try Destruction.execute(batch.id, session: carol)
        let day = CivilDate(Date()).description
        let message = "\(refs[0]) was destroyed by destruction batch 1 on \(day)"
        let attempts: [(String, () throws -> Void)] = [
            ("get", { _ = try test.get(refs[0]) }),
            ("show", { _ = try CatalogQueries.show(refs[0], session: test.session) }),
            (
                "borrow",
                {
                    _ = try Borrowing.request(
                        scope: .references([refs[0]]), purpose: "x", days: nil, session: test.session)
                }
            ),
            ("hold", { _ = try LegalHolds.place(.reference(refs[0]), reason: "x", session: carol) }),
        ]
        for (name, attempt) in attempts {
            let error = #expect(throws: VaultError.self, "\(name)") { try attempt() }
            #expect(error?.exitCode == 66, "\(name)")
            #expect(error?.message.hasPrefix(message) == true, "\(name): \(error?.message ?? "")")
        }
        // Filing the same content again works; a tombstone has no digest to compare.
        let again = try test.file([try test.input("again.txt", text: "minutes 0")], category: "OT")
        #expect(again.first?.sameContentAs == [])
        // Listing still works and shows the tombstone.
        let listed = try CatalogQueries.list(DocumentFilter(category: "OT"), session: test.session)
        #expect(listed.first { $0.reference == refs[0] }?.status == "destroyed")
    }

    @Test("A hold placed after approval wins at execution: the item is skipped and reported, the rest shredded")
    func holdAfterApprovalSkips() throws {
        let (test, carol, refs) = try Self.setUp(2)
        let batch = try Destruction.propose(asOf: Self.asOf, category: nil, session: carol)
        _ = try Destruction.approve(batch.id, session: try test.approver())
        let hold = try LegalHolds.place(.reference(refs[1]), reason: "new claim", session: carol)
        let outcome = try Destruction.execute(batch.id, session: carol)
        #expect(outcome.shredded == [refs[0]])
        #expect(outcome.skipped.map(\.reference) == [refs[1]])
        #expect(outcome.skipped.first?.reason == "held by hold \(hold.id)")
        #expect(outcome.batch.items.map(\.status) == ["shredded", "skipped"])
        #expect(outcome.batch.items[1].reason == "held by hold \(hold.id)")
        let skipEntry = try #require(try test.auditEntries().last { $0.target == refs[1] })
        #expect(skipEntry.action == "purge.shred")
        #expect(skipEntry.details == "batch=1; skipped=held-by-hold-\(hold.id)")
        #expect(try test.row(refs[1]).string("status") == "active")
        try test.lend(refs[1])
        #expect(try test.get(refs[1]) == Array("minutes 1".utf8))
        #expect(try Destruction.register(batch.id, session: carol).entries.map(\.reference) == [refs[0]])
    }

    struct Crash: Error {}

    @Test("A crash half-way leaves each item intact or shredded; running execute again finishes the batch")
    func crashThenResume() throws {
        let (test, carol, refs) = try Self.setUp(5)
        let wrapped = try refs.map { try #require(try test.row($0).bytes("wrapped_data_key")) }
        let blobs = try refs.map { try test.blobPath($0) }
        let batch = try Destruction.propose(asOf: Self.asOf, category: nil, session: carol)
        _ = try Destruction.approve(batch.id, session: try test.approver())
        #expect(throws: Crash.self) {
            _ = try Destruction.execute(batch.id, session: carol, progress: nil) { done in
                if done == 2 { throw Crash() }
            }
        }
        for (index, reference) in refs.enumerated() {
            let row = try test.row(reference)
            if index < 2 {
                #expect(row.string("status") == "destroyed")
                #expect(row.bytes("wrapped_data_key") == [])
            } else {
                #expect(row.string("status") == "active")
                #expect(row.bytes("wrapped_data_key") == wrapped[index])
                #expect(FileManager.default.fileExists(atPath: blobs[index]))
            }
        }
        #expect(try Destruction.show(batch.id, session: carol).status == "approved")
        try test.lend(refs[4])
        #expect(try test.get(refs[4]) == Array("minutes 4".utf8))
        _ = try Borrowing.returnLoan(1, session: test.session)
        let outcome = try Destruction.execute(batch.id, session: carol)
        #expect(outcome.shredded == Array(refs[2...]))
        #expect(outcome.batch.status == "executed")
        #expect(outcome.batch.items.allSatisfy { $0.status == "shredded" })
        for (index, path) in blobs.enumerated() {
            #expect(!FileManager.default.fileExists(atPath: path), "\(refs[index])")
            for (file, bytes) in Self.catalogueFiles(test) {
                #expect(!Self.contains(bytes, wrapped[index]), "\(refs[index]) in \(file)")
            }
        }
        #expect(try Destruction.register(batch.id, session: carol).entries.map(\.reference) == refs)
        let error = #expect(throws: VaultError.self) { _ = try Destruction.execute(batch.id, session: carol) }
        #expect(error?.message.contains("batch 1 was already executed") == true)
    }

    @Test(
        "Filing the register and closing the batch commit together: a failure files no register, the re-run files one")
    func registerFiledOnceAcrossAFailedClose() throws {
        let (test, carol, refs) = try Self.setUp(2)
        let batch = try Destruction.propose(asOf: Self.asOf, category: nil, session: carol)
        _ = try Destruction.approve(batch.id, session: try test.approver())
        func registers() throws -> Int {
            try test.database.queryOne(
                "SELECT COUNT(*) AS n FROM documents WHERE doc_type = 'destruction-register'")?.int("n") ?? -1
        }
        func blobFiles() throws -> Int {
            let folder = test.location.vault + "/blobs"
            return try FileManager.default.subpathsOfDirectory(atPath: folder).filter { $0.hasSuffix(".blob") }.count
        }
        // Make the batch's closing fail after the register rows are inserted in the same transaction.
        try test.database.execute(
            """
            CREATE TRIGGER fail_close BEFORE UPDATE OF status ON destruction_batches
            WHEN NEW.status = 'executed' BEGIN SELECT RAISE(ABORT, 'simulated failure'); END
            """)
        #expect(throws: (any Error).self) { _ = try Destruction.execute(batch.id, session: carol) }
        #expect(try registers() == 0)
        #expect(try blobFiles() == 0, "the register's blobs must go with its rolled-back rows")
        #expect(try Destruction.show(batch.id, session: carol).status == "approved")
        for reference in refs { #expect(try test.row(reference).string("status") == "destroyed") }

        try test.database.execute("DROP TRIGGER fail_close")
        let outcome = try Destruction.execute(batch.id, session: carol)
        #expect(outcome.batch.status == "executed")
        #expect(try registers() == 2)
        #expect(try blobFiles() == 2)
        #expect(outcome.batch.registerReference != nil)
    }
}
