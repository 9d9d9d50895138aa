import Foundation
import Testing

/// `purge propose|show|approve|reject|strike|execute|register` end to end through the binary.
@Suite struct PurgeCommandTests {
    /// A date at which every OT document filed today (10 y after filing) is due.
    static let asOf = "2100-01-01"

    /// The holds vault (clerk, lender, comp, dual, auditor) with `count` OT documents filed by the clerk.
    static func vault(_ count: Int) throws -> (Sandbox, [String]) {
        let sandbox = try Holds.vault()
        var references: [String] = []
        for index in 0..<count {
            let path = try sandbox.input("minutes-\(index).txt", text: "minutes \(index)")
            references.append(
                try sandbox.fileOne(path, ["--category", "OT", "--year", "2024", "--title", "Board minutes \(index)"]))
        }
        return (sandbox, references)
    }

    /// Runs `purge propose --as-of` as `user`; requires success and returns the batch number.
    static func propose(_ sandbox: Sandbox, by user: String = Holds.compliance) throws -> Int {
        let result = try sandbox.run(as: user, ["purge", "propose", "--as-of", asOf])
        try #require(result.status == 0, "purge propose: \(result)")
        let words = result.stdout.split(separator: " ")
        return try #require(words.count > 1 ? Int(words[1]) : nil, "\(result)")
    }

    /// The hex of `reference`'s wrapped data key, read with `sqlite3`.
    static func wrappedKey(_ sandbox: Sandbox, _ reference: String) throws -> Data {
        let rows = try Catalogue.rows(
            sandbox.vault + "/catalog.sqlite",
            "SELECT hex(wrapped_data_key) FROM documents WHERE reference = '\(reference)';")
        let hex = try #require(rows?.first?.first)
        var bytes = Data()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(try #require(UInt8(hex[index..<next], radix: 16)))
            index = next
        }
        return bytes
    }

