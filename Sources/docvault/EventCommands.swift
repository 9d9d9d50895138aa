import FoundationEssentials
import VaultCore

let eventRecordCommand = Command(
    name: "event record",
    abstract: "Record that a policy terminated, a claim closed, a relationship or contract ended.",
    usage: "event record (--policy <no> --terminated <date> [--term-months <n>] | --claim <no> --closed <date> | "
        + "--customer-id <id> --relationship-ended <date> | --contract <no> --ended <date>)",
    discussion: """
        These events start retention periods. Recording again for the same subject corrects the
        date; the audit log keeps old and new. The customer ID is stored only as its blind index.
        """,
    options: actorOptions + [
        .value("--policy", name: "no", help: "Policy number."),
        .value("--terminated", name: "date", help: "When the policy terminated (YYYY-MM-DD)."),
        .value("--term-months", name: "n", help: "The policy term; 12 or less gives the short-term period."),
        .value("--claim", name: "no", help: "Claim number."),
        .value("--closed", name: "date", help: "When the claim closed."),
        .value("--customer-id", name: "id", help: "Customer ID number (never stored in clear)."),
        .value("--relationship-ended", name: "date", help: "When the customer relationship ended."),
        .value("--contract", name: "no", help: "Labour contract number."),
        .value("--ended", name: "date", help: "When the contract ended."),
    ],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let kinds: [(subject: String, date: String)] = [
            ("--policy", "--terminated"), ("--claim", "--closed"), ("--customer-id", "--relationship-ended"),
            ("--contract", "--ended"),
        ]
        let given = kinds.filter { arguments.value($0.subject) != nil || arguments.value($0.date) != nil }
        guard given.count == 1, let kind = given.first else {
            throw VaultError(
                .usage,
                "record one event: --policy NO --terminated DATE, --claim NO --closed DATE, "
                    + "--customer-id ID --relationship-ended DATE or --contract NO --ended DATE")
        }
        guard let value = arguments.value(kind.subject), let date = arguments.value(kind.date) else {
            throw VaultError(.usage, "\(kind.subject) goes with \(kind.date) DATE")
        }
        let termMonths = try arguments.integer("--term-months")
        guard termMonths == nil || kind.subject == "--policy" else {
            throw VaultError(.usage, "--term-months goes with --policy")
        }
        let subject: BusinessEventSubject =
            switch kind.subject {
            case "--policy": .policy(value, termMonths: termMonths)
            case "--claim": .claim(value)
            case "--customer-id": .customerID(value)
            default: .contract(value)
            }
        let recorded = try BusinessEventRecording.record(subject, date: date, session: try context.session(arguments))
        let event = recorded.event
        let what = "\(event.kind) for \(event.subject) on \(event.date)"
        Console.out(
            recorded.correctedFrom.map { "Corrected \(what) (was \($0))." } ?? "Recorded \(what).")
    })

let eventListCommand = Command(
    name: "event list", abstract: "The recorded business events (customers shown by index, never by ID).",
    usage: "event list [--json|--csv [--excel]]", discussion: nil, options: actorOptions + listingOptions,
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let format = try ListingFormat.from(arguments)
        let events = try BusinessEventRecording.list(session: try context.session(arguments))
        if case .table = format, events.isEmpty {
            Console.err("no events recorded")
            return
        }
        let headers = ["kind", "subject", "date", "term-months", "recorded-at", "recorded-by"]
        let rows = events.map { e in
            [e.kind, e.subject, e.date, e.termMonths.map(String.init) ?? "", e.recordedAt, e.recordedBy]
        }
        printRows(events, headers: headers, rows: rows, format: format)
    })
