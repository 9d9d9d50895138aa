import FoundationEssentials
import VaultCore

let completenessRulesCommand = Command(
    name: "completeness rules", abstract: "What a complete case file holds: required document types and fields.",
    usage: "completeness rules [--json]",
    discussion: "A required type is satisfied by a document whose type contains its words (payment-voucher-2024).",
    options: actorOptions + [.flag("--json", help: "One JSON object per line.")],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let rules = try Completeness.rules(session: try context.session(arguments))
        let cells = rules.map { rule in
            [
                rule.category, rule.types.isEmpty ? "-" : rule.types.joined(separator: ", "),
                rule.fields.isEmpty ? "-" : rule.fields.map(\.rawValue).joined(separator: ", "),
                rule.updatedBy.map { "\(rule.updatedAt ?? "") by \($0)" } ?? "-",
            ]
        }
        printRows(
            rules, headers: ["category", "types", "fields", "updated"], rows: cells,
            format: arguments.has("--json") ? .json : .table)
    })

let completenessSetCommand = Command(
    name: "completeness set", abstract: "Replace a category's required types or fields (compliance); logged.",
    usage: "completeness set --category <cat> (--types <a,b,c> | --fields <policy,claim,customer-id>)",
    discussion: "The list replaces the category's whole list; --types \"\" requires no types. Categories: UW, CL, CU.",
    options: actorOptions + [
        .value("--category", name: "cat", help: "UW, CL or CU."),
        .value("--types", name: "a,b,c", help: "Document types every case file must hold."),
        .value("--fields", name: "list", help: "Fields every document must carry: policy, claim, customer-id."),
    ],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        guard let category = arguments.value("--category") else {
            throw VaultError(.usage, "completeness set needs --category (UW, CL or CU)")
        }
        let types = arguments.value("--types")
        let fields = arguments.value("--fields")
        guard (types == nil) != (fields == nil) else {
            throw VaultError(.usage, "give exactly one of --types and --fields")
        }
        let change = CompletenessChange(
            category: category, kind: types == nil ? .fields : .types, names: types ?? fields ?? "")
        let rule = try Completeness.set(change, session: try context.session(arguments))
        let list = change.kind == .types ? rule.types : rule.fields.map(\.rawValue)
        Console.out(
            "\(rule.category) now requires \(change.kind.rawValue): \(list.isEmpty ? "none" : list.joined(separator: ", "))"
        )
    })

let completenessCheckCommand = Command(
    name: "completeness check", abstract: "List incomplete case files and what each lacks.",
    usage: "completeness check [--category <cat>] [--year <yyyy>] [--json|--csv [--excel]]",
    discussion: """
        Case files group claims by claim number, underwriting by policy number and customer files
        by customer ID. Only active documents count. A document without its grouping field is listed
        on its own. --year keeps case files with a document of that year. Exits 0 even when some are
        incomplete.
        """,
    options: actorOptions + [
        .value("--category", name: "cat", help: "Only UW, CL or CU."),
        .value("--year", name: "yyyy", help: "Only case files with a document of this year."),
    ] + listingOptions,
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let format = try ListingFormat.from(arguments)
        let report = try Completeness.check(
            category: arguments.value("--category"), year: try arguments.integer("--year"),
            session: try context.session(arguments))
        if case .table = format, report.incomplete.isEmpty {
            Console.out("all \(report.checked) case files are complete")
            return
        }
        // The table reads as a sentence; CSV keeps the bare names for a spreadsheet.
        let prefix = if case .table = format { "lacks " } else { "" }
        let cells = report.incomplete.map {
            [$0.category, $0.caseFile, String($0.documents), prefix + $0.lacks.joined(separator: ", ")]
        }
        printRows(
            report.incomplete, headers: ["category", "case file", "documents", "lacks"], rows: cells, format: format)
        if case .table = format {
            Console.err("\(report.incomplete.count) of \(report.checked) case files are incomplete")
        }
    })
