import FoundationEssentials
import VaultCore

let borrowRequestCommand = Command(
    name: "borrow request", abstract: "Ask to borrow documents; an approver must approve before you can get them.",
    usage:
        "borrow request (<ref>... | --policy <no> | --claim <no> | --customer-id <id>) --purpose <text> [--days <n>]"
        + " [--kind read|export]",
    discussion:
        "A policy, claim or customer covers the documents filed under it now; the request lists them. "
        + "A read loan permits get; an export loan also permits export (plaintext leaving the vault).",
    options: actorOptions + [
        .value("--policy", name: "no", help: "Every document of this policy."),
        .value("--claim", name: "no", help: "Every document of this claim."),
        .value("--customer-id", name: "id", help: "Every document of this customer."),
        .value("--purpose", name: "text", help: "Why you need them (kept sealed in the register)."),
        .value("--days", name: "n", help: "How long (default 7, at most 30, unless the vault says otherwise)."),
        .value("--kind", name: "read|export", help: "read (default) or export (also permits export)."),
    ],
    run: { arguments, context in
        var scopes: [LoanScope] = []
        if !arguments.positionals.isEmpty { scopes.append(.references(arguments.positionals)) }
        if let policy = arguments.value("--policy") { scopes.append(.policy(policy)) }
        if let claim = arguments.value("--claim") { scopes.append(.claim(claim)) }
        if let id = arguments.value("--customer-id") { scopes.append(.customerID(id)) }
        guard scopes.count == 1, let scope = scopes.first else {
            throw VaultError(.usage, "name the documents one way: REF..., --policy, --claim or --customer-id")
        }
        guard let purpose = arguments.value("--purpose") else {
            throw VaultError(.usage, "borrow request needs --purpose TEXT")
        }
        let kindName = arguments.value("--kind") ?? LoanKind.read.rawValue
        guard let kind = LoanKind(rawValue: kindName) else {
            throw VaultError(.usage, "--kind must be read or export, not '\(kindName)'")
        }
        let loan = try Borrowing.request(
            scope: scope, purpose: purpose, days: try arguments.integer("--days"), kind: kind,
            session: try context.session(arguments))
        Console.out(
            "Loan \(loan.id) requested for \(loan.items.count) document(s): \(loan.items.joined(separator: ", "))")
        if kind == .export {
            Console.out("Kind: export (permits 'docvault export' of these documents as plaintext).")
        }
        Console.out("An approver other than you must run: docvault borrow approve \(loan.id)")
    })

let borrowApproveCommand = Command(
    name: "borrow approve", abstract: "Approve a loan request or renewal (approver, not your own).",
    usage: "borrow approve <loan> [--days <n>]", discussion: nil,
    options: actorOptions + [.value("--days", name: "n", help: "Loan period (default: as requested).")],
    run: { arguments, context in
        let loan = try Borrowing.approve(
            try loanID(arguments), days: try arguments.integer("--days"), session: try context.session(arguments))
        Console.out("Loan \(loan.id) approved for \(loan.requester); due \(loan.dueAt ?? "-").")
    })

let borrowDenyCommand = reasonedLoanCommand(
    "deny", abstract: "Deny a loan request or renewal with a reason (approver).", decide: Borrowing.deny)

let borrowReturnCommand = Command(
    name: "borrow return", abstract: "Record that a loan came back (the borrower, or an archivist).",
    usage: "borrow return <loan>", discussion: nil, options: actorOptions,
    run: { arguments, context in
        let loan = try Borrowing.returnLoan(try loanID(arguments), session: try context.session(arguments))
        Console.out("Loan \(loan.id) returned at \(loan.returnedAt ?? "-").")
    })

let borrowRenewCommand = Command(
    name: "borrow renew", abstract: "Ask to extend your loan; an approver must approve the renewal.",
    usage: "borrow renew <loan> --days <n>", discussion: nil,
    options: actorOptions + [.value("--days", name: "n", help: "Days to add to the due date.")],
    run: { arguments, context in
        guard let days = try arguments.integer("--days") else {
            throw VaultError(.usage, "borrow renew needs --days N")
        }
        let loan = try Borrowing.renew(try loanID(arguments), days: days, session: try context.session(arguments))
        Console.out(
            "Loan \(loan.id): renewal by \(days) days requested; an approver must run: docvault borrow approve \(loan.id)"
        )
    })

let borrowRevokeCommand = reasonedLoanCommand(
    "revoke", abstract: "End a request or loan at once (approver, admin).", decide: Borrowing.revoke)

