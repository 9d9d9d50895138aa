import FoundationEssentials
import VaultCore

/// Every subcommand, in the order `docvault help` lists them.
let commands: [Command] = [
    initCommand, fileCommand, importCommand,
    getCommand, showCommand, listCommand, searchCommand, userAddCommand, userListCommand,
    userShowCommand, userRolesCommand, userDisableCommand, userEnableCommand, passwdCommand, recoverCommand,
    auditLogCommand, auditVerifyCommand, auditHeadCommand, borrowRequestCommand, borrowApproveCommand,
    borrowDenyCommand, borrowReturnCommand, borrowRenewCommand, borrowRevokeCommand, borrowListCommand,
    borrowShowCommand, borrowSettingsCommand, holdPlaceCommand, holdReleaseCommand, holdListCommand, holdShowCommand,
    retentionRulesCommand, retentionSetCommand, retentionDueCommand,
    retentionExplainCommand, eventRecordCommand, eventListCommand, purgeProposeCommand, purgeShowCommand,
    purgeApproveCommand, purgeRejectCommand, purgeStrikeCommand, purgeExecuteCommand, purgeRegisterCommand,
    verifyCommand, keyRotateCommand, keyStatusCommand, keyReplaceMasterCommand, backupCommand, backupVerifyCommand,
    restoreCommand, customerAddCommand, customerUpdateCommand, customerShowCommand, customerListCommand,
    customerHistoryCommand, customerReassignCommand, dossierShowCommand, completenessRulesCommand,
    completenessSetCommand, completenessCheckCommand, exportCommand, reportSummaryCommand, reportAccessCommand,
    demoCommand,
]

let initCommand = Command(
    name: "init", abstract: "Create a new vault, its first admin and a one-time recovery code.",
    usage: "init [--vault <dir>] [--keys <dir>] [--fonds <code>] [--admin <name>]",
    discussion: """
        Writes the catalogue and blob folders to the vault folder and the admin's key file
        (mode 0600) to the key folder. The recovery code is printed once: write it down and
        keep it apart from the key files.
        """,
    options: vaultOptions + [
        .value("--fonds", name: "code", help: "Fonds code used in reference numbers (default: J001)."),
        .value("--admin", name: "name", help: "Name of the first admin (default: admin)."),
    ],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let location = context.location(arguments)
        let created = try VaultSetup.create(
            at: location, fonds: arguments.value("--fonds") ?? "J001", admin: arguments.value("--admin") ?? "admin")
        Console.out("Created vault \(location.vault) (fonds \(created.fonds)).")
        Console.out("Admin '\(created.admin)' key file: \(created.keyFilePath) (keep it private, mode 0600).")
        Console.out("")
        Console.out("Recovery code (shown once; write it down and store it apart from the key files):")
        Console.out("    \(created.recoveryCode)")
    })

let fileCommand = Command(
    name: "file", abstract: "File documents into the vault, encrypted, and print their reference numbers.",
    usage: "file <path>... --category <cat> --year <yyyy> [--type <t>] [--title <t>] [--customer <name>] "
        + "[--customer-id <id>] [--policy <no>] [--claim <no>] [--contract <no>] [--date <yyyy-mm-dd>] [--notes <t>]",
    discussion: "Categories: UW underwriting, CL claims, CU customer files, FI finance, HR personnel, OT other.",
    options: actorOptions + [
        .value("--category", name: "cat", help: "Category code: UW, CL, CU, FI, HR or OT."),
        .value("--year", name: "yyyy", help: "Year the documents belong to (1900-2100)."),
        .value("--type", name: "t", help: "Document type, e.g. claim-form, policy, voucher."),
        .value("--title", name: "t", help: "Title (default: the file name)."),
        .value("--customer", name: "name", help: "Customer name (stored sealed)."),
        .value("--customer-id", name: "id", help: "Customer ID number (stored sealed)."),
        .value("--policy", name: "no", help: "Policy number."),
        .value("--claim", name: "no", help: "Claim number."),
        .value("--contract", name: "no", help: "Labour contract number (personnel files)."),
        .value("--date", name: "yyyy-mm-dd", help: "Date of the document."),
        .value("--notes", name: "t", help: "Notes (stored sealed)."),
    ],
    run: { arguments, context in
        guard let category = arguments.value("--category") else {
            throw VaultError(.usage, "file needs --category (UW, CL, CU, FI, HR or OT)")
        }
        guard let year = try arguments.integer("--year") else { throw VaultError(.usage, "file needs --year YYYY") }
        guard !arguments.positionals.isEmpty else { throw VaultError(.usage, "file needs at least one PATH") }
        var request = FilingRequest(paths: arguments.positionals, category: category, year: year)
        request.docType = arguments.value("--type")
        request.title = arguments.value("--title")
        request.customerName = arguments.value("--customer")
        request.customerID = arguments.value("--customer-id")
        request.policyNo = arguments.value("--policy")
        request.claimNo = arguments.value("--claim")
        request.contractNo = arguments.value("--contract")
        request.docDate = arguments.value("--date")
        request.notes = arguments.value("--notes")
        let session = try context.session(arguments)
        let total = arguments.positionals.reduce(0) { sum, path in
            sum + (FileSystem.size(path) ?? 0)
        }
        let bar = ProgressBar(label: "filing")
        var doneBefore: [Int: Int] = [:]
        let filed = try Filing.file(request, session: session) { index, done in
            doneBefore[index] = done
            bar.update(doneBefore.values.reduce(0, +), total)
        }
        bar.finish()
        for document in filed {
            Console.out("\(document.reference)  \(document.sourcePath)")
            if !document.sameContentAs.isEmpty {
                Console.err(
                    "warning: \(document.sourcePath) has the same content as \(document.sameContentAs.joined(separator: ", "))"
                )
            }
            for warning in document.warnings { Console.err("warning: \(warning)") }
        }
    })

