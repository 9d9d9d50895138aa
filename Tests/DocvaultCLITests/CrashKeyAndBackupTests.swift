import Foundation
import Testing

/// `key rotate` and `backup` killed with SIGKILL at random moments: the live vault loses nothing and stays verifiable.
///
/// Their fault-point tests (`KeyCommandTests`, `BackupCommandTests`) stop them at known places;
/// these rounds stop them anywhere and run the harness's full check after each kill: every
/// committed document still decrypts to its bytes, no row without its blob, the audit chain
/// intact, and `verify --repair` then `verify` clean.
@Suite(.serialized) struct CrashKeyAndBackupTests {
    /// A vault with `count` small documents filed by the clerk, all in the ledger.
    static func vault(_ count: Int) throws -> (Sandbox, CrashLedger) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let contents = (0..<count).map { pseudoRandomBytes(count: 2_000 + $0 * 97, seed: UInt64(300 + $0)) }
        let paths = try contents.enumerated().map { try sandbox.input("doc-\($0.offset).pdf", $0.element) }
        let ledger = CrashLedger()
        ledger.record(try sandbox.file(paths), contents: contents)
        return (sandbox, ledger)
    }

    @Test func keyRotateKilledAtRandomTimesLosesNothing() throws {
        let seed = SeededGenerator.crashSeed()
        var random = SeededGenerator(seed: seed)
        let replay = "replay with DOCVAULT_CRASH_SEED=\(seed)"
        let (sandbox, ledger) = try Self.vault(24)
        try sandbox.expectIntact(ledger)
        // One whole rotation, timed, sets the window the kills land in (this machine's speed, not a guess).
        let started = Date()
        let whole = try sandbox.run(as: "admin", ["key", "rotate", "--batch-size", "1"])
        let window = Date().timeIntervalSince(started)
        try #require(whole.status == 0, "\(whole)")
        var killed = 0
        for round in 1...5 {
            let delay = Double.random(in: (window * 0.1)...(window * 0.9), using: &random)
            let run = try sandbox.runKilled(
                after: delay, ["key", "rotate", "--batch-size", "1"], environment: ["DOCVAULT_USER": "admin"])
            #expect(run.wasKilled || run.status == 0, "round \(round): \(run); \(replay)")
            if run.wasKilled { killed += 1 }
            // Every document must still decrypt, whichever epoch its key was left under.
            ledger.reverify()
            try sandbox.expectIntact(ledger, "round \(round), delay \(delay) s; \(replay)")
        }
        let finished = try sandbox.run(as: "admin", ["key", "rotate"])
        #expect(finished.status == 0, "\(finished); \(replay)")
        let status = try sandbox.run(as: "admin", ["key", "status", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: status.stdoutData) as? [String: Any])
        #expect(object["rotationUnfinished"] as? Bool == false, "\(status)")
        #expect((object["epochs"] as? [Any])?.count == 1, "\(status)")
        ledger.reverify()
        try sandbox.expectIntact(ledger, "after the final rotation; \(replay)")
        // A round may also finish before its kill lands; at least one must have been a real crash.
        #expect(killed > 0, "no round was killed; \(replay)")
    }

    @Test func backupKilledAtRandomTimesLosesNothing() throws {
        let seed = SeededGenerator.crashSeed()
        var random = SeededGenerator(seed: seed)
        let replay = "replay with DOCVAULT_CRASH_SEED=\(seed)"
        let (sandbox, ledger) = try Self.vault(24)
        let destination = sandbox.root + "/backup"
        for round in 1...4 {
            let more = pseudoRandomBytes(count: 50_000, seed: UInt64(900 + round))
            ledger.record(try sandbox.file([try sandbox.input("late-\(round).pdf", more)]), contents: [more])
            let delay = Double.random(in: 0.01...0.3, using: &random)
            let run = try sandbox.runKilled(
                after: delay, ["backup", destination], environment: ["DOCVAULT_USER": "admin"])
            #expect(run.wasKilled || run.status == 0, "round \(round): \(run); \(replay)")
            try sandbox.expectIntact(ledger, "round \(round), delay \(delay) s; \(replay)")
        }
        let final = try sandbox.run(as: "admin", ["backup", destination])
        #expect(final.status == 0, "\(final); \(replay)")
        let checked = try sandbox.run(["backup", "verify", destination])
        #expect(checked.status == 0 && checked.stdout.contains("is intact: 29 files"), "\(checked); \(replay)")
    }
}
