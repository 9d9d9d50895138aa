import FoundationEssentials
import VaultCore

let retentionRulesCommand = Command(
    name: "retention rules", abstract: "The retention schedule: period, trigger and basis per category and type.",
    usage: "retention rules [--json]", discussion: "A type rule applies when its words appear in a document's type.",
    options: actorOptions + [.flag("--json", help: "One JSON object per line.")],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let rules = try RetentionAdministration.rules(session: try context.session(arguments))
        let rows = rules.map { RuleRow($0) }
        let cells = rows.map {
            [$0.category, $0.type ?? "-", $0.period, $0.trigger, $0.cutoff ? "year end" : "-", $0.basis]
        }
        printRows(
            rows, headers: ["category", "type", "period", "trigger", "cutoff", "basis"], rows: cells,
            format: arguments.has("--json") ? .json : .table)
    })

/// One rule as `retention rules` prints it.
struct RuleRow: Encodable {
    let category: String
    let type: String?
    let years: Int?
    let shortTermYears: Int?
    let period: String
    let trigger: String
    let cutoff: Bool
    let basis: String
    let updatedAt: String
    let updatedBy: String

    init(_ rule: RetentionRule) {
        category = rule.category
        type = rule.docType
        if case .years(let value) = rule.period { years = value } else { years = nil }
        shortTermYears = rule.shortTermYears
        period = rule.periodText
        trigger = rule.trigger.rawValue
        cutoff = rule.yearEndCutoff
        basis = rule.basis
        updatedAt = rule.updatedAt
        updatedBy = rule.updatedBy
    }
}

let retentionSetCommand = Command(
    name: "retention set", abstract: "Create or replace a retention rule (compliance); logged with old and new values.",
    usage: "retention set <cat> [--type <t>] (--years <n> | --permanent) --trigger <t> [--basis <text>] "
        + "[--short-term-years <n>] [--cutoff | --no-cutoff]",
    discussion: """
        Triggers: filed, document-date, fiscal-year-end, policy-terminated, claim-closed,
        claim-and-policy, relationship-ended, contract-ended.
        Without --basis or --cutoff/--no-cutoff a replaced rule keeps its own; --short-term-years must be
        given again. A change never shortens the period of a document under a legal hold: such documents
        keep their old period.
        """,
    options: actorOptions + [
        .value("--type", name: "t", help: "Narrow the rule to documents whose type contains these words."),
        .value("--years", name: "n", help: "Keep documents this many years after the trigger (1-200)."),
        .flag("--permanent", help: "Keep documents for ever."),
        .value("--trigger", name: "t", help: "What starts the period."),
        .value("--basis", name: "text", help: "The legal basis, as text."),
        .value("--short-term-years", name: "n", help: "The period when the policy term is at most 12 months."),
        .flag("--cutoff", help: "Move the trigger date to 31 December of its year."),
        .flag("--no-cutoff", help: "Count from the trigger date itself."),
    ],
    run: { arguments, context in
        guard arguments.positionals.count == 1 else {
            throw VaultError(.usage, "retention set needs exactly one CATEGORY (UW, CL, CU, FI, HR or OT)")
        }
        let years = try arguments.integer("--years")
        guard (years != nil) != arguments.has("--permanent") else {
            throw VaultError(.usage, "give exactly one of --years N and --permanent")
        }
        guard let trigger = arguments.value("--trigger") else {
            throw VaultError(.usage, "retention set needs --trigger (\(RetentionTrigger.names))")
        }
        guard !(arguments.has("--cutoff") && arguments.has("--no-cutoff")) else {
            throw VaultError(.usage, "give at most one of --cutoff and --no-cutoff")
        }
        var change = RetentionRuleChange(
            category: arguments.positionals[0], docType: arguments.value("--type"),
            period: years.map(RetentionPeriod.years) ?? .permanent, trigger: trigger)
        change.basis = arguments.value("--basis")
        change.shortTermYears = try arguments.integer("--short-term-years")
        if arguments.has("--cutoff") { change.yearEndCutoff = true }
        if arguments.has("--no-cutoff") { change.yearEndCutoff = false }
        let update = try RetentionAdministration.set(change, session: try context.session(arguments))
        let rule = update.rule
        let verb = update.previous == nil ? "created" : "replaced"
        Console.out("Rule \(rule.scope) \(verb): \(rule.periodText) after \(rule.trigger.rawValue).")
        if update.protected > 0 {
            Console.out("\(update.protected) held document(s) keep their old, longer period.")
        }
    })

