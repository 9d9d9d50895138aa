import FoundationEssentials
import VaultCore

let reportSummaryCommand = Command(
    name: "report summary",
    abstract: "Holdings by category and year, loans, due destruction, holds, incomplete case files (counts).",
    usage: "report summary [--year <yyyy>] [--json | --csv [--excel] | --html <file> [--title <text>] [--force]]",
    discussion: """
        Counts only; nothing sealed is opened. --year limits holdings, due destruction and case files;
        loans and holds are counted whatever the year. --html writes one self-contained page (tables and
        bar charts, no scripts) for a browser; the file must lie outside the vault folder. --actor names
        who runs the report (compliance, auditor or admin).
        """,
    options: auditActorOptions + [
        .value("--year", name: "yyyy", help: "Only this year (1900-2100)."),
        .flag("--json", help: "One JSON object."),
        .flag("--csv", help: "CSV with a header row (UTF-8): section, item, year, count, bytes."),
        .flag("--excel", help: "With --csv: add a byte-order mark so Excel shows Chinese text correctly."),
        .value("--html", name: "file", help: "Write the report as an HTML page to FILE (outside the vault)."),
        .value("--title", name: "text", help: "With --html: the page's heading."),
        .flag("--force", help: "With --html: replace an existing FILE."),
    ],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let html = arguments.value("--html")
        if html != nil && (arguments.has("--json") || arguments.has("--csv")) {
            throw VaultError(.usage, "choose one of --json, --csv and --html")
        }
        if html == nil && (arguments.has("--force") || arguments.value("--title") != nil) {
            throw VaultError(.usage, "--force and --title go with --html FILE")
        }
        let format = try ListingFormat.from(arguments)
        let year = try arguments.integer("--year")
        let file = html.map {
            ReportFile(path: $0, overwrite: arguments.has("--force"), title: arguments.value("--title"))
        }
        let report = try SummaryReport.make(
            year: year, html: file, session: try context.session(arguments, actorOption: "--actor"))
        if let html {
            Console.out("wrote \(html) (\(report.total.count) documents)")
            return
        }
        switch format {
        case .json: Console.out(try Render.json(report))
        case .csv(let excel):
            Console.rawOut(Render.csv(headers: summaryCSVHeaders, rows: summaryCSVRows(report), excel: excel))
        case .table: printSummary(report)
        }
    })

let reportAccessCommand = Command(
    name: "report access",
    abstract: "Who read, exported or searched what and when, refusals included, from the audit log.",
    usage: "report access (--ref <ref> | --user <u> | --category <cat>) [--since <date>] [--json | --csv [--excel]]",
    discussion: """
        Lists get, show, export and search entries with their outcome, then counts per category.
        Searches name no document, so they appear only in a user's report. --actor names who runs
        the report (auditor, compliance or admin); --user is whose accesses to list.
        """,
    options: auditActorOptions + [
        .value("--ref", name: "ref", help: "One document's accesses."),
        .value("--user", name: "u", help: "One user's accesses."),
        .value("--category", name: "cat", help: "Accesses to documents of this category."),
        .value("--since", name: "date", help: "Entries at or after this date (YYYY-MM-DD or ISO 8601, UTC)."),
        .flag("--json", help: "One JSON object: entries and perCategory."),
        .flag("--csv", help: "The entries as CSV with a header row (UTF-8)."),
        .flag("--excel", help: "With --csv: add a byte-order mark so Excel shows Chinese text correctly."),
    ],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        var subjects: [AccessSubject] = []
        if let reference = arguments.value("--ref") { subjects.append(.reference(reference)) }
        if let user = arguments.value("--user") { subjects.append(.user(user)) }
        if let category = arguments.value("--category") { subjects.append(.category(category)) }
        guard subjects.count == 1, let subject = subjects.first else {
            throw VaultError(.usage, "name what to report on one way: --ref, --user or --category")
        }
        let format = try ListingFormat.from(arguments)
        let report = try AccessReport.make(
            subject, since: arguments.value("--since"),
            session: try context.session(arguments, actorOption: "--actor"))
        let headers = ["seq", "at", "actor", "action", "target", "category", "outcome", "details"]
        let rows = report.entries.map { e in
            [String(e.seq), e.at, e.actor, e.action, e.target, e.category ?? "", e.outcome, e.details]
        }
        switch format {
        case .json: Console.out(try Render.json(report))
        case .csv(let excel): Console.rawOut(Render.csv(headers: headers, rows: rows, excel: excel))
        case .table:
            if report.entries.isEmpty {
                Console.err("no accesses match")
                return
            }
            let cleaned = rows.map { $0.map(Render.singleLine) }
            for line in Render.table(headers: headers.map { $0.uppercased() }, rows: cleaned) { Console.out(line) }
            Console.out("")
            let counts = report.perCategory.map {
                [$0.category, String($0.ok), String($0.denied), String($0.failed), String($0.total)]
            }
            for line in Render.table(headers: ["CATEGORY", "OK", "DENIED", "FAILED", "TOTAL"], rows: counts) {
                Console.out(line)
            }
        }
    })

let summaryCSVHeaders = ["section", "item", "year", "count", "bytes"]

/// The summary as flat CSV rows: holdings per category and year, then one row per counted status.
func summaryCSVRows(_ report: SummaryReport) -> [[String]] {
    var rows = report.holdings.map {
        ["holdings", $0.category, String($0.year), String($0.documents), String($0.bytes)]
    }
    for (section, lines) in [
        ("loans", report.loans), ("destruction", report.destruction), ("holds", report.holds),
        ("incomplete-case-files", report.incompleteCaseFiles),
    ] {
        rows += lines.map { [section, $0.label, "", String($0.count), ""] }
    }
    rows.append(["case-files", "checked", "", String(report.caseFilesChecked), ""])
    return rows
}

/// The summary as aligned tables and one line per section.
private func printSummary(_ report: SummaryReport) {
    let scope = report.year.map { "year \($0)" } ?? "all years"
    Console.out("Fonds \(report.fonds), \(scope), as of \(report.generatedAt)")
    Console.out("")
    var rows = report.holdings.map { [$0.category, String($0.year), String($0.documents), Render.size($0.bytes)] }
    rows.append(["total", "", String(report.total.count), Render.size(report.total.bytes ?? 0)])
    for line in Render.table(headers: ["CATEGORY", "YEAR", "DOCUMENTS", "SIZE"], rows: rows) { Console.out(line) }
    Console.out("")
    func list(_ lines: [SummaryLine]) -> String { lines.map { "\($0.count) \($0.label)" }.joined(separator: ", ") }
    Console.out("Loans: \(list(report.loans))")
    Console.out("Due for destruction: \(list(report.destruction))")
    Console.out("Legal holds in force: \(list(report.holds))")
    let incomplete = report.incompleteCaseFiles.reduce(0) { $0 + $1.count }
    Console.out(
        "Incomplete case files: \(incomplete) of \(report.caseFilesChecked) checked (\(list(report.incompleteCaseFiles)))"
    )
}
