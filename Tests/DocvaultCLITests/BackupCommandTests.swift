import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `docvault backup`, `backup verify` and `restore`, end to end, including SIGKILL at each fault point.
@Suite struct BackupCommandTests {
    /// A vault with three filed documents of different sizes; returns the sandbox, references and contents.
    static func vault(count: Int = 3) throws -> (Sandbox, [String], [Data]) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let contents = (0..<count).map { pseudoRandomBytes(count: 1_000 + $0 * 40_000, seed: UInt64($0 + 1)) }
        let paths = try contents.enumerated().map { try sandbox.input("doc\($0.offset).pdf", $0.element) }
        return (sandbox, try sandbox.file(paths), contents)
    }

    /// Runs `backup DEST` as the admin and requires success.
    @discardableResult
    static func backup(_ sandbox: Sandbox, _ destination: String, environment: [String: String] = [:]) throws
        -> CLIResult
    {
        let result = try sandbox.run(
            ["backup", destination], environment: environment.merging(["DOCVAULT_USER": "admin"]) { _, new in new })
        try #require(result.status == 0, "backup failed: \(result)")
        return result
    }

    /// Runs `backup verify DEST`.
    static func verify(_ sandbox: Sandbox, _ destination: String) throws -> CLIResult {
        try sandbox.run(["backup", "verify", destination])
    }

    /// The documents table as text, for comparing two catalogues row for row.
    static func documentRows(_ catalogue: String) throws -> [[String]] {
        try #require(
            try Catalogue.rows(
                catalogue,
                "SELECT id, reference, status, blob_id, hex(wrapped_data_key), size FROM documents ORDER BY id;"))
    }

    /// Expects `arguments` to be killed by SIGKILL at the armed fault point.
    static func expectKilled(_ sandbox: Sandbox, _ arguments: [String], fault: String, user: String = "admin") {
        do {
            let result = try sandbox.run(arguments, environment: ["DOCVAULT_FAULT": fault, "DOCVAULT_USER": user])
            Issue.record("\(fault) did not stop \(arguments): \(result)")
        } catch {
            #expect("\(error)".contains("died of signal 9"), "\(error)")
        }
    }

    @Test func restoredVaultServesEveryDocumentAndItsAuditChainVerifies() throws {
        let (sandbox, references, contents) = try Self.vault()
        try sandbox.lend(references)
        let destination = sandbox.root + "/backup"
        let first = try Self.backup(sandbox, destination)
        #expect(first.stdout.hasPrefix("Backed up to \(destination): copied 3 new blobs ("))
        #expect(first.stdout.contains("kept 0, removed 0."))
        let logged = try #require(try sandbox.auditLog().last)
        #expect(logged.action == "backup" && logged.actor == "admin" && logged.outcome == "ok")
        #expect(logged.details.contains("copied=3") && logged.details.contains("incremental=no"))
        let checked = try Self.verify(sandbox, destination)
        #expect(checked.status == 0 && checked.stdout.contains("is intact: 4 files"), "\(checked)")

        let restored = sandbox.root + "/restored"
        let result = try sandbox.run(["restore", destination, "--vault", restored, "--user", "admin"])
        #expect(result.status == 0, "\(result)")
        let head = try #require(
            try String(contentsOfFile: destination + "/MANIFEST", encoding: .utf8).split(separator: "\n")
                .first { $0.hasPrefix("audit-head ") }?.dropFirst("audit-head ".count))
        #expect(result.stdout.contains("docvault audit verify --vault \(restored) --anchor \(head)"))
        #expect(!sandbox.names(in: sandbox.root).contains { $0.contains(".restoring-") })
        for (reference, content) in zip(references, contents) {
            let got = try sandbox.run(["get", reference, "-o", "-", "--vault", restored])
            #expect(got.status == 0 && got.stdoutData == content, "get \(reference) from the restored vault")
        }
        let audit = try sandbox.run(
            ["audit", "verify", "--vault", restored, "--anchor", String(head)], environment: ["DOCVAULT_USER": "admin"])
        #expect(audit.status == 0, "\(audit)")
        // The periodic inventory of the restored vault: every blob decrypts and matches its sealed SHA-256.
        let inventory = try sandbox.run(
            ["verify", "--full", "--vault", restored], environment: ["DOCVAULT_USER": "admin"])
        #expect(inventory.status == 0 && inventory.stdout.contains("decrypted 3"), "\(inventory)")
        #expect(
            try Self.documentRows(restored + "/catalog.sqlite") == Self.documentRows(sandbox.vault + "/catalog.sqlite"))
        let entry = try #require(try sandbox.auditLog(vault: restored).first { $0.action == "restore" })
        #expect(entry.actor == "admin" && entry.outcome == "ok" && entry.target.hasSuffix("/backup"))
        #expect(entry.details.contains("audit-head=\(head)"))
    }

    @Test func incrementalBackupCopiesOnlyNewBlobsAndLeavesOldOnesAlone() throws {
        let (sandbox, _, _) = try Self.vault()
        let destination = sandbox.root + "/backup"
        try Self.backup(sandbox, destination)
        func identities() -> [String: String] {
            var found: [String: String] = [:]
            for path in sandbox.blobFiles(vault: destination) {
                var info = stat()
                if stat(path, &info) == 0 {
                    found[path] = "\(info.st_ino)/\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
                }
            }
            return found
        }
        let before = identities()
        #expect(before.count == 3)
        try sandbox.file([try sandbox.input("new1.pdf", text: "one"), try sandbox.input("new2.pdf", text: "two")])
        let second = try Self.backup(sandbox, destination)
        #expect(second.stdout.contains("copied 2 new blobs"), "\(second)")
        #expect(second.stdout.contains("kept 3, removed 0."), "\(second)")
        let after = identities()
        #expect(after.count == 5)
        for (path, identity) in before { #expect(after[path] == identity, "\(path) was rewritten") }
        #expect(try sandbox.auditLog().last?.details.contains("incremental=yes") == true)
        #expect(try Self.verify(sandbox, destination).status == 0)
    }

    @Test func backupWhileAnotherProcessFilesStaysConsistent() throws {
        let (sandbox, _, _) = try Self.vault()
        let paths = try (0..<25).map {
            try sandbox.input("bulk\($0).pdf", pseudoRandomBytes(count: 30_000, seed: UInt64(100 + $0)))
        }
        let filer = Process()
        filer.executableURL = URL(fileURLWithPath: try #require(CLI.binary))
        filer.arguments = ["file"] + paths + ["--category", "CL", "--year", "2024"]
        filer.currentDirectoryURL = URL(fileURLWithPath: sandbox.work)
        filer.environment = CLI.baseEnvironment().merging(["DOCVAULT_USER": "clerk"]) { _, new in new }
        filer.standardOutput = FileHandle.nullDevice
        try filer.run()
        let destination = sandbox.root + "/backup"
        try Self.backup(sandbox, destination)
        filer.waitUntilExit()
        #expect(filer.terminationStatus == 0)
        #expect(try Self.verify(sandbox, destination).status == 0)
        // The next backup picks up whatever the snapshot missed.
        let again = try Self.backup(sandbox, destination)
        #expect(again.status == 0)
        #expect(sandbox.blobFiles(vault: destination).count == 28)
        #expect(try Self.verify(sandbox, destination).status == 0)
    }

    @Test func backupAfterDestructionRemovesTheDestroyedBlob() throws {
        let (sandbox, _, _) = try Self.vault(count: 1)
        try sandbox.addUser("compliance", roles: "compliance")
        try sandbox.addUser("approver", roles: "approver")
        let doomed = try sandbox.fileOne(
            try sandbox.input("old.txt", text: "old"), ["--category", "OT", "--year", "2010"])
        let blob = try sandbox.blobFile(of: doomed)
        let destination = sandbox.root + "/backup"
        try Self.backup(sandbox, destination)
        let copied = destination + blob.dropFirst(sandbox.vault.count)
        #expect(FileManager.default.fileExists(atPath: copied))
        #expect(try sandbox.run(as: "compliance", ["purge", "propose", "--as-of", "2100-01-01"]).status == 0)
        #expect(try sandbox.run(as: "approver", ["purge", "approve", "1"]).status == 0)
        #expect(try sandbox.run(as: "compliance", ["purge", "execute", "1"]).status == 0)
        let after = try Self.backup(sandbox, destination)
        #expect(after.stdout.contains("removed 1."), "\(after)")
        #expect(!FileManager.default.fileExists(atPath: copied))
        #expect(try Self.verify(sandbox, destination).status == 0)
    }

    /// Damage done to a copy of a good backup, and the problem line `backup verify` must print.
    static let damages: [(name: String, line: String)] = [
        ("flipped", "mismatched blobs/"), ("missing", "missing blobs/"), ("extra", "extra stray.txt"),
        ("catalogue", "mismatched catalog.sqlite"),
    ]

    @Test(arguments: damages.indices)
    func verifyReportsDamage(index: Int) throws {
        let (sandbox, _, _) = try Self.vault(count: 2)
        let destination = sandbox.root + "/backup"
        try Self.backup(sandbox, destination)
        let blob = try #require(sandbox.blobFiles(vault: destination).first)
        switch Self.damages[index].name {
        case "flipped":
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: blob))
            try handle.seek(toOffset: 100)
            let byte = try #require(try handle.read(upToCount: 1)).first ?? 0
            try handle.seek(toOffset: 100)
            try handle.write(contentsOf: Data([byte ^ 0x01]))
            try handle.close()
        case "missing":
            try FileManager.default.removeItem(atPath: blob)
        case "extra":
            try Data("x".utf8).write(to: URL(fileURLWithPath: destination + "/stray.txt"))
        default:
            try Catalogue.execute(destination + "/catalog.sqlite", "UPDATE documents SET size = size + 1;")
        }
        let before = try TreeSnapshot(destination)
        let result = try Self.verify(sandbox, destination)
        #expect(result.status == 65, "\(result)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix(Self.damages[index].line), "\(result)")
        #expect(
            result.stderr
                == "error: the backup in \(destination) has 1 problem(s), listed above; run 'docvault backup \(destination) --rehash' to repair it\n"
        )
        try expectUnchanged(before, destination)
        // A plain backup trusts sizes; one with --rehash repairs everything the vault can vouch for.
        if Self.damages[index].name == "flipped" {
            try Self.backup(sandbox, destination)
            #expect(try Self.verify(sandbox, destination).status == 65)
        }
        if Self.damages[index].name != "extra" {
            let repaired = try sandbox.run(
                ["backup", destination, "--rehash"], environment: ["DOCVAULT_USER": "admin"])
            #expect(
                repaired.status == 0
                    && repaired.stdout.contains("copied 1 new blobs") == (Self.damages[index].name != "catalogue"),
                "\(repaired)")
            #expect(try Self.verify(sandbox, destination).status == 0)
        }
    }

    @Test func verifyCatchesACatalogueNamingAnUnlistedBlob() throws {
        let (sandbox, _, _) = try Self.vault(count: 2)
        let destination = sandbox.root + "/backup"
        try Self.backup(sandbox, destination)
        let manifest = try String(contentsOfFile: destination + "/MANIFEST", encoding: .utf8)
        let blobLine = try #require(manifest.split(separator: "\n").last)
        try Data(manifest.replacingOccurrences(of: blobLine + "\n", with: "").utf8)
            .write(to: URL(fileURLWithPath: destination + "/MANIFEST"))
        let result = try Self.verify(sandbox, destination)
        #expect(result.status == 65)
        #expect(result.stdout.contains("extra blobs/"), "\(result)")
        #expect(result.stdout.contains("but MANIFEST does not list it"), "\(result)")
    }

    @Test func restoreRefusesALiveVaultAndANonEmptyFolder() throws {
        let (sandbox, _, _) = try Self.vault(count: 1)
        let destination = sandbox.root + "/backup"
        try Self.backup(sandbox, destination)
        let before = try TreeSnapshot(sandbox.vault)
        expectFailure(
            try sandbox.run(["restore", destination, "--vault", sandbox.vault, "--user", "admin"]), 73,
            ["\(sandbox.vault) holds a vault (catalog.sqlite)"])
        try expectUnchanged(before, sandbox.vault)
        let busy = sandbox.root + "/busy"
        try FileManager.default.createDirectory(atPath: busy, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: busy + "/notes.txt"))
        expectFailure(
            try sandbox.run(["restore", destination, "--vault", busy, "--user", "admin"]), 73, ["\(busy) is not empty"])
        #expect(sandbox.names(in: busy) == ["notes.txt"])
        #expect(!sandbox.names(in: sandbox.root).contains { $0.contains(".restoring-") })
    }

    @Test func restoreRefusesADamagedBackupAndCreatesNothing() throws {
        let (sandbox, _, _) = try Self.vault(count: 1)
        let destination = sandbox.root + "/backup"
        try Self.backup(sandbox, destination)
        try FileManager.default.removeItem(atPath: try #require(sandbox.blobFiles(vault: destination).first))
        let restored = sandbox.root + "/restored"
        expectFailure(
            try sandbox.run(["restore", destination, "--vault", restored, "--user", "admin"]), 65,
            ["failed verification (1 problem(s), first: missing blobs/", "nothing was restored"])
        #expect(!FileManager.default.fileExists(atPath: restored))
        #expect(!sandbox.names(in: sandbox.root).contains { $0.contains(".restoring-") })
        expectFailure(
            try sandbox.run(["restore", sandbox.root + "/nowhere", "--vault", restored]), 66, ["no backup folder at"])
        expectFailure(try Self.verify(sandbox, sandbox.root + "/nowhere"), 66, ["no backup folder at"])
    }

    @Test func restoreNeedsAnAdminOfTheRestoredVault() throws {
        let (sandbox, _, _) = try Self.vault(count: 1)
        let destination = sandbox.root + "/backup"
        try Self.backup(sandbox, destination)
        let restored = sandbox.root + "/restored"
        expectFailure(
            try sandbox.run(["restore", destination, "--vault", restored]), 77,
            ["'clerk' may not restore; it needs the role admin"])
        #expect(!FileManager.default.fileExists(atPath: restored))
        #expect(!sandbox.names(in: sandbox.root).contains { $0.contains(".restoring-") })
    }

    @Test func backupRefusesAnotherVaultsBackupAndANonAdmin() throws {
        let (sandbox, _, _) = try Self.vault(count: 1)
        let destination = sandbox.root + "/backup"
        let other = ["DOCVAULT_DIR": sandbox.root + "/other", "DOCVAULT_KEYS": sandbox.root + "/other-keys"]
        #expect(try sandbox.run(["init"], environment: other).status == 0)
        try Self.backup(sandbox, destination, environment: other)
        let before = try TreeSnapshot(destination)
        try sandbox.expectNoChange(audit: ["backup:failed"]) {
            expectFailure(
                try sandbox.run(["backup", destination], environment: ["DOCVAULT_USER": "admin"]), 73,
                ["\(destination) holds a backup of another vault"])
        }
        try expectUnchanged(before, destination)
        try sandbox.expectNoChange(audit: ["backup:denied"]) {
            expectFailure(
                try sandbox.run(["backup", sandbox.root + "/mine"]), 77,
                ["'clerk' may not backup; it needs the role admin"])
        }
        #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/mine"))
        let stray = sandbox.root + "/stray"
        try FileManager.default.createDirectory(atPath: stray, withIntermediateDirectories: false)
        try Data("x".utf8).write(to: URL(fileURLWithPath: stray + "/notes.txt"))
        expectFailure(
            try sandbox.run(["backup", stray], environment: ["DOCVAULT_USER": "admin"]), 73,
            ["is not empty and holds no docvault backup"])
        expectFailure(
            try sandbox.run(["backup", sandbox.vault + "/inside"], environment: ["DOCVAULT_USER": "admin"]), 73,
            ["overlaps the vault folder"])
    }

    static let faults = ["backup.catalogue-copied", "backup.blob-copied:2", "backup.before-manifest"]

    @Test(arguments: faults)
    func aKilledBackupLeavesTheOldStateOrAReportAndTheNextOneRepairs(fault: String) throws {
        let (sandbox, _, _) = try Self.vault()
        let destination = sandbox.root + "/backup"
        try Self.backup(sandbox, destination)
        let oldManifest = try Data(contentsOf: URL(fileURLWithPath: destination + "/MANIFEST"))
        try sandbox.file((0..<3).map { try sandbox.input("late\($0).pdf", text: "late \($0)") })
        Self.expectKilled(sandbox, ["backup", destination], fault: fault)
        #expect(try Data(contentsOf: URL(fileURLWithPath: destination + "/MANIFEST")) == oldManifest)
        let checked = try Self.verify(sandbox, destination)
        #expect(checked.status == 0 || checked.status == 65, "\(checked)")
        if checked.status == 65 {
            #expect(checked.stdout.contains("interrupted backup"), "\(checked)")
        }
        let next = try Self.backup(sandbox, destination)
        #expect(next.stdout.contains("kept 3") || next.stdout.contains("kept 4"), "\(next)")
        let final = try Self.verify(sandbox, destination)
        #expect(final.status == 0 && final.stdout.contains("is intact: 7 files"), "\(final)")
        // The live vault never noticed: nothing to repair.
        let live = try sandbox.run(["verify"], environment: ["DOCVAULT_USER": "admin"])
        #expect(live.status == 0 && live.stdout.hasSuffix(": 0 problem(s)\n"), "\(live)")
    }

    @Test func aKilledFirstBackupIsFinishedByTheNext() throws {
        let (sandbox, _, _) = try Self.vault()
        let destination = sandbox.root + "/backup"
        Self.expectKilled(sandbox, ["backup", destination], fault: "backup.blob-copied:2")
        expectFailure(try Self.verify(sandbox, destination), 66, ["has no MANIFEST"])
        try Self.backup(sandbox, destination)
        #expect(try Self.verify(sandbox, destination).status == 0)
    }

    /// A kill inside `VACUUM INTO` leaves SQLite's rollback journal of the snapshot (the random-kill
    /// rounds of CrashKeyAndBackupTests met it); the next run must take it for its own leftover.
    @Test func aKillInsideTheCatalogueCopyLeavesNothingTheNextRunRefuses() throws {
        let (sandbox, _, _) = try Self.vault()
        let destination = sandbox.root + "/backup"
        try FileManager.default.createDirectory(atPath: destination + "/blobs/tmp", withIntermediateDirectories: true)
        for name in ["catalog.sqlite.new", "catalog.sqlite.new-journal"] {
            #expect(FileManager.default.createFile(atPath: destination + "/" + name, contents: Data("half".utf8)))
        }
        try Self.backup(sandbox, destination)
        #expect(!FileManager.default.fileExists(atPath: destination + "/catalog.sqlite.new-journal"))
        #expect(try Self.verify(sandbox, destination).status == 0)
    }

    @Test func aKilledRestoreNeverLeavesAHalfRestoredVault() throws {
        let (sandbox, references, contents) = try Self.vault(count: 1)
        let destination = sandbox.root + "/backup"
        try Self.backup(sandbox, destination)
        let restored = sandbox.root + "/restored"
        Self.expectKilled(sandbox, ["restore", destination, "--vault", restored], fault: "restore.copied")
        #expect(!FileManager.default.fileExists(atPath: restored))
        #expect(sandbox.names(in: sandbox.root).contains { $0.hasPrefix("restored.restoring-") })
        let again = try sandbox.run(["restore", destination, "--vault", restored, "--user", "admin"])
        #expect(again.status == 0, "\(again)")
        try sandbox.lend(references, environment: ["DOCVAULT_DIR": restored])
        let got = try sandbox.run(["get", references[0], "-o", "-"], environment: ["DOCVAULT_DIR": restored])
        #expect(got.stdoutData == contents[0])
    }
}