let retentionDueCommand = Command(
    name: "retention due", abstract: "Documents whose retention has run out, oldest first.",
    usage: "retention due [--as-of <yyyy-mm-dd>] [--category <cat>] [--json|--csv [--excel]]",
    discussion: "Held and on-loan documents are listed but marked: destruction skips them.",
    options: actorOptions + [
        .value("--as-of", name: "yyyy-mm-dd", help: "The date to judge by (default: today, UTC)."),
        .value("--category", name: "cat", help: "Only this category."),
    ] + listingOptions,
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let format = try ListingFormat.from(arguments)
        let report = try RetentionReport.due(
            asOf: arguments.value("--as-of"), category: arguments.value("--category"),
            session: try context.session(arguments))
        // Mapped lazily: JSON and CSV stream row by row; only the aligned table needs every row at once.
        let rows = report.items.lazy.map(DueRow.init)
        if case .table = format, rows.isEmpty {
            Console.err("nothing is due on \(report.asOf)")
            return
        }
        let headers = ["reference", "category", "year", "type", "rule", "trigger-date", "due-date", "status"]
        func cells(_ r: DueRow) -> [String] {
            [r.reference, r.category, String(r.year), r.type ?? "", r.rule, r.triggerDate, r.dueDate, r.statusText]
        }
        switch format {
        case .table: printRows(Array(rows), headers: headers, rows: rows.map(cells), format: format)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            printBuffered(
                rows.map { String(decoding: (try? encoder.encode($0)) ?? Data("{}".utf8), as: UTF8.self) },
                separator: "\n")
        case .csv(let excel):
            let header = (excel ? "\u{FEFF}" : "") + Render.csvLine(headers)
            printBuffered(rows.map { Render.csvLine(cells($0)) }, first: header, separator: "\r\n")
        }
    })

/// Writes `first` (a header) and `lines`, each followed by `separator`, in pieces of about 64 KiB: a large listing is
/// neither built as one string nor written one system call per line.
func printBuffered(_ lines: some Sequence<String>, first: String? = nil, separator: String) {
    var buffer = first.map { $0 + separator } ?? ""
    for line in lines {
        buffer += line
        buffer += separator
        if buffer.utf8.count >= 1 << 16 {
            Console.rawOut(buffer)
            buffer = ""
        }
    }
    if !buffer.isEmpty { Console.rawOut(buffer) }
}

/// One due document as `retention due` prints it.
struct DueRow: Encodable {
    let reference: String
    let category: String
    let year: Int
    let type: String?
    let rule: String
    let triggerDate: String
    let dueDate: String
    let status: String
    let holds: [Int]
    let loans: [Int]

    init(_ item: RetentionDueItem) {
        reference = item.reference
        category = item.category
        year = item.year
        type = item.docType
        rule = item.rule
        triggerDate = item.triggerDate.description
        dueDate = item.dueDate.description
        status = item.status
        holds = item.holds
        loans = item.loans
    }

    /// `due`, `held 3,5` or `on-loan 7`.
    var statusText: String {
        switch status {
        case "held": "held " + holds.map(String.init).joined(separator: ",")
        case "on-loan": "on-loan " + loans.map(String.init).joined(separator: ",")
        default: status
        }
    }
}

let retentionExplainCommand = Command(
    name: "retention explain", abstract: "Why one document is or is not due for destruction.",
    usage: "retention explain <reference> [--as-of <yyyy-mm-dd>]", discussion: nil,
    options: actorOptions + [.value("--as-of", name: "yyyy-mm-dd", help: "The date to judge by (default: today).")],
    run: { arguments, context in
        guard arguments.positionals.count == 1 else {
            throw VaultError(.usage, "retention explain needs exactly one REFERENCE")
        }
        let evaluation = try RetentionReport.explain(
            arguments.positionals[0], asOf: arguments.value("--as-of"), session: try context.session(arguments))
        Console.out(evaluation.document.reference)
        for line in evaluation.facts { Console.out(Render.singleLine(line)) }
    })
