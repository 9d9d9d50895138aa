import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `purge execute` killed with SIGKILL at its fault points and at random moments, then run again to the end.
@Suite(.serialized) struct CrashPurgeTests {
    /// A holds vault with 20 OT documents in approved batch 1; returns the sandbox, the ledger and the references.
    static func approvedBatch() throws -> (Sandbox, CrashLedger, [String]) {
        let sandbox = try Holds.vault()
        var paths: [String] = []
        var contents: [Data] = []
        for index in 0..<20 {
            contents.append(Data("minutes \(index)".utf8))
            paths.append(try sandbox.input("minutes-\(index).txt", contents[index]))
        }
        let references = try sandbox.file(paths, ["--category", "OT", "--year", "2024"])
        let ledger = CrashLedger()
        // Not read back: a loan would make purge skip them. Filing's own tests cover their content.
        ledger.record(references, contents: contents, verified: true)
        ledger.mayBeDestroyed = Set(references)
        let batch = try PurgeCommandTests.propose(sandbox)
        try #require(batch == 1)
        let approved = try sandbox.run(as: Sandbox.lender, ["purge", "approve", "1"])
        try #require(approved.status == 0, "\(approved)")
        return (sandbox, ledger, references)
    }

    /// How many batch items have each status, read with `sqlite3`.
    static func itemStatuses(_ sandbox: Sandbox) throws -> [String: Int] {
        let rows =
            try Catalogue.rows(
                sandbox.vault + "/catalog.sqlite",
                "SELECT status, COUNT(*) FROM destruction_items WHERE batch_id = 1 GROUP BY status;") ?? []
        return Dictionary(uniqueKeysWithValues: rows.compactMap { row in Int(row[1]).map { (row[0], $0) } })
    }

    /// The status of batch 1, read with `sqlite3`.
    static func batchStatus(_ sandbox: Sandbox) throws -> String? {
        try Catalogue.rows(sandbox.vault + "/catalog.sqlite", "SELECT status FROM destruction_batches WHERE id = 1;")?
            .first?.first
    }

    /// Runs `purge execute 1` as the compliance officer, killed at `fault`; requires the kill.
    static func executeKilled(
        _ sandbox: Sandbox, at fault: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let run = try sandbox.runKilled(
            at: fault, ["purge", "execute", "1"], environment: ["DOCVAULT_USER": Holds.compliance])
        try #require(run.wasKilled, "fault point \(fault) never fired: \(run)", sourceLocation: sourceLocation)
    }

