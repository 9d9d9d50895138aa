import Foundation
import Testing

@testable import VaultCore

/// The hash-chained audit log: appending, verifying, and detecting every kind of edit.
@Suite("Audit chain")
struct AuditChainTests {
    /// A test vault whose log holds `count` more entries appended directly, the even ones with sealed details.
    private static func vault(entries count: Int = 5) throws -> TestVault {
        let test = try TestVault()
        let start = try test.auditCount()
        try test.database.writeTransaction {
            for index in 1...count {
                let seq = try AuditLog.append(
                    test.database, key: test.session.auditKey, at: "2024-03-0\(index)T10:00:00Z",
                    actor: "user\(index)", action: "get", target: "J001-CL-2024-D10-000\(index)", outcome: .ok,
                    details: "size=\(index)",
                    sensitive: index % 2 == 0 ? { try test.session.keys.sealAudit("customer=C\(index)", seq: $0) } : nil
                )
                #expect(seq == start + index)
            }
        }
        return test
    }

    private static func verify(_ test: TestVault, anchor: AuditAnchor? = nil) throws -> AuditVerification {
        try AuditVerifier.verify(test.database, key: test.session.auditKey, anchor: anchor)
    }

    @Test("Appended entries verify, carry their fields and chain their MACs")
    func roundTrip() throws {
        let test = try Self.vault()
        let entries = try test.auditEntries()
        #expect(entries.map(\.seq) == Array(1...entries.count))
        #expect(entries.count == 6)
        let third = entries[3]
        #expect(third.actor == "user3")
        #expect(third.action == "get")
        #expect(third.target == "J001-CL-2024-D10-0003")
        #expect(third.outcome == .ok)
        #expect(third.details == "size=3")
        #expect(third.at == "2024-03-03T10:00:00Z")
        #expect(third.sensitiveSealed == nil)
        #expect(try test.openSealed(entries[2]) == "customer=C2")
        var previous = AuditLog.genesis
        for entry in entries {
            let mac = try #require(entry.mac)
            #expect(mac.count == 32)
            #expect(mac == (try AuditLog.mac(key: test.session.auditKey, previous: previous, entry: entry)))
            previous = mac
        }
        let result = try Self.verify(test)
        #expect(result.firstBroken == nil)
        #expect(result.problem == nil)
        #expect(result.entries == 6)
        #expect(result.pendingAtEnd == 0)
        #expect(result.head?.seq == 6)
        #expect(result.head?.mac == entries.last?.mac)
        #expect(
            try Self.verify(test, anchor: AuditAnchor(seq: 4, mac: try #require(entries[3].mac))).firstBroken == nil)
    }

    @Test("Another vault's audit key does not verify the chain")
    func wrongKey() throws {
        let test = try Self.vault(entries: 1)
        let other = try TestVault()
        let result = try AuditVerifier.verify(test.database, key: other.session.auditKey, anchor: nil)
        #expect(result.firstBroken == 1)
    }

    @Test(
        "Editing any column of an entry breaks the chain at that entry",
        arguments: [
            ("actor", "'mallory'"), ("action", "'list'"), ("target", "'J001-CL-2024-D10-0009'"),
            ("outcome", "'denied'"), ("details", "'size=999'"), ("at", "'2024-03-04T10:00:01Z'"),
            ("sensitive_sealed", "NULL"), ("sensitive_sealed", "randomblob(45)"), ("mac", "zeroblob(32)"),
            ("mac", "NULL"),
        ])
    func editedColumn(column: String, value: String) throws {
        let test = try Self.vault()
        #expect(try Self.verify(test).firstBroken == nil)
        // Entry 5 holds sealed details (user4), entry 4 does not; both are in the middle of the log.
        for seq in [4, 5] {
            let original = try #require(try test.database.queryOne("SELECT * FROM audit_log WHERE seq = ?", [seq]))
            try test.database.run("UPDATE audit_log SET \(column) = \(value) WHERE seq = ?", [seq])
            let changed = try #require(try test.database.queryOne("SELECT * FROM audit_log WHERE seq = ?", [seq]))
            if changed[column] == original[column] { continue }  // NULL over NULL: nothing was edited
            let result = try Self.verify(test)
            #expect(result.firstBroken == seq, "\(column) of \(seq)")
            #expect(result.problem != nil)
            if value != "NULL" { #expect(result.entries == seq - 1) }
            try test.database.run("UPDATE audit_log SET \(column) = ? WHERE seq = ?", [original[column], seq])
            #expect(try Self.verify(test).firstBroken == nil)
        }
    }

    @Test("Deleting an entry reports the missing sequence number")
    func deletedEntry() throws {
        let test = try Self.vault()
        try test.database.run("DELETE FROM audit_log WHERE seq = 3")
        let result = try Self.verify(test)
        #expect(result.firstBroken == 3)
        #expect(result.problem?.contains("entry 3 is missing") == true)
        #expect(result.entries == 2)
    }

    @Test("Swapping two entries' contents breaks the chain at the first of them")
    func swappedEntries() throws {
        let test = try Self.vault()
        let columns = ["at", "actor", "action", "target", "outcome", "details", "sensitive_sealed", "mac"]
        let second = try #require(try test.database.queryOne("SELECT * FROM audit_log WHERE seq = 3"))
        let fourth = try #require(try test.database.queryOne("SELECT * FROM audit_log WHERE seq = 5"))
        let assignments = columns.map { "\($0) = ?" }.joined(separator: ", ")
        try test.database.run(
            "UPDATE audit_log SET \(assignments) WHERE seq = 3", columns.map { fourth[$0] } as [SQLValue])
        try test.database.run(
            "UPDATE audit_log SET \(assignments) WHERE seq = 5", columns.map { second[$0] } as [SQLValue])
        #expect(try Self.verify(test).firstBroken == 3)
    }

    @Test("Cutting the log back is detected only against an anchor")
    func truncation() throws {
        let test = try Self.vault()
        let head = try #require(try Self.verify(test).head)
        let anchor = AuditAnchor(seq: head.seq, mac: head.mac)
        #expect(try Self.verify(test, anchor: anchor).firstBroken == nil)
        try test.database.run("DELETE FROM audit_log WHERE seq > 4")
        let plain = try Self.verify(test)
        #expect(plain.firstBroken == nil)
        #expect(plain.entries == 4)
        let anchored = try Self.verify(test, anchor: anchor)
        #expect(anchored.firstBroken == 6)
        #expect(anchored.problem?.contains("cut back") == true)
    }

    @Test("An anchor with the wrong MAC is reported at its sequence number")
    func wrongAnchor() throws {
        let test = try Self.vault()
        var mac = try #require(try test.auditEntries()[2].mac)
        mac[0] ^= 0x80
        let result = try Self.verify(test, anchor: AuditAnchor(seq: 3, mac: mac))
        #expect(result.firstBroken == 3)
        #expect(result.problem?.contains("anchor") == true)
    }

    @Test("Failed logins are pending, then sealed in order by the next authenticated append")
    func pendingSealed() throws {
        let test = try Self.vault(entries: 1)
        for name in ["mallory", "trudy", "eve"] {
            #expect(throws: VaultError.self) {
                _ = try Session.open(vault: test.vault, userName: name, credential: .keyFile(test.archivistKeyFile))
            }
        }
        let pending = try test.auditEntries().suffix(3)
        #expect(pending.map(\.actor) == ["mallory", "trudy", "eve"])
        #expect(pending.allSatisfy { $0.mac == nil && $0.action == "login" && $0.outcome == .denied })
        let waiting = try Self.verify(test)
        #expect(waiting.firstBroken == nil)
        #expect(waiting.pendingAtEnd == 3)
        #expect(waiting.entries == 5)
        #expect(waiting.head?.seq == 2)
        _ = try CatalogQueries.list(DocumentFilter(), session: test.session)
        let entries = try test.auditEntries()
        #expect(entries.count == 6)
        #expect(entries.allSatisfy { $0.mac != nil })
        var previous = AuditLog.genesis
        for entry in entries {
            #expect(entry.mac == (try AuditLog.mac(key: test.session.auditKey, previous: previous, entry: entry)))
            previous = try #require(entry.mac)
        }
        let sealed = try Self.verify(test)
        #expect(sealed.firstBroken == nil)
        #expect(sealed.pendingAtEnd == 0)
        #expect(sealed.head?.seq == 6)
    }

    @Test("An unsealed entry before a sealed one breaks the chain")
    func pendingBeforeSealed() throws {
        let test = try Self.vault(entries: 3)
        try test.database.run("UPDATE audit_log SET mac = NULL WHERE seq = 2")
        let result = try Self.verify(test)
        #expect(result.firstBroken == 2)
        #expect(result.problem?.contains("no MAC") == true)
        // Entries written without the key in the middle are not sealed later either.
        try test.database.run("UPDATE audit_log SET mac = NULL WHERE seq = 3")
        #expect(try Self.verify(test).firstBroken == 2)
    }

    @Test("An entry without a MAC that is not a refused login is never sealed and breaks the chain")
    func forgedUnsealedEntryIsNotBlessed() throws {
        let test = try Self.vault(entries: 3)
        let forgedSeq = try test.auditCount() + 1
        try test.database.run(
            """
            INSERT INTO audit_log (seq, at, actor, action, target, outcome, details)
            VALUES (?, '2026-01-01T00:00:00Z', 'bob', 'get', 'J001-CL-2024-D10-0001', 'ok', 'output=file')
            """, [forgedSeq])
        let before = try Self.verify(test)
        #expect(before.firstBroken == forgedSeq)
        #expect(before.problem?.contains("not a refused login") == true)
        // The next authenticated action must not seal the forged entry into the chain.
        try test.database.writeTransaction {
            try test.session.appendAudit(action: "list", target: "", outcome: .ok, note: AuditNote())
        }
        let forged = try #require(try test.database.queryOne("SELECT mac FROM audit_log WHERE seq = ?", [forgedSeq]))
        #expect(forged.bytes("mac") == nil)
        #expect(try Self.verify(test).firstBroken == forgedSeq)
    }

    @Test("Anchors parse from SEQ:HEX and print back")
    func anchorParsing() throws {
        let mac = (0..<32).map { UInt8($0 * 7) }
        let anchor = try #require(AuditAnchor("17:" + mac.hexString))
        #expect(anchor.seq == 17)
        #expect(anchor.mac == mac)
        #expect(anchor.text == "17:" + mac.hexString)
        #expect(AuditAnchor(anchor.text) == anchor)
        #expect(AuditAnchor("17:" + mac.hexString.uppercased()) == anchor)
        #expect(AuditAnchor(seq: 17, mac: mac) == anchor)
    }

    @Test(
        "Malformed anchors are refused",
        arguments: [
            "", "17", "17:", ":" + String(repeating: "ab", count: 32), "0:" + String(repeating: "ab", count: 32),
            "-3:" + String(repeating: "ab", count: 32), "x:" + String(repeating: "ab", count: 32),
            "17:" + String(repeating: "ab", count: 31), "17:" + String(repeating: "ab", count: 33),
            "17:" + String(repeating: "ab", count: 31) + "zz", "17:" + String(repeating: "ab", count: 32) + ":1",
            "17:" + String(repeating: "ab", count: 31) + "a",
        ])
    func anchorRefused(text: String) {
        #expect(AuditAnchor(text) == nil)
    }
}
