import Foundation
import Testing

@testable import VaultCore

/// `Session.perform`, failed logins, and the entries each workflow leaves in the audit log.
@Suite("Session and audit entries")
struct SessionAuditTests {
    private struct BodyFailure: Error {}

    private static func sentinels(_ test: TestVault) throws -> [String] {
        try test.database.query("SELECT value FROM sentinel ORDER BY rowid").compactMap { $0.string("value") }
    }

    @Test("A successful action appends one ok entry, after its work, in the same transaction")
    func performSuccess() throws {
        let test = try TestVault()
        try test.database.execute("CREATE TABLE sentinel (value TEXT)")
        let before = try test.auditCount()
        var note = AuditNote()
        note.details = ["category=CL"]
        note.sensitive = ["customer=Someone"]
        let value = try test.session.perform(.list, target: "T-1", note: note) { note in
            // The entry is written after the body, not before it.
            #expect(try test.auditCount() == before)
            try test.database.run("INSERT INTO sentinel VALUES ('done')")
            note.details.append("results=7")
            return 42
        }
        #expect(value == 42)
        #expect(try Self.sentinels(test) == ["done"])
        let added = try test.auditEntries().dropFirst(before)
        #expect(added.count == 1)
        let entry = try #require(added.first)
        #expect(entry.actor == test.archivist)
        #expect(entry.action == "list")
        #expect(entry.target == "T-1")
        #expect(entry.outcome == .ok)
        #expect(entry.details == "category=CL; results=7")
        #expect(try test.openSealed(entry) == "customer=Someone")
        #expect(entry.mac != nil)
    }

