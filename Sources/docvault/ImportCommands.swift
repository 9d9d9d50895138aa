import FoundationEssentials
import VaultCore

let importCommand = Command(
    name: "import", abstract: "File many documents from a ledger (CSV) or a folder of scans, resumably.",
    usage: "import <manifest.csv> [--base <dir>] [--dry-run] [--encoding utf-8|gb18030] [--report <file>] | "
        + "import --folder <dir> --category <cat> --year <yyyy> [--type <t>] [--dry-run] [--report <file>]",
    discussion: """
        The manifest has a header row naming its columns in English or Chinese: path (文件路径),
        category (门类), year (年度), type (文件类型), title (题名), customer (客户名称),
        customer_id (证件号码), policy (保单号), claim (赔案号), contract (合同号), date (文件日期),
        notes (备注); path, category and year are required. Paths are relative to --base (default:
        the manifest's folder). UTF-8 (with or without BOM) and GB18030/GBK are detected.
        Every row is checked before anything is filed; problems are listed by line and nothing
        is filed (exit 65). Run again after an interruption: rows already filed are skipped.
        """,
    options: actorOptions + [
        .value("--base", name: "dir", help: "Folder the manifest's paths are relative to."),
        .flag("--dry-run", help: "Check the manifest and list what would be filed; file nothing."),
        .value("--encoding", name: "name", help: "The manifest's encoding: utf-8 or gb18030 (default: detect)."),
        .value("--report", name: "file", help: "Write a CSV mapping each manifest line to its reference."),
        .value("--folder", name: "dir", help: "Import every file in this folder, titled by file name."),
        .value("--category", name: "cat", help: "With --folder: category code (UW, CL, CU, FI, HR or OT)."),
        .value("--year", name: "yyyy", help: "With --folder: the year the documents belong to."),
        .value("--type", name: "t", help: "With --folder: document type."),
        .value("--batch-size", name: "n", help: "Documents per committed batch (default: 64)."),
    ],
    run: { arguments, context in
        let source = try importSource(arguments)
        let batch = try arguments.integer("--batch-size") ?? BulkImport.Limits.standard.documents
        guard batch > 0 else { throw VaultError(.usage, "--batch-size needs a whole number above 0") }
        let name = arguments.positionals.first ?? arguments.value("--folder") ?? ""
        let session = try context.session(arguments)
        let report = try arguments.value("--report").map { try BulkImport.reportPath($0, session: session) }
        let plan = try BulkImport.plan(source, session: session)
        if !plan.problems.isEmpty {
            for problem in plan.problems { Console.err("\(name):\(problem.line): \(problem.message)") }
            throw BulkImport.refuse(plan, name: name, session: session)
        }
        if arguments.has("--dry-run") {
            printDryRun(plan)
            return
        }
        let bar = ImportProgressBar()
        let start = Date()
        // Cleared on failure too, so the error line does not land on the end of the bar.
        let result: ImportResult
        do {
            defer { bar.finish() }
            result = try BulkImport.run(
                plan, session: session,
                limits: BulkImport.Limits(documents: batch, bytes: BulkImport.Limits.standard.bytes),
                progress: bar.update)
        }
        let seconds = Date().timeIntervalSince(start)
        if let report { try writeImportReport(result, to: report) }
        Console.out(
            "imported \(result.filed) document(s), skipped \(result.skipped) already imported; "
                + "\(Render.size(result.bytes)) in \(ByteCount.oneDecimal(seconds)) s")
    })

/// The manifest or folder the arguments name, or a usage error saying what is missing.
private func importSource(_ arguments: ParsedArguments) throws -> ImportSource {
    let encoding = try arguments.value("--encoding").map { name in
        guard let encoding = ManifestEncoding(name: name) else {
            throw VaultError(.usage, "unknown encoding '\(name)'; use utf-8 or gb18030")
        }
        return encoding
    }
    guard let folder = arguments.value("--folder") else {
        for option in ["--category", "--year", "--type"] where arguments.value(option) != nil {
            throw VaultError(.usage, "\(option) goes with --folder; a manifest names the category per row")
        }
        guard arguments.positionals.count == 1 else {
            throw VaultError(.usage, "import needs one MANIFEST.csv, or --folder DIR --category CAT --year YYYY")
        }
        return .manifest(path: arguments.positionals[0], base: arguments.value("--base"), encoding: encoding)
    }
    guard arguments.positionals.isEmpty, arguments.value("--base") == nil, encoding == nil else {
        throw VaultError(.usage, "--folder takes no manifest, --base or --encoding")
    }
    guard let category = arguments.value("--category") else {
        throw VaultError(.usage, "import --folder needs --category (UW, CL, CU, FI, HR or OT)")
    }
    guard let year = try arguments.integer("--year") else {
        throw VaultError(.usage, "import --folder needs --year YYYY")
    }
    var metadata = DocumentMetadata(category: category, year: year)
    metadata.docType = arguments.value("--type")
    return .folder(folder, metadata: metadata)
}

/// Lists what an import would file and what it would skip.
private func printDryRun(_ plan: ImportPlan) {
    for item in plan.items {
        let what = "\(item.metadata.category.uppercased()) \(item.metadata.year)"
        if let reference = item.importedAs {
            Console.out("line \(item.line): already imported as \(reference)  \(item.path)")
        } else {
            Console.out(
                "line \(item.line): would file \(what)  \(item.path)  \(Render.singleLine(item.metadata.title ?? ""))")
        }
    }
    let pending = plan.pending
    Console.out(
        "dry run: \(pending.count) document(s) to file (\(Render.size(pending.reduce(0) { $0 + $1.size }))), "
            + "\(plan.items.count - pending.count) already imported; nothing was filed")
}

/// Writes the report CSV: one row per manifest line with its reference and whether this run filed it.
private func writeImportReport(_ result: ImportResult, to path: String) throws {
    let rows = result.rows.map { [String($0.line), $0.path, $0.reference, $0.status.rawValue] }
    let text = Render.csv(headers: ["line", "path", "reference", "status"], rows: rows, excel: false)
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw VaultError(
            .cannotCreate,
            "the import finished but the report \(path) could not be written; run the import again "
                + "with another --report (it files nothing twice)")
    }
}
