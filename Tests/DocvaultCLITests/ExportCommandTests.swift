import Foundation
import Testing

/// `export` end to end: export loans, the BagIt package checked by an independent validator, and every refusal.
@Suite struct ExportCommandTests {
    /// A vault with the clerk and the lender, two documents of claim C-EX-1 and one of claim C-EX-2.
    ///
    /// Returns the sandbox, the claim's references and contents (in filing order), and the other reference.
    static func vault() throws -> (Sandbox, [String], [Data], String) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addLender()
        let contents = [pseudoRandomBytes(count: 70_000, seed: 11), Data("损失评估 loss assessment\n".utf8)]
        let form = try sandbox.fileOne(
            try sandbox.input("claim form.pdf", contents[0]),
            ["--category", "CL", "--year", "2024", "--claim", "C-EX-1", "--title", "理赔申请书", "--type", "claim-form"])
        let loss = try sandbox.fileOne(
            try sandbox.input("loss.txt", contents[1]), ["--category", "CL", "--year", "2024", "--claim", "C-EX-1"])
        let other = try sandbox.fileOne(
            try sandbox.input("other.pdf", text: "other claim"),
            ["--category", "CL", "--year", "2024", "--claim", "C-EX-2"])
        return (sandbox, [form, loss], contents, other)
    }

    /// Runs `python3 -c SCRIPT ARGUMENTS`; returns the exit status and standard error.
    static func python(_ script: String, _ arguments: [String]) throws -> (status: Int32, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let error = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Validates the bag at `path` with the `bagit` package from PyPI (checksums, Payload-Oxum, completeness).
    static func validate(_ path: String) throws -> (status: Int32, error: String) {
        let available = try python("import bagit", [])
        try #require(
            available.status == 0, "the bagit validator is missing: python3 -m pip install bagit (.ci/run does this)")
        return try python("import bagit, sys; bagit.Bag(sys.argv[1]).validate()", [path])
    }

    static func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func exportLoanClaimPackageValidatesAsABag() throws {
        let (sandbox, references, contents, _) = try Self.vault()
        let requested = try sandbox.run(
            ["borrow", "request", "--claim", "C-EX-1", "--kind", "export", "--purpose", "移交 to the city archive"])
        #expect(requested.status == 0, "\(requested)")
        let loan = try Sandbox.loanNumber(requestOutput: requested)
        #expect(requested.stdout.contains("Kind: export"), "\(requested)")
        // The approver sees the kind before approving, in the list (JSON and CSV) and in show.
        let listed = try Register.list(sandbox, as: Sandbox.lender)
        #expect(listed.first { $0["id"] as? Int == loan }?["kind"] as? String == "export", "\(listed)")
        #expect(try Register.showText(sandbox, loan, as: Sandbox.lender)["Kind"] == "export")
        let csv = try sandbox.run(as: Sandbox.lender, ["borrow", "list", "--csv"])
        #expect(csv.stdout.hasPrefix("loan,borrower,role,kind,"), "\(csv)")
        #expect(try sandbox.run(as: Sandbox.lender, ["borrow", "approve", String(loan)]).status == 0)

        let last = try sandbox.auditLog().last?.seq ?? 0
        let exported = try sandbox.run(["export", "--claim", "C-EX-1", "-o", "bag"])
        #expect(exported.status == 0, "\(exported)")
        #expect(exported.stdout.hasPrefix("Exported 2 document(s) to bag (4 payload files, "), "\(exported)")
        #expect(exported.stdout.hasSuffix(" under loan \(loan).\n"), "\(exported)")
        let bag = sandbox.work + "/bag"
        let validated = try Self.validate(bag)
        #expect(validated.status == 0, "bagit rejected the package: \(validated.error)")

        // The payload is the original bytes, under data/<reference>/<original name>.
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: "\(bag)/data/\(references[0])/claim form.pdf")) == contents[0])
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(bag)/data/\(references[1])/loss.txt")) == contents[1])
        #expect(try Self.text(bag + "/bagit.txt") == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        let info = try Self.text(bag + "/bag-info.txt").split(separator: "\n").map(String.init)
        let metadataSizes = try references.map {
            try FileManager.default.attributesOfItem(atPath: "\(bag)/data/\($0)/metadata.json")[.size] as? Int ?? -1
        }
        let octets = contents.map(\.count).reduce(0, +) + metadataSizes.reduce(0, +)
        #expect(info.contains("Source-Organization: J001"), "\(info)")
        #expect(info.contains("External-Identifier: loan \(loan)"), "\(info)")
        #expect(info.contains("Contact-Name: \(Sandbox.clerk)"), "\(info)")
        #expect(info.contains("Payload-Oxum: \(octets).4"), "\(info)")
        #expect(info.contains { $0.hasPrefix("Bagging-Date: 20") }, "\(info)")
        let manifest = try Self.text(bag + "/manifest-sha256.txt")
        #expect(manifest.split(separator: "\n").count == 4)
        #expect(manifest.contains("  data/\(references[0])/claim form.pdf\n"))
        let tags = try Self.text(bag + "/tagmanifest-sha256.txt").split(separator: "\n").map {
            $0.split(separator: " ").last ?? ""
        }
        #expect(tags == ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"])

        let metadata = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: "\(bag)/data/\(references[0])/metadata.json")))
                as? [String: Any])
        #expect(metadata["reference"] as? String == references[0])
        #expect(metadata["category"] as? String == "CL")
        #expect(metadata["year"] as? Int == 2024)
        #expect(metadata["type"] as? String == "claim-form")
        #expect(metadata["title"] as? String == "理赔申请书")
        #expect(metadata["claim"] as? String == "C-EX-1")
        #expect(metadata["size"] as? Int == contents[0].count)
        #expect(metadata["filed_by"] as? String == Sandbox.clerk)
        #expect(metadata["media_type"] as? String == "application/pdf")
        #expect((metadata["sha256"] as? String)?.count == 64)
        #expect(manifest.contains("\(metadata["sha256"] as? String ?? "?")  data/\(references[0])/claim form.pdf"))
        #expect(metadata["customer_name"] == nil && metadata["customer_id"] == nil)

        // One `export` entry per document, each naming the loan; no temporary folder is left behind.
        let entries = try sandbox.auditEntries(after: last)
        #expect(entries.map(\.summary) == ["export:ok", "export:ok"], "\(entries)")
        #expect(entries.map(\.target) == references)
        #expect(entries.allSatisfy { Register.detail("loan", in: $0.details) == String(loan) }, "\(entries)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: sandbox.work).filter { $0.contains(".partial-") }
                .isEmpty)

        // The validator really checks: one changed payload byte makes it fail.
        let payload = "\(bag)/data/\(references[1])/loss.txt"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: payload))
        bytes[0] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: payload))
        let tampered = try Self.validate(bag)
        #expect(tampered.status != 0)
        #expect(tampered.error.contains("loss.txt"), "\(tampered.error)")
    }

    @Test func aReadLoanNeverPermitsExport() throws {
        let (sandbox, references, _, _) = try Self.vault()
        let loan = try sandbox.lend(references[0])
        let last = try sandbox.auditLog().last?.seq ?? 0
        try sandbox.expectNoChange(audit: ["export:denied"]) {
            expectFailure(
                try sandbox.run(["export", "--ref", references[0], "-o", "bag"]), 77,
                [
                    "loan \(loan) lets you read \(references[0]) but not export it",
                    "'docvault borrow request \(references[0]) --kind export --purpose TEXT'",
                ])
        }
        let entry = try #require(try sandbox.auditEntries(after: last).first)
        #expect(Register.detail("refused", in: entry.details) == "read-only", "\(entry)")
        #expect(Register.detail("loan", in: entry.details) == String(loan), "\(entry)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.work + "/bag"))
        // The same read loan still permits get.
        #expect(try sandbox.run(["get", references[0], "-o", "-"]).status == 0)
    }

    @Test func anExportLoanMustCoverEveryDocument() throws {
        let (sandbox, references, _, other) = try Self.vault()
        try sandbox.lend(references, kind: "export")
        try sandbox.expectNoChange(audit: ["export:denied"]) {
            expectFailure(
                try sandbox.run(["export", "--ref", references[0], "--ref", other, "-o", "bag"]), 77,
                [
                    "no export loan of yours covers \(other)",
                    "'docvault borrow request \(other) --kind export --purpose TEXT'",
                ])
        }
        #expect(!FileManager.default.fileExists(atPath: sandbox.work + "/bag"))
    }

    @Test func anExistingFolderOrOneInsideTheVaultIsRefused() throws {
        let (sandbox, references, _, _) = try Self.vault()
        try sandbox.lend(references, kind: "export")
        try FileManager.default.createDirectory(atPath: sandbox.work + "/bag", withIntermediateDirectories: false)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: sandbox.work + "/bag/note.txt"))
        try sandbox.expectNoChange(audit: ["export:failed", "export:failed", "export:failed"]) {
            expectFailure(
                try sandbox.run(["export", "--claim", "C-EX-1", "-o", "bag"]), 73,
                ["bag already exists; give -o a new folder name"])
            expectFailure(
                try sandbox.run(["export", "--claim", "C-EX-1", "-o", "vault/bag"]), 64,
                ["refusing to write plaintext inside the vault folder"])
            expectFailure(
                try sandbox.run(["export", "--claim", "C-EX-1", "-o", "missing/bag"]), 66, ["no such folder"])
        }
        try sandbox.expectNoChange {
            expectFailure(try sandbox.run(["export", "--claim", "C-EX-1"]), 64, ["export needs -o DIR"])
            expectFailure(
                try sandbox.run(["export", "--claim", "C-EX-1", "--policy", "P", "-o", "b2"]), 64,
                ["name the documents one way"])
            expectFailure(
                try sandbox.run(["export", "--category", "CL", "-o", "b2"]), 64,
                ["--category and --year go together"])
        }
    }

    @Test func anExpiredExportLoanIsRefused() throws {
        let (sandbox, references, _, _) = try Self.vault()
        let loan = try sandbox.lend(references, kind: "export")
        let later = Register.iso(Date().addingTimeInterval(8 * 86_400))
        try sandbox.expectNoChange(audit: ["export:denied"]) {
            let result = try Register.at(later, sandbox, ["export", "--ref", references[1], "-o", "bag"])
            expectFailure(result, 77, ["loan \(loan) expired on"])
        }
        #expect(!FileManager.default.fileExists(atPath: sandbox.work + "/bag"))
    }

    @Test func categoryAndYearExportsOnlyThatSelection() throws {
        let (sandbox, references, _, other) = try Self.vault()
        try sandbox.lend(references + [other], kind: "export")
        let result = try sandbox.run(["export", "--category", "cl", "--year", "2024", "-o", "all"])
        #expect(result.status == 0, "\(result)")
        let folders = try FileManager.default.contentsOfDirectory(atPath: sandbox.work + "/all/data").sorted()
        #expect(folders == (references + [other]).sorted())
        #expect(try Self.validate(sandbox.work + "/all").status == 0)
        try sandbox.expectNoChange(audit: ["export:failed"]) {
            expectFailure(
                try sandbox.run(["export", "--category", "CL", "--year", "2019", "-o", "none"]), 66,
                ["no active documents are filed under CL 2019"])
        }
    }

    @Test func aBlobFailingMidwayLeavesNoPackageAndAFailedEntry() throws {
        let (sandbox, references, _, _) = try Self.vault()
        let loan = try sandbox.lend(references, kind: "export")
        // A byte near the end of the first document's blob: the header still checks, a later chunk fails.
        let blob = try sandbox.blobFile(of: references[0])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: blob))
        bytes[bytes.count - 30] ^= 0x80
        try bytes.write(to: URL(fileURLWithPath: blob))
        let last = try sandbox.auditLog().last?.seq ?? 0
        expectFailure(
            try sandbox.run(["export", "--claim", "C-EX-1", "-o", "bag"]), 65,
            ["the stored blob of \(references[0]) failed authentication"])
        let entries = try sandbox.auditEntries(after: last)
        // Access was logged before plaintext left; the failure follows, naming the document and loan.
        #expect(entries.map(\.summary) == ["export:ok", "export:ok", "export:failed"], "\(entries)")
        #expect(entries.last?.target == references[0])
        #expect(Register.detail("loan", in: entries.last?.details ?? "") == String(loan))
        let left = try FileManager.default.contentsOfDirectory(atPath: sandbox.work)
        #expect(!left.contains { $0.hasPrefix("bag") }, "\(left)")
    }

    /// A write the system refuses (here a file-size limit) names the package folder and the system's reason.
    @Test func aRefusedWriteNamesTheFolderAndTheReasonAndLeavesNoPackage() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addLender()
        let scan = try sandbox.fileOne(
            try sandbox.input("scan.pdf", pseudoRandomBytes(count: 4 << 20, seed: 12)),
            ["--category", "CL", "--year", "2024", "--claim", "C-BIG-1"])
        try sandbox.lend([scan], kind: "export")
        let last = try sandbox.auditLog().last?.seq ?? 0
        // 2 MiB: room for the catalogue's log, not for the scan's copy in the package.
        let result = try FullDiskTests.runLimited(
            sandbox, blocks: (2 << 20) / 512, ["export", "--claim", "C-BIG-1", "-o", "bag"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr == "error: cannot write bag: file too large\n", "\(result)")
        #expect(result.stdoutData.isEmpty, "\(result)")
        let entries = try sandbox.auditEntries(after: last)
        #expect(entries.map(\.summary) == ["export:ok", "export:failed"], "\(entries)")
        let left = try FileManager.default.contentsOfDirectory(atPath: sandbox.work)
        #expect(!left.contains { $0.hasPrefix("bag") }, "\(left)")
        // Without the limit the same export succeeds.
        #expect(try sandbox.run(["export", "--claim", "C-BIG-1", "-o", "bag"]).status == 0)
        #expect(try Self.validate(sandbox.work + "/bag").status == 0)
    }

    @Test func killedBeforeTheRenameLeavesNoPackage() throws {
        let (sandbox, references, contents, _) = try Self.vault()
        try sandbox.lend(references, kind: "export")
        do {
            let result = try sandbox.run(
                ["export", "--claim", "C-EX-1", "-o", "bag"], environment: ["DOCVAULT_FAULT": "export.before-rename"])
            Issue.record("the fault did not stop export: \(result)")
        } catch {
            #expect("\(error)".contains("died of signal 9"), "\(error)")
        }
        // DIR never appears half-written: the complete bag waits in the private temporary folder.
        #expect(!FileManager.default.fileExists(atPath: sandbox.work + "/bag"))
        let partial = try #require(
            try FileManager.default.contentsOfDirectory(atPath: sandbox.work).first { $0.hasPrefix("bag.partial-") })
        let mode = try FileManager.default.attributesOfItem(atPath: sandbox.work + "/" + partial)[.posixPermissions]
        #expect(mode as? Int == 0o700)
        // Run again: a new package, complete and valid.
        let again = try sandbox.run(["export", "--claim", "C-EX-1", "-o", "bag"])
        #expect(again.status == 0, "\(again)")
        #expect(try Self.validate(sandbox.work + "/bag").status == 0)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: "\(sandbox.work)/bag/data/\(references[1])/loss.txt"))
                == contents[1])
    }

    @Test func aDestroyedDocumentIsNamedWithItsBatch() throws {
        let (sandbox, references) = try PurgeCommandTests.vault(1)
        let batch = try PurgeCommandTests.propose(sandbox)
        #expect(try sandbox.run(as: Sandbox.lender, ["purge", "approve", String(batch)]).status == 0)
        #expect(try sandbox.run(as: Holds.compliance, ["purge", "execute", String(batch)]).status == 0)
        try sandbox.expectNoChange(audit: ["export:failed"]) {
            expectFailure(
                try sandbox.run(["export", "--ref", references[0], "-o", "bag"]), 66,
                ["\(references[0]) was destroyed by destruction batch \(batch) on", "there is nothing to export"])
        }
    }
}