    @Test("A body that throws rolls back its work and leaves a failed entry, not an ok one")
    func performFailure() throws {
        let test = try TestVault()
        try test.database.execute("CREATE TABLE sentinel (value TEXT)")
        let before = try test.auditCount()
        #expect(throws: BodyFailure.self) {
            try test.session.perform(.show, target: "T-2") { note in
                try test.database.run("INSERT INTO sentinel VALUES ('half')")
                note.details.append("step=1")
                throw BodyFailure()
            }
        }
        #expect(try Self.sentinels(test).isEmpty)
        let added = try test.auditEntries().dropFirst(before)
        #expect(added.map(\.outcome) == [.failed])
        let entry = try #require(added.first)
        #expect(entry.action == "show")
        #expect(entry.target == "T-2")
        #expect(entry.details == "step=1")
        #expect(try test.openSealed(entry) == "reason=BodyFailure")
        #expect(try AuditVerifier.verify(test.database, key: test.session.auditKey, anchor: nil).firstBroken == nil)
    }

    @Test("If the ok entry cannot be written, the work rolls back with it")
    func auditAppendIsPartOfTheTransaction() throws {
        let test = try TestVault()
        try test.database.execute("CREATE TABLE sentinel (value TEXT)")
        try test.database.execute(
            """
            CREATE TRIGGER refuse_ok BEFORE INSERT ON audit_log WHEN NEW.outcome = 'ok'
            BEGIN SELECT RAISE(ABORT, 'no ok entries'); END
            """)
        let before = try test.auditCount()
        #expect(throws: (any Error).self) {
            try test.session.perform(.list) { _ in try test.database.run("INSERT INTO sentinel VALUES ('orphan')") }
        }
        #expect(try Self.sentinels(test).isEmpty)
        #expect(try test.auditEntries().dropFirst(before).map(\.outcome) == [.failed])
    }

    @Test("A refused action runs no work, throws permission denied and appends a denied entry")
    func performDenied() throws {
        let test = try TestVault()
        let staff = try test.user("sam", roles: [.staff])
        let before = try test.auditCount()
        var ran = false
        let error = #expect(throws: VaultError.self) {
            try staff.perform(.file, target: "T-3") { _ in ran = true }
        }
        #expect(!ran)
        #expect(error?.kind == .permissionDenied)
        let added = try test.auditEntries().dropFirst(before)
        #expect(added.count == 1)
        let entry = try #require(added.first)
        #expect(entry.actor == "sam")
        #expect(entry.action == "file")
        #expect(entry.target == "T-3")
        #expect(entry.outcome == .denied)
        #expect(entry.details == "reason='sam' may not file; it needs the role archivist")
        #expect(entry.mac != nil)
    }

    @Test("Failed logins append login entries without a MAC; a successful login appends nothing")
    func failedLogins() throws {
        let test = try TestVault(password: "correct horse battery staple")
        let disabled = try test.user("dora", roles: [.staff])
        try UserAdministration.disable(name: "dora", session: test.adminSession)
        let forged = try test.folder.write(
            "forged.key",
            text:
                "docvault key file v1\nvault \(test.vault.meta.vaultID.hexString)\nuser alice\nsecret \(try SecureRandom.bytes(count: 32).hexString)\n"
        )
        let before = try test.auditCount()
        let attempts: [(String, Credential)] = [
            ("alice", .keyFile(forged)),
            ("mallory", .keyFile(test.creation.keyFilePath)),
            ("dora", .keyFile(test.location.keyFilePath(for: "dora"))),
            ("alice", .password(SecretBytes(copying: Array("correct horse battery stapler".utf8)))),
        ]
        for (name, credential) in attempts {
            let error = #expect(throws: VaultError.self, "\(name)") {
                _ = try Session.open(vault: test.vault, userName: name, credential: credential)
            }
            #expect(error?.kind == .permissionDenied, "\(name)")
        }
        _ = try Session.open(vault: test.vault, userName: "alice", credential: .keyFile(test.creation.keyFilePath))
        let added = try test.auditEntries().dropFirst(before)
        #expect(added.map(\.actor) == attempts.map(\.0))
        #expect(added.allSatisfy { $0.action == "login" && $0.outcome == .denied && $0.mac == nil })
        let reasons = added.map(\.details)
        #expect(reasons[0].contains("does not open a keyslot"))
        #expect(reasons[1].contains("no user 'mallory'"))
        #expect(reasons[2].contains("disabled"))
        #expect(reasons[3].contains("wrong password"))
        #expect(disabled.actor.name == "dora")
    }

    @Test("file, borrow, get, show, list and search leave entries naming actor, action, target and details")
    func workflowEntries() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let paths = [try test.input("a.pdf", text: "first"), try test.input("b.pdf", text: "second!")]
        let before = try test.auditCount()
        let filed = try test.file(paths) { $0.docType = "claim-form" }
        let references = filed.map(\.reference)
        let loan = try test.lend(references[0])
        #expect(try test.get(references[0]) == Array("first".utf8))
        _ = try CatalogQueries.show(references[1].lowercased(), session: test.session)
        _ = try CatalogQueries.list(DocumentFilter(category: "CL", year: 2024), session: test.session)
        var criteria = SearchCriteria()
        criteria.customerName = "Nobody Known"
        _ = try CatalogQueries.search(criteria, session: test.session)
        let added = Array(try test.auditEntries().dropFirst(before))
        #expect(
            added.map(\.action) == [
                "file", "file", "borrow.request", "borrow.approve", "get", "show", "list", "search",
            ])
        #expect(added.allSatisfy { $0.outcome == .ok && $0.mac != nil })
        #expect(
            added.map(\.actor) == [
                test.archivist, test.archivist, test.archivist, approver.actor.name, test.archivist, test.archivist,
                test.archivist, test.archivist,
            ])
        #expect(
            added.map(\.target) == [
                references[0], references[1], "loan:\(loan.id)", "loan:\(loan.id)", references[0], references[1], "",
                "",
            ])
        #expect(added[0].details == "size=5; type=claim-form")
        #expect(added[1].details == "size=7; type=claim-form")
        #expect(added[2].details == "loan=\(loan.id); kind=read; scope=references; items=1; days=7")
        #expect(added[3].details == "loan=\(loan.id); days=7; due=\(try #require(loan.dueAt))")
        #expect(added[4].details == "output=file; loan=\(loan.id); size=5")
        #expect(added[5].details == "")
        #expect(added[6].details == "category=CL; year=2024; results=2")
        #expect(added[7].details == "results=0")
        #expect([0, 1, 3, 4, 5, 6].allSatisfy { added[$0].sensitiveSealed == nil })
        #expect(try test.openSealed(added[2]) == "purpose=test access")
        #expect(try test.openSealed(added[7]) == "customer=Nobody Known")
    }

    @Test("Search terms are sealed: not in the catalogue file or WAL, but readable through audit log")
    func searchTermsSealed() throws {
        let test = try TestVault()
        let name = "Zebediah Okonkwo-Frimpong"
        let customerID = "QX5550193377"
        let words = "xylophonist marmalade"
        _ = try test.fileText("body") { $0.customerName = name }
        var criteria = SearchCriteria()
        criteria.customerName = name
        criteria.customerID = customerID
        criteria.text = words
        #expect(try CatalogQueries.search(criteria, session: test.session).isEmpty)
        criteria.customerID = nil
        criteria.text = nil
        #expect(try CatalogQueries.search(criteria, session: test.session).count == 1)
        let catalogue =
            TestVault.contents(of: test.location.catalogPath)
            + TestVault.contents(of: test.location.catalogPath + "-wal")
        #expect(catalogue.count > 4096)
        for secret in [name, "Okonkwo", customerID, "xylophonist", "marmalade"] {
            #expect(!TestVault.contains(catalogue, Array(secret.utf8)), "\(secret)")
            #expect(!TestVault.contains(catalogue, Array(secret.lowercased().utf8)), "\(secret)")
        }
        let auditor = try test.user("audrey", roles: [.auditor])
        var filter = AuditFilter()
        filter.action = "search"
        let records = try AuditQueries.log(filter, session: auditor)
        #expect(records.count == 2)
        #expect(records[0].sealedDetails == "customer=\(name); customer-id=\(customerID); text=\(words)")
        #expect(records[1].sealedDetails == "customer=\(name)")
        #expect(records.allSatisfy { $0.sealed && $0.actor == test.archivist && !$0.details.contains("Zebediah") })
    }

    @Test("audit log filters, audit verify and audit head are logged and agree with each other")
    func auditQueries() throws {
        let test = try TestVault()
        let reference = try test.fileText("x")
        _ = try CatalogQueries.show(reference, session: test.session)
        #expect(throws: VaultError.self) { _ = try CatalogQueries.show("J001-CL-2024-D10-0099", session: test.session) }
        let auditor = try test.user("audrey", roles: [.auditor])
        var filter = AuditFilter()
        filter.user = test.archivist
        filter.action = "show"
        #expect(try AuditQueries.log(filter, session: auditor).map(\.outcome) == ["ok", "failed"])
        filter.outcome = .failed
        #expect(try AuditQueries.log(filter, session: auditor).map(\.target) == ["J001-CL-2024-D10-0099"])
        var byTarget = AuditFilter()
        byTarget.target = reference.lowercased()
        #expect(try AuditQueries.log(byTarget, session: auditor).map(\.action) == ["file", "show"])
        var future = AuditFilter()
        future.since = "2099-12-31"
        #expect(try AuditQueries.log(future, session: auditor).isEmpty)
        var past = AuditFilter()
        past.until = "1999-12-31"
        #expect(try AuditQueries.log(past, session: auditor).isEmpty)
        var bad = AuditFilter()
        bad.since = "yesterday"
        #expect((#expect(throws: VaultError.self) { _ = try AuditQueries.log(bad, session: auditor) })?.kind == .usage)

        let head = try AuditQueries.head(session: auditor)
        #expect(head.vaultID == test.vault.meta.vaultID.hexString)
        let last = try test.lastAudit()
        #expect(last.action == "audit.head")
        #expect(head.anchor == AuditAnchor(seq: last.seq, mac: try #require(last.mac)))
        _ = try CatalogQueries.list(DocumentFilter(), session: test.session)
        let result = try AuditQueries.verify(anchor: head.anchor, session: auditor)
        #expect(result.firstBroken == nil)
        #expect(result.entries == head.anchor.seq + 1)
        let verifyEntry = try test.lastAudit()
        #expect(verifyEntry.action == "audit.verify")
        #expect(verifyEntry.details == "anchor=\(head.anchor.text); entries=\(result.entries); intact")
        // Staff may not read the log.
        let staff = try test.user("sam", roles: [.staff])
        let denied = #expect(throws: VaultError.self) { _ = try AuditQueries.log(AuditFilter(), session: staff) }
        #expect(denied?.kind == .permissionDenied)
    }
}
