import Foundation
import Testing

/// `borrow request|approve|deny|return|renew|revoke` end to end: what each step prints and
/// records, how get follows the loan, expiry through the test clock, separation of duties.
@Suite struct BorrowCommandTests {
    @Test func requestApproveGetReturnThenGetIsRefused() throws {
        let (sandbox, reference, content) = try Register.vault()
        let requested = try sandbox.run(["borrow", "request", reference, "--purpose", "理赔复核"])
        #expect(requested.status == 0, "\(requested)")
        let loan = try Sandbox.loanNumber(requestOutput: requested)
        #expect(
            requested.stdout
                == "Loan \(loan) requested for 1 document(s): \(reference)\n"
                + "An approver other than you must run: docvault borrow approve \(loan)\n")
        #expect(requested.stderr.isEmpty)
        try Register.expectRefusedGet(sandbox, reference, refusal: "pending", loan: loan) {
            expectFailure(
                try sandbox.run(["get", reference, "-o", "early.pdf"]), 77,
                ["loan \(loan) for \(reference) is still waiting for approval"])
        }

        let approved = try sandbox.run(as: Sandbox.lender, ["borrow", "approve", String(loan)])
        #expect(approved.status == 0, "\(approved)")
        let active = try Register.show(sandbox, loan)
        #expect(active["status"] as? String == "active")
        #expect(active["requester"] as? String == Sandbox.clerk)
        #expect(active["decidedBy"] as? String == Sandbox.lender)
        #expect(active["items"] as? [String] == [reference])
        #expect(active["purpose"] as? String == "理赔复核")
        let due = try #require(active["dueAt"] as? String)
        #expect(approved.stdout == "Loan \(loan) approved for \(Sandbox.clerk); due \(due).\n")
        // The default period, as requested.
        #expect(active["requestedDays"] as? Int == 7)
        #expect(try Register.date(due).timeIntervalSince(try Register.date(active["decidedAt"])) == 7 * 86_400)

        let toStdout = try sandbox.run(["get", reference, "-o", "-"])
        #expect(toStdout.status == 0, "\(toStdout)")
        #expect(toStdout.stdoutData == content)
        let toFile = try sandbox.run(["get", reference, "-o", "out.pdf"])
        #expect(toFile.status == 0, "\(toFile)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.work + "/out.pdf")) == content)
        let gets = try sandbox.auditLog().filter { $0.summary == "get:ok" }
        #expect(gets.count == 2)
        #expect(gets.allSatisfy { Register.detail("loan", in: $0.details) == String(loan) }, "\(gets)")

        let returned = try sandbox.run(["borrow", "return", String(loan)])
        #expect(returned.status == 0, "\(returned)")
        let closed = try Register.show(sandbox, loan)
        #expect(closed["status"] as? String == "returned")
        #expect(closed["returnedBy"] as? String == Sandbox.clerk)
        #expect(returned.stdout == "Loan \(loan) returned at \(closed["returnedAt"] as? String ?? "?").\n")

