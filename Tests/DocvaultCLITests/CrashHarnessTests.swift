import Foundation
import Testing

/// The crash harness itself: the checker must notice each broken invariant it claims to check.
@Suite(.serialized) struct CrashHarnessTests {
    /// A vault with the lender and two filed documents, both in the ledger and verified.
    static func vault() throws -> (Sandbox, CrashLedger, [String]) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addLender()
        let contents = [Data("alpha".utf8), Data("beta".utf8)]
        let references = try sandbox.file([
            try sandbox.input("a.txt", contents[0]), try sandbox.input("b.txt", contents[1]),
        ])
        let ledger = CrashLedger()
        ledger.record(references, contents: contents)
        let check = try CrashInvariants(sandbox: sandbox).check(ledger, repair: false)
        try #require(check.violations.isEmpty, "\(check)")
        return (sandbox, ledger, references)
    }

    static func violations(_ sandbox: Sandbox, _ ledger: CrashLedger, adopt: AdoptionPolicy = .none) throws
        -> [String]
    {
        try CrashInvariants(sandbox: sandbox).check(ledger, adopt: adopt, repair: false).violations
    }

    @Test func countsOrphansAndPartialsWithoutCallingThemViolations() throws {
        let (sandbox, ledger, references) = try Self.vault()
        let blob = try sandbox.blobFile(of: references[0])
        let orphan = sandbox.vault + "/blobs/00/00/0000000000000000000000000000abcd.blob"
        try FileManager.default.createDirectory(
            atPath: sandbox.vault + "/blobs/00/00", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: blob, toPath: orphan)
        try Data([1]).write(to: URL(fileURLWithPath: sandbox.vault + "/blobs/tmp/1234.partial"))
        let check = try CrashInvariants(sandbox: sandbox).check(ledger, repair: false)
        #expect(check.violations.isEmpty, "\(check)")
        #expect(check.orphans == 1 && check.partials == 1, "\(check)")
    }

    @Test func findsAMissingBlobALostRowAndAGap() throws {
        let (sandbox, ledger, references) = try Self.vault()
        let blob = try sandbox.blobFile(of: references[1])
        let moved = sandbox.root + "/moved.blob"
        try FileManager.default.moveItem(atPath: blob, toPath: moved)
        #expect(try Self.violations(sandbox, ledger) == ["\(references[1]) has no blob file \(Self.blobID(blob))"])
        try FileManager.default.moveItem(atPath: moved, toPath: blob)

        let catalogue = sandbox.vault + "/catalog.sqlite"
        try Catalogue.execute(catalogue, "UPDATE documents SET item_no = 7 WHERE reference = '\(references[1])';")
        #expect(try Self.violations(sandbox, ledger).contains { $0.hasPrefix("item numbers of CL 2024 have gaps") })
        try Catalogue.execute(catalogue, "UPDATE documents SET item_no = 2 WHERE reference = '\(references[1])';")

        try Catalogue.execute(catalogue, "DELETE FROM documents WHERE reference = '\(references[0])';")
        // The checker's own loan still names the row: the foreign keys catch that first.
        let dangling = try Self.violations(sandbox, ledger)
        #expect(dangling.count == 1 && dangling[0].hasPrefix("foreign_key_check: "), "\(dangling)")
        try Catalogue.execute(catalogue, "DELETE FROM loan_items WHERE document_id NOT IN (SELECT id FROM documents);")
        let lost = try Self.violations(sandbox, ledger)
        #expect(lost.contains("committed \(references[0]) is no longer catalogued"), "\(lost)")
        #expect(lost.contains("audit entry 'file' names \(references[0]), which is not catalogued"), "\(lost)")
        #expect(lost.contains { $0.hasPrefix("item numbers of CL 2024 have gaps") }, "\(lost)")
    }

    @Test func findsWrongContentUnreportedRowsAndABrokenChain() throws {
        let (sandbox, ledger, references) = try Self.vault()
        ledger.record([references[0]], contents: [Data("not alpha".utf8)])
        ledger.reverify([references[0]])
        #expect(try Self.violations(sandbox, ledger) == ["\(references[0]) no longer decrypts to what was filed"])
        ledger.record([references[0]], contents: [Data("alpha".utf8)])

        let gamma = Data("gamma".utf8)
        let extra = try sandbox.fileOne(try sandbox.input("c.txt", gamma))
        #expect(try Self.violations(sandbox, ledger) == ["rows no finished run reported: [\"\(extra)\"]"])
        #expect(
            try Self.violations(sandbox, ledger, adopt: .contentAmong([Data("delta".utf8)]))
                == ["\(extra) holds content no run was filing"])
        let adopted = try CrashInvariants(sandbox: sandbox).check(ledger, adopt: .contentAmong([gamma]))
        #expect(adopted.violations.isEmpty && adopted.adopted == [extra], "\(adopted)")
        #expect(ledger.references.contains(extra))

        try Catalogue.execute(
            sandbox.vault + "/catalog.sqlite", "UPDATE audit_log SET target = 'x' WHERE action = 'file';")
        let broken = try Self.violations(sandbox, ledger)
        #expect(broken.first?.hasPrefix("audit verify: exit 65") == true, "\(broken)")
    }

    @Test func killsAtAFaultPointAndAfterADelay() throws {
        let (sandbox, ledger, _) = try Self.vault()
        let path = try sandbox.input("big.bin", pseudoRandomBytes(count: 8 << 20, seed: 3))
        let atPoint = try sandbox.runKilled(
            at: "file.blob-written", ["file", path, "--category", "CL", "--year", "2024"])
        #expect(atPoint.wasKilled && atPoint.status == nil, "\(atPoint)")
        let immediately = try sandbox.runKilled(after: 0, ["file", path, "--category", "CL", "--year", "2024"])
        #expect(immediately.wasKilled, "\(immediately)")
        let unarmed = try sandbox.runKilled(at: "no.such-point", ["list"])
        #expect(unarmed.status == 0 && unarmed.signal == nil, "\(unarmed)")
        let check = try CrashInvariants(sandbox: sandbox).check(ledger, repair: false)
        #expect(check.violations.isEmpty && check.orphans == 1, "\(check)")
    }

    static func blobID(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }
}
