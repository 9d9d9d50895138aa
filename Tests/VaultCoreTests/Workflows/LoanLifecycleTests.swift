import Foundation
import Testing

@testable import VaultCore

/// What happens to an approved loan: it expires at its due date, is renewed through a second
/// approval, is returned, or is revoked (by hand or when its borrower is disabled).
@Suite("Borrowing: due dates, renewals, returns and revocations")
struct LoanLifecycleTests {
    /// Files one document and lends it to the archivist, approved at ``TestTime/start`` for `days` days.
    private static func activeLoan(_ test: TestVault, days: Int? = nil) throws -> (String, LoanDetails) {
        let reference = try test.fileText("lent content")
        let approver = try test.approver()
        approver.freeze(at: TestTime.start)
        let request = try test.request([reference], days: days)
        return (reference, try Borrowing.approve(request.id, days: nil, session: approver))
    }

    private static func listed(_ test: TestVault, status: String) throws -> [Int] {
        var filter = LoanFilter()
        filter.status = status
        return try BorrowingRegister.list(filter, session: test.session).map(\.id)
    }

    @Test("A loan grants access until one second before its due date, then stays on the register as overdue")
    func expiry() throws {
        let test = try TestVault()
        let (reference, loan) = try Self.activeLoan(test)
        let due = TestTime.after(days: 7)
        #expect(loan.dueAt == Timestamp.format(due))

        test.session.freeze(at: due.addingTimeInterval(-1))
        #expect(try test.get(reference) == Array("lent content".utf8))
        #expect(try test.lastAudit().details == "output=file; loan=\(loan.id); size=12")
        #expect(try Self.listed(test, status: "active") == [loan.id])
        #expect(try Self.listed(test, status: "overdue").isEmpty)

        test.session.freeze(at: due)
        try test.expectGetRefused(
            reference,
            message: "loan \(loan.id) expired on \(Timestamp.format(due)); return it and request a new loan",
            details: "output=file; loan=\(loan.id); refused=expired")
        #expect(try Self.listed(test, status: "overdue") == [loan.id])
        #expect(try test.lastAudit().details == "status=overdue; results=1")
        #expect(try Self.listed(test, status: "active").isEmpty)
        #expect(try BorrowingRegister.show(loan.id, session: test.session).status == "overdue")
        #expect(try test.loanRow(loan.id).status == "active")

        try test.expectFailure(
            .failure, exit: 1,
            message: "loan \(loan.id) is overdue, so it cannot be renewed; return it and request a new loan",
            logged: "borrow.renew", .failed, details: ""
        ) { _ = try Borrowing.renew(loan.id, days: 3, session: test.session) }

        test.session.freeze(at: due.addingTimeInterval(TestTime.day))
        let returned = try Borrowing.returnLoan(loan.id, session: test.session)
        #expect(returned.status == "returned")
        let entry = try test.lastAudit()
        #expect(entry.action == "borrow.return")
        #expect(entry.outcome == .ok)
        #expect(entry.details == "loan=\(loan.id); late")
        #expect(try Self.listed(test, status: "overdue").isEmpty)
        #expect(try Self.listed(test, status: "returned") == [loan.id])
    }

    @Test("A renewal is asked by the borrower, waits for approval, and moves the due date from the old one")
    func renewal() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let sam = try test.user("sam", roles: [.staff])
        let (reference, loan) = try Self.activeLoan(test)
        let due = TestTime.after(days: 7)
        test.session.freeze(at: TestTime.after(days: 2))

        try test.expectFailure(
            .usage, exit: 64, message: "--days must be between 1 and 30", logged: "borrow.renew", .failed, details: ""
        ) { _ = try Borrowing.renew(loan.id, days: 31, session: test.session) }
        let asked = try Borrowing.renew(loan.id, days: 5, session: test.session)
        #expect(asked.renewalDays == 5)
        #expect(asked.status == "active")
        #expect(asked.dueAt == Timestamp.format(due))
        #expect(try test.lastAudit().details == "loan=\(loan.id); days=5")
        try test.expectFailure(
            .failure, exit: 1, message: "loan \(loan.id) already has a renewal waiting for approval",
            logged: "borrow.renew", .failed, details: ""
        ) { _ = try Borrowing.renew(loan.id, days: 2, session: test.session) }
        let other = try test.expectFailure(
            .permissionDenied, exit: 77, message: "only the borrower may ask to renew loan \(loan.id)",
            logged: "borrow.renew", .denied, details: ""
        ) { _ = try Borrowing.renew(loan.id, days: 2, session: sam) }
        #expect(other.actor == "sam")