/// `borrow deny` and `borrow revoke`: one loan, a required reason, and the new status printed.
func reasonedLoanCommand(
    _ verb: String, abstract: String, decide: @escaping @Sendable (Int, String, Session) throws -> LoanDetails
) -> Command {
    Command(
        name: "borrow \(verb)", abstract: abstract, usage: "borrow \(verb) <loan> --reason <text>", discussion: nil,
        options: actorOptions + [.value("--reason", name: "text", help: "Why (kept sealed in the register).")],
        run: { arguments, context in
            let reason = try arguments.required("--reason", "TEXT", for: "borrow \(verb)")
            let loan = try decide(try loanID(arguments), reason, try context.session(arguments))
            // Denying a renewal leaves the loan running to its old due date.
            let outcome =
                loan.status == "active" ? "renewal denied; still due \(loan.dueAt ?? "-")" : loan.status
            Console.out("Loan \(loan.id): \(outcome).")
        })
}

let borrowListCommand = Command(
    name: "borrow list", abstract: "The borrowing register (staff see only their own loans).",
    usage: "borrow list [--mine] [--status <s>] [--user <u>] [--json|--csv [--excel]]",
    discussion:
        "Statuses: requested, active, overdue, returned, denied, revoked. --actor names who is acting, since --user filters.",
    options: auditActorOptions + [
        .flag("--mine", help: "Only your own loans."),
        .value("--status", name: "s", help: "Only this status."),
        .value("--user", name: "u", help: "Only this borrower's loans."),
    ] + listingOptions,
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let format = try ListingFormat.from(arguments)
        var filter = LoanFilter()
        filter.mine = arguments.has("--mine")
        filter.status = arguments.value("--status")
        filter.user = arguments.value("--user")
        let loans = try BorrowingRegister.list(filter, session: try context.session(arguments, actorOption: "--actor"))
        // Columns follow the paper borrowing form: borrower, unit/role, date, items, purpose, due, returned, approver.
        let headers = [
            "loan", "borrower", "role", "kind", "requested", "items", "purpose", "due", "returned", "approver",
            "status",
        ]
        let rows = loans.map { l in
            [
                String(l.id), l.requester, l.requesterRoles.joined(separator: ","), l.kind, l.requestedAt,
                l.items.joined(separator: " "), l.purpose, l.dueAt ?? "", l.returnedAt ?? "", l.decidedBy ?? "",
                l.status,
            ]
        }
        if case .table = format, loans.isEmpty {
            Console.err("no loans match")
            return
        }
        printRows(loans, headers: headers, rows: rows, format: format)
    })

let borrowShowCommand = Command(
    name: "borrow show", abstract: "One loan of the register.", usage: "borrow show <loan> [--json]", discussion: nil,
    options: actorOptions + [.flag("--json", help: "Print one JSON object.")],
    run: { arguments, context in
        let loan = try BorrowingRegister.show(try loanID(arguments), session: try context.session(arguments))
        if arguments.has("--json") {
            Console.out(try Render.json(loan))
            return
        }
        let fields: [(String, String?)] = [
            ("Loan", String(loan.id)), ("Kind", loan.kind), ("Status", loan.status), ("Borrower", loan.requester),
            ("Role", loan.requesterRoles.joined(separator: ", ")), ("Purpose", loan.purpose), ("Scope", loan.scope),
            ("Items", loan.items.joined(separator: ", ")),
            ("Requested", "\(loan.requestedAt) for \(loan.requestedDays) days"),
            ("Decided", loan.decidedBy.map { "\(loan.decidedAt ?? "") by \($0)" }), ("Due", loan.dueAt),
            ("Renewed", loan.renewedBy.map { "\(loan.renewedAt ?? "") by \($0)" }),
            ("Renewal", loan.renewalDays.map { "\($0) more days requested, waiting for approval" }),
            ("Returned", loan.returnedBy.map { "\(loan.returnedAt ?? "") by \($0)" }),
            ("Revoked", loan.closedBy.map { "\(loan.closedAt ?? "") by \($0)" }), ("Reason", loan.reason),
        ]
        for (label, value) in fields {
            guard let value else { continue }
            Console.out(Render.padded(label, to: 10) + " " + Render.singleLine(value))
        }
    })

let borrowSettingsCommand = Command(
    name: "borrow settings", abstract: "Show the vault's loan periods; compliance or an admin changes them.",
    usage: "borrow settings [--default-days <n>] [--max-days <n>]",
    discussion: "Without options, prints the current settings. Changes are logged with old and new values.",
    options: actorOptions + [
        .value("--default-days", name: "n", help: "Days a request gets when it names none."),
        .value("--max-days", name: "n", help: "The longest loan or renewal an approver may grant (at most 365)."),
    ],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let defaultDays = try arguments.integer("--default-days")
        let maxDays = try arguments.integer("--max-days")
        let session = try context.session(arguments)
        let settings =
            defaultDays == nil && maxDays == nil
            ? try LoanSettings.show(session: session)
            : try LoanSettings.change(defaultDays: defaultDays, maxDays: maxDays, session: session)
        Console.out("default-days \(settings.defaultDays)")
        Console.out("max-days     \(settings.maxDays)")
    })

/// The single LOAN argument as a number.
func loanID(_ arguments: ParsedArguments) throws -> Int {
    try arguments.recordNumber("loan", "'docvault borrow list' shows")
}
