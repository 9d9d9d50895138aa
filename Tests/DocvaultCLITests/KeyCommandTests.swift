import Foundation
import Testing

/// `key rotate` and `key status` end to end: re-wrapping, erasure of old keys, resumption, refusals.
@Suite struct KeyCommandTests {
    /// A vault with the clerk, the lender, `comp` (compliance) and `auditor`, `count` documents filed and lent to the clerk.
    static func vault(_ count: Int) throws -> (Sandbox, [String]) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addLender()
        try sandbox.addUser("comp", roles: "compliance")
        try sandbox.addUser("auditor", roles: "auditor")
        let paths = try (0..<count).map { try sandbox.input("claim-\($0).txt", text: "claim voucher \($0)") }
        let references = try sandbox.file(paths)
        try sandbox.lend(references)
        return (sandbox, references)
    }

    /// Bytes of every hex value `sql` selects from the catalogue (read-only).
    static func blobs(_ sandbox: Sandbox, _ sql: String) throws -> [Data] {
        let rows = try #require(try Catalogue.rows(sandbox.vault + "/catalog.sqlite", sql))
        return try rows.map { row in
            let hex = try #require(row.first)
            var bytes = Data()
            var index = hex.startIndex
            while index < hex.endIndex {
                let next = hex.index(index, offsetBy: 2)
                bytes.append(try #require(UInt8(hex[index..<next], radix: 16)))
                index = next
            }
            return bytes
        }
    }

    /// Every live document's wrapped data key and every data-key-wrap key, as stored now.
    static func wrappedKeys(_ sandbox: Sandbox) throws -> [Data] {
        try blobs(sandbox, "SELECT hex(wrapped_data_key) FROM documents WHERE length(wrapped_data_key) > 0;")
            + blobs(sandbox, "SELECT hex(wrapped_key) FROM vault_keys WHERE purpose = 'data-key-wrap';")
    }

    /// Checks that none of `secrets` occurs in the catalogue file or its WAL.
    static func expectErased(_ secrets: [Data], _ sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = Holds.catalogueBytes(sandbox)
        #expect(bytes.count > 4096, sourceLocation: sourceLocation)
        for secret in secrets {
            #expect(
                bytes.range(of: secret) == nil, "an old wrapped key is still on disk", sourceLocation: sourceLocation)
        }
    }

    /// The parsed `key status --json` as `user`.
    static func status(_ sandbox: Sandbox, as user: String = "admin") throws -> [String: Any] {
        let result = try sandbox.run(as: user, ["key", "status", "--json"])
        try #require(result.status == 0, "\(result)")
        return try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
    }

    /// `(epoch, documents, current)` of each epoch in `status`.
    static func epochs(_ status: [String: Any]) -> [[Int]] {
        ((status["epochs"] as? [[String: Any]]) ?? []).map {
            [$0["epoch"] as? Int ?? -1, $0["documents"] as? Int ?? -1, ($0["current"] as? Bool ?? false) ? 1 : 0]
        }
    }

    /// Requires that the clerk can get every one of `references` with its original content.
    static func expectReadable(
        _ references: [String], _ sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation
    )
        throws
    {
        for (index, reference) in references.enumerated() {
            let got = try sandbox.run(["get", reference, "-o", "-"])
            #expect(got.status == 0, "\(reference): \(got)", sourceLocation: sourceLocation)
            #expect(got.stdout == "claim voucher \(index)", sourceLocation: sourceLocation)
        }
    }

    /// Runs `arguments` as the admin with fault point `fault` armed and checks that it died of SIGKILL there.
    static func expectKilled(
        _ sandbox: Sandbox, _ arguments: [String], at fault: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        do {
            let result = try sandbox.run(arguments, environment: ["DOCVAULT_USER": "admin", "DOCVAULT_FAULT": fault])
            Issue.record("not killed at \(fault): \(result)", sourceLocation: sourceLocation)
        } catch let error as HarnessError {
            #expect(error.description.hasSuffix("died of signal 9"), "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func rotateRewrapsEveryDataKeyAndErasesTheOldOnes() throws {
        let (sandbox, references) = try Self.vault(50)
        #expect(Self.epochs(try Self.status(sandbox)) == [[1, 50, 1]])
        let old = try Self.wrappedKeys(sandbox)
        #expect(old.count == 51)
        #expect(old.allSatisfy { $0.count == 60 })
        let blobsBefore = try sandbox.blobFiles().map { try Data(contentsOf: URL(fileURLWithPath: $0)) }

        let rotated = try sandbox.run(as: "admin", ["key", "rotate", "--batch-size", "8"])
        #expect(rotated.status == 0, "\(rotated)")
        #expect(rotated.stdout == "Rotation to epoch 2 finished: 50 data key(s) re-wrapped; older epochs deleted.\n")
        #expect(rotated.stderr == "Rotation to epoch 2 started; new filings use it from now on.\n")

        let status = try Self.status(sandbox, as: "auditor")
        #expect(Self.epochs(status) == [[2, 50, 1]])
        #expect(status["rotationUnfinished"] as? Bool == false)
        let epochRows = try Catalogue.rows(
            sandbox.vault + "/catalog.sqlite",
            "SELECT epoch FROM vault_keys WHERE purpose = 'data-key-wrap'; SELECT DISTINCT key_epoch FROM documents;")
        #expect(epochRows == [["2"], ["2"]])
        // Blobs untouched; old wrapped keys nowhere in the catalogue or its WAL; the new ones differ.
        #expect(try sandbox.blobFiles().map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == blobsBefore)
        Self.expectErased(old, sandbox)
        #expect(Set(try Self.wrappedKeys(sandbox)).isDisjoint(with: Set(old)))
        try Self.expectReadable(references, sandbox)

        let rotations = try sandbox.auditLog().filter { $0.action == "key.rotate" }
        #expect(
            rotations.map(\.details) == ["epoch=2; phase=start", "epoch=2; phase=done; rewrapped=50; epochs-deleted=1"])
        #expect(rotations.allSatisfy { $0.actor == "admin" && $0.outcome == "ok" && $0.isSealed })
        let verified = try sandbox.run(as: "auditor", ["audit", "verify"])
        #expect(verified.status == 0, "\(verified)")
    }

    @Test func statusTable() throws {
        let (sandbox, _) = try Self.vault(2)
        let shown = try sandbox.run(as: "comp", ["key", "status"])
        #expect(shown.status == 0, "\(shown)")
        let lines = shown.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "epoch  created-at            documents  state")
        #expect(lines.count > 1 && lines[1].hasPrefix("1      ") && lines[1].hasSuffix("2          current"))
        #expect(shown.stdout.contains("\nRotation: none in progress.\n"))
        #expect(shown.stdout.contains("\nDestroyed documents (no data key): 0\n"))
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.summary == "key.status:ok" && entry.actor == "comp")
    }

    @Test func killedRotationResumesAndFilingUsesTheNewEpoch() throws {
        let (sandbox, references) = try Self.vault(20)
        let old = try Self.wrappedKeys(sandbox)
        try Self.expectKilled(sandbox, ["key", "rotate", "--batch-size", "3"], at: "rotate.batch-committed:2")

        // Two batches of three committed; the rest still under epoch 1, which is kept.
        let status = try Self.status(sandbox)
        #expect(Self.epochs(status) == [[1, 14, 0], [2, 6, 1]])
        #expect(status["rotationUnfinished"] as? Bool == true)
        let table = try sandbox.run(as: "admin", ["key", "status"])
        #expect(table.stdout.contains("Rotation: unfinished; run 'docvault key rotate' to resume it."))
        try Self.expectReadable(references, sandbox)
        // Half-rotated is a sound state: every blob decrypts with the key of its own epoch.
        let inventory = try sandbox.run(as: "auditor", ["verify", "--full"])
        #expect(inventory.status == 0 && inventory.stdout.contains("decrypted 20"), "\(inventory)")

        // A document filed now is wrapped under the new epoch.
        let late = try sandbox.fileOne(try sandbox.input("late.txt", text: "late"))
        let lateEpoch = try Catalogue.rows(
            sandbox.vault + "/catalog.sqlite", "SELECT key_epoch FROM documents WHERE reference = '\(late)';")
        #expect(lateEpoch == [["2"]])

        let resumed = try sandbox.run(as: "admin", ["key", "rotate", "--batch-size", "3"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stderr == "Resuming the unfinished rotation to epoch 2.\n")
        #expect(
            resumed.stdout
                == "Rotation to epoch 2 finished: 14 data key(s) re-wrapped in this run; older epochs deleted.\n")
        #expect(Self.epochs(try Self.status(sandbox)) == [[2, 21, 1]])
        Self.expectErased(old, sandbox)
        try Self.expectReadable(references, sandbox)
        let verified = try sandbox.run(as: "auditor", ["audit", "verify"])
        #expect(verified.status == 0, "\(verified)")
        let inventoryAfter = try sandbox.run(as: "auditor", ["verify", "--full"])
        #expect(inventoryAfter.status == 0 && inventoryAfter.stdout.contains("decrypted 21"), "\(inventoryAfter)")
        let phases = try sandbox.auditLog().filter { $0.action == "key.rotate" }.map(\.details)
        #expect(phases == ["epoch=2; phase=start", "epoch=2; phase=done; rewrapped=14; epochs-deleted=1"])
    }

    @Test func killedBeforeCleanupFinishesOnRerun() throws {
        let (sandbox, references) = try Self.vault(4)
        try Self.expectKilled(sandbox, ["key", "rotate"], at: "rotate.before-cleanup")
        #expect(Self.epochs(try Self.status(sandbox)) == [[1, 0, 0], [2, 4, 1]])
        let resumed = try sandbox.run(as: "admin", ["key", "rotate"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stdout.hasPrefix("Rotation to epoch 2 finished: 0 data key(s) re-wrapped in this run"))
        #expect(Self.epochs(try Self.status(sandbox)) == [[2, 4, 1]])
        try Self.expectReadable(references, sandbox)
    }

    @Test func rotationAfterDestructionSkipsTombstonesAndLeavesNoKeyBehind() throws {
        let (sandbox, refs) = try PurgeCommandTests.vault(2)
        let destroyedKey = try PurgeCommandTests.wrappedKey(sandbox, refs[0])
        try Holds.place(sandbox, ["--ref", refs[1]])
        let batch = try PurgeCommandTests.propose(sandbox)
        #expect(try sandbox.run(as: Sandbox.lender, ["purge", "approve", String(batch)]).status == 0)
        let executed = try sandbox.run(as: Holds.compliance, ["purge", "execute", String(batch)])
        #expect(executed.status == 0, "\(executed)")
        Self.expectErased([destroyedKey], sandbox)

        let old = try Self.wrappedKeys(sandbox)
        let rotated = try sandbox.run(as: "admin", ["key", "rotate"])
        #expect(rotated.status == 0, "\(rotated)")
        // The kept document and the two registers are re-wrapped; the tombstone has nothing to re-wrap.
        #expect(rotated.stdout.hasPrefix("Rotation to epoch 2 finished: 3 data key(s) re-wrapped"))
        let status = try Self.status(sandbox)
        #expect(Self.epochs(status) == [[2, 3, 1]])
        #expect(status["destroyed"] as? Int == 1)
        Self.expectErased(old + [destroyedKey], sandbox)
    }

    @Test func refusedForOtherRolesWithNothingChanged() throws {
        let (sandbox, _) = try Self.vault(2)
        try sandbox.expectNoChange(audit: ["key.rotate:denied", "key.rotate:denied", "key.status:denied"]) {
            expectFailure(
                try sandbox.run(["key", "rotate"]), 77, ["'clerk' may not key.rotate; it needs the role admin"])
            expectFailure(
                try sandbox.run(as: "comp", ["key", "rotate"]), 77,
                ["'comp' may not key.rotate; it needs the role admin"])
            expectFailure(
                try sandbox.run(as: Sandbox.lender, ["key", "status"]), 77,
                ["'lender' may not key.status; it needs the role admin, compliance, auditor"])
        }
        try sandbox.expectNoChange {
            expectFailure(
                try sandbox.run(as: "admin", ["key", "rotate", "--batch-size", "0"]), 64,
                ["--batch-size needs a number greater than 0"])
            expectFailure(
                try sandbox.run(as: "admin", ["key", "rotate", "--batch-size", "many"]), 64,
                ["--batch-size needs a whole number, not 'many'"])
        }
    }
}