        let approvedAt = TestTime.after(days: 3)
        approver.freeze(at: approvedAt)
        let renewed = try Borrowing.approve(loan.id, days: nil, session: approver)
        let newDue = due.addingTimeInterval(5 * TestTime.day)
        #expect(renewed.dueAt == Timestamp.format(newDue))
        #expect(renewed.renewalDays == nil)
        #expect(renewed.renewedBy == test.approverName)
        #expect(renewed.renewedAt == Timestamp.format(approvedAt))
        #expect(renewed.decidedAt == Timestamp.format(TestTime.start))
        #expect(try test.lastAudit().details == "loan=\(loan.id); renewal-days=5; due=\(Timestamp.format(newDue))")
        test.session.freeze(at: due.addingTimeInterval(3_600))
        #expect(try test.get(reference) == Array("lent content".utf8))

        // A denied renewal leaves the loan active until its current due date.
        _ = try Borrowing.renew(loan.id, days: 2, session: test.session)
        let kept = try Borrowing.deny(loan.id, reason: "long enough", session: approver)
        #expect(kept.status == "active")
        #expect(kept.renewalDays == nil)
        #expect(kept.dueAt == Timestamp.format(newDue))
        #expect(try test.lastAudit().details == "loan=\(loan.id); renewal=denied")
        try test.expectFailure(
            .failure, exit: 1,
            message: "loan \(loan.id) is active with no renewal waiting; only requests and renewals can be denied",
            logged: "borrow.deny", .failed, details: ""
        ) { _ = try Borrowing.deny(loan.id, reason: "again", session: approver) }
        test.session.freeze(at: newDue.addingTimeInterval(-1))
        #expect(try test.get(reference) == Array("lent content".utf8))
        test.session.freeze(at: newDue)
        try test.expectGetRefused(
            reference,
            message: "loan \(loan.id) expired on \(Timestamp.format(newDue))",
            details: "output=file; loan=\(loan.id); refused=expired")
    }

    @Test("A renewal asked in time but not approved before the due date cannot revive the loan")
    func renewalApprovedTooLate() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let (reference, loan) = try Self.activeLoan(test)
        let due = TestTime.after(days: 7)
        test.session.freeze(at: TestTime.after(days: 6))
        _ = try Borrowing.renew(loan.id, days: 5, session: test.session)
        approver.freeze(at: due.addingTimeInterval(60))
        try test.expectFailure(
            .failure, exit: 1,
            message: "loan \(loan.id) expired on \(Timestamp.format(due)) before its renewal was approved; "
                + "the borrower must return it and request a new loan",
            logged: "borrow.approve", .failed, details: ""
        ) { _ = try Borrowing.approve(loan.id, days: nil, session: approver) }
        let shown = try BorrowingRegister.show(loan.id, session: approver)
        #expect(shown.status == "overdue")
        #expect(shown.dueAt == Timestamp.format(due))
        #expect(shown.renewalDays == 5)
        test.session.freeze(at: due.addingTimeInterval(120))
        try test.expectGetRefused(
            reference, message: "loan \(loan.id) expired on \(Timestamp.format(due))",
            details: "output=file; loan=\(loan.id); refused=expired")
    }

    @Test("Only the borrower or an archivist returns a loan, and only a loan that is out")
    func returning() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let sam = try test.user("sam", roles: [.staff])
        let carla = try test.user("carla", roles: [.compliance])
        let reference = try test.fileText("x")
        let samsLoan = try Borrowing.approve(
            try test.request([reference], as: sam).id, days: nil, session: approver)
        let other = try test.expectFailure(
            .permissionDenied, exit: 77, message: "only the borrower or an archivist may return loan \(samsLoan.id)",
            logged: "borrow.return", .denied, details: ""
        ) { _ = try Borrowing.returnLoan(samsLoan.id, session: carla) }
        #expect(other.target == "loan:\(samsLoan.id)")
        // An archivist records the return on the borrower's behalf.
        let returned = try Borrowing.returnLoan(samsLoan.id, session: test.session)
        #expect(returned.returnedBy == test.archivist)
        #expect(returned.requester == "sam")
        try test.expectGetRefused(
            reference, as: sam, message: "loan \(samsLoan.id) for \(reference) was returned",
            details: "output=file; loan=\(samsLoan.id); refused=returned")
        let pending = try test.request([reference], as: sam)
        for (id, status) in [(samsLoan.id, "returned"), (pending.id, "requested")] {
            try test.expectFailure(
                .failure, exit: 1, message: "loan \(id) is \(status), not out on loan; nothing to return",
                logged: "borrow.return", .failed, details: ""
            ) { _ = try Borrowing.returnLoan(id, session: sam) }
        }
    }

    @Test("Approvers and admins revoke requests and loans with a reason; staff may not")
    func revocation() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let sam = try test.user("sam", roles: [.staff])
        let (reference, loan) = try Self.activeLoan(test)
        approver.freeze(at: TestTime.after(days: 1))
        let revoked = try Borrowing.revoke(loan.id, reason: "case closed early", session: approver)
        #expect(revoked.status == "revoked")
        #expect(revoked.closedBy == test.approverName)
        #expect(revoked.closedAt == Timestamp.format(TestTime.after(days: 1)))
        #expect(revoked.reason == "case closed early")
        let entry = try test.lastAudit()
        #expect(entry.action == "borrow.revoke")
        #expect(entry.target == "loan:\(loan.id)")
        #expect(entry.details == "loan=\(loan.id)")
        #expect(try test.openSealed(entry) == "reason=case closed early")
        test.session.freeze(at: TestTime.after(days: 2))
        try test.expectGetRefused(
            reference, message: "loan \(loan.id) for \(reference) was revoked; request a new loan",
            details: "output=file; loan=\(loan.id); refused=revoked")

        // The admin reads no content but may end a loan or a request.
        let second = try test.lend(reference)
        let request = try test.request([reference])
        for id in [second.id, request.id] {
            let closed = try Borrowing.revoke(id, reason: "user left the team", session: test.adminSession)
            #expect(closed.status == "revoked")
            #expect(closed.closedBy == "alice")
        }
        let third = try test.lend(reference)
        let expected = "'sam' may not borrow.revoke; it needs the role admin, approver"
        try test.expectFailure(
            .permissionDenied, exit: 77, message: expected, logged: "borrow.revoke", .denied,
            details: "reason=\(expected)"
        ) { _ = try Borrowing.revoke(third.id, reason: "no", session: sam) }
        try test.expectFailure(
            .failure, exit: 1, message: "loan \(loan.id) is revoked; only requests and active loans can be revoked",
            logged: "borrow.revoke", .failed, details: ""
        ) { _ = try Borrowing.revoke(loan.id, reason: "again", session: approver) }
        try test.expectFailure(
            .usage, exit: 64, message: "revoke needs --reason TEXT", logged: "borrow.revoke", .failed, details: ""
        ) { _ = try Borrowing.revoke(third.id, reason: "", session: approver) }
        #expect(try test.get(reference) == Array("lent content".utf8))
        #expect(try test.lastAudit().details == "output=file; loan=\(third.id); size=12")
    }

    @Test("Disabling a user revokes their requests and active loans, and nobody else's")
    func disablingRevokes() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let sam = try test.user("sam", roles: [.staff])
        let reference = try test.fileText("x")
        let returned = try Borrowing.approve(try test.request([reference], as: sam).id, days: nil, session: approver)
        _ = try Borrowing.returnLoan(returned.id, session: sam)
        let active = try Borrowing.approve(try test.request([reference], as: sam).id, days: nil, session: approver)
        let requested = try test.request([reference], as: sam)
        let archivists = try test.lend(reference)

        test.adminSession.freeze(at: TestTime.start)
        try UserAdministration.disable(name: "sam", session: test.adminSession)
        let entry = try test.lastAudit()
        #expect(entry.action == "user.disable")
        #expect(entry.details == "loans-revoked=2")
        for id in [requested.id, active.id] {
            let loan = try BorrowingRegister.show(id, session: test.session)
            #expect(loan.status == "revoked", "\(id)")
            #expect(loan.reason == "borrower disabled", "\(id)")
            #expect(loan.closedBy == "alice", "\(id)")
            #expect(loan.closedAt == Timestamp.format(TestTime.start), "\(id)")
        }
        #expect(try test.loanRow(returned.id).status == "returned")
        #expect(try test.loanRow(archivists.id).status == "active")
        #expect(
            try LoanAccess.outstandingLoans(documentID: try test.row(reference).int("id"), database: test.database) == [
                archivists.id
            ])
        // Enabled again, the user finds their loans still revoked (the newest names the refusal).
        try UserAdministration.enable(name: "sam", session: test.adminSession)
        let again = try Session.open(
            vault: test.vault, userName: "sam", credential: .keyFile(test.location.keyFilePath(for: "sam")))
        try test.expectGetRefused(
            reference, as: again, message: "loan \(requested.id) for \(reference) was revoked",
            details: "output=file; loan=\(requested.id); refused=revoked")
    }
}
