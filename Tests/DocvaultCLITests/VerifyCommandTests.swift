import Foundation
import Testing

/// `docvault verify`: each kind of damage is found and named, orphans are repaired, nothing else is touched.
@Suite struct VerifyCommandTests {
    /// A vault with an auditor and a staff user, and two documents: 40,000 random bytes and a short text.
    static func vault() throws -> (Sandbox, [String]) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addUser("audrey", roles: "auditor")
        try sandbox.addUser("sam", roles: "staff")
        let big = try sandbox.fileOne(try sandbox.input("scan.pdf", pseudoRandomBytes(count: 40_000, seed: 9)))
        let small = try sandbox.fileOne(try sandbox.input("note.txt", text: "a short note"))
        return (sandbox, [big, small])
    }

    static func flip(_ path: String, at offset: Int) throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data[offset] ^= 0x01
        try data.write(to: URL(fileURLWithPath: path))
    }

    @Test func cleanVaultPasses() throws {
        let (sandbox, _) = try Self.vault()
        for arguments in [["verify"], ["verify", "--full"], ["verify", "--sample", "100"]] {
            let result = try sandbox.run(as: "audrey", arguments)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.hasPrefix("verified 2 document(s) and 0 tombstone(s), 2 blob file(s)"))
            #expect(result.stdout.hasSuffix(": 0 problem(s)\n"))
        }
        #expect(try sandbox.run(as: "audrey", ["verify", "--full"]).stdout.contains("decrypted 2 (39.1 KiB)"))
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.action == "verify" && entry.outcome == "ok" && entry.actor == "audrey")
        #expect(entry.details == "documents=2; decrypted=2; problems=0; full=yes")
    }

    /// Each kind of damage to the first document's blob, and what `verify` calls it.
    @Test(arguments: [
        ("delete", "missing-blob", "its blob is missing"),
        ("truncate", "blob-size", "its blob has the wrong length"),
        ("extend", "blob-size", "its blob has the wrong length"),
        ("header", "blob-header", "does not start with a docvault header"),
        ("commitment", "commitment", "belongs to another document or key"),
        ("swap", "commitment", "belongs to another document or key"),
        ("wrapped-key", "data-key", "its data key does not authenticate"),
    ])
    func damageIsFoundWithoutDecrypting(damage: String, kind: String, detail: String) throws {
        let (sandbox, refs) = try Self.vault()
        let blob = try sandbox.blobFile(of: refs[0])
        var twin = ""
        switch damage {
        case "delete": try FileManager.default.removeItem(atPath: blob)
        case "truncate":
            try Data(contentsOf: URL(fileURLWithPath: blob)).dropLast(100).write(to: URL(fileURLWithPath: blob))
        case "extend":
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: blob))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data([0]))
            try handle.close()
        case "header": try Self.flip(blob, at: 2)
        case "commitment": try Self.flip(blob, at: 8 + 24 + 5)
        case "swap":
            // Two blobs of the same length moved to each other's name: each fails its own commitment.
            twin = try sandbox.fileOne(try sandbox.input("twin.pdf", pseudoRandomBytes(count: 40_000, seed: 10)))
            let other = try sandbox.blobFile(of: twin)
            try FileManager.default.moveItem(atPath: blob, toPath: blob + ".x")
            try FileManager.default.moveItem(atPath: other, toPath: blob)
            try FileManager.default.moveItem(atPath: blob + ".x", toPath: other)
        default:
            try Catalogue.execute(
                sandbox.vault + "/catalog.sqlite",
                "UPDATE documents SET wrapped_data_key = randomblob(60) WHERE reference = '\(refs[0])';")
        }
        let result = try sandbox.run(as: "audrey", ["verify"])
        #expect(result.status == 65, "\(result)")
        let line = try #require(result.stdout.split(separator: "\n").first, "\(result)")
        #expect(line.hasPrefix("\(refs[0]): ") && line.contains(detail) && line.hasSuffix("[\(kind)]"), "\(line)")
        if damage == "swap" {
            #expect(result.stdout.contains("\(twin): its blob belongs to another document or key"))
        }
        #expect(result.stderr.contains("restore the named documents from a backup"))
        let json = try sandbox.run(as: "audrey", ["verify", "--json"])
        #expect(json.status == 65)
        let object = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(problems.first?["subject"] as? String == refs[0])
        #expect(problems.first?["kind"] as? String == kind)
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.action == "verify" && entry.outcome == "failed")
    }

    @Test func alteredChunkShowsOnlyWhenDecrypted() throws {
        let (sandbox, refs) = try Self.vault()
        try Self.flip(try sandbox.blobFile(of: refs[0]), at: 8 + 56 + 20_000)
        // Length, header and commitment are intact: the structural pass cannot see it, and does not claim to.
        let quick = try sandbox.run(as: "audrey", ["verify"])
        #expect(quick.status == 0, "\(quick)")
        #expect(!quick.stdout.contains("decrypted"))
        let full = try sandbox.run(as: "audrey", ["verify", "--full"])
        #expect(full.status == 65)
        #expect(full.stdout.hasPrefix("\(refs[0]): a chunk of its blob fails authentication (altered) [content]\n"))
        #expect(full.stdout.contains("decrypted 1 (12 B)"), "the damaged document is not counted as decrypted")
    }

    @Test func brokenAuditChainIsAProblem() throws {
        let (sandbox, _) = try Self.vault()
        try Catalogue.execute(
            sandbox.vault + "/catalog.sqlite", "UPDATE audit_log SET details = 'size=1' WHERE seq = 3;")
        let result = try sandbox.run(as: "audrey", ["verify"])
        #expect(result.status == 65)
        #expect(result.stdout.hasPrefix("audit entry 3: the audit chain breaks at entry 3: its MAC does not match"))
    }

    @Test func orphansAreRepairedByAnAdminOnly() throws {
        let (sandbox, refs) = try Self.vault()
        let blobs = sandbox.vault + "/blobs"
        let orphanID = String(repeating: "ab", count: 16)
        try FileManager.default.createDirectory(atPath: blobs + "/ab/ab", withIntermediateDirectories: true)
        try Data("orphan".utf8).write(to: URL(fileURLWithPath: blobs + "/ab/ab/\(orphanID).blob"))
        try Data("half".utf8).write(to: URL(fileURLWithPath: blobs + "/tmp/\(orphanID).partial"))
        try Data("stray".utf8).write(to: URL(fileURLWithPath: blobs + "/ab/notes.txt"))
        let found = try sandbox.run(as: "audrey", ["verify"])
        #expect(found.status == 65)
        #expect(
            found.stdout.split(separator: "\n").prefix(3).sorted() == [
                "blobs/ab/ab/\(orphanID).blob: a blob that no catalogue row names [orphan-blob]",
                "blobs/ab/notes.txt: a file docvault never writes; left alone: move it out of the vault [stray-file]",
                "blobs/tmp/\(orphanID).partial: a partial blob left by an interrupted filing [partial-file]",
            ])
        #expect(found.stderr.contains("move the files docvault never writes out of blobs/"), "\(found)")
        // An auditor may verify but not repair; the refusal deletes nothing.
        try sandbox.expectNoChange(audit: ["verify.repair:denied"]) {
            expectFailure(
                try sandbox.run(as: "audrey", ["verify", "--repair"]), 77,
                ["'audrey' may not verify.repair; it needs the role admin"])
        }
        let catalogue = try Catalogue.dumpWithoutAuditLog(sandbox.vault + "/catalog.sqlite")
        // Repair removes what docvault left (the orphan, the partial file); a file it never writes stays.
        let repaired = try sandbox.run(as: "admin", ["verify", "--repair"])
        #expect(repaired.status == 65, "\(repaired)")
        #expect(repaired.stdout.split(separator: "\n").filter { $0.hasSuffix("(removed)") }.count == 2)
        #expect(repaired.stdout.hasSuffix(": 1 problem(s), 2 removed\n"), "\(repaired)")
        #expect(repaired.stderr.contains("1 problem(s) found; move the files docvault never writes out of blobs/"))
        #expect(try Catalogue.dumpWithoutAuditLog(sandbox.vault + "/catalog.sqlite") == catalogue)
        #expect(!FileManager.default.fileExists(atPath: blobs + "/ab/ab/\(orphanID).blob"))
        #expect(!FileManager.default.fileExists(atPath: blobs + "/tmp/\(orphanID).partial"))
        #expect(FileManager.default.fileExists(atPath: blobs + "/ab/notes.txt"))
        #expect(FileManager.default.fileExists(atPath: try sandbox.blobFile(of: refs[0])))
        let log = try sandbox.auditLog().suffix(2)
        #expect(log.map(\.summary) == ["verify.repair:ok", "verify:failed"])
        #expect(log.first?.details == "removed=2")
        try FileManager.default.removeItem(atPath: blobs + "/ab/notes.txt")
        #expect(try sandbox.run(as: "audrey", ["verify", "--full"]).status == 0)
    }

    @Test func aWrongShelfCountIsFoundAndRecountedByAnAdminOnly() throws {
        let (sandbox, _) = try Self.vault()
        let catalogue = sandbox.vault + "/catalog.sqlite"
        // Both documents are on the one shelf fileOne uses.
        let name = "CL 2024"
        #expect(
            try Catalogue.sqlite3([catalogue, "SELECT category, year, n FROM document_counts;"]).output == "CL|2024|2\n"
        )
        try Catalogue.execute(catalogue, "UPDATE document_counts SET n = 9;")
        // list reports the kept count: the problem verify exists to catch.
        let listed = try sandbox.run(as: "audrey", ["list", "--category", "CL", "--year", "2024"])
        #expect(listed.status == 0, "\(listed)")
        #expect(try sandbox.auditLog().last?.details.hasSuffix("results=9") == true)
        let found = try sandbox.run(as: "audrey", ["verify"])
        #expect(found.status == 65)
        #expect(
            found.stderr == "error: 1 problem(s) found; 'docvault verify --repair' (admin) recounts the shelves\n",
            "\(found)")
        #expect(
            found.stdout.hasPrefix(
                "\(name): the catalogue counts 9 documents on this shelf but holds 2 [shelf-count]\n"))
        try sandbox.expectNoChange(audit: ["verify.repair:denied"]) {
            expectFailure(
                try sandbox.run(as: "audrey", ["verify", "--repair"]), 77,
                ["'audrey' may not verify.repair; it needs the role admin"])
        }
        let repaired = try sandbox.run(as: "admin", ["verify", "--repair"])
        #expect(repaired.status == 0, "\(repaired)")
        #expect(repaired.stdout.hasPrefix("\(name): the catalogue counts 9 documents on this shelf but holds 2 "))
        #expect(repaired.stdout.contains("[shelf-count] (recounted)\n"))
        #expect(repaired.stdout.hasSuffix(": 0 problem(s), 1 recounted\n"), "\(repaired)")
        #expect(try sandbox.auditLog().suffix(2).map(\.details).first == "removed=0; recounted=1")
        let count = try Catalogue.sqlite3([catalogue, "SELECT n FROM document_counts;"])
        #expect(count.output == "2\n")
        #expect(try sandbox.run(as: "audrey", ["verify"]).status == 0)
    }

    @Test func destroyedDocumentsVerifyCleanAndALeftBlobIsRemoved() throws {
        let (sandbox, refs) = try PurgeCommandTests.vault(2)
        let blob = try sandbox.blobFile(of: refs[0])
        let copy = try Data(contentsOf: URL(fileURLWithPath: blob))
        let batch = try PurgeCommandTests.propose(sandbox)
        #expect(try sandbox.run(as: Sandbox.lender, ["purge", "approve", String(batch)]).status == 0)
        #expect(try sandbox.run(as: Holds.compliance, ["purge", "execute", String(batch)]).status == 0)
        let clean = try sandbox.run(as: "auditor", ["verify", "--full"])
        #expect(clean.status == 0, "\(clean)")
        #expect(clean.stdout.contains("and 2 tombstone(s)"))
        // A blob of a destroyed document put back (say, from an old backup) is named and removable.
        try copy.write(to: URL(fileURLWithPath: blob))
        let found = try sandbox.run(as: "auditor", ["verify"])
        #expect(found.status == 65)
        #expect(found.stdout.hasPrefix("\(refs[0]): the blob of a destroyed document is still on disk"))
        #expect(try sandbox.run(as: "admin", ["verify", "--repair"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: blob))
    }

    @Test func refusalsAndBadOptionsChangeNothing() throws {
        let (sandbox, _) = try Self.vault()
        try sandbox.expectNoChange(audit: ["verify:denied"]) {
            expectFailure(
                try sandbox.run(as: "sam", ["verify"]), 77,
                ["'sam' may not verify; it needs the role admin, compliance, auditor"])
        }
        try sandbox.expectNoChange {
            for (arguments, message) in [
                (["verify", "--sample", "x"], "--sample takes a percentage from 1 to 100, not 'x'"),
                (["verify", "--full", "--sample", "10"], "choose one of --full and --sample"),
                (["verify", "extra"], "unexpected argument"),
            ] {
                expectFailure(try sandbox.run(as: "audrey", arguments), 64, [message])
            }
        }
        for percent in ["0", "101"] {
            try sandbox.expectNoChange {
                expectFailure(
                    try sandbox.run(as: "audrey", ["verify", "--sample", percent]), 64,
                    ["--sample takes a percentage from 1 to 100"])
            }
        }
    }
}
