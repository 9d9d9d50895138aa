import Foundation
import Testing

@testable import VaultCore

/// The borrowing register's requests and decisions: request → approval by someone else → due date,
/// denial with a sealed reason, separation of duties, and the vault's loan periods.
@Suite("Borrowing: requests and decisions")
struct BorrowingTests {
    @Test("Request, approval, get with the loan id, return, and get refused afterwards")
    func fullCycle() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let reference = try test.fileText("claim voucher 7")
        test.session.freeze(at: TestTime.start)
        let requested = try Borrowing.request(
            scope: .references([reference.lowercased()]), purpose: "audit of claim C-42", days: nil,
            session: test.session)
        #expect(requested.status == "requested")
        #expect(requested.requester == test.archivist)
        #expect(requested.requesterRoles == ["archivist", "staff"])
        #expect(requested.purpose == "audit of claim C-42")
        #expect(requested.scope == "references")
        #expect(requested.items == [reference])
        #expect(requested.requestedAt == Timestamp.format(TestTime.start))
        #expect(requested.requestedDays == 7)
        #expect(requested.dueAt == nil && requested.decidedBy == nil)
        let requestEntry = try test.lastAudit()
        #expect(requestEntry.action == "borrow.request")
        #expect(requestEntry.actor == test.archivist)
        #expect(requestEntry.outcome == .ok)
        #expect(requestEntry.details == "loan=\(requested.id); kind=read; scope=references; items=1; days=7")
        #expect(try test.openSealed(requestEntry) == "purpose=audit of claim C-42")

        let approvedAt = TestTime.after(days: 0, seconds: 3_600)
        approver.freeze(at: approvedAt)
        let approved = try Borrowing.approve(requested.id, days: nil, session: approver)
        let due = Timestamp.format(approvedAt.addingTimeInterval(7 * TestTime.day))
        #expect(approved.status == "active")
        #expect(approved.decidedBy == test.approverName)
        #expect(approved.decidedAt == Timestamp.format(approvedAt))
        #expect(approved.dueAt == due)
        #expect(try test.loanRow(requested.id).dueAt == due)
        let approveEntry = try test.lastAudit()
        #expect(approveEntry.action == "borrow.approve")
        #expect(approveEntry.actor == test.approverName)
        #expect(approveEntry.target == "loan:\(requested.id)")
        #expect(approveEntry.outcome == .ok)
        #expect(approveEntry.details == "loan=\(requested.id); days=7; due=\(due)")

        test.session.freeze(at: approvedAt.addingTimeInterval(60))
        #expect(try test.get(reference) == Array("claim voucher 7".utf8))
        let getEntry = try test.lastAudit()
        #expect(getEntry.action == "get")
        #expect(getEntry.outcome == .ok)
        #expect(getEntry.details == "output=file; loan=\(requested.id); size=15")