let getCommand = Command(
    name: "get", abstract: "Decrypt a document to a file or to standard output.",
    usage: "get <reference> [-o <file>|-] [--force]",
    discussion: """
        Without -o the document is written under its original file name in the current folder.
        The output appears only after its last chunk has authenticated.
        """,
    options: actorOptions + [
        .value("-o", "--output", name: "file", help: "Output file, or - for standard output."),
        .flag("--force", help: "Replace an existing output file."),
    ],
    run: { arguments, context in
        guard arguments.positionals.count == 1 else { throw VaultError(.usage, "get needs exactly one REFERENCE") }
        let reference = arguments.positionals[0]
        let session = try context.session(arguments)
        let overwrite = arguments.has("--force")
        let destination: OutputDestination
        switch arguments.value("-o") {
        case "-": destination = .standardOutput
        case let path?: destination = .file(path, overwrite: overwrite)
        case nil: destination = .originalName(inFolder: FileManager.default.currentDirectoryPath, overwrite: overwrite)
        }
        let bar = ProgressBar(label: "decrypting")
        let result = try Retrieval.get(reference, to: destination, session: session, progress: bar.update)
        bar.finish()
        if let path = result.path {
            let shown = arguments.value("-o") ?? PathName.last(path)
            Console.err("wrote \(shown) (\(Render.size(result.details.size)))")
        }
    })

let showCommand = Command(
    name: "show", abstract: "Show one document's catalogue record.",
    usage: "show <reference> [--json]",
    discussion: nil,
    options: actorOptions + [.flag("--json", help: "Print the record as one JSON object.")],
    run: { arguments, context in
        guard arguments.positionals.count == 1 else { throw VaultError(.usage, "show needs exactly one REFERENCE") }
        let session = try context.session(arguments)
        let details = try CatalogQueries.show(arguments.positionals[0], session: session)
        if arguments.has("--json") {
            Console.out(try Render.json(details))
            return
        }
        let fields: [(String, String?)] = [
            ("Reference", details.reference), ("Title", details.title), ("Category", details.category),
            ("Year", String(details.year)), ("Retention", details.retention), ("Type", details.type),
            ("Date", details.date), ("Customer", details.customerName), ("Customer ID", details.customerID),
            ("Policy", details.policyNo), ("Claim", details.claimNo), ("Contract", details.contractNo),
            ("File name", details.fileName),
            ("Size", "\(details.size) bytes"), ("Media type", details.mediaType), ("Version", String(details.version)),
            ("Status", details.status), ("Filed", "\(details.filedAt) by \(details.filedBy)"),
            ("SHA-256", details.sha256), ("Notes", details.notes),
            ("Legal holds", details.holds.flatMap { $0.isEmpty ? nil : $0.map(String.init).joined(separator: ", ") }),
        ]
        for (label, value) in fields {
            guard let value else { continue }
            let lines = value.split(separator: "\n", omittingEmptySubsequences: false)
            Console.out(
                Render.padded(label, to: 12) + " " + (lines.first.map(String.init) ?? ""))
            for line in lines.dropFirst() { Console.out(String(repeating: " ", count: 13) + line) }
        }
    })

