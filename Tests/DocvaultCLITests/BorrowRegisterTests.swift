import Foundation
import Testing

/// The borrowing register: usage errors, missing loans and documents, the listing and its
/// exports, loan settings, and what disabling a borrower does to their loans.
@Suite struct BorrowRegisterTests {
    /// One refused command line: who runs it, what it must say, and the audit entries it may leave.
    struct Refusal: CustomTestStringConvertible, Sendable {
        let user: String
        let arguments: [String]
        let message: String
        let audit: [String]

        var testDescription: String { arguments.joined(separator: " ") }
    }

    /// Usage errors with exit 64; `REF` is the filed document and `1` the loan requested in set-up.
    ///
    /// Errors found before the vault is opened leave no entry; those found by the workflow leave a `failed` one.
    static let usageErrors: [Refusal] = [
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "request", "REF"],
            message: "borrow request needs --purpose TEXT",
            audit: []),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "request", "REF", "--purpose", "   "],
            message: "a loan request needs --purpose TEXT", audit: ["borrow.request:failed"]),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "request", "REF", "--policy", "P-1", "--purpose", "x"],
            message: "name the documents one way: REF..., --policy, --claim or --customer-id", audit: []),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "request", "--purpose", "x"],
            message: "name the documents one way: REF..., --policy, --claim or --customer-id", audit: []),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "request", "REF", "--purpose", "x", "--days", "0"],
            message: "--days must be between 1 and 30 (this vault's longest loan)", audit: ["borrow.request:failed"]),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "request", "REF", "--purpose", "x", "--days", "31"],
            message: "--days must be between 1 and 30 (this vault's longest loan)", audit: ["borrow.request:failed"]),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "request", "REF", "--purpose", "x", "--days", "x"],
            message: "--days needs a whole number, not 'x'", audit: []),
        Refusal(
            user: Sandbox.lender, arguments: ["borrow", "approve"],
            message: "give exactly one loan number, as 'docvault borrow list' shows", audit: []),
        Refusal(
            user: Sandbox.lender, arguments: ["borrow", "approve", "1", "2"],
            message: "give exactly one loan number", audit: []),
        Refusal(
            user: Sandbox.lender, arguments: ["borrow", "approve", "one"], message: "give exactly one loan number",
            audit: []),
        Refusal(
            user: Sandbox.lender, arguments: ["borrow", "approve", "1", "--days", "31"],
            message: "--days must be between 1 and 30", audit: ["borrow.approve:failed"]),
        Refusal(
            user: Sandbox.lender, arguments: ["borrow", "deny", "1"], message: "borrow deny needs --reason TEXT",
            audit: []),
        Refusal(
            user: Sandbox.lender, arguments: ["borrow", "deny", "1", "--reason", " "],
            message: "deny needs --reason TEXT", audit: ["borrow.deny:failed"]),
        Refusal(
            user: Sandbox.lender, arguments: ["borrow", "revoke", "1"], message: "borrow revoke needs --reason TEXT",
            audit: []),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "renew", "1"], message: "borrow renew needs --days N", audit: []),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "return"], message: "give exactly one loan number", audit: []),
        Refusal(
            user: "auditor", arguments: ["borrow", "list", "--status", "bogus"],
            message: "--status must be one of requested, active, overdue, returned, denied, revoked",
            audit: ["borrow.list:failed"]),
        Refusal(
            user: "auditor", arguments: ["borrow", "list", "--json", "--csv"],
            message: "choose one of --json and --csv", audit: []),
        Refusal(
            user: "auditor", arguments: ["borrow", "list", "--excel"], message: "--excel goes with --csv", audit: []),
    ]

    /// Things that do not exist, exit 66; `REF` is the filed document and loan 1 the only loan.
    static let missing: [Refusal] = [
        Refusal(
            user: Sandbox.lender, arguments: ["borrow", "approve", "99"],
            message: "no loan 99; 'docvault borrow list' shows the register", audit: ["borrow.approve:failed"]),
        Refusal(
            user: Sandbox.lender, arguments: ["borrow", "deny", "99", "--reason", "x"], message: "no loan 99",
            audit: ["borrow.deny:failed"]),
        Refusal(
            user: Sandbox.lender, arguments: ["borrow", "revoke", "99", "--reason", "x"], message: "no loan 99",
            audit: ["borrow.revoke:failed"]),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "return", "99"], message: "no loan 99",
            audit: ["borrow.return:failed"]),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "renew", "99", "--days", "3"], message: "no loan 99",
            audit: ["borrow.renew:failed"]),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "show", "99"], message: "no loan 99",
            audit: ["borrow.show:failed"]),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "request", "J001-CL-2024-D10-0999", "--purpose", "x"],
            message: "no document with reference J001-CL-2024-D10-0999", audit: ["borrow.request:failed"]),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "request", "REF", "J001-CL-2024-D10-0999", "--purpose", "x"],
            message: "no document with reference J001-CL-2024-D10-0999", audit: ["borrow.request:failed"]),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "request", "--policy", "P-NONE", "--purpose", "x"],
            message: "no documents are filed under policy P-NONE; nothing to request",
            audit: ["borrow.request:failed"]),
        Refusal(
            user: Sandbox.clerk, arguments: ["borrow", "request", "--claim", "C-NONE", "--purpose", "x"],
            message: "no documents are filed under claim C-NONE; nothing to request", audit: ["borrow.request:failed"]),
        Refusal(
            user: Sandbox.clerk,
            arguments: ["borrow", "request", "--customer-id", "110101199001010000", "--purpose", "x"],
            message: "no documents are filed under that customer ID; nothing to request",
            audit: ["borrow.request:failed"]),
    ]

    /// Runs every refusal on one vault with loan 1 requested; each exits `status` and changes nothing else.
    static func expectRefusals(_ refusals: [Refusal], status: Int32) throws {
        let (sandbox, reference, _) = try Register.vault(size: 100)
        let loan = try sandbox.requestLoan([reference])
        try #require(loan == 1)
        for refusal in refusals {
            let arguments = refusal.arguments.map { $0 == "REF" ? reference : $0 }
            try sandbox.expectNoChange(audit: refusal.audit) {
                let result = try sandbox.run(as: refusal.user, arguments)
                expectFailure(result, status, [refusal.message])
                #expect(result.status == status, "\(refusal.testDescription)")
            }
        }
        // Nothing was consumed: the request is untouched and the next loan is number 2.
        #expect(try Register.show(sandbox, loan)["status"] as? String == "requested")
        #expect(try sandbox.requestLoan([reference]) == 2)
    }

    @Test func usageErrorsChangeNothing() throws {
        try Self.expectRefusals(Self.usageErrors, status: 64)
    }

    @Test func missingLoansAndDocumentsChangeNothing() throws {
        try Self.expectRefusals(Self.missing, status: 66)
    }

    @Test func registerListingsAndExports() throws {
        let (sandbox, reference, _) = try Register.vault(size: 100)
        let clerkPurpose = "理赔复核"
        let staffPurpose = "underwriting, \"second\" look"
        let clerkLoan = try sandbox.lend(reference, purpose: clerkPurpose)
        let staffLoan = try sandbox.requestLoan([reference], by: "staff", purpose: staffPurpose)

        let excel = try sandbox.run(as: "auditor", ["borrow", "list", "--csv", "--excel"])
        #expect(excel.status == 0, "\(excel)")
        #expect(excel.stdoutData.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        let text = String(decoding: excel.stdoutData.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("loan,borrower,role,kind,requested,items,purpose,due,returned,approver,status\r\n"))
        let rows = Register.csvRows(text)
        let header = try #require(rows.first)
        #expect(
            header == [
                "loan", "borrower", "role", "kind", "requested", "items", "purpose", "due", "returned", "approver",
                "status",
            ])
        let records = rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        #expect(records.map { $0["loan"] } == [String(clerkLoan), String(staffLoan)])
        #expect(records.map { $0["purpose"] } == [clerkPurpose, staffPurpose])
        #expect(records.map { $0["borrower"] } == [Sandbox.clerk, "staff"])
        #expect(records.map { $0["role"] } == ["archivist,staff", "staff"])
        #expect(records.map { $0["status"] } == ["active", "requested"])
        #expect(records.map { $0["approver"] } == [Sandbox.lender, ""])
        #expect(records.map { $0["items"] } == [reference, reference])
        #expect(records.map { $0["kind"] } == ["read", "read"])
        let clerkJSON = try Register.show(sandbox, clerkLoan)
        #expect(records.first?["due"] == clerkJSON["dueAt"] as? String)
        #expect(records.first?["requested"] == clerkJSON["requestedAt"] as? String)
        let plain = try sandbox.run(as: "auditor", ["borrow", "list", "--csv"])
        #expect(plain.stdout.hasPrefix("loan,borrower,"))
        #expect(String(decoding: plain.stdoutData, as: UTF8.self) == text)

        // JSON: one object per line, the purpose intact.
        let all = try Register.list(sandbox, as: "auditor")
        #expect(Register.ids(all) == [clerkLoan, staffLoan])
        #expect(all.map { $0["purpose"] as? String } == [clerkPurpose, staffPurpose])
        #expect(all.map { $0["requester"] as? String } == [Sandbox.clerk, "staff"])

        // Staff see only their own loans, whatever they ask for.
        #expect(Register.ids(try Register.list(sandbox, as: "staff")) == [staffLoan])
        #expect(Register.ids(try Register.list(sandbox, as: "staff", ["--user", Sandbox.clerk])).isEmpty)
        try sandbox.expectNoChange(audit: ["borrow.show:denied"]) {
            expectFailure(
                try sandbox.run(as: "staff", ["borrow", "show", String(clerkLoan)]), 77,
                ["loan \(clerkLoan) is not yours"])
        }
        // Filters: --user, --mine, --status.
        #expect(Register.ids(try Register.list(sandbox, as: "auditor", ["--user", "staff"])) == [staffLoan])
        #expect(Register.ids(try Register.list(sandbox, as: "auditor", ["--mine"])).isEmpty)
        #expect(Register.ids(try Register.list(sandbox, as: Sandbox.clerk, ["--mine"])) == [clerkLoan])
        #expect(Register.ids(try Register.list(sandbox, as: Sandbox.clerk)) == [clerkLoan, staffLoan])
        #expect(Register.ids(try Register.list(sandbox, as: "auditor", ["--status", "requested"])) == [staffLoan])
        #expect(Register.ids(try Register.list(sandbox, as: "auditor", ["--status", "active"])) == [clerkLoan])
        #expect(Register.ids(try Register.list(sandbox, as: "auditor", ["--status", "returned"])).isEmpty)
        #expect(
            Register.ids(try Register.list(sandbox, as: "auditor", ["--user", "staff", "--status", "active"])).isEmpty)
        // --actor names who acts when --user filters.
        let acting = try sandbox.run(
            ["borrow", "list", "--json", "--actor", "auditor", "--user", Sandbox.clerk],
            environment: ["DOCVAULT_USER": CLI.unset])
        #expect(acting.status == 0, "\(acting)")
        #expect(acting.stdout.split(separator: "\n").count == 1)
        #expect(try sandbox.auditLog().last?.actor == "auditor")

        // The table aligns the Chinese purpose by display width: the columns after it line up.
        let table = try sandbox.run(as: "auditor", ["borrow", "list"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(table)")
        #expect(lines.first?.hasPrefix("LOAN  BORROWER") == true)
        let statusColumns = lines.map { line in
            Self.displayWidth(line) - Self.displayWidth(String(line.split(separator: " ").last ?? ""))
        }
        #expect(Set(statusColumns).count == 1, "\(lines)")

        // An empty table says so on stderr, as list and search do; JSON and CSV stay machine-readable.
        let empty = try sandbox.run(as: "auditor", ["borrow", "list", "--status", "revoked"])
        #expect(empty.status == 0, "\(empty)")
        #expect(empty.stdout.isEmpty)
        #expect(empty.stderr == "no loans match\n")
        let emptyCSV = try sandbox.run(as: "auditor", ["borrow", "list", "--status", "revoked", "--csv"])
        #expect(emptyCSV.stdout == "loan,borrower,role,kind,requested,items,purpose,due,returned,approver,status\r\n")
    }

    /// Terminal columns of `text`: East Asian wide and fullwidth characters take two (Unicode UAX #11).
    static func displayWidth(_ text: String) -> Int {
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7A3,
            0xF900...0xFAFF, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        ]
        return text.unicodeScalars.reduce(0) { sum, scalar in
            sum + (wide.contains { $0.contains(scalar.value) } ? 2 : 1)
        }
    }

    @Test func settingsChangeTheLongestLoan() throws {
        let (sandbox, reference, _) = try Register.vault(size: 100)
        try sandbox.addUser("compliance", roles: "compliance")
        let shown = try sandbox.run(as: "compliance", ["borrow", "settings"])
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.stdout == "default-days 7\nmax-days     30\n")
        let changed = try sandbox.run(as: "compliance", ["borrow", "settings", "--max-days", "10"])
        #expect(changed.status == 0, "\(changed)")
        #expect(changed.stdout == "default-days 7\nmax-days     10\n")
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.summary == "borrow.settings.change:ok")
        #expect(Register.detail("max-days", in: entry.details) == "30->10")

        try sandbox.expectNoChange(audit: ["borrow.request:failed"]) {
            expectFailure(
                try sandbox.run(["borrow", "request", reference, "--purpose", "x", "--days", "11"]), 64,
                ["--days must be between 1 and 10 (this vault's longest loan)"])
        }
        let loan = try sandbox.requestLoan([reference], arguments: ["--days", "10"])
        try sandbox.expectNoChange(audit: ["borrow.approve:failed"]) {
            expectFailure(
                try sandbox.run(as: Sandbox.lender, ["borrow", "approve", String(loan), "--days", "11"]), 64,
                ["--days must be between 1 and 10"])
        }
        #expect(try sandbox.run(as: Sandbox.lender, ["borrow", "approve", String(loan)]).status == 0)
        #expect(try Register.show(sandbox, loan)["requestedDays"] as? Int == 10)

        // Anyone may read the periods (a borrower wants to know the longest loan); only compliance or an admin changes them.
        let read = try sandbox.run(as: "staff", ["borrow", "settings"])
        #expect(read.status == 0, "\(read)")
        #expect(read.stdout == "default-days 7\nmax-days     10\n")
        #expect(try #require(try sandbox.auditLog().last).summary == "borrow.settings:ok")
        try sandbox.expectNoChange(audit: ["borrow.settings.change:denied"]) {
            expectFailure(
                try sandbox.run(as: "staff", ["borrow", "settings", "--max-days", "30"]), 77,
                ["'staff' may not borrow.settings.change; it needs the role admin, compliance"])
        }
        try sandbox.expectNoChange(
            audit: ["borrow.settings.change:failed", "borrow.settings.change:failed", "borrow.settings.change:failed"]
        ) {
            expectFailure(
                try sandbox.run(as: "compliance", ["borrow", "settings", "--max-days", "366"]), 64,
                ["--max-days must be between 1 and 365"])
            expectFailure(
                try sandbox.run(as: "compliance", ["borrow", "settings", "--default-days", "11"]), 64,
                ["--default-days must be between 1 and the maximum (10)"])
            expectFailure(
                try sandbox.run(as: "compliance", ["borrow", "settings", "--max-days", "5"]), 64,
                ["--max-days 5 is below the default period (7 days); give a smaller --default-days too"])
        }
        let admin = try sandbox.run(as: "admin", ["borrow", "settings", "--default-days", "3"])
        #expect(admin.stdout == "default-days 3\nmax-days     10\n", "\(admin)")
        let short = try sandbox.requestLoan([reference])
        #expect(try Register.show(sandbox, short)["requestedDays"] as? Int == 3)
    }

    @Test func disablingABorrowerRevokesTheirLoans() throws {
        let (sandbox, reference, _) = try Register.vault(size: 100)
        let active = try sandbox.lend(reference, to: "staff")
        let pending = try sandbox.requestLoan([reference], by: "staff")
        let clerkLoan = try sandbox.lend(reference)
        let disabled = try sandbox.run(as: "admin", ["user", "disable", "staff"])
        #expect(disabled.status == 0, "\(disabled)")
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.summary == "user.disable:ok")
        #expect(Register.detail("loans-revoked", in: entry.details) == "2")
        for loan in [active, pending] {
            let shown = try Register.showText(sandbox, loan, as: "auditor")
            #expect(shown["Status"] == "revoked", "loan \(loan): \(shown)")
            #expect(shown["Revoked"]?.hasSuffix(" by admin") == true, "loan \(loan): \(shown)")
            #expect(shown["Reason"] == "borrower disabled")
        }
        #expect(try Register.show(sandbox, clerkLoan)["status"] as? String == "active")
        // Enabled again, the borrower needs a new loan.
        #expect(try sandbox.run(as: "admin", ["user", "enable", "staff"]).status == 0)
        try Register.expectRefusedGet(sandbox, reference, refusal: "revoked", loan: pending, actor: "staff") {
            expectFailure(try sandbox.run(as: "staff", ["get", reference, "-o", "-"]), 77, ["was revoked"])
        }
    }
}
