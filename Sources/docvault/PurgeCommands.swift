import FoundationEssentials
import VaultCore

let purgeProposeCommand = Command(
    name: "purge propose", abstract: "Propose a destruction batch: the appraisal list of due documents.",
    usage: "purge propose [--as-of <yyyy-mm-dd>] [--category <cat>]",
    discussion: """
        Lists every document due at the date, leaving out those under a legal hold, on loan, or
        already in an open batch. An approver other than you must approve the batch before
        'purge execute' destroys anything.
        """,
    options: actorOptions + [
        .value("--as-of", name: "yyyy-mm-dd", help: "The date to judge by (default: today, UTC)."),
        .value("--category", name: "cat", help: "Only this category."),
    ],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let batch = try Destruction.propose(
            asOf: arguments.value("--as-of"), category: arguments.value("--category"),
            session: try context.session(arguments))
        Console.out("Batch \(batch.id) proposed with \(batch.items.count) document(s) due at \(batch.asOf).")
        Console.out("To approve it, an approver other than you must run: docvault purge approve \(batch.id)")
    })

let purgeShowCommand = Command(
    name: "purge show", abstract: "One destruction batch: its status, decision and items.",
    usage: "purge show <batch> [--json]", discussion: nil,
    options: actorOptions + [.flag("--json", help: "Print one JSON object.")],
    run: { arguments, context in
        let batch = try Destruction.show(try batchID(arguments), session: try context.session(arguments))
        if arguments.has("--json") {
            Console.out(try Render.json(batch))
            return
        }
        let fields: [(String, String?)] = [
            ("Batch", String(batch.id)), ("Status", batch.status), ("As of", batch.asOf),
            ("Category", batch.category ?? "all"), ("Proposed", "\(batch.proposedAt) by \(batch.proposedBy)"),
            ("Decided", batch.decidedBy.map { "\(batch.decidedAt ?? "") by \($0)" }),
            ("Reject reason", batch.rejectReason),
            ("Executed", batch.executedBy.map { "\(batch.executedAt ?? "") by \($0)" }),
            ("Audit anchor", batch.auditAnchor),
            ("Register", batch.registerReference.map { "\($0) (CSV: \(batch.registerCSVReference ?? "-"))" }),
        ]
        for (label, value) in fields {
            guard let value else { continue }
            Console.out(Render.padded(label, to: 14) + " " + Render.singleLine(value))
        }
        Console.out("")
        let rows = batch.items.map { item in
            [
                item.reference, item.rule, item.triggerDate, item.dueDate, item.status,
                Render.singleLine(item.reason ?? ""),
            ]
        }
        for line in Render.table(
            headers: ["reference", "rule", "trigger-date", "due-date", "status", "reason"], rows: rows)
        {
            Console.out(line)
        }
    })

let purgeApproveCommand = Command(
    name: "purge approve", abstract: "Approve a destruction batch (an approver who did not propose it).",
    usage: "purge approve <batch>", discussion: nil, options: actorOptions,
    run: { arguments, context in
        let batch = try Destruction.approve(try batchID(arguments), session: try context.session(arguments))
        let count = batch.items.filter { $0.status == "proposed" }.count
        Console.out("Batch \(batch.id) approved: \(count) document(s) to destroy.")
        Console.out("Compliance executes it with: docvault purge execute \(batch.id)")
    })

let purgeRejectCommand = Command(
    name: "purge reject", abstract: "Reject a destruction batch with a reason; this ends the batch.",
    usage: "purge reject <batch> --reason <text>", discussion: nil,
    options: actorOptions + [.value("--reason", name: "text", help: "Why (kept sealed).")],
    run: { arguments, context in
        let reason = try arguments.required("--reason", "TEXT", for: "purge reject")
        let batch = try Destruction.reject(
            try batchID(arguments), reason: reason, session: try context.session(arguments))
        Console.out("Batch \(batch.id) rejected; nothing in it will be destroyed.")
    })

let purgeStrikeCommand = Command(
    name: "purge strike", abstract: "Strike a document from a batch before approval, with a reason.",
    usage: "purge strike <batch> <reference> --reason <text>", discussion: nil,
    options: actorOptions + [.value("--reason", name: "text", help: "Why it must be kept (kept sealed).")],
    run: { arguments, context in
        guard arguments.positionals.count == 2, let id = Int(arguments.positionals[0]), id > 0 else {
            throw VaultError(.usage, "purge strike needs a BATCH number and a REFERENCE")
        }
        let reason = try arguments.required("--reason", "TEXT", for: "purge strike")
        let reference = arguments.positionals[1].uppercased()
        let batch = try Destruction.strike(
            id, reference: reference, reason: reason, session: try context.session(arguments))
        let left = batch.items.filter { $0.status == "proposed" }.count
        Console.out("\(reference) struck from batch \(batch.id); \(left) document(s) remain.")
    })

let purgeExecuteCommand = Command(
    name: "purge execute", abstract: "Destroy an approved batch: shred keys, delete blobs, file the register.",
    usage: "purge execute <batch>",
    discussion: """
        Each document is checked again first: one under a legal hold or on loan now is skipped and
        reported. The others are crypto-shredded one by one; if execution stops half-way, run it again
        to finish. The destruction register is filed in the vault as a permanent OT record.
        """,
    options: actorOptions,
    run: { arguments, context in
        let bar = ProgressBar(label: "destroying")
        let outcome = try Destruction.execute(
            try batchID(arguments), session: try context.session(arguments), progress: bar.update)
        bar.finish()
        for skipped in outcome.skipped {
            Console.err("skipped \(skipped.reference): \(skipped.reason)")
        }
        let batch = outcome.batch
        Console.out(
            "Batch \(batch.id) executed: \(outcome.shredded.count) document(s) destroyed, "
                + "\(outcome.skipped.count) skipped.")
        if let register = batch.registerReference {
            Console.out("Destruction register filed as \(register) (CSV: \(batch.registerCSVReference ?? "-")).")
        }
        Console.out("Audit anchor: \(batch.auditAnchor ?? "-")")
    })

let purgeRegisterCommand = Command(
    name: "purge register", abstract: "Export the destruction register of an executed batch.",
    usage: "purge register <batch> -o <file> [--force]",
    discussion: "A file name ending in .csv gets CSV (UTF-8, header row); any other name the text register.",
    options: actorOptions + [
        .value("-o", "--output", name: "file", help: "Output file (outside the vault)."),
        .flag("--force", help: "Replace an existing output file."),
    ],
    run: { arguments, context in
        guard let path = arguments.value("-o") else { throw VaultError(.usage, "purge register needs -o FILE") }
        let register = try Destruction.exportRegister(
            try batchID(arguments), to: path, overwrite: arguments.has("--force"),
            session: try context.session(arguments))
        Console.err("wrote \(path) (\(register.entries.count) item(s))")
    })

/// The single BATCH argument as a number.
func batchID(_ arguments: ParsedArguments) throws -> Int {
    try arguments.recordNumber("batch", "'docvault purge propose' printed it")
}
