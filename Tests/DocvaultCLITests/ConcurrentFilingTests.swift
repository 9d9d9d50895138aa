import Foundation
import Testing

/// Several `docvault file` processes filing into one vault at the same time all succeed, with unique references.
@Suite(.serialized) struct ConcurrentFilingTests {
    static let filing = ["--category", "CL", "--year", "2024"]

    /// Starts `processes` filers together, each filing `perProcess` small files; returns their runs and inputs.
    static func fileTogether(
        _ sandbox: Sandbox, processes: Int, perProcess: Int, round: Int, readers: [[String]] = []
    ) throws -> (filers: [(CrashRun, [Data])], readers: [CrashRun]) {
        var started: [(RunningDocvault, [Data])] = []
        var inputs: [([String], [Data])] = []
        for process in 0..<processes {
            var paths: [String] = []
            var contents: [Data] = []
            for index in 0..<perProcess {
                let content = Data("round \(round) process \(process) file \(index)".utf8)
                contents.append(content)
                paths.append(try sandbox.input("r\(round)-p\(process)-\(index).txt", content))
            }
            inputs.append((paths, contents))
        }
        // Inputs first, then every process started back to back, so they overlap.
        for (paths, contents) in inputs {
            started.append((try RunningDocvault(sandbox, ["file"] + paths + filing), contents))
        }
        let reading = try readers.map { try RunningDocvault(sandbox, $0) }
        return (try started.map { (try $0.0.wait(), $0.1) }, try reading.map { try $0.wait() })
    }

    /// Checks every filer exited 0 with one reference per file, records them, and checks the vault.
    static func expectAllFiled(
        _ sandbox: Sandbox, _ ledger: CrashLedger, _ filers: [(CrashRun, [Data])], perProcess: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        for (run, contents) in filers {
            #expect(run.status == 0, "\(run)", sourceLocation: sourceLocation)
            #expect(run.references.count == perProcess, "\(run)", sourceLocation: sourceLocation)
            ledger.record(run.references, contents: contents)
        }
        let all = filers.flatMap(\.0.references)
        #expect(Set(all).count == all.count, "duplicate references: \(all)", sourceLocation: sourceLocation)
        // Unique references, gap-free item numbers, one `file` entry each, chain intact, contents read back.
        try sandbox.expectIntact(ledger, sourceLocation: sourceLocation)
    }

    @Test(arguments: [2, 4]) func processesFilingAtOnceAllSucceed(processes: Int) throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addLender()
        let ledger = CrashLedger()
        for round in 1...3 {
            let (filers, _) = try Self.fileTogether(sandbox, processes: processes, perProcess: 3, round: round)
            try Self.expectAllFiled(sandbox, ledger, filers, perProcess: 3)
        }
        #expect(ledger.references.count == processes * 9)
        let items = try Catalogue.rows(sandbox.vault + "/catalog.sqlite", "SELECT MAX(item_no) FROM documents;")
        #expect(items == [["\(processes * 9)"]])
        let filed = try sandbox.auditLog().filter { $0.action == "file" }
        #expect(filed.count == processes * 9 && filed.allSatisfy { $0.outcome == "ok" }, "\(filed)")
    }

    @Test func filersAndReadersAtOnce() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let content = pseudoRandomBytes(count: 2 << 20, seed: 5)
        let reference = try sandbox.fileOne(try sandbox.input("policy.pdf", content))
        try sandbox.lend(reference)
        let ledger = CrashLedger()
        ledger.record([reference], contents: [content], verified: true)
        let get = ["get", reference, "-o", "-"]
        let (filers, readers) = try Self.fileTogether(
            sandbox, processes: 2, perProcess: 3, round: 1, readers: [get, get])
        try Self.expectAllFiled(sandbox, ledger, filers, perProcess: 3)
        for reader in readers {
            #expect(reader.status == 0, "\(reader.stderr)")
            #expect(reader.stdoutData == content)
        }
        #expect(
            try sandbox.auditLog().filter { $0.action == "get" && $0.target == reference }.map(\.outcome) == [
                "ok", "ok",
            ])
    }
}