        try Register.expectRefusedGet(sandbox, reference, refusal: "returned", loan: loan) {
            expectFailure(
                try sandbox.run(["get", reference, "-o", "late.pdf"]), 77,
                ["loan \(loan) for \(reference) was returned; request a new loan"])
        }
        try sandbox.expectNoChange(audit: ["borrow.return:failed"]) {
            expectFailure(
                try sandbox.run(["borrow", "return", String(loan)]), 1,
                ["loan \(loan) is returned, not out on loan; nothing to return"])
        }
        #expect(sandbox.names() == ["keys", "out.pdf", "vault"])
    }

    @Test func denyWithReason() throws {
        let (sandbox, reference, _) = try Register.vault(size: 100)
        let loan = try sandbox.requestLoan([reference])
        let reason = "no claim number given, ask claims desk 7"
        let denied = try sandbox.run(as: Sandbox.lender, ["borrow", "deny", String(loan), "--reason", reason])
        #expect(denied.status == 0, "\(denied)")
        #expect(denied.stdout == "Loan \(loan): denied.\n")
        let shown = try Register.showText(sandbox, loan)
        #expect(shown["Status"] == "denied")
        #expect(shown["Reason"] == reason)
        let json = try Register.show(sandbox, loan)
        #expect(shown["Decided"] == "\(json["decidedAt"] as? String ?? "?") by \(Sandbox.lender)")
        #expect(json["dueAt"] == nil)
        // The reason is sealed in the register and in the audit log.
        for suffix in ["", "-wal"] {
            guard let bytes = FileManager.default.contents(atPath: sandbox.vault + "/catalog.sqlite" + suffix) else {
                continue
            }
            #expect(bytes.range(of: Data(reason.utf8)) == nil, "reason in clear in catalog.sqlite\(suffix)")
        }
        #expect(try sandbox.auditLog().last { $0.action == "borrow.deny" }?.hasSealedDetails == true)

        try Register.expectRefusedGet(sandbox, reference, refusal: "denied", loan: loan) {
            expectFailure(
                try sandbox.run(["get", reference, "-o", "-"]), 77,
                ["loan \(loan) for \(reference) was denied; request a new loan"])
        }
        // A decision is final: no approval after a denial.
        try sandbox.expectNoChange(audit: ["borrow.approve:failed"]) {
            expectFailure(
                try sandbox.run(as: Sandbox.lender, ["borrow", "approve", String(loan)]), 1,
                ["loan \(loan) is denied with no renewal waiting; only requests and renewals can be approved"])
        }
    }

    @Test func renewalAskedByTheBorrowerAndApproved() throws {
        let (sandbox, reference, content) = try Register.vault(size: 100)
        let loan = try sandbox.lend(reference)
        let before = try Register.show(sandbox, loan)
        let oldDue = try Register.date(before["dueAt"])
        // Only the borrower asks.
        try sandbox.expectNoChange(audit: ["borrow.renew:denied"]) {
            expectFailure(
                try sandbox.run(as: "staff", ["borrow", "renew", String(loan), "--days", "5"]), 77,
                ["only the borrower may ask to renew loan \(loan)"])
        }
        let asked = try sandbox.run(["borrow", "renew", String(loan), "--days", "5"])
        #expect(asked.status == 0, "\(asked)")
        #expect(
            asked.stdout
                == "Loan \(loan): renewal by 5 days requested; an approver must run: docvault borrow approve \(loan)\n")
        #expect(try Register.showText(sandbox, loan)["Renewal"] == "5 more days requested, waiting for approval")
        try sandbox.expectNoChange(audit: ["borrow.renew:failed"]) {
            expectFailure(
                try sandbox.run(["borrow", "renew", String(loan), "--days", "2"]), 1,
                ["loan \(loan) already has a renewal waiting for approval"])
        }
        // The loan runs on while the renewal waits.
        #expect(try sandbox.run(["get", reference, "-o", "-"]).stdoutData == content)

        let approved = try sandbox.run(as: Sandbox.lender, ["borrow", "approve", String(loan)])
        #expect(approved.status == 0, "\(approved)")
        let after = try Register.show(sandbox, loan)
        let newDue = try #require(after["dueAt"] as? String)
        #expect(try Register.date(newDue).timeIntervalSince(oldDue) == 5 * 86_400)
        #expect(approved.stdout == "Loan \(loan) approved for \(Sandbox.clerk); due \(newDue).\n")
        #expect(after["renewalDays"] == nil)
        #expect(after["status"] as? String == "active")
        let shown = try Register.showText(sandbox, loan)
        #expect(shown["Due"] == newDue)
        #expect(shown["Renewed"] == "\(after["renewedAt"] as? String ?? "?") by \(Sandbox.lender)")
        #expect(shown["Renewal"] == nil)
    }

    @Test func revokeByApproverAndByAdminButNotByStaff() throws {
        let (sandbox, reference, _) = try Register.vault(size: 100)
        let clerkLoan = try sandbox.lend(reference)
        let staffLoan = try sandbox.lend(reference, to: "staff")
        try sandbox.expectNoChange(audit: ["borrow.revoke:denied"]) {
            expectFailure(
                try sandbox.run(as: "staff", ["borrow", "revoke", String(clerkLoan), "--reason", "mine now"]), 77,
                ["'staff' may not borrow.revoke; it needs the role admin, approver"])
        }
        #expect(try Register.show(sandbox, clerkLoan)["status"] as? String == "active")

        for (loan, borrower, revoker) in [(clerkLoan, Sandbox.clerk, Sandbox.lender), (staffLoan, "staff", "admin")] {
            let reason = "file recalled by \(revoker)"
            let revoked = try sandbox.run(as: revoker, ["borrow", "revoke", String(loan), "--reason", reason])
            #expect(revoked.status == 0, "\(revoked)")
            #expect(revoked.stdout == "Loan \(loan): revoked.\n")
            let json = try Register.show(sandbox, loan, as: "auditor")
            #expect(json["status"] as? String == "revoked")
            #expect(json["closedBy"] as? String == revoker)
            #expect(json["reason"] as? String == reason)
            #expect(
                try Register.showText(sandbox, loan, as: "auditor")["Revoked"]
                    == "\(json["closedAt"] as? String ?? "?") by \(revoker)")
            try Register.expectRefusedGet(sandbox, reference, refusal: "revoked", loan: loan, actor: borrower) {
                expectFailure(
                    try sandbox.run(as: borrower, ["get", reference, "-o", "-"]), 77,
                    ["loan \(loan) for \(reference) was revoked; request a new loan"])
            }
        }
        try sandbox.expectNoChange(audit: ["borrow.revoke:failed"]) {
            expectFailure(
                try sandbox.run(as: "admin", ["borrow", "revoke", String(staffLoan), "--reason", "again"]), 1,
                ["loan \(staffLoan) is revoked; only requests and active loans can be revoked"])
        }
    }

    @Test func returnedByTheBorrowerOrAnArchivistOnly() throws {
        let (sandbox, reference, _) = try Register.vault(size: 100)
        let clerkLoan = try sandbox.lend(reference)
        let staffLoan = try sandbox.lend(reference, to: "staff")
        try sandbox.expectNoChange(audit: ["borrow.return:denied"]) {
            expectFailure(
                try sandbox.run(as: "staff", ["borrow", "return", String(clerkLoan)]), 77,
                ["only the borrower or an archivist may return loan \(clerkLoan)"])
        }
        // The clerk is an archivist: the desk records a return on the borrower's behalf.
        let returned = try sandbox.run(["borrow", "return", String(staffLoan)])
        #expect(returned.status == 0, "\(returned)")
        let shown = try Register.show(sandbox, staffLoan, as: "auditor")
        #expect(shown["status"] as? String == "returned")
        #expect(shown["returnedBy"] as? String == Sandbox.clerk)
        #expect(try Register.show(sandbox, clerkLoan)["status"] as? String == "active")
    }

    @Test func expiryThroughTheTestClock() throws {
        let (sandbox, reference, _) = try Register.vault(size: 100)
        let loan = try sandbox.requestLoan([reference])
        let approved = try sandbox.run(as: Sandbox.lender, ["borrow", "approve", String(loan), "--days", "2"])
        #expect(approved.status == 0, "\(approved)")
        let active = try Register.show(sandbox, loan)
        let due = try #require(active["dueAt"] as? String)
        let decided = try Register.date(active["decidedAt"])
        #expect(try Register.date(due).timeIntervalSince(decided) == 2 * 86_400)
        let later = Register.iso(decided.addingTimeInterval(3 * 86_400))

        try Register.expectRefusedGet(sandbox, reference, refusal: "expired", loan: loan) {
            expectFailure(
                try Register.at(later, sandbox, ["get", reference, "-o", "-"]), 77,
                ["loan \(loan) expired on \(due); return it and request a new loan"])
        }
        // The refusal is logged at the test clock's time.
        #expect(try sandbox.auditLog().last?.at == later)
        let overdue = try Register.list(
            sandbox, as: "auditor", ["--status", "overdue"], environment: ["DOCVAULT_TEST_NOW": later])
        #expect(Register.ids(overdue) == [loan])
        #expect(overdue.first?["status"] as? String == "overdue")
        // On the real clock the loan is still active.
        #expect(try Register.list(sandbox, as: "auditor", ["--status", "overdue"]).isEmpty)
        #expect(Register.ids(try Register.list(sandbox, as: "auditor", ["--status", "active"])) == [loan])

        try sandbox.expectNoChange(audit: ["borrow.renew:failed"]) {
            expectFailure(
                try Register.at(later, sandbox, ["borrow", "renew", String(loan), "--days", "3"]), 1,
                ["loan \(loan) is overdue, so it cannot be renewed; return it and request a new loan"])
        }
        let returned = try Register.at(later, sandbox, ["borrow", "return", String(loan)])
        #expect(returned.status == 0, "\(returned)")
        #expect(returned.stdout == "Loan \(loan) returned at \(later).\n")
        #expect(returned.stderr.isEmpty)
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.summary == "borrow.return:ok")
        #expect(entry.details.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.contains("late"))
        #expect(try Register.show(sandbox, loan)["status"] as? String == "returned")

        // The clock only moves forward, and only to a real time.
        let earlier = Register.iso(decided.addingTimeInterval(-86_400))
        try sandbox.expectNoChange {
            for arguments in [["borrow", "list"], ["get", reference, "-o", "-"], ["borrow", "show", String(loan)]] {
                expectFailure(
                    try sandbox.run(arguments, environment: ["DOCVAULT_TEST_NOW": earlier]), 64,
                    ["DOCVAULT_TEST_NOW may only move the clock forward, not back"])
            }
            expectFailure(
                try sandbox.run(["borrow", "list"], environment: ["DOCVAULT_TEST_NOW": "next week"]), 64,
                ["DOCVAULT_TEST_NOW must be a UTC time such as"])
        }
        #expect(try sandbox.run(as: "auditor", ["audit", "verify"]).status == 0)
    }

    @Test func nobodyApprovesTheirOwnLoanAndOnlyApproversApprove() throws {
        let (sandbox, reference, _) = try Register.vault(size: 100)
        try sandbox.addUser("both", roles: "archivist,approver")
        let loan = try sandbox.requestLoan([reference], by: "both")
        try sandbox.expectNoChange(audit: ["borrow.approve:denied", "borrow.deny:denied", "borrow.approve:denied"]) {
            expectFailure(
                try sandbox.run(as: "both", ["borrow", "approve", String(loan)]), 77,
                ["you may not approve your own loan \(loan); another approver must"])
            expectFailure(
                try sandbox.run(as: "both", ["borrow", "deny", String(loan), "--reason", "changed my mind"]), 77,
                ["you may not deny your own loan \(loan); another approver must"])
            expectFailure(
                try sandbox.run(as: Sandbox.clerk, ["borrow", "approve", String(loan)]), 77,
                ["'clerk' may not borrow.approve; it needs the role approver"])
        }
        let shown = try Register.show(sandbox, loan)
        #expect(shown["status"] as? String == "requested")
        #expect(shown["decidedBy"] == nil)
        try Register.expectRefusedGet(sandbox, reference, refusal: "pending", loan: loan, actor: "both") {
            expectFailure(try sandbox.run(as: "both", ["get", reference, "-o", "-"]), 77, ["waiting for approval"])
        }
        // Another approver may.
        #expect(try sandbox.run(as: Sandbox.lender, ["borrow", "approve", String(loan)]).status == 0)
        #expect(try Register.show(sandbox, loan)["decidedBy"] as? String == Sandbox.lender)
    }

    @Test func policyLoanCoversEveryDocumentOfThePolicyThen() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let policy = "P-2024-0007"
        let contents = (1...3).map { pseudoRandomBytes(count: 2_000 + $0, seed: UInt64($0)) }
        let paths = try contents.enumerated().map { try sandbox.input("part\($0.offset).pdf", $0.element) }
        let references = try sandbox.file(paths, ["--category", "UW", "--year", "2024", "--policy", policy])
        let outside = try sandbox.fileOne(
            try sandbox.input("other.pdf", text: "other policy"),
            ["--category", "UW", "--year", "2024", "--policy", "P-2024-0008"])

        let requested = try sandbox.run(["borrow", "request", "--policy", policy, "--purpose", "underwriting audit"])
        #expect(requested.status == 0, "\(requested)")
        let loan = try Sandbox.loanNumber(requestOutput: requested)
        #expect(
            requested.stdout.hasPrefix(
                "Loan \(loan) requested for 3 document(s): \(references.sorted().joined(separator: ", "))\n"))
        try sandbox.addLender()
        #expect(try sandbox.run(as: Sandbox.lender, ["borrow", "approve", String(loan)]).status == 0)
        let shown = try Register.show(sandbox, loan)
        #expect(shown["scope"] as? String == "policy:\(policy)")
        #expect(shown["items"] as? [String] == references.sorted())
        #expect(try Register.showText(sandbox, loan)["Items"] == references.sorted().joined(separator: ", "))

        for (reference, content) in zip(references, contents) {
            let got = try sandbox.run(["get", reference, "-o", "-"])
            #expect(got.status == 0, "\(got)")
            #expect(got.stdoutData == content, "\(reference)")
        }
        try Register.expectRefusedGet(sandbox, outside, refusal: "no-loan", loan: nil) {
            expectFailure(
                try sandbox.run(["get", outside, "-o", "-"]), 77,
                [
                    "no loan of yours covers \(outside); "
                        + "ask for one with 'docvault borrow request \(outside) --purpose TEXT'"
                ])
        }
        // The policy was resolved when the request was made: a later filing is not covered.
        let newcomer = try sandbox.fileOne(
            try sandbox.input("late.pdf", text: "filed later"),
            ["--category", "UW", "--year", "2024", "--policy", policy])
        try Register.expectRefusedGet(sandbox, newcomer, refusal: "no-loan", loan: nil) {
            expectFailure(try sandbox.run(["get", newcomer, "-o", "-"]), 77, ["no loan of yours covers \(newcomer)"])
        }
    }

    @Test func everyRefusedGetIsLoggedWithItsReason() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addLender()
        try sandbox.addUser("auditor", roles: "auditor")
        let paths = try (0..<6).map { try sandbox.input("d\($0).pdf", text: "document \($0)") }
        let refs = try sandbox.file(paths)
        // One document per reason, so that each get meets exactly one situation.
        let pending = try sandbox.requestLoan([refs[1]])
        let expired = try sandbox.lend(refs[2])
        let revoked = try sandbox.lend(refs[3])
        #expect(
            try sandbox.run(as: Sandbox.lender, ["borrow", "revoke", String(revoked), "--reason", "recalled"]).status
                == 0)
        let denied = try sandbox.requestLoan([refs[4]])
        #expect(
            try sandbox.run(as: Sandbox.lender, ["borrow", "deny", String(denied), "--reason", "no"]).status == 0)
        let returned = try sandbox.lend(refs[5])
        #expect(try sandbox.run(["borrow", "return", String(returned)]).status == 0)
        let due = try Register.date(try Register.show(sandbox, expired)["dueAt"])
        let later = Register.iso(due.addingTimeInterval(86_400))

        let expected: [(String, String, Int?)] = [
            (refs[0], "no-loan", nil), (refs[1], "pending", pending), (refs[2], "expired", expired),
            (refs[3], "revoked", revoked), (refs[4], "denied", denied), (refs[5], "returned", returned),
        ]
        for (reference, refusal, loan) in expected {
            try Register.expectRefusedGet(sandbox, reference, refusal: refusal, loan: loan) {
                let result =
                    refusal == "expired"
                    ? try Register.at(later, sandbox, ["get", reference, "-o", "-"])
                    : try sandbox.run(["get", reference, "-o", "-"])
                expectFailure(result, 77, [loan.map { "loan \($0) " } ?? "no loan of yours covers \(reference)"])
            }
        }

        let log = try sandbox.run(
            ["audit", "log", "--action", "get", "--outcome", "denied", "--json", "--actor", "auditor"],
            environment: ["DOCVAULT_USER": CLI.unset])
        #expect(log.status == 0, "\(log)")
        let objects = try log.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let logged = objects.map { object in
            let details = object["details"] as? String ?? ""
            return "\(object["target"] as? String ?? "?") \(Register.detail("refused", in: details) ?? "?") "
                + (Register.detail("loan", in: details) ?? "-")
        }
        #expect(logged == expected.map { "\($0.0) \($0.1) \($0.2.map(String.init) ?? "-")" })
        #expect(objects.allSatisfy { $0["actor"] as? String == Sandbox.clerk && $0["outcome"] as? String == "denied" })
        #expect(try sandbox.run(as: "auditor", ["audit", "verify"]).status == 0)
    }
}
