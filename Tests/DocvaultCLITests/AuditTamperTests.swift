import Foundation
import Testing

/// Editing the audit log with `sqlite3` between commands: `audit verify` finds it (exit 65) and names the entry.
@Suite struct AuditTamperTests {
    /// A vault with a few sealed entries (user adds, a filing, a loan, gets and a search) and an auditor.
    static func vault() throws -> (Sandbox, String) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addUser("auditor", roles: "auditor")
        let reference = try sandbox.fileOne(
            try sandbox.input("a.pdf", text: "audit"), ["--category", "CL", "--year", "2024", "--customer", "Zhou"])
        try sandbox.lend(reference)
        for _ in 0..<2 { #expect(try sandbox.run(["get", reference, "-o", "-"]).status == 0) }
        #expect(try sandbox.run(["search", "--customer", "Zhou"]).status == 0)
        return (sandbox, reference)
    }

    static func catalogue(_ sandbox: Sandbox) -> String { sandbox.vault + "/catalog.sqlite" }

    /// Runs `audit verify` (with `arguments`) as the auditor.
    static func verify(_ sandbox: Sandbox, _ arguments: [String] = []) throws -> CLIResult {
        try sandbox.run(as: "auditor", ["audit", "verify"] + arguments)
    }

    /// Runs `audit head` as the auditor and returns the printed anchor.
    static func anchor(_ sandbox: Sandbox) throws -> String {
        let head = try sandbox.run(as: "auditor", ["audit", "head"])
        #expect(head.status == 0, "\(head)")
        let lines = head.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("vault ") == true)
        let anchor = try #require(lines.last.flatMap { $0.hasPrefix("anchor ") ? $0.dropFirst(7) : nil })
        return String(anchor)
    }

    @Test func intactLogVerifies() throws {
        let (sandbox, _) = try Self.vault()
        let count = try sandbox.auditLog().count
        let result = try Self.verify(sandbox)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "audit log intact: \(count) entries\n")
        let anchor = try Self.anchor(sandbox)
        let seq = try #require(Int(anchor.split(separator: ":")[0]))
        #expect(seq == (try sandbox.auditLog().last?.seq))
        let anchored = try Self.verify(sandbox, ["--anchor", anchor])
        #expect(anchored.status == 0, "\(anchored)")
        #expect(anchored.stdout.hasSuffix("; anchor \(seq) confirmed\n"))
        let last = try #require(try sandbox.auditLog().last)
        #expect(last.summary == "audit.verify:ok")
        #expect(last.details.contains("anchor=\(anchor)"))
    }

    @Test(arguments: [
        ("at", "'2020-01-01T00:00:00Z'"), ("actor", "'mallory'"), ("action", "'list'"), ("target", "'J001-X'"),
        ("outcome", "'denied'"), ("details", "details || ' '"), ("mac", "zeroblob(32)"),
    ])
    func editedFieldBreaksTheChainAtThatEntry(column: String, value: String) throws {
        let (sandbox, _) = try Self.vault()
        let target = try #require(try sandbox.auditLog().first { $0.action == "get" })
        try Catalogue.execute(
            Self.catalogue(sandbox), "UPDATE audit_log SET \(column) = \(value) WHERE seq = \(target.seq);")
        expectFailure(try Self.verify(sandbox), 65, ["audit log broken at entry \(target.seq): "])
    }

    @Test func editedSealedSearchTermsBreakTheChain() throws {
        let (sandbox, _) = try Self.vault()
        let search = try #require(try sandbox.auditLog().first { $0.action == "search" })
        #expect(search.hasSealedDetails)
        try Catalogue.execute(
            Self.catalogue(sandbox),
            "UPDATE audit_log SET sensitive_sealed = NULL WHERE seq = \(search.seq);")
        expectFailure(try Self.verify(sandbox), 65, ["audit log broken at entry \(search.seq): "])
    }

    @Test func deletedEntryBreaksTheChain() throws {
        let (sandbox, _) = try Self.vault()
        let target = try #require(try sandbox.auditLog().first { $0.action == "file" })
        try Catalogue.execute(Self.catalogue(sandbox), "DELETE FROM audit_log WHERE seq = \(target.seq);")
        expectFailure(
            try Self.verify(sandbox), 65, ["audit log broken at entry \(target.seq): entry \(target.seq) is missing"])
    }

    @Test func deletedAndRenumberedEntryBreaksTheChain() throws {
        let (sandbox, _) = try Self.vault()
        let target = try #require(try sandbox.auditLog().first { $0.action == "file" })
        try Catalogue.execute(
            Self.catalogue(sandbox),
            "DELETE FROM audit_log WHERE seq = \(target.seq); UPDATE audit_log SET seq = seq - 1 WHERE seq > \(target.seq);"
        )
        expectFailure(try Self.verify(sandbox), 65, ["audit log broken at entry \(target.seq): "])
    }

    @Test func swappedEntriesBreakTheChain() throws {
        let (sandbox, _) = try Self.vault()
        let gets = try sandbox.auditLog().filter { $0.action == "get" || $0.action == "search" }
        let (a, b) = (gets[0].seq, gets[2].seq)
        let columns = ["at", "actor", "action", "target", "outcome", "details", "sensitive_sealed", "mac"]
        let assignments = columns.map {
            "\($0) = (SELECT \($0) FROM audit_log AS o WHERE o.seq = \(a) + \(b) - audit_log.seq)"
        }
        try Catalogue.execute(
            Self.catalogue(sandbox),
            "UPDATE audit_log SET \(assignments.joined(separator: ", ")) WHERE seq IN (\(a), \(b));")
        let swapped = try sandbox.auditLog()
        #expect(swapped.first { $0.seq == a }?.action == "search")
        expectFailure(try Self.verify(sandbox), 65, ["audit log broken at entry \(a): "])
    }

    @Test func unsealedEntryInTheMiddleBreaksTheChain() throws {
        let (sandbox, _) = try Self.vault()
        let target = try #require(try sandbox.auditLog().first { $0.action == "file" })
        try Catalogue.execute(Self.catalogue(sandbox), "UPDATE audit_log SET mac = NULL WHERE seq = \(target.seq);")
        expectFailure(try Self.verify(sandbox), 65, ["audit log broken at entry \(target.seq): "])
    }

    @Test func cutBackLogIsFoundOnlyWithTheAnchor() throws {
        let (sandbox, _) = try Self.vault()
        let anchor = try Self.anchor(sandbox)
        let seq = try #require(Int(anchor.split(separator: ":")[0]))
        try Catalogue.execute(Self.catalogue(sandbox), "DELETE FROM audit_log WHERE seq >= \(seq - 1);")
        expectFailure(try Self.verify(sandbox, ["--anchor", anchor]), 65, ["audit log broken at entry \(seq): "])
        // Without the anchor, a log cut at its end is still a valid chain.
        #expect(try Self.verify(sandbox).status == 0)
    }

    @Test func olderCatalogueCopyIsFoundOnlyWithTheAnchor() throws {
        let (sandbox, reference) = try Self.vault()
        let catalogue = Self.catalogue(sandbox)
        try Catalogue.execute(catalogue, "PRAGMA wal_checkpoint(TRUNCATE);")
        let copies = sandbox.root + "/old"
        try FileManager.default.createDirectory(atPath: copies, withIntermediateDirectories: false)
        let suffixes = ["", "-wal", "-shm"]
        for suffix in suffixes where FileManager.default.fileExists(atPath: catalogue + suffix) {
            try FileManager.default.copyItem(atPath: catalogue + suffix, toPath: copies + "/catalog.sqlite" + suffix)
        }
        // Later accesses, then the anchor is published.
        #expect(try sandbox.run(["get", reference, "-o", "-"]).status == 0)
        let anchor = try Self.anchor(sandbox)
        for suffix in suffixes {
            try? FileManager.default.removeItem(atPath: catalogue + suffix)
            if FileManager.default.fileExists(atPath: copies + "/catalog.sqlite" + suffix) {
                try FileManager.default.copyItem(
                    atPath: copies + "/catalog.sqlite" + suffix, toPath: catalogue + suffix)
            }
        }
        let seq = try #require(Int(anchor.split(separator: ":")[0]))
        #expect(try sandbox.auditLog().count < seq)
        expectFailure(try Self.verify(sandbox, ["--anchor", anchor]), 65, ["audit log broken at entry \(seq): "])
        #expect(try Self.verify(sandbox).status == 0)
    }

    @Test func failedLoginsAreSealedByTheNextAction() throws {
        let (sandbox, reference) = try Self.vault()
        expectFailure(try sandbox.run(["get", reference, "--user", "mallory"]), 77, ["no user 'mallory'"])
        expectFailure(
            try sandbox.run(as: "auditor", ["audit", "log", "--key-file", sandbox.clerkKey]), 77,
            ["belongs to user 'clerk'"])
        let pending = try sandbox.auditLog().suffix(2)
        #expect(pending.map(\.summary) == ["login:denied", "login:denied"])
        #expect(pending.map(\.actor) == ["mallory", "auditor"])
        #expect(pending.allSatisfy { !$0.isSealed })
        let result = try Self.verify(sandbox)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("(2 failed-login entries sealed by this check)"))
        let after = try sandbox.auditLog()
        #expect(after.allSatisfy { $0.isSealed }, "\(after.filter { !$0.isSealed })")
        #expect(try Self.verify(sandbox).stdout == "audit log intact: \(after.count) entries\n")
    }

    @Test func badAnchorIsUsageError() throws {
        let (sandbox, _) = try Self.vault()
        for anchor in [
            "12", "x:00", "3:" + String(repeating: "0", count: 63), "0:" + String(repeating: "0", count: 64),
        ] {
            expectFailure(try Self.verify(sandbox, ["--anchor", anchor]), 64, ["--anchor must be SEQ:MAC"])
        }
        // A well-formed anchor that was never published does not match.
        let forged = "3:" + String(repeating: "ab", count: 32)
        expectFailure(try Self.verify(sandbox, ["--anchor", forged]), 65, ["audit log broken at entry 3: "])
    }
}
