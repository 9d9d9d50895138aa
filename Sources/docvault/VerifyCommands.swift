import FoundationEssentials
import VaultCore

let verifyCommand = Command(
    name: "verify", abstract: "Check every document's blob, orphans, the audit chain and the catalogue file.",
    usage: "verify [--full | --sample <percent>] [--repair] [--json]",
    discussion: """
        Without --full: every live row has its blob with the right length, header and key commitment,
        every blob has a row, the audit chain and 'PRAGMA integrity_check' are sound, and each shelf's
        kept count matches its rows. --full also decrypts every chunk (to nowhere) and compares the
        SHA-256 sealed at filing; --sample P does that for P percent of the documents, chosen at random. --repair (admin) removes orphan blobs, partial
        files left by interrupted filings and blobs of destroyed documents, and recounts a shelf (category
        and year) whose kept document count is wrong; never a document's row.
        Exits 65 when a problem remains.
        """,
    options: actorOptions + [
        .flag("--full", help: "Decrypt every document and compare its SHA-256."),
        .value("--sample", name: "percent", help: "Decrypt this share (1-100) of the documents, at random."),
        .flag("--repair", help: "Remove orphan blobs and leftovers (admin); never a catalogue row."),
        .flag("--json", help: "Print one JSON object."),
    ],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        var options = VerificationOptions()
        options.full = arguments.has("--full")
        if let sample = arguments.value("--sample") {
            guard let percent = Int(sample) else {
                throw VaultError(.usage, "--sample takes a percentage from 1 to 100, not '\(sample)'")
            }
            guard !options.full else { throw VaultError(.usage, "choose one of --full and --sample") }
            options.samplePercent = percent
        }
        options.repair = arguments.has("--repair")
        let bar = ProgressBar(label: "verifying")
        let report = try Verification.run(options, session: try context.session(arguments), progress: bar.update)
        bar.finish()
        if arguments.has("--json") {
            Console.out(try Render.json(report))
        } else {
            for problem in report.problems {
                Console.out(
                    "\(problem.subject): \(problem.detail) [\(problem.kind)]"
                        + (problem.repaired ? " (\(problem.repairAction))" : ""))
            }
            var summary =
                "verified \(report.documents) document(s) and \(report.tombstones) tombstone(s), "
                + "\(report.blobFiles) blob file(s), \(report.auditEntries) audit entries"
            if report.decrypted > 0 {
                summary += "; decrypted \(report.decrypted) (\(Render.size(report.bytesDecrypted)))"
            }
            summary += ": \(report.remaining.count) problem(s)"
            for action in ["removed", "recounted"] {
                let count = report.problems.filter { $0.repaired && $0.repairAction == action }.count
                if count > 0 { summary += ", \(count) \(action)" }
            }
            Console.out(summary)
        }
        guard report.remaining.isEmpty else {
            throw VaultError(.dataError, "\(report.remaining.count) problem(s) found; \(report.nextStep)")
        }
    })
