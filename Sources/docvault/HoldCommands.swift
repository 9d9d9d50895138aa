import FoundationEssentials
import VaultCore

let holdPlaceCommand = Command(
    name: "hold place", abstract: "Place a legal hold: nothing it covers may be destroyed until it is released.",
    usage: "hold place (--ref <ref> | --policy <no> | --claim <no> | --customer-id <id>) --reason <text>",
    discussion: """
        A policy, claim or customer hold also covers documents filed under it later, and may be
        placed before anything is filed. Compliance places holds; another approver releases them.
        """,
    options: actorOptions + [
        .value("--ref", name: "ref", help: "One document, by its reference."),
        .value("--policy", name: "no", help: "Every document of this policy, now and later."),
        .value("--claim", name: "no", help: "Every document of this claim, now and later."),
        .value("--customer-id", name: "id", help: "Every document of this customer (the ID is not stored)."),
        .value("--reason", name: "text", help: "Why, e.g. the legal matter (kept sealed)."),
    ],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        var scopes: [HoldScope] = []
        if let reference = arguments.value("--ref") { scopes.append(.reference(reference)) }
        if let policy = arguments.value("--policy") { scopes.append(.policy(policy)) }
        if let claim = arguments.value("--claim") { scopes.append(.claim(claim)) }
        if let id = arguments.value("--customer-id") { scopes.append(.customerID(id)) }
        guard scopes.count == 1, let scope = scopes.first else {
            throw VaultError(.usage, "name what to hold one way: --ref, --policy, --claim or --customer-id")
        }
        let reason = try arguments.required("--reason", "TEXT", for: "hold place")
        let hold = try LegalHolds.place(scope, reason: reason, session: try context.session(arguments))
        Console.out(
            "Hold \(hold.id) placed on \(hold.scope) \(displayedSubject(hold)); covers \(hold.covers) document(s) now.")
        Console.out(
            "To release it, an approver other than you must run: docvault hold release \(hold.id) --reason TEXT")
    })

let holdReleaseCommand = Command(
    name: "hold release", abstract: "Release a legal hold with a reason (an approver who did not place it).",
    usage: "hold release <hold> --reason <text>", discussion: nil,
    options: actorOptions + [
        .value("--reason", name: "text", help: "Why the matter no longer needs it (kept sealed).")
    ],
    run: { arguments, context in
        let reason = try arguments.required("--reason", "TEXT", for: "hold release")
        let hold = try LegalHolds.release(
            try holdID(arguments), reason: reason, session: try context.session(arguments))
        Console.out("Hold \(hold.id) released; \(hold.covers) document(s) no longer held by it.")
    })

let holdListCommand = Command(
    name: "hold list", abstract: "The legal holds in force (--all: released ones too).",
    usage: "hold list [--all] [--json|--csv [--excel]]", discussion: nil,
    options: actorOptions + [.flag("--all", help: "Include released holds.")] + listingOptions,
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let format = try ListingFormat.from(arguments)
        let holds = try HoldRegister.list(
            includeReleased: arguments.has("--all"), session: try context.session(arguments))
        let headers = [
            "hold", "scope", "subject", "covers", "status", "reason", "placed-by", "placed-at", "released-by",
            "released-at", "release-reason",
        ]
        let rows = holds.map { h in
            [
                String(h.id), h.scope, h.subject, String(h.covers), h.status, h.reason, h.placedBy, h.placedAt,
                h.releasedBy ?? "", h.releasedAt ?? "", h.releaseReason ?? "",
            ]
        }
        if case .table = format, holds.isEmpty {
            Console.err(arguments.has("--all") ? "no holds" : "no holds in force")
            return
        }
        printRows(holds, headers: headers, rows: rows, format: format)
    })

let holdShowCommand = Command(
    name: "hold show", abstract: "One legal hold, in force or released.", usage: "hold show <hold> [--json]",
    discussion: nil, options: actorOptions + [.flag("--json", help: "Print one JSON object.")],
    run: { arguments, context in
        let hold = try HoldRegister.show(try holdID(arguments), session: try context.session(arguments))
        if arguments.has("--json") {
            Console.out(try Render.json(hold))
            return
        }
        let fields: [(String, String?)] = [
            ("Hold", String(hold.id)), ("Status", hold.status), ("Scope", hold.scope), ("Subject", hold.subject),
            ("Covers", "\(hold.covers) document(s) now"), ("Reason", hold.reason),
            ("Placed", "\(hold.placedAt) by \(hold.placedBy)"),
            ("Released", hold.releasedBy.map { "\(hold.releasedAt ?? "") by \($0)" }),
            ("Release reason", hold.releaseReason),
        ]
        for (label, value) in fields {
            guard let value else { continue }
            Console.out(Render.padded(label, to: 14) + " " + Render.singleLine(value))
        }
    })

/// The subject as `hold place` prints it: a customer shows only the start of its ID's index.
private func displayedSubject(_ hold: HoldDetails) -> String {
    hold.scope == "customer" ? String(hold.subject.dropFirst("customer ".count)) : hold.subject
}

/// The single HOLD argument as a number.
func holdID(_ arguments: ParsedArguments) throws -> Int {
    try arguments.recordNumber("hold", "'docvault hold list' shows")
}
