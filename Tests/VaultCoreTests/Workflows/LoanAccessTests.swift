import Foundation
import Testing

@testable import VaultCore

/// `get` only through an active loan of the reader, whatever the role; every refusal logged with its code;
/// destroyed documents; and the outstanding-loan check destruction relies on.
@Suite("Borrowing: access to content through loans")
struct LoanAccessTests {
    @Test("The refusal codes are the ones the audit log documents")
    func refusalCodes() {
        #expect(
            LoanRefusal.allCases.map(\.rawValue) == [
                "no-loan", "pending", "expired", "revoked", "returned", "denied", "destroyed", "read-only",
            ])
    }

    @Test("A pending request and a denied request grant nothing, each refusal naming why")
    func pendingAndDenied() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let reference = try test.fileText("x")
        try test.expectGetRefused(
            reference,
            message: "no loan of yours covers \(reference); ask for one with 'docvault borrow request",
            details: "output=file; refused=no-loan")
        let loan = try test.request([reference])
        try test.expectGetRefused(
            reference, message: "loan \(loan.id) for \(reference) is still waiting for approval",
            details: "output=file; loan=\(loan.id); refused=pending")
        _ = try Borrowing.deny(loan.id, reason: "not needed", session: approver)
        try test.expectGetRefused(
            reference, message: "loan \(loan.id) for \(reference) was denied; request a new loan",
            details: "output=file; loan=\(loan.id); refused=denied")
        // A newer request pending beside the denied one is what the refusal reports.
        let again = try test.request([reference])
        try test.expectGetRefused(
            reference, message: "loan \(again.id) for \(reference) is still waiting for approval",
            details: "output=file; loan=\(again.id); refused=pending")
        _ = try Borrowing.approve(again.id, days: nil, session: approver)
        #expect(try test.get(reference) == Array("x".utf8))
        #expect(try test.lastAudit().details == "output=file; loan=\(again.id); size=1")
    }

    @Test("Every reading role needs a loan of its own; someone else's loan grants nothing")
    func everyRoleNeedsItsOwnLoan() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let reference = try test.fileText("customer file")
        let readers = [
            test.session, try test.user("sam", roles: [.staff]), try test.user("carla", roles: [.compliance]),
            try test.user("petra", roles: [.approver]),
        ]
        let samsLoan = try Borrowing.approve(
            try test.request([reference], as: readers[1]).id, days: nil, session: approver)
        for reader in readers where reader !== readers[1] {
            try test.expectGetRefused(
                reference, as: reader, message: "no loan of yours covers \(reference)",
                details: "output=file; refused=no-loan")
        }
        #expect(try test.get(reference, as: readers[1]) == Array("customer file".utf8))
        for reader in readers where reader !== readers[1] {
            let loan = try Borrowing.approve(try test.request([reference], as: reader).id, days: nil, session: approver)
            #expect(try test.get(reference, as: reader) == Array("customer file".utf8), "\(reader.actor.name)")
            let entry = try test.lastAudit()
            #expect(entry.actor == reader.actor.name)
            #expect(entry.details == "output=file; loan=\(loan.id); size=13")
            #expect(loan.id != samsLoan.id)
        }
        // Auditors and admins read no content at all, loan or not.
        let auditor = try test.user("audrey", roles: [.auditor])
        for reader in [auditor, test.adminSession] {
            let expected =
                "'\(reader.actor.name)' may not get; it needs the role archivist, approver, compliance, staff"
            try test.expectFailure(
                .permissionDenied, exit: 77, message: expected, logged: "get", .denied, details: "reason=\(expected)"
            ) { _ = try test.get(reference, as: reader) }
        }
    }

    @Test("The active loan among several of the reader's loans is the one logged")
    func activeLoanAmongOthers() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let reference = try test.fileText("x")
        let active = try test.lend(reference)
        let revoked = try test.lend(reference)
        _ = try Borrowing.revoke(revoked.id, reason: "duplicate", session: approver)
        let pending = try test.request([reference])
        #expect(try test.get(reference) == Array("x".utf8))
        #expect(try test.lastAudit().details == "output=file; loan=\(active.id); size=1")
        #expect(pending.id > revoked.id && revoked.id > active.id)
    }

    @Test("Outstanding loans count active and overdue loans of a document, nothing else")
    func outstandingLoans() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let sam = try test.user("sam", roles: [.staff])
        let reference = try test.fileText("x")
        let other = try test.fileText("y")
        let documentID = try test.row(reference).int("id")
        let otherID = try test.row(other).int("id")
        #expect(try LoanAccess.outstandingLoans(documentID: documentID, database: test.database).isEmpty)

        test.session.freeze(at: TestTime.start)
        approver.freeze(at: TestTime.start)
        let active = try test.lend(reference, other)
        // Approved ten days ago for seven days: overdue now, but still out.
        approver.freeze(at: TestTime.after(days: -10))
        let overdue = try Borrowing.approve(try test.request([reference], as: sam).id, days: nil, session: approver)
        approver.freeze(at: TestTime.start)
        #expect(try BorrowingRegister.show(overdue.id, session: test.session).status == "overdue")
        #expect(try BorrowingRegister.show(active.id, session: test.session).status == "active")
        let returned = try test.lend(reference)
        _ = try Borrowing.returnLoan(returned.id, session: test.session)
        let revoked = try test.lend(reference)
        _ = try Borrowing.revoke(revoked.id, reason: "r", session: approver)
        let denied = try test.request([reference])
        _ = try Borrowing.deny(denied.id, reason: "d", session: approver)
        _ = try test.request([reference])

        #expect(
            try LoanAccess.outstandingLoans(documentID: documentID, database: test.database) == [active.id, overdue.id])
        #expect(try LoanAccess.outstandingLoans(documentID: otherID, database: test.database) == [active.id])
        _ = try Borrowing.returnLoan(active.id, session: test.session)
        _ = try Borrowing.returnLoan(overdue.id, session: sam)
        #expect(try LoanAccess.outstandingLoans(documentID: documentID, database: test.database).isEmpty)
        #expect(try LoanAccess.outstandingLoans(documentID: otherID, database: test.database).isEmpty)
    }

    @Test("A destroyed document cannot be read even on an active loan, nor lent again")
    func destroyedDocument() throws {
        let test = try TestVault()
        let reference = try test.fileText("shredded") { $0.policyNo = "P-9" }
        let survivor = try test.fileText("kept") { $0.policyNo = "P-9" }
        let loan = try test.lend(reference)
        try test.database.run("UPDATE documents SET status = 'destroyed' WHERE reference = ?", [reference])
        try test.expectGetRefused(
            reference, kind: .inputMissing, exit: 66,
            message: "\(reference) was destroyed; its content no longer exists",
            details: "output=file; refused=destroyed")
        try test.expectFailure(
            .inputMissing, exit: 66, message: "\(reference) was destroyed; there is nothing to lend",
            logged: "borrow.request", .failed, details: ""
        ) { try test.request([survivor, reference.lowercased()]) }
        // A policy request covers only what is left of the policy.
        #expect(
            try Borrowing.request(scope: .policy("P-9"), purpose: "p", days: nil, session: test.session).items == [
                survivor
            ])
        try test.database.run("UPDATE documents SET status = 'destroyed' WHERE reference = ?", [survivor])
        try test.expectFailure(
            .inputMissing, exit: 66, message: "no documents are filed under policy P-9", logged: "borrow.request",
            .failed, details: ""
        ) {
            _ = try Borrowing.request(scope: .policy("P-9"), purpose: "p", days: nil, session: test.session)
        }
        // The loan itself stays on the register as it was.
        #expect(try test.loanRow(loan.id).status == "active")
    }
}
