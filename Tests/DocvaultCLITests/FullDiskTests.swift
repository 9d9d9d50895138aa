import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Filing onto a full disk fails with exit 74 and one clear line, and leaves no row, blob or partial file.
@Suite(.serialized) struct FullDiskTests {
    /// What `file` prints when the disk fills up while it writes a blob.
    static let diskFull =
        "error: the disk is full (or a file size limit was hit) while writing the blob; nothing was filed; "
        + "free space on the vault's disk and file again\n"

    /// Whether this machine lets the tests mount a tmpfs (they run as root in the CI container).
    static let canMountTmpfs: Bool = {
        var template = Array((NSTemporaryDirectory() + "/docvault-mount-probe-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { return false }
        let folder = String(cString: made)
        defer { rmdir(folder) }
        guard mount("tmpfs", folder, "tmpfs", 0, "size=64k") == 0 else { return false }
        umount(folder)
        return true
    }()

    /// Runs `docvault arguments` through `/bin/sh` with the file size limit at `blocks` 512-byte blocks and SIGXFSZ ignored.
    static func runLimited(_ sandbox: Sandbox, blocks: Int, _ arguments: [String]) throws -> CLIResult {
        let binary = try #require(CLI.binary)
        let quoted = ([binary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        // Ignored SIGXFSZ: write(2) past the limit returns EFBIG instead of killing the process.
        let script = "ulimit -f \(blocks); trap '' XFSZ; exec \(quoted.joined(separator: " "))"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: sandbox.work)
        process.environment = CLI.baseEnvironment().merging(sandbox.defaultEnvironment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationReason == .exit, "docvault died of signal \(process.terminationStatus)")
        return CLIResult(status: process.terminationStatus, stdoutData: outData, stderrData: errData)
    }

    /// Checks that a failed filing left the vault as it was: no row, no blob, no partial, one `file:failed` entry.
    static func expectNothingFiled(
        _ sandbox: Sandbox, _ ledger: CrashLedger, before: TreeSnapshot, auditBefore: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let added = try sandbox.auditEntries(after: auditBefore).map(\.summary)
        #expect(added == ["file:failed"], "\(added)", sourceLocation: sourceLocation)
        let after = try TreeSnapshot(sandbox.vault + "/blobs")
        #expect(
            after == before, "blobs changed: \(before.differences(from: after))", sourceLocation: sourceLocation)
        let check = try sandbox.expectIntact(ledger, sourceLocation: sourceLocation)
        #expect(check.orphans == 0 && check.partials == 0, "\(check)", sourceLocation: sourceLocation)
        let rows = try Catalogue.rows(sandbox.vault + "/catalog.sqlite", "SELECT COUNT(*) FROM documents;")
        #expect(rows == [["\(ledger.references.count)"]], sourceLocation: sourceLocation)
    }

    /// Files `content` under a file size limit of `blocks` 512-byte blocks, checks that it failed
    /// cleanly, then files it without the limit.
    static func expectLimitedFilingFails(
        _ content: Data, name: String, blocks: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addLender()
        let small = Data("fits".utf8)
        let ledger = CrashLedger()
        ledger.record([try sandbox.fileOne(try sandbox.input("small.txt", small))], contents: [small])
        let path = try sandbox.input(name, content)
        let blobs = try TreeSnapshot(sandbox.vault + "/blobs")
        let seq = try sandbox.auditLog().last?.seq ?? 0
        let result = try runLimited(sandbox, blocks: blocks, ["file", path, "--category", "CL", "--year", "2024"])
        #expect(result.status == 74, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr == diskFull, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stdoutData.isEmpty, sourceLocation: sourceLocation)
        try expectNothingFiled(sandbox, ledger, before: blobs, auditBefore: seq, sourceLocation: sourceLocation)
        // Without the limit the same file files.
        ledger.record([try sandbox.fileOne(path)], contents: [content])
        try sandbox.expectIntact(ledger, sourceLocation: sourceLocation)
    }

    @Test func fileSizeLimitDuringFilingFailsCleanly() throws {
        // 256 blocks of 512 bytes: 128 KiB, well short of the 1 MiB blob.
        try Self.expectLimitedFilingFails(pseudoRandomBytes(count: 1 << 20, seed: 74), name: "big.pdf", blocks: 256)
    }

    @Test func fileSizeLimitAfterDirectWritesTookOverFailsCleanly() throws {
        // Past 8 MiB the blob is written by the direct writer's threads; the limit stops them at 12 MiB.
        try Self.expectLimitedFilingFails(
            pseudoRandomBytes(count: 16 << 20, seed: 75), name: "scan.pdf", blocks: (12 << 20) / 512)
    }

    @Test(.enabled(if: canMountTmpfs, "mounting a tmpfs needs root (CAP_SYS_ADMIN); this run may not mount"))
    func fullTmpfsDuringFilingFailsCleanly() throws {
        let sandbox = try Sandbox()
        // The working folder (vault and keys) on a 4 MiB file system of its own; inputs stay outside it.
        try #require(mount("tmpfs", sandbox.work, "tmpfs", 0, "size=4m,mode=0700") == 0, "mount: \(errno)")
        defer { umount2(sandbox.work, Int32(MNT_DETACH)) }
        try sandbox.initVault()
        try sandbox.addLender()
        let small = Data("fits".utf8)
        let ledger = CrashLedger()
        ledger.record([try sandbox.fileOne(try sandbox.input("small.txt", small))], contents: [small])
        // 5 MB cannot fit on a 4 MiB file system that already holds the catalogue.
        let path = try sandbox.input("scan.tif", pseudoRandomBytes(count: 5_000_000, seed: 4))
        let blobs = try TreeSnapshot(sandbox.vault + "/blobs")
        let seq = try sandbox.auditLog().last?.seq ?? 0
        let free = Self.freeBytes(sandbox.work)
        let result = try sandbox.run(["file", path, "--category", "CL", "--year", "2024"])
        #expect(result.status == 74, "\(result)")
        #expect(result.stderr == Self.diskFull, "\(result)")
        #expect(result.stdoutData.isEmpty)
        // The half-written blob's space is given back (the WAL may keep a few pages).
        #expect(Self.freeBytes(sandbox.work) > free - 200_000, "free before \(free)")
        try Self.expectNothingFiled(sandbox, ledger, before: blobs, auditBefore: seq)
        // A disk already full when docvault starts: the catalogue's -wal and -shm files stay between commands,
        // so opening works and the blob's first write is the one that fails.
        let junk = sandbox.work + "/junk"
        _ = FileManager.default.createFile(atPath: junk, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: junk))
        while (try? handle.write(contentsOf: Data(count: 64 << 10))) != nil && Self.freeBytes(sandbox.work) > 0 {}
        try handle.close()
        let before = try TreeSnapshot(sandbox.vault, catalogueContent: true)
        let full = try sandbox.run([
            "file", try sandbox.input("tiny.txt", text: "tiny"), "--category", "CL", "--year", "2024",
        ])
        expectFailure(full, 74, ["the disk is full", "nothing was filed; free space on the vault's disk"])
        try FileManager.default.removeItem(atPath: junk)
        #expect(try TreeSnapshot(sandbox.vault, catalogueContent: true) == before)
        try sandbox.expectIntact(ledger)
    }

    /// Free bytes on the file system holding `path`.
    static func freeBytes(_ path: String) -> Int {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return 0 }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }
}