    /// After the final run: all 20 shredded, no blob of theirs left, tombstones, the register filed once, chain intact.
    static func expectFinished(
        _ sandbox: Sandbox, _ ledger: CrashLedger, _ references: [String], _ comment: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let check = try sandbox.expectIntact(ledger, adopt: .anyReadable, comment, sourceLocation: sourceLocation)
        #expect(check.shreddedBlobsLeft == 0, "\(check)", sourceLocation: sourceLocation)
        #expect(try itemStatuses(sandbox) == ["shredded": 20], sourceLocation: sourceLocation)
        let catalogue = sandbox.vault + "/catalog.sqlite"
        let tombstones = try Catalogue.rows(
            catalogue,
            "SELECT COUNT(*) FROM documents WHERE status = 'destroyed' AND length(wrapped_data_key) = 0 "
                + "AND title_sealed IS NULL AND file_name_sealed IS NULL AND reference IN ('"
                + references.joined(separator: "','") + "');")
        #expect(tombstones == [["20"]], sourceLocation: sourceLocation)
        let batch = try #require(
            try Catalogue.rows(
                catalogue,
                "SELECT status, register_reference, register_csv_reference FROM destruction_batches WHERE id = 1;")?
                .first, sourceLocation: sourceLocation)
        #expect(batch.first == "executed", "\(batch)", sourceLocation: sourceLocation)
        // Exactly the two register documents were filed besides the batch's twenty.
        let others = try Catalogue.rows(
            catalogue, "SELECT reference FROM documents WHERE status = 'active' ORDER BY reference;")
        #expect(others?.map { $0[0] } == Array(batch.dropFirst()).sorted(), sourceLocation: sourceLocation)
        #expect(Set(check.adopted).isSubset(of: Set(batch.dropFirst())), sourceLocation: sourceLocation)
        let closes = try sandbox.auditLog().filter { $0.action == "purge.close" && $0.outcome == "ok" }
        #expect(closes.count == 1, "\(closes)", sourceLocation: sourceLocation)
        // The blobs of the twenty are gone from disk, and running execute again refuses.
        for reference in references {
            let rows = try Catalogue.rows(catalogue, "SELECT blob_id FROM documents WHERE reference = '\(reference)';")
            let id = Array(rows?.first?.first ?? "")
            #expect(id.count == 32, sourceLocation: sourceLocation)
            guard id.count == 32 else { continue }
            let path = "\(sandbox.vault)/blobs/\(String(id[0..<2]))/\(String(id[2..<4]))/\(String(id)).blob"
            #expect(!FileManager.default.fileExists(atPath: path), "\(reference)", sourceLocation: sourceLocation)
        }
        try sandbox.expectNoChange(audit: ["purge.execute:failed"], sourceLocation: sourceLocation) {
            expectFailure(
                try sandbox.run(as: Holds.compliance, ["purge", "execute", "1"]), 1,
                ["batch 1 was already executed"], sourceLocation: sourceLocation)
        }
    }

    @Test func executeKilledAtEachFaultPointThenFinished() throws {
        let (sandbox, ledger, references) = try Self.approvedBatch()
        try sandbox.expectIntact(ledger)
        // Three items shredded and committed; their blobs wait for the end of the run.
        try Self.executeKilled(sandbox, at: "purge.item-shredded:3")
        var check = try sandbox.expectIntact(ledger, "after purge.item-shredded:3", repair: false)
        #expect(try Self.itemStatuses(sandbox) == ["shredded": 3, "proposed": 17])
        #expect(check.shreddedBlobsLeft == 3, "\(check)")
        // The next run first deletes those three blobs; killed just before.
        try Self.executeKilled(sandbox, at: "purge.before-blob-delete")
        check = try sandbox.expectIntact(ledger, "after purge.before-blob-delete", repair: false)
        #expect(check.shreddedBlobsLeft == 3 && check.orphans == 0, "\(check)")
        // Then it deletes them and shreds four more.
        try Self.executeKilled(sandbox, at: "purge.item-shredded:4")
        check = try sandbox.expectIntact(ledger, "after purge.item-shredded:4", repair: false)
        #expect(try Self.itemStatuses(sandbox) == ["shredded": 7, "proposed": 13])
        #expect(check.shreddedBlobsLeft == 4, "\(check)")
        // All items shredded, the register's first blob written, nothing of it catalogued.
        try Self.executeKilled(sandbox, at: "file.blob-written")
        check = try sandbox.expectIntact(ledger, "after the register's file.blob-written", repair: false)
        #expect(try Self.itemStatuses(sandbox) == ["shredded": 20])
        #expect(check.shreddedBlobsLeft == 0 && check.orphans == 1, "\(check)")
        // Both register blobs written and the batch's closing in the same transaction, killed before commit.
        try Self.executeKilled(sandbox, at: "file.before-commit")
        check = try sandbox.expectIntact(ledger, "after the register's file.before-commit", repair: false)
        #expect(check.orphans == 3, "\(check)")
        #expect(try sandbox.auditLog().filter { $0.action == "purge.close" }.isEmpty)
        let finished = try sandbox.run(as: Holds.compliance, ["purge", "execute", "1"])
        #expect(finished.status == 0, "\(finished)")
        #expect(finished.stdout.hasPrefix("Batch 1 executed: "), "\(finished)")
        try Self.expectFinished(sandbox, ledger, references)
    }

    @Test func executeKilledAtRandomTimesThenFinished() throws {
        let seed = SeededGenerator.crashSeed()
        var random = SeededGenerator(seed: seed)
        let replay = "replay with DOCVAULT_CRASH_SEED=\(seed)"
        let (sandbox, ledger, references) = try Self.approvedBatch()
        var finishedEarly = false
        for round in 1...5 where !finishedEarly {
            let delay = Double.random(in: 0.01...0.25, using: &random)
            let run = try sandbox.runKilled(
                after: delay, ["purge", "execute", "1"], environment: ["DOCVAULT_USER": Holds.compliance])
            #expect(run.wasKilled || run.status == 0, "round \(round): \(run); \(replay)")
            try sandbox.expectIntact(ledger, adopt: .anyReadable, "round \(round), delay \(delay) s; \(replay)")
            // A kill can also land after the closing commit, before the exit: the catalogue decides.
            finishedEarly = try Self.batchStatus(sandbox) == "executed"
            #expect(run.status != 0 || finishedEarly, "round \(round): exit 0 but the batch is open; \(replay)")
            let statuses = try Self.itemStatuses(sandbox)
            #expect(statuses.values.reduce(0, +) == 20 && statuses.keys.allSatisfy { $0 != "skipped" }, "\(replay)")
        }
        if !finishedEarly {
            let finished = try sandbox.run(as: Holds.compliance, ["purge", "execute", "1"])
            #expect(finished.status == 0, "\(finished); \(replay)")
        }
        try Self.expectFinished(sandbox, ledger, references, replay)
    }
}
