import FoundationEssentials
import VaultCore

let auditLogCommand = Command(
    name: "audit log", abstract: "Show the audit log (auditor, compliance, admin).",
    usage: "audit log [--user <u>] [--ref <r>] [--action <a>] [--since <date>] [--until <date>] [--outcome <o>] "
        + "[--json|--csv [--excel]]",
    discussion: "Outcomes: ok, denied, failed. Dates are YYYY-MM-DD or ISO 8601 times in UTC.",
    options: auditActorOptions + [
        .value("--user", name: "u", help: "Only entries by this user."),
        .value("--ref", "--target", name: "r", help: "Only entries about this reference or user."),
        .value("--action", name: "a", help: "Only this action, e.g. get, search, user.add, login."),
        .value("--since", name: "date", help: "Entries at or after this date."),
        .value("--until", name: "date", help: "Entries on or before this date."),
        .value("--outcome", name: "o", help: "ok, denied or failed."),
    ] + listingOptions,
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let format = try ListingFormat.from(arguments)
        var filter = AuditFilter()
        filter.user = arguments.value("--user")
        filter.target = arguments.value("--ref")
        filter.action = arguments.value("--action")
        filter.since = arguments.value("--since")
        filter.until = arguments.value("--until")
        if let outcome = arguments.value("--outcome") {
            guard let parsed = AuditOutcome(rawValue: outcome) else {
                throw VaultError(.usage, "--outcome must be ok, denied or failed")
            }
            filter.outcome = parsed
        }
        let records = try AuditQueries.log(filter, session: try context.session(arguments, actorOption: "--actor"))
        let headers = ["seq", "at", "actor", "action", "target", "outcome", "details"]
        let rows = records.map { r in
            [
                String(r.seq), r.at, r.actor, r.action, r.target, r.outcome,
                ([r.details] + (r.sealedDetails.map { [$0] } ?? [])).filter { !$0.isEmpty }.joined(separator: "; "),
            ]
        }
        printRows(records, headers: headers, rows: rows, format: format)
    })

let auditVerifyCommand = Command(
    name: "audit verify", abstract: "Re-compute the audit chain; exit 65 at the first broken entry.",
    usage: "audit verify [--anchor <seq>:<mac>]",
    discussion:
        "With --anchor (from 'audit head', kept elsewhere), also proves the log was not cut back or rolled back.",
    options: auditActorOptions + [.value("--anchor", name: "seq:mac", help: "A published anchor to check.")],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        var anchor: AuditAnchor?
        if let text = arguments.value("--anchor") {
            guard let parsed = AuditAnchor(text) else {
                throw VaultError(.usage, "--anchor must be SEQ:MAC with a 64-digit hex MAC, as 'audit head' prints")
            }
            anchor = parsed
        }
        let result = try AuditQueries.verify(
            anchor: anchor, session: try context.session(arguments, actorOption: "--actor"))
        if let broken = result.firstBroken {
            throw VaultError(.dataError, "audit log broken at entry \(broken): \(result.problem ?? "")")
        }
        var line = "audit log intact: \(result.entries) entries"
        if result.pendingAtEnd > 0 { line += " (\(result.pendingAtEnd) failed-login entries sealed by this check)" }
        if let anchor { line += "; anchor \(anchor.seq) confirmed" }
        Console.out(line)
    })

let auditHeadCommand = Command(
    name: "audit head", abstract: "Print the anchor to publish: vault id, sequence number and MAC.",
    usage: "audit head", discussion: "Keep the printed anchor outside the vault; 'audit verify --anchor' checks it.",
    options: auditActorOptions,
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let head = try AuditQueries.head(session: try context.session(arguments, actorOption: "--actor"))
        Console.out("vault \(head.vaultID)")
        Console.out("anchor \(head.anchor.text)")
    })

/// Actor options of the audit commands: `--actor` names who acts, since `audit log --user` filters.
let auditActorOptions: [OptionSpec] =
    vaultOptions + [
        .value("--actor", name: "name", help: "Who is acting (default: $DOCVAULT_USER or the first admin)."),
        .value("--key-file", name: "path", help: "Key file (default: $DOCVAULT_KEY_FILE or KEYS/ACTOR.key)."),
        .flag("--password-stdin", help: "Log in with a password read from the first line of standard input."),
    ]