        let returnedAt = TestTime.after(days: 2)
        test.session.freeze(at: returnedAt)
        let returned = try Borrowing.returnLoan(requested.id, session: test.session)
        #expect(returned.status == "returned")
        #expect(returned.returnedBy == test.archivist)
        #expect(returned.returnedAt == Timestamp.format(returnedAt))
        #expect(try test.lastAudit().details == "loan=\(requested.id)")
        try test.expectGetRefused(
            reference, message: "loan \(requested.id) for \(reference) was returned; request a new loan",
            details: "output=file; loan=\(requested.id); refused=returned")
    }

    @Test("A policy, claim or customer resolves to its documents at request time, and only those are lent")
    func requestScopes() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let customerID = "110105199003071234"
        let claimForm = try test.fileText("a") {
            $0.policyNo = "P-100"
            $0.claimNo = "C-7"
        }
        let proposal = try test.fileText("b", category: "UW") { $0.policyNo = "P-100" }
        let outside = try test.fileText("c") {
            $0.policyNo = "P-200"
            $0.customerID = customerID
        }
        let byPolicy = try Borrowing.request(scope: .policy("P-100"), purpose: "p", days: nil, session: test.session)
        #expect(byPolicy.items == [claimForm, proposal])
        #expect(byPolicy.scope == "policy:P-100")
        #expect(try test.lastAudit().details == "loan=\(byPolicy.id); kind=read; scope=policy:P-100; items=2; days=7")
        // Filed under the same policy after the request: not part of the loan.
        let later = try test.fileText("d") { $0.policyNo = "P-100" }
        let approved = try Borrowing.approve(byPolicy.id, days: nil, session: approver)
        #expect(approved.items == [claimForm, proposal])
        #expect(try test.get(claimForm) == Array("a".utf8))
        #expect(try test.get(proposal) == Array("b".utf8))
        for reference in [later, outside] {
            try test.expectGetRefused(
                reference,
                message:
                    "no loan of yours covers \(reference); ask for one with 'docvault borrow request \(reference) --purpose TEXT'",
                details: "output=file; refused=no-loan")
        }

        let byClaim = try Borrowing.request(scope: .claim("C-7"), purpose: "c", days: nil, session: test.session)
        #expect(byClaim.items == [claimForm])
        #expect(byClaim.scope == "claim:C-7")
        // The customer ID matches through its blind index, whatever the spelling, and stays out of the register.
        let byCustomer = try Borrowing.request(
            scope: .customerID("110105-19900307-1234"), purpose: "k", days: nil, session: test.session)
        #expect(byCustomer.items == [outside])
        #expect(byCustomer.scope == "customer")
        let entry = try test.lastAudit()
        #expect(entry.details == "loan=\(byCustomer.id); kind=read; scope=customer; items=1; days=7")
        #expect(try test.openSealed(entry) == "purpose=k")
        let catalogue =
            TestVault.contents(of: test.location.catalogPath)
            + TestVault.contents(of: test.location.catalogPath + "-wal")
        #expect(TestVault.contains(catalogue, Array("policy:P-100".utf8)))
        #expect(!TestVault.contains(catalogue, Array(customerID.utf8)))
    }

    @Test("Bad requests are refused with the right exit status, logged, and add nothing to the register")
    func requestRefused() throws {
        let test = try TestVault()
        let reference = try test.fileText("x") { $0.policyNo = "P-1" }
        let auditor = try test.user("audrey", roles: [.auditor])
        let cases: [(VaultError.Kind, Int32, String, LoanScope, String, Int?)] = [
            (.usage, 64, "name the documents: REF..., --policy, --claim or --customer-id", .references([]), "p", nil),
            (
                .inputMissing, 66, "no document with reference J001-CL-2024-D10-0099",
                .references([reference, "J001-CL-2024-D10-0099"]), "p", nil
            ),
            (
                .inputMissing, 66, "no documents are filed under policy P-404; nothing to request", .policy("P-404"),
                "p", nil
            ),
            (
                .inputMissing, 66, "no documents are filed under claim C-404; nothing to request", .claim("C-404"), "p",
                nil
            ),
            (.inputMissing, 66, "no documents are filed under that customer ID", .customerID("999"), "p", nil),
            (.usage, 64, "a loan request needs --purpose TEXT", .references([reference]), " \n ", nil),
            (.usage, 64, "--days must be between 1 and 30 (this vault's longest loan)", .policy("P-1"), "p", 0),
            (.usage, 64, "--days must be between 1 and 30 (this vault's longest loan)", .policy("P-1"), "p", 31),
            (.usage, 64, "--days must be between 1 and 30 (this vault's longest loan)", .policy("P-1"), "p", -1),
        ]
        for (kind, exit, message, scope, purpose, days) in cases {
            let entry = try test.expectFailure(
                kind, exit: exit, message: message, logged: "borrow.request", .failed, details: ""
            ) { _ = try Borrowing.request(scope: scope, purpose: purpose, days: days, session: test.session) }
            #expect(try test.openSealed(entry)?.contains("reason=\(message)") == true, "\(message)")
        }
        // Roles that may not read content may not borrow either.
        for session in [auditor, test.adminSession] {
            let name = session.actor.name
            let expected = "'\(name)' may not borrow.request; it needs the role archivist, approver, compliance, staff"
            try test.expectFailure(
                .permissionDenied, exit: 77, message: expected, logged: "borrow.request", .denied,
                details: "reason=\(expected)"
            ) { try test.request([reference], as: session) }
        }
        #expect(try test.database.queryOne("SELECT COUNT(*) AS n FROM loans")?.int("n") == 0)
        // The boundaries themselves are accepted.
        #expect(try test.request([reference], days: 1).requestedDays == 1)
        #expect(try test.request([reference], days: 30).requestedDays == 30)
    }

    @Test("A denial records its reason sealed; a decided loan cannot be decided again")
    func denyWithReason() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let reference = try test.fileText("x")
        let purpose = "Quibblesworth subrogation review"
        let reason = "Frobisher-Kettleby holds a conflict of interest"
        let loan = try test.request([reference], purpose: purpose)
        approver.freeze(at: TestTime.start)
        let denied = try Borrowing.deny(loan.id, reason: "  \(reason)\n", session: approver)
        #expect(denied.status == "denied")
        #expect(denied.reason == reason)
        #expect(denied.decidedBy == test.approverName)
        #expect(denied.decidedAt == Timestamp.format(TestTime.start))
        #expect(denied.dueAt == nil)
        let entry = try test.lastAudit()
        #expect(entry.action == "borrow.deny")
        #expect(entry.target == "loan:\(loan.id)")
        #expect(entry.outcome == .ok)
        #expect(entry.details == "loan=\(loan.id)")
        #expect(try test.openSealed(entry) == "reason=  \(reason)\n")
        let shown = try BorrowingRegister.show(loan.id, session: test.session)
        #expect(shown.reason == reason)
        #expect(shown.purpose == purpose)
        // Purpose and reason are readable through the register only: sealed in the catalogue and its WAL.
        let catalogue =
            TestVault.contents(of: test.location.catalogPath)
            + TestVault.contents(of: test.location.catalogPath + "-wal")
        #expect(TestVault.contains(catalogue, Array(reference.utf8)))
        for secret in ["Quibblesworth", "subrogation", "Frobisher", "conflict of interest"] {
            #expect(!TestVault.contains(catalogue, Array(secret.utf8)), "\(secret)")
        }

        for (action, verb, attempt) in [
            ("borrow.deny", "denied", { _ = try Borrowing.deny(loan.id, reason: "again", session: approver) }),
            ("borrow.approve", "approved", { _ = try Borrowing.approve(loan.id, days: nil, session: approver) }),
        ] as [(String, String, () throws -> Void)] {
            let message = "loan \(loan.id) is denied with no renewal waiting; only requests and renewals can be \(verb)"
            let refused = try test.expectFailure(
                .failure, exit: 1, message: message, logged: action, .failed, details: "", attempt)
            #expect(refused.target == "loan:\(loan.id)")
        }
        // An active loan without a renewal waiting cannot be approved or denied either.
        let active = try test.lend(reference)
        try test.expectFailure(
            .failure, exit: 1,
            message: "loan \(active.id) is active with no renewal waiting; only requests and renewals can be approved",
            logged: "borrow.approve", .failed, details: ""
        ) { _ = try Borrowing.approve(active.id, days: nil, session: approver) }
        let pending = try test.request([reference])
        try test.expectFailure(
            .usage, exit: 64, message: "deny needs --reason TEXT", logged: "borrow.deny", .failed, details: ""
        ) { _ = try Borrowing.deny(pending.id, reason: " ", session: approver) }
        try test.expectFailure(
            .inputMissing, exit: 66, message: "no loan 99; 'docvault borrow list' shows the register",
            logged: "borrow.approve", .failed, details: ""
        ) { _ = try Borrowing.approve(99, days: nil, session: approver) }
        #expect(try test.loanRow(pending.id).status == "requested")
    }

    @Test("No one decides their own loan, even holding the approver role; only approvers decide")
    func separationOfDuties() throws {
        let test = try TestVault()
        let reference = try test.fileText("x")
        let petra = try test.user("petra", roles: [.staff, .approver])
        let sam = try test.user("sam", roles: [.staff])
        let own = try test.request([reference], as: petra)
        for (verb, attempt) in [
            ("approve", { _ = try Borrowing.approve(own.id, days: nil, session: petra) }),
            ("deny", { _ = try Borrowing.deny(own.id, reason: "mine", session: petra) }),
        ] as [(String, () throws -> Void)] {
            let entry = try test.expectFailure(
                .permissionDenied, exit: 77,
                message: "you may not \(verb) your own loan \(own.id); another approver must",
                logged: "borrow.\(verb)", .denied, details: "", attempt)
            #expect(entry.actor == "petra")
            #expect(entry.target == "loan:\(own.id)")
        }
        for (session, action) in [(sam, "approve"), (test.session, "deny")] {
            let name = session.actor.name
            let expected = "'\(name)' may not borrow.\(action); it needs the role approver"
            try test.expectFailure(
                .permissionDenied, exit: 77, message: expected, logged: "borrow.\(action)", .denied,
                details: "reason=\(expected)"
            ) {
                if action == "approve" {
                    _ = try Borrowing.approve(own.id, days: nil, session: session)
                } else {
                    _ = try Borrowing.deny(own.id, reason: "no", session: session)
                }
            }
        }
        // Petra may decide someone else's request, and another approver decides hers.
        let archivists = try test.request([reference])
        #expect(try Borrowing.approve(archivists.id, days: nil, session: petra).decidedBy == "petra")
        #expect(try Borrowing.approve(own.id, days: nil, session: try test.approver()).status == "active")
        #expect(try test.get(reference, as: petra) == Array("x".utf8))
    }

    @Test("An approver may shorten or lengthen the period within the vault's maximum")
    func approvalDays() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let reference = try test.fileText("x")
        approver.freeze(at: TestTime.start)
        let short = try test.request([reference], days: 20)
        let approved = try Borrowing.approve(short.id, days: 3, session: approver)
        let due = Timestamp.format(TestTime.after(days: 3))
        #expect(approved.dueAt == due)
        #expect(approved.requestedDays == 20)
        #expect(try test.lastAudit().details == "loan=\(short.id); days=3; due=\(due)")
        let long = try test.request([reference], days: 30)
        #expect(
            try Borrowing.approve(long.id, days: nil, session: approver).dueAt
                == Timestamp.format(TestTime.after(days: 30)))
        let pending = try test.request([reference])
        for days in [0, 31] {
            let entry = try test.expectFailure(
                .usage, exit: 64, message: "--days must be between 1 and 30 (this vault's longest loan)",
                logged: "borrow.approve", .failed, details: ""
            ) { _ = try Borrowing.approve(pending.id, days: days, session: approver) }
            #expect(entry.target == "loan:\(pending.id)")
        }
        #expect(try test.loanRow(pending.id).status == "requested")
    }

    @Test("Loan periods: validated changes, logged old and new values, and the new limits enforced")
    func loanSettings() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let carla = try test.user("carla", roles: [.compliance])
        let sam = try test.user("sam", roles: [.staff])
        let reference = try test.fileText("x")
        let older = try test.request([reference], days: 20)
        #expect(try LoanSettings.show(session: carla) == LoanSettings(defaultDays: 7, maxDays: 30))
        // Anyone may read the periods; reading is logged as borrow.settings.
        #expect(try LoanSettings.show(session: sam) == LoanSettings(defaultDays: 7, maxDays: 30))
        #expect(try test.lastAudit().action == "borrow.settings")
        let refusals: [(Int?, Int?, String)] = [
            (nil, 0, "--max-days must be between 1 and 365"),
            (nil, 366, "--max-days must be between 1 and 365"),
            (nil, 5, "--max-days 5 is below the default period (7 days); give a smaller --default-days too"),
            (31, nil, "--default-days must be between 1 and the maximum (30)"),
            (0, nil, "--default-days must be between 1 and the maximum (30)"),
            (20, 10, "--default-days must be between 1 and the maximum (10)"),
        ]
        for (defaultDays, maxDays, message) in refusals {
            let entry = try test.expectFailure(
                .usage, exit: 64, message: message, logged: "borrow.settings.change", .failed, details: ""
            ) { _ = try LoanSettings.change(defaultDays: defaultDays, maxDays: maxDays, session: carla) }
            #expect(entry.target == "loan-settings")
        }
        let refusal = "'sam' may not borrow.settings.change; it needs the role admin, compliance"
        try test.expectFailure(
            .permissionDenied, exit: 77, message: refusal, logged: "borrow.settings.change", .denied,
            details: "reason=\(refusal)"
        ) { _ = try LoanSettings.change(defaultDays: 3, maxDays: nil, session: sam) }
        #expect(try LoanSettings.current(test.database) == LoanSettings(defaultDays: 7, maxDays: 30))

        #expect(
            try LoanSettings.change(defaultDays: 10, maxDays: nil, session: carla)
                == LoanSettings(defaultDays: 10, maxDays: 30))
        let changed = try test.lastAudit()
        #expect(changed.actor == "carla")
        #expect(changed.outcome == .ok)
        #expect(changed.details == "default-days=7->10; max-days=30->30")
        #expect(
            try LoanSettings.change(defaultDays: nil, maxDays: 14, session: test.adminSession)
                == LoanSettings(defaultDays: 10, maxDays: 14))
        #expect(try test.lastAudit().details == "default-days=10->10; max-days=30->14")
        #expect(try LoanSettings.current(test.database) == LoanSettings(defaultDays: 10, maxDays: 14))

        #expect(try test.request([reference]).requestedDays == 10)
        try test.expectFailure(
            .usage, exit: 64, message: "--days must be between 1 and 14 (this vault's longest loan)",
            logged: "borrow.request", .failed, details: ""
        ) { try test.request([reference], days: 15) }
        let longest = try test.request([reference], days: 14)
        try test.expectFailure(
            .usage, exit: 64, message: "--days must be between 1 and 14", logged: "borrow.approve", .failed, details: ""
        ) { _ = try Borrowing.approve(longest.id, days: 15, session: approver) }
        approver.freeze(at: TestTime.start)
        #expect(
            try Borrowing.approve(longest.id, days: nil, session: approver).dueAt
                == Timestamp.format(TestTime.after(days: 14)))
        // A request for longer than the new maximum, made before the change, is granted the maximum.
        #expect(
            try Borrowing.approve(older.id, days: nil, session: approver).dueAt
                == Timestamp.format(TestTime.after(days: 14)))
        #expect(try test.lastAudit().details.hasPrefix("loan=\(older.id); days=14; "))
    }
}
