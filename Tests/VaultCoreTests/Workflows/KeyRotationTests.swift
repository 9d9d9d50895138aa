import Foundation
import Testing

@testable import VaultCore

/// Key rotation in process: progress, status, and sessions opened before a rotation.
@Suite struct KeyRotationTests {
    @Test func rotationReportsProgressPerBatchAndStatusCountsEveryEpoch() throws {
        let test = try TestVault()
        let references = try (0..<7).map { try test.fileText("voucher \($0)") }
        var reports: [[Int]] = []
        var started: [Int] = []
        let outcome = try KeyRotation.rotate(
            session: test.adminSession, batchSize: 3,
            started: { epoch, resumed in started = [epoch, resumed ? 1 : 0] },
            progress: { reports.append([$0, $1]) })
        #expect(outcome == RotationOutcome(epoch: 2, rewrapped: 7, resumed: false))
        #expect(started == [2, 0])
        #expect(reports == [[0, 7], [3, 7], [6, 7], [7, 7]])
        let status = try KeyRotation.status(session: test.adminSession)
        #expect(status.epochs.map { [$0.epoch, $0.documents] } == [[2, 7]])
        #expect(status.epochs.first?.current == true)
        #expect(!status.rotationUnfinished)
        #expect(status.destroyed == 0)
        for reference in references {
            #expect(try test.row(reference).int("key_epoch") == 2)
        }
    }

    @Test func sessionOpenedBeforeARotationStillGetsAndFilesUnderTheNewEpoch() throws {
        let test = try TestVault()
        let reference = try test.fileText("policy schedule")
        try test.lend(reference)
        // test.session unwrapped the vault keys when only epoch 1 existed.
        #expect(test.session.keys.currentEpoch == 1)
        try KeyRotation.rotate(session: test.adminSession)
        #expect(test.session.keys.currentEpoch == 1)

        let output = test.folder.path + "/out.txt"
        try Retrieval.get(reference, to: .file(output, overwrite: false), session: test.session)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "policy schedule")
        #expect(test.session.keys.currentEpoch == 2)

        let later = try test.fileText("endorsement")
        #expect(try test.row(later).int("key_epoch") == 2)
        #expect(
            try test.database.query("SELECT epoch FROM vault_keys WHERE purpose = 'data-key-wrap'").map {
                $0.int("epoch")
            } == [2])
    }

    @Test func filingWithAStaleSessionRewrapsUnderTheEpochCurrentAtCommit() throws {
        let test = try TestVault()
        let stale = try Session.open(
            vault: test.vault, userName: test.archivist, credential: .keyFile(test.archivistKeyFile))
        try KeyRotation.rotate(session: test.adminSession)
        try KeyRotation.rotate(session: test.adminSession)
        #expect(stale.keys.currentEpoch == 1)
        let filed = try test.fileAs(stale, [try test.input("late.txt", text: "late claim")])
        let reference = try #require(filed.first?.reference)
        #expect(try test.row(reference).int("key_epoch") == 3)
        try test.lend(reference)
        let output = test.folder.path + "/late-out.txt"
        try Retrieval.get(reference, to: .file(output, overwrite: false), session: test.session)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "late claim")
    }

    @Test func aTamperedWrappedKeyStopsTheRotationWithItsEpochKept() throws {
        let test = try TestVault()
        let first = try test.fileText("one")
        let second = try test.fileText("two")
        try test.database.run(
            "UPDATE documents SET wrapped_data_key = zeroblob(60) WHERE reference = ?", [second])
        #expect(throws: VaultError.self) { try KeyRotation.rotate(session: test.adminSession, batchSize: 1) }
        // The first batch committed; the old epoch stays so nothing becomes unreadable.
        #expect(try test.row(first).int("key_epoch") == 2)
        let status = try KeyRotation.status(session: test.adminSession)
        #expect(status.rotationUnfinished)
        #expect(status.epochs.map { [$0.epoch, $0.documents] } == [[1, 1], [2, 1]])
        let failure = try test.auditEntries().last { $0.action == "key.rotate" }
        #expect(failure?.outcome == .failed)
        #expect(failure?.details == "epoch=2; phase=rewrap")
    }
}
