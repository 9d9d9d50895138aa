import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `docvault file` killed with SIGKILL at its fault points and at random moments: nothing committed is lost.
@Suite(.serialized) struct CrashFilingTests {
    static let filing = ["--category", "CL", "--year", "2024"]

    /// A vault with the clerk and the lender, and one document filed normally as the ledger's start.
    static func vault() throws -> (Sandbox, CrashLedger) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addLender()
        let content = Data("first claim".utf8)
        let ledger = CrashLedger()
        ledger.record([try sandbox.fileOne(try sandbox.input("first.txt", content))], contents: [content])
        return (sandbox, ledger)
    }

    /// Kills `file PATHS` at `fault`, checks the invariants and what the crash left, files again, checks again.
    static func killThenRefile(
        _ sandbox: Sandbox, _ ledger: CrashLedger, paths: [String], contents: [Data], fault: String,
        orphans expectedOrphans: Int, partials expectedPartials: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = try CrashInvariants(sandbox: sandbox).check(ledger)
        try #require(before.violations.isEmpty, "\(before)", sourceLocation: sourceLocation)
        let killed = try sandbox.runKilled(at: fault, ["file"] + paths + filing)
        #expect(killed.wasKilled, "fault point \(fault) never fired: \(killed)", sourceLocation: sourceLocation)
        #expect(killed.stdout.isEmpty, "a killed filing printed references: \(killed)", sourceLocation: sourceLocation)
        let after = try sandbox.expectIntact(ledger, "killed at \(fault)", sourceLocation: sourceLocation)
        // The check before this kill ran `verify --repair`, so what is counted now is this crash's alone.
        #expect(after.orphans == expectedOrphans, "\(fault): \(after)", sourceLocation: sourceLocation)
        #expect(after.partials == expectedPartials, "\(fault): \(after)", sourceLocation: sourceLocation)
        // The same filing again succeeds, around whatever the crash left.
        let references = try sandbox.file(paths, filing)
        #expect(Set(references).count == paths.count, sourceLocation: sourceLocation)
        ledger.record(references, contents: contents)
        let final = try sandbox.expectIntact(ledger, "refiled after \(fault)", sourceLocation: sourceLocation)
        #expect(final.orphans == 0 && final.partials == 0, "repair left \(final)", sourceLocation: sourceLocation)
    }

    @Test func singleFileKilledAtEachFaultPoint() throws {
        let (sandbox, ledger) = try Self.vault()
        // Three 1 MiB chunks, so the chunk point fires mid-blob.
        let content = pseudoRandomBytes(count: 3 << 20, seed: 11)
        let path = try sandbox.input("claim.pdf", content)
        for (fault, orphans, partials) in [
            ("blob.chunk-written:2", 0, 1), ("file.blob-written", 1, 0), ("file.before-commit", 1, 0),
        ] {
            try Self.killThenRefile(
                sandbox, ledger, paths: [path], contents: [content], fault: fault, orphans: orphans,
                partials: partials)
        }
        #expect(ledger.references.count == 4)
    }

    @Test func bulkFilingOfTenKilledAtEachFaultPoint() throws {
        let (sandbox, ledger) = try Self.vault()
        var paths: [String] = []
        var contents: [Data] = []
        for index in 0..<10 {
            contents.append(pseudoRandomBytes(count: 1_000 + index * 300_000, seed: UInt64(20 + index)))
            paths.append(try sandbox.input("scan-\(index).tif", contents[index]))
        }
        // The fifth blob half-written after four complete; five blobs complete; all ten complete, none catalogued.
        for (fault, orphans, partials) in [
            ("blob.chunk-written:5", 4, 1), ("file.blob-written:5", 5, 0), ("file.before-commit", 10, 0),
        ] {
            try Self.killThenRefile(
                sandbox, ledger, paths: paths, contents: contents, fault: fault, orphans: orphans, partials: partials)
        }
        #expect(ledger.references.count == 31)
    }

    @Test func sixteenMebibyteFilingKilledAtRandomTimes() throws {
        let seed = SeededGenerator.crashSeed()
        var random = SeededGenerator(seed: seed)
        let replay = "replay with DOCVAULT_CRASH_SEED=\(seed)"
        let (sandbox, ledger) = try Self.vault()
        let content = pseudoRandomBytes(count: 16 << 20, seed: 16)
        let path = try sandbox.input("archive.pdf", content)
        // One uninterrupted run sets the window the kills are spread over.
        let start = Date()
        ledger.record([try sandbox.fileOne(path)], contents: [content])
        let window = max(0.05, Date().timeIntervalSince(start) * 1.2)
        var killed = 0
        for round in 1...20 {
            let delay = Double.random(in: 0...window, using: &random)
            let run = try sandbox.runKilled(after: delay, ["file", path] + Self.filing)
            if run.status == 0 {
                ledger.record(run.references, contents: [content])
            } else {
                #expect(run.wasKilled, "round \(round): \(run); \(replay)")
                killed += 1
            }
            let check = try sandbox.expectIntact(
                ledger, adopt: .contentAmong([content]), "round \(round), delay \(delay) s; \(replay)")
            // Each killed run leaves at most one partial file, which the check's `verify --repair` removes.
            #expect(check.partials <= killed, "round \(round): \(check); \(replay)")
        }
        #expect(killed > 0, "no round was killed in a window of \(window) s; \(replay)")
        let references = try sandbox.file([path])
        ledger.record(references, contents: [content])
        ledger.reverify()
        try sandbox.expectIntact(ledger, "final re-read of every document; \(replay)")
    }
}
