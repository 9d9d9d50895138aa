import Foundation
import Testing

@testable import VaultCore

/// `Verification.run` on damage the CLI cannot make cheaply, and its wait for the blob-store lock.
@Suite("Verification")
struct VerificationTests {
    /// A vault with `count` small documents and the admin's session, which may verify.
    static func setUp(_ count: Int) throws -> (TestVault, [String]) {
        let test = try TestVault()
        let references = try (0..<count).map { try test.fileText("verification document \($0)") }
        return (test, references)
    }

    /// Carries a session into the verifying thread and the report out of it.
    final class Run: @unchecked Sendable {
        let session: Session
        var report: VerificationReport?
        var error: Error?
        let finished = DispatchSemaphore(value: 0)

        init(session: Session) { self.session = session }
    }

    @Test("A data key from another row does not unwrap; the other documents verify")
    func foreignDataKey() throws {
        let (test, refs) = try Self.setUp(2)
        try test.database.run(
            "UPDATE documents SET wrapped_data_key = (SELECT wrapped_data_key FROM documents WHERE reference = ?) "
                + "WHERE reference = ?", [refs[1], refs[0]])
        let report = try Verification.run(VerificationOptions(), session: test.adminSession)
        #expect(report.documents == 2)
        #expect(
            report.problems == [
                VerificationProblem(
                    subject: refs[0], kind: "data-key",
                    detail: "its data key does not authenticate (the catalogue row was altered)")
            ])
        #expect(try test.lastAudit().outcome == .failed)
    }

    @Test("A sealed SHA-256 that differs from the content is found by a full run only")
    func digestMismatchNeedsFull() throws {
        let (test, refs) = try Self.setUp(1)
        let uid = try #require([UInt8](hex: try test.row(refs[0]).string("uid") ?? ""))
        let wrong = try test.session.keys.seal(
            bytes: [UInt8](repeating: 7, count: 32), field: "sha256", documentUID: uid)
        try test.database.run("UPDATE documents SET sha256_sealed = ? WHERE reference = ?", [wrong, refs[0]])
        let plain = try Verification.run(VerificationOptions(), session: test.adminSession)
        #expect(plain.problems.isEmpty)
        #expect(plain.decrypted == 0)
        var options = VerificationOptions()
        options.full = true
        let full = try Verification.run(options, session: test.adminSession)
        #expect(full.problems.map(\.kind) == ["digest"])
        #expect(full.problems.first?.subject == refs[0])
        #expect(full.problems.first?.detail == "its content decrypts but differs from the SHA-256 sealed at filing")
        #expect(full.decrypted == 1)
    }

    @Test("The orphan scan waits for a filing that holds the blob-store lock, so its blob is never an orphan")
    func orphanScanWaitsForFiling() throws {
        let (test, _) = try Self.setUp(1)
        // A filing between renaming its blob into place and committing its row.
        let filing = try BlobStoreLock.acquire(vault: test.location.vault, .shared, purpose: "file")
        let pending = test.location.blobsPath + "/ab/00/ab" + String(repeating: "0", count: 30) + ".blob"
        try FileSystem.makeDirectory(test.location.blobsPath + "/ab")
        try FileSystem.makeDirectory(test.location.blobsPath + "/ab/00")
        try Data("not yet catalogued".utf8).write(to: URL(fileURLWithPath: pending))
        let run = Run(session: test.adminSession)
        Thread {
            do {
                run.report = try Verification.run(VerificationOptions(), session: run.session)
            } catch {
                run.error = error
            }
            run.finished.signal()
        }.start()
        #expect(run.finished.wait(timeout: .now() + 0.5) == .timedOut, "verify must wait for the filing")
        // The filing fails and discards its blob, then lets go of the lock.
        try FileManager.default.removeItem(atPath: pending)
        filing.release()
        #expect(run.finished.wait(timeout: .now() + 30) == .success)
        #expect(run.error == nil)
        #expect(run.report?.problems == [])
        #expect(run.report?.blobFiles == 1)
    }
}