    @Test func proposeApproveExecuteAndTheRegister() throws {
        let (sandbox, refs) = try Self.vault(3)
        let keys = try refs.map { try Self.wrappedKey(sandbox, $0) }
        #expect(keys.allSatisfy { $0.count > 32 })
        let blobs = try refs.map { try sandbox.blobFile(of: $0) }
        let proposed = try sandbox.run(as: Holds.compliance, ["purge", "propose", "--as-of", Self.asOf])
        #expect(
            proposed.stdout
                == "Batch 1 proposed with 3 document(s) due at 2100-01-01.\n"
                + "To approve it, an approver other than you must run: docvault purge approve 1\n")
        let shown = try sandbox.run(as: "auditor", ["purge", "show", "1"])
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.stdout.contains("Status         proposed"))
        for reference in refs { #expect(shown.stdout.contains("\(reference)  10 y after filed")) }
        let approved = try sandbox.run(as: Sandbox.lender, ["purge", "approve", "1"])
        #expect(approved.stdout.hasPrefix("Batch 1 approved: 3 document(s) to destroy.\n"), "\(approved)")
        // A hold placed after approval still wins.
        let hold = try Holds.place(sandbox, ["--ref", refs[1]])
        let executed = try sandbox.run(as: Holds.compliance, ["purge", "execute", "1"])
        #expect(executed.status == 0, "\(executed)")
        #expect(executed.stderr == "skipped \(refs[1]): held by hold \(hold)\n")
        #expect(executed.stdout.hasPrefix("Batch 1 executed: 2 document(s) destroyed, 1 skipped.\n"))
        let registerLine = try #require(
            executed.stdout.split(separator: "\n").first { $0.hasPrefix("Destruction register filed as ") })
        let registerRef = String(registerLine.split(separator: " ")[4])
        #expect(registerRef.hasPrefix("J001-OT-") && registerRef.contains("-Y-"))
        // Blobs of shredded documents gone, the held one kept; wrapped keys nowhere in the catalogue files.
        #expect(!FileManager.default.fileExists(atPath: blobs[0]))
        #expect(FileManager.default.fileExists(atPath: blobs[1]))
        #expect(!FileManager.default.fileExists(atPath: blobs[2]))
        let files = ["", "-wal", "-journal"].compactMap {
            try? Data(contentsOf: URL(fileURLWithPath: sandbox.vault + "/catalog.sqlite" + $0))
        }
        for index in [0, 2] {
            for bytes in files { #expect(bytes.range(of: keys[index]) == nil, "\(refs[index])") }
        }
        #expect(files.first?.range(of: keys[1]) != nil)
        // The tombstone.
        let tomb = try Catalogue.rows(
            sandbox.vault + "/catalog.sqlite",
            "SELECT status, category, year, retention_code, length(wrapped_data_key), title_sealed IS NULL "
                + "FROM documents WHERE reference = '\(refs[0])';")
        #expect(tomb == [["destroyed", "OT", "2024", "D10", "0", "1"]])
        // Getting, showing, borrowing a destroyed document: 66, naming batch and date, never a decryption error.
        let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        let destroyed = "\(refs[0]) was destroyed by destruction batch 1 on \(today)"
        try sandbox.expectNoChange(audit: ["get:denied", "show:failed", "borrow.request:failed"]) {
            expectFailure(try sandbox.run(["get", refs[0], "-o", "-"]), 66, [destroyed])
            expectFailure(try sandbox.run(["show", refs[0]]), 66, [destroyed])
            expectFailure(try sandbox.run(["borrow", "request", refs[0], "--purpose", "x"]), 66, [destroyed])
        }
        // The register exported again, as CSV and as text; the filed copy readable through a loan.
        let csvPath = sandbox.work + "/register.csv"
        let exported = try sandbox.run(as: "auditor", ["purge", "register", "1", "-o", csvPath])
        #expect(exported.status == 0, "\(exported)")
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8)
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(
            lines.first
                == "reference,title,category,year,retention,period-kept,trigger-date,destroyed-at,sha256,batch,"
                + "proposer,approver,executor,audit-anchor")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("\(refs[0]),Board minutes 0,OT,2024,D10 (10 y after filed),"))
        #expect(lines[1].contains(",1,comp,lender,comp,"))
        // The SHA-256 of "minutes 0".
        #expect(lines[1].contains(",753e8600ce08e1e722bf03d764562d291c1c1092c0a7fe4efdcebcdb29d4ea0b,1,"))
        try sandbox.lend(registerRef)
        let filed = try sandbox.run(["get", registerRef, "-o", "-"])
        #expect(filed.status == 0)
        #expect(filed.stdout.hasPrefix("DESTRUCTION REGISTER (销毁清册) — destruction batch 1\n"))
        #expect(filed.stdout.contains("Board minutes 2"))
        #expect(!filed.stdout.contains(refs[1]))
        let textPath = sandbox.work + "/register.txt"
        #expect(try sandbox.run(as: Holds.compliance, ["purge", "register", "1", "-o", textPath]).status == 0)
        #expect(try String(contentsOfFile: textPath, encoding: .utf8) == filed.stdout)
        // The audit chain still verifies, with one entry per shredded or skipped item.
        #expect(try sandbox.run(as: "auditor", ["audit", "verify"]).status == 0)
        let shreds = try sandbox.auditLog().filter { $0.action == "purge.shred" }
        #expect(shreds.map(\.target) == refs)
        // A second execute is refused; the batch stays as it is.
        try sandbox.expectNoChange(audit: ["purge.execute:failed"]) {
            expectFailure(
                try sandbox.run(as: Holds.compliance, ["purge", "execute", "1"]), 1, ["batch 1 was already executed"])
        }
    }

    @Test func selfApprovalRejectionAndStrikes() throws {
        let (sandbox, refs) = try Self.vault(2)
        let batch = try Self.propose(sandbox, by: Holds.dual)
        try sandbox.expectNoChange(audit: ["purge.approve:denied", "purge.execute:failed", "purge.reject:failed"]) {
            expectFailure(
                try sandbox.run(as: Holds.dual, ["purge", "approve", String(batch)]), 77,
                ["you proposed batch 1 yourself; another approver must approve it"])
            expectFailure(
                try sandbox.run(as: Holds.compliance, ["purge", "execute", String(batch)]), 1,
                ["batch 1 is not approved yet; an approver other than dual must run 'docvault purge approve 1'"])
            expectFailure(
                try sandbox.run(as: Sandbox.lender, ["purge", "reject", String(batch), "--reason", " "]), 64,
                ["purge reject needs --reason TEXT"])
        }
        try sandbox.expectNoChange {
            expectFailure(
                try sandbox.run(as: Sandbox.lender, ["purge", "reject", String(batch)]), 64,
                ["purge reject needs --reason TEXT"])
            expectFailure(try sandbox.run(as: Holds.compliance, ["purge", "show", "x"]), 64, ["batch number"])
        }
        try sandbox.expectNoChange(audit: ["purge.show:failed"]) {
            expectFailure(
                try sandbox.run(as: Holds.compliance, ["purge", "show", "7"]), 66, ["no destruction batch 7"])
        }
        let struck = try sandbox.run(
            as: Holds.compliance, ["purge", "strike", "1", refs[0].lowercased(), "--reason", "audit pending"])
        #expect(struck.stdout == "\(refs[0]) struck from batch 1; 1 document(s) remain.\n", "\(struck)")
        let json = try sandbox.run(as: Sandbox.lender, ["purge", "show", "1", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        let items = try #require(object["items"] as? [[String: Any]])
        #expect(items.map { $0["status"] as? String } == ["struck", "proposed"])
        #expect(items.first?["reason"] as? String == "audit pending")
        let rejected = try sandbox.run(as: Sandbox.lender, ["purge", "reject", "1", "--reason", "wrong scope"])
        #expect(rejected.stdout == "Batch 1 rejected; nothing in it will be destroyed.\n")
        try sandbox.expectNoChange(audit: ["purge.execute:failed"]) {
            expectFailure(
                try sandbox.run(as: Holds.compliance, ["purge", "execute", "1"]), 1,
                ["batch 1 was rejected; propose a new batch"])
        }
        // A rejected batch frees its documents for a new proposal.
        #expect(try Self.propose(sandbox) == 2)
    }
}
