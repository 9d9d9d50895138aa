import Foundation
import Testing

@testable import VaultCore

/// Legal holds: placing by each scope, coverage of documents filed later, release by another
/// approver only, and reasons sealed per hold.
@Suite("Legal holds: place, cover, release")
struct LegalHoldsTests {
    static let customerID = "110105199003071234"

    /// A compliance-only user `carol` of `test`.
    static func compliance(_ test: TestVault) throws -> Session {
        try test.user("carol", roles: [.compliance])
    }

    /// The hold ids in force that cover the document `reference`.
    static func holds(_ test: TestVault, _ reference: String) throws -> [Int] {
        let row = try #require(try DocumentTable.find(test.database, reference: reference))
        return try LegalHolds.inForce(covering: row, database: test.database)
    }

    @Test("Each scope names its subject, counts what it covers now, and logs scope and subject but no customer")
    func placeByEachScope() throws {
        let test = try TestVault()
        let carol = try Self.compliance(test)
        let claimForm = try test.fileText("a") {
            $0.policyNo = "P-100"
            $0.claimNo = "C-7"
            $0.customerID = Self.customerID
        }
        let proposal = try test.fileText("b", category: "UW") { $0.policyNo = "P-100" }
        carol.freeze(at: TestTime.start)
        let cases: [(HoldScope, String, String, String, Int)] = [
            (.reference(claimForm.lowercased()), "document", claimForm, "scope=document; subject=\(claimForm)", 1),
            (.policy("P-100"), "policy", "P-100", "scope=policy; subject=P-100", 2),
            (.claim(" C-7 "), "claim", "C-7", "scope=claim; subject=C-7", 1),
            (.customerID("110105-19900307-1234"), "customer", "", "scope=customer", 1),
        ]
        var ids: [Int] = []
        for (scope, scopeName, subject, details, covers) in cases {
            let hold = try LegalHolds.place(scope, reason: "matter \(scopeName)", session: carol)
            ids.append(hold.id)
            #expect(hold.scope == scopeName)
            #expect(hold.status == "in-force")
            #expect(hold.reason == "matter \(scopeName)")
            #expect(hold.placedBy == "carol")
            #expect(hold.placedAt == Timestamp.format(TestTime.start))
            #expect(hold.releasedBy == nil && hold.releasedAt == nil && hold.releaseReason == nil)
            #expect(hold.covers == covers, "\(scopeName)")
            let entry = try test.lastAudit()
            #expect(entry.action == "hold.place")
            #expect(entry.actor == "carol")
            #expect(entry.target == "hold:\(hold.id)")
            #expect(entry.outcome == .ok)
            #expect(entry.details == "\(details); covers=\(covers)")
            #expect(try test.openSealed(entry) == "reason=matter \(scopeName)")
            if scopeName != "customer" { #expect(hold.subject == subject) }
        }
        #expect(ids == [1, 2, 3, 4])
        // A customer is stored as the hex of its ID's blind index and shown by its first 8 digits.
        let index = try #require(try test.session.keys.blindIndex(Self.customerID, field: "customer_id")).hexString
        #expect(try HoldTable.find(test.database, id: 4)?.subject == index)
        #expect(try HoldRegister.show(4, session: carol).subject == "customer \(index.prefix(8))")
        #expect(try Self.holds(test, claimForm) == [1, 2, 3, 4])
        #expect(try Self.holds(test, proposal) == [2])
    }

    @Test("A hold by policy, claim or customer covers documents filed after it; other documents stay free")
    func coversLaterFilings() throws {
        let test = try TestVault()
        let carol = try Self.compliance(test)
        let byPolicy = try LegalHolds.place(.policy("P-9"), reason: "suit", session: carol)
        let byClaim = try LegalHolds.place(.claim("C-9"), reason: "suit", session: carol)
        let byCustomer = try LegalHolds.place(.customerID(Self.customerID), reason: "suit", session: carol)
        #expect([byPolicy, byClaim, byCustomer].map(\.covers) == [0, 0, 0])
        #expect(try test.lastAudit().details == "scope=customer; covers=0")

        let underPolicy = try test.fileText("p") { $0.policyNo = "P-9" }
        let underClaim = try test.fileText("c") { $0.claimNo = "C-9" }
        let ofCustomer = try test.fileText("k", category: "CU") { $0.customerID = "110105 19900307 1234" }
        let free = try test.fileText("f") {
            $0.policyNo = "P-90"
            $0.claimNo = "C-90"
            $0.customerID = "110105199003079999"
        }
        #expect(try Self.holds(test, underPolicy) == [byPolicy.id])
        #expect(try Self.holds(test, underClaim) == [byClaim.id])
        #expect(try Self.holds(test, ofCustomer) == [byCustomer.id])
        #expect(try Self.holds(test, free) == [])
        for hold in [byPolicy, byClaim, byCustomer] {
            #expect(try HoldRegister.show(hold.id, session: carol).covers == 1)
        }
    }

    @Test("Only an approver who did not place the hold releases it; the document is then free")
    func releaseBySomeoneElse() throws {
        let test = try TestVault()
        let dual = try test.user("dana", roles: [.compliance, .approver])
        let carol = try Self.compliance(test)
        let approver = try test.approver()
        let reference = try test.fileText("x") { $0.policyNo = "P-1" }
        dual.freeze(at: TestTime.start)
        let hold = try LegalHolds.place(.policy("P-1"), reason: "litigation 2030-17", session: dual)

        try test.expectFailure(
            .permissionDenied, exit: 77, message: "another approver must release hold \(hold.id)",
            logged: "hold.release", .denied, details: ""
        ) { _ = try LegalHolds.release(hold.id, reason: "done", session: dual) }
        let needed = "'carol' may not hold.release; it needs the role approver"
        try test.expectFailure(
            .permissionDenied, exit: 77, message: needed, logged: "hold.release", .denied, details: "reason=\(needed)"
        ) { _ = try LegalHolds.release(hold.id, reason: "done", session: carol) }
        #expect(try Self.holds(test, reference) == [hold.id])
        #expect(try CatalogQueries.show(reference, session: test.session).holds == [hold.id])
        #expect(try CatalogQueries.list(DocumentFilter(), session: test.session).map(\.holds) == [nil])

        let releasedAt = TestTime.after(days: 3)
        approver.freeze(at: releasedAt)
        let released = try LegalHolds.release(hold.id, reason: " settled out of court ", session: approver)
        #expect(released.status == "released")
        #expect(released.releasedBy == test.approverName)
        #expect(released.releasedAt == Timestamp.format(releasedAt))
        #expect(released.releaseReason == "settled out of court")
        #expect(released.reason == "litigation 2030-17")
        #expect(released.covers == 1)
        let entry = try test.lastAudit()
        #expect(entry.action == "hold.release")
        #expect(entry.actor == test.approverName)
        #expect(entry.target == "hold:\(hold.id)")
        #expect(entry.details == "scope=policy; subject=P-1; covers=1")
        #expect(try test.openSealed(entry) == "reason= settled out of court ")
        #expect(try Self.holds(test, reference) == [])
        #expect(try CatalogQueries.show(reference, session: test.session).holds == [])
        let stored = try #require(try HoldTable.find(test.database, id: hold.id))
        #expect(stored.placedBy == "dana" && stored.releasedBy == test.approverName)

        let twice = try test.expectFailure(
            .failure, exit: 1,
            message:
                "hold \(hold.id) was already released by \(test.approverName) at \(Timestamp.format(releasedAt)); nothing to release",
            logged: "hold.release", .failed, details: ""
        ) { _ = try LegalHolds.release(hold.id, reason: "again", session: approver) }
        #expect(twice.target == "hold:\(hold.id)")
    }

    @Test("Bad places and releases are refused with the right exit status, logged, and change nothing")
    func refusals() throws {
        let test = try TestVault()
        let carol = try Self.compliance(test)
        let approver = try test.approver()
        let hold = try LegalHolds.place(.claim("C-1"), reason: "r", session: carol)
        let places: [(VaultError.Kind, Int32, String, HoldScope, String)] = [
            (.usage, 64, "hold place needs --reason TEXT", .policy("P-1"), " \n "),
            (.usage, 64, "--policy needs a number", .policy("  "), "r"),
            (.usage, 64, "--claim needs a number", .claim(""), "r"),
            (.usage, 64, "--customer-id needs a customer ID number", .customerID(" - "), "r"),
            (
                .inputMissing, 66, "no document with reference J001-CL-2024-D10-0099",
                .reference("J001-CL-2024-D10-0099"), "r"
            ),
        ]
        for (kind, exit, message, scope, reason) in places {
            let entry = try test.expectFailure(
                kind, exit: exit, message: message, logged: "hold.place", .failed, details: ""
            ) {
                _ = try LegalHolds.place(scope, reason: reason, session: carol)
            }
            #expect(try test.openSealed(entry)?.contains("reason=\(message)") == true, "\(message)")
        }
        try test.expectFailure(
            .inputMissing, exit: 66, message: "no hold 99; 'docvault hold list --all' shows the holds",
            logged: "hold.release", .failed, details: ""
        ) { _ = try LegalHolds.release(99, reason: "r", session: approver) }
        try test.expectFailure(
            .usage, exit: 64, message: "hold release needs --reason TEXT", logged: "hold.release", .failed, details: ""
        ) { _ = try LegalHolds.release(hold.id, reason: "\t", session: approver) }
        try test.expectFailure(
            .inputMissing, exit: 66, message: "no hold 99", logged: "hold.list", .failed, details: ""
        ) { _ = try HoldRegister.show(99, session: carol) }
        let needed = "'\(test.archivist)' may not hold.place; it needs the role compliance"
        try test.expectFailure(
            .permissionDenied, exit: 77, message: needed, logged: "hold.place", .denied, details: "reason=\(needed)"
        ) { _ = try LegalHolds.place(.policy("P-1"), reason: "r", session: test.session) }
        #expect(try HoldRegister.list(includeReleased: true, session: carol).map(\.id) == [hold.id])
    }

    @Test("A destroyed document cannot be held by reference and no longer counts as covered")
    func destroyedDocuments() throws {
        let test = try TestVault()
        let carol = try Self.compliance(test)
        let reference = try test.fileText("x") { $0.policyNo = "P-3" }
        let hold = try LegalHolds.place(.policy("P-3"), reason: "r", session: carol)
        #expect(hold.covers == 1)
        // Destruction is not built yet; its tombstone is the status column.
        try test.database.run("UPDATE documents SET status = 'destroyed' WHERE reference = ?", [reference])
        try test.expectFailure(
            .inputMissing, exit: 66, message: "\(reference) was destroyed; there is nothing to hold",
            logged: "hold.place", .failed, details: ""
        ) { _ = try LegalHolds.place(.reference(reference), reason: "r", session: carol) }
        #expect(try HoldRegister.show(hold.id, session: carol).covers == 0)
    }

    @Test("Reasons and the customer ID stay out of the catalogue's bytes; a reason moved to another hold fails")
    func sealing() throws {
        let test = try TestVault()
        let carol = try Self.compliance(test)
        let approver = try test.approver()
        _ = try test.fileText("x") { $0.customerID = Self.customerID }
        let first = try LegalHolds.place(
            .customerID(Self.customerID), reason: "Quibblesworth v. Insurer", session: carol)
        let second = try LegalHolds.place(.policy("P-2"), reason: "Frobisher inquiry", session: carol)
        _ = try LegalHolds.release(first.id, reason: "Kettleby settlement", session: approver)
        let catalogue =
            TestVault.contents(of: test.location.catalogPath)
            + TestVault.contents(of: test.location.catalogPath + "-wal")
        #expect(TestVault.contains(catalogue, Array("P-2".utf8)))
        for secret in [Self.customerID, "Quibblesworth", "Frobisher", "Kettleby"] {
            #expect(!TestVault.contains(catalogue, Array(secret.utf8)), "\(secret)")
        }

        // The stored reason opens with the field-seal key and FileFormat.md's AAD, built here by hand.
        let stored = try #require(try HoldTable.find(test.database, id: second.id))
        let aad =
            Array("docvault/v1/hold".utf8) + [0] + test.vault.meta.vaultID + [0, 0, 0, 0, 0, 0, 0, UInt8(second.id)]
            + Array("reason".utf8)
        #expect(try test.session.keys.fieldSeal.open(stored.reasonSealed, aad: aad) == Array("Frobisher inquiry".utf8))

        // Copying hold 1's sealed reason onto hold 2, or a reason into the release reason, is detected.
        try test.database.run(
            "UPDATE legal_holds SET reason_sealed = (SELECT reason_sealed FROM legal_holds WHERE id = ?) WHERE id = ?",
            [first.id, second.id])
        let error = #expect(throws: VaultError.self) { try HoldRegister.show(second.id, session: carol) }
        #expect(error?.kind == .dataError)
        #expect(error?.exitCode == 65)
        #expect(
            error?.message == "hold \(second.id)'s sealed reason failed authentication; the hold register was altered")
        #expect(throws: VaultError.self) { try HoldRegister.list(includeReleased: false, session: carol) }
        try test.database.run(
            "UPDATE legal_holds SET release_reason_sealed = reason_sealed WHERE id = ?", [first.id])
        let swapped = #expect(throws: VaultError.self) { try HoldRegister.show(first.id, session: carol) }
        #expect(
            swapped?.message
                == "hold \(first.id)'s sealed release_reason failed authentication; the hold register was altered")
    }

    @Test("The list shows holds in force, or all with released ones; both are logged with their count")
    func listing() throws {
        let test = try TestVault()
        let carol = try Self.compliance(test)
        let auditor = try test.user("audrey", roles: [.auditor])
        let first = try LegalHolds.place(.policy("P-1"), reason: "one", session: carol)
        let second = try LegalHolds.place(.claim("C-2"), reason: "two", session: carol)
        _ = try LegalHolds.release(first.id, reason: "over", session: try test.approver())
        #expect(try HoldRegister.list(includeReleased: false, session: auditor).map(\.id) == [second.id])
        #expect(try test.lastAudit().details == "results=1")
        let all = try HoldRegister.list(includeReleased: true, session: test.session)
        #expect(all.map(\.id) == [first.id, second.id])
        #expect(all.map(\.status) == ["released", "in-force"])
        #expect(all.map(\.releaseReason) == ["over", nil])
        let entry = try test.lastAudit()
        #expect(entry.action == "hold.list" && entry.actor == test.archivist)
        #expect(entry.details == "all; results=2")
        let shown = try HoldRegister.show(second.id, session: auditor)
        #expect(shown == all[1])
        #expect(try test.lastAudit().target == "hold:\(second.id)")
    }
}