let listCommand = Command(
    name: "list", abstract: "List catalogued documents.",
    usage: "list [--category <cat>] [--year <yyyy>] [--type <t>] [--json|--csv [--excel]]",
    discussion: nil,
    options: actorOptions + [
        .value("--category", name: "cat", help: "Only this category."),
        .value("--year", name: "yyyy", help: "Only this year."),
        .value("--type", name: "t", help: "Only this document type."),
    ] + listingOptions,
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let format = try ListingFormat.from(arguments)
        let filter = DocumentFilter(
            category: arguments.value("--category"), year: try arguments.integer("--year"),
            docType: arguments.value("--type"))
        let session = try context.session(arguments)
        guard case .table = format else {
            printListing(try CatalogQueries.list(filter, session: session), format: format)
            return
        }
        // The table streams: its first rows print before the last ones are read.
        let table = StreamingTable(headers: ["REFERENCE", "TYPE", "DATE", "SIZE", "TITLE"])
        defer { table.finish() }
        try CatalogQueries.streamList(filter, session: session) { d in
            table.add([
                d.reference, Render.singleLine(d.type ?? "-"), d.date ?? "-", Render.size(d.size),
                Render.singleLine(d.title ?? ""),
            ])
        }
        if table.rows == 0 { Console.err("no documents match") }
    })

let searchCommand = Command(
    name: "search", abstract: "Search the catalogue by customer, policy, claim or words in the title.",
    usage: "search [--customer <name>] [--customer-id <id>] [--policy <no>] [--claim <no>] [--text <words>] "
        + "[--category <cat>] [--year <yyyy>] [--json|--csv [--excel]]",
    discussion: "Customer name and ID match exactly (case and spacing ignored); --text matches all words.",
    options: actorOptions + [
        .value("--customer", name: "name", help: "Customer name."),
        .value("--customer-id", name: "id", help: "Customer ID number."),
        .value("--policy", name: "no", help: "Policy number."),
        .value("--claim", name: "no", help: "Claim number."),
        .value("--text", name: "words", help: "Words that must appear in the title or notes."),
        .value("--category", name: "cat", help: "Only this category."),
        .value("--year", name: "yyyy", help: "Only this year."),
    ] + listingOptions,
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let format = try ListingFormat.from(arguments)
        var criteria = SearchCriteria()
        criteria.filter = DocumentFilter(
            category: arguments.value("--category"), year: try arguments.integer("--year"),
            policyNo: arguments.value("--policy"), claimNo: arguments.value("--claim"))
        criteria.customerName = arguments.value("--customer")
        criteria.customerID = arguments.value("--customer-id")
        criteria.text = arguments.value("--text")
        guard
            criteria.customerName != nil || criteria.customerID != nil || criteria.text != nil
                || criteria.filter.policyNo != nil || criteria.filter.claimNo != nil
        else {
            throw VaultError(.usage, "search needs --customer, --customer-id, --policy, --claim or --text")
        }
        let session = try context.session(arguments)
        printListing(try CatalogQueries.search(criteria, session: session), format: format)
    })

func requireNoPositionals(_ arguments: ParsedArguments) throws {
    // The value is not echoed: a misplaced argument may be a password typed on the command line.
    if !arguments.positionals.isEmpty {
        throw VaultError(.usage, "unexpected argument (not shown, it may be a secret); see --help")
    }
}

/// Prints documents as a table, JSON Lines or CSV.
func printListing(_ documents: [DocumentDetails], format: ListingFormat) {
    let headers = ["reference", "category", "year", "type", "date", "title", "customer", "policy", "claim", "size"]
    guard case .table = format else {
        // Only CSV reads these rows; the table below builds its own.
        let rows = documents.map { d in
            [
                d.reference, d.category, String(d.year), d.type ?? "", d.date ?? "", d.title ?? "",
                d.customerName ?? "", d.policyNo ?? "", d.claimNo ?? "", String(d.size),
            ]
        }
        printRows(documents, headers: headers, rows: rows, format: format)
        return
    }
    if documents.isEmpty {
        Console.err("no documents match")
        return
    }
    let tableHeaders = ["REFERENCE", "TYPE", "DATE", "SIZE", "TITLE"]
    let tableRows = documents.map { d in
        [
            d.reference, Render.singleLine(d.type ?? "-"), d.date ?? "-", Render.size(d.size),
            Render.singleLine(d.title ?? ""),
        ]
    }
    for line in Render.table(headers: tableHeaders, rows: tableRows) { Console.out(line) }
}
