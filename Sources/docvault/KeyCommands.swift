import FoundationEssentials
import VaultCore

let keyRotateCommand = Command(
    name: "key rotate", abstract: "Start a new data-key-wrapping epoch and re-wrap every data key under it.",
    usage: "key rotate [--batch-size <n>]",
    discussion: """
        Blobs are not touched: each document's data key is unwrapped with its old epoch and wrapped
        with the new one, a batch of documents per transaction. New filings use the new epoch as soon
        as the rotation starts. If the rotation stops half-way, run 'docvault key rotate' again: it
        resumes. When every key is re-wrapped the old epoch's key is deleted from the catalogue.
        """,
    options: actorOptions + [batchSizeOption],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let batchSize = try rotationBatchSize(arguments)
        let bar = ProgressBar(label: "re-wrapping")
        let outcome = try KeyRotation.rotate(
            session: try context.session(arguments), batchSize: batchSize,
            started: { epoch, resumed in
                if resumed {
                    Console.err("Resuming the unfinished rotation to epoch \(epoch).")
                } else {
                    Console.err("Rotation to epoch \(epoch) started; new filings use it from now on.")
                }
            },
            progress: bar.update)
        bar.finish()
        Console.out(
            "Rotation to epoch \(outcome.epoch) finished: \(outcome.rewrapped) data key(s) re-wrapped"
                + "\(outcome.resumed ? " in this run" : ""); older epochs deleted.")
    })

let keyStatusCommand = Command(
    name: "key status", abstract: "The data-key-wrapping epochs, how many documents each wraps, the master key.",
    usage: "key status [--json]", discussion: nil,
    options: actorOptions + [.flag("--json", help: "Print one JSON object.")],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let status = try KeyRotation.status(session: try context.session(arguments))
        if arguments.has("--json") {
            Console.out(try Render.json(status))
            return
        }
        let rows = status.epochs.map { epoch in
            [String(epoch.epoch), epoch.createdAt, String(epoch.documents), epoch.current ? "current" : "old"]
        }
        for line in Render.table(headers: ["epoch", "created-at", "documents", "state"], rows: rows) {
            Console.out(line)
        }
        Console.out("")
        if status.rotationUnfinished {
            Console.out("Rotation: unfinished; run 'docvault key rotate' to resume it.")
        } else {
            Console.out("Rotation: none in progress.")
        }
        Console.out("Destroyed documents (no data key): \(status.destroyed)")
        if status.masterKeyReplaced {
            Console.out(
                "Master key: generation \(status.masterKeyGeneration), last replaced \(status.masterKeyCreatedAt).")
        } else {
            Console.out("Master key: generation 1, created \(status.masterKeyCreatedAt), never replaced.")
        }
    })

let keyReplaceMasterCommand = Command(
    name: "key replace-master", abstract: "Replace a compromised master key: new key files, new recovery code.",
    usage: "key replace-master [--batch-size <n>]",
    discussion: """
        Every enabled user gets a new key file (written as NAME.key.new, then moved over NAME.key);
        passwords are removed (users set a new one with 'docvault passwd' and their new key file);
        disabled users get no credential. A new recovery code is printed once. Then every data key
        is re-wrapped under a new epoch; if that stops, 'docvault key rotate' finishes it.
        """,
    options: actorOptions + [batchSizeOption],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let batchSize = try rotationBatchSize(arguments)
        let bar = ProgressBar(label: "re-wrapping")
        let outcome = try MasterKeyReplacement.replace(
            session: try context.session(arguments), batchSize: batchSize, progress: bar.update)
        bar.finish()
        Console.out("Master key replaced; the old key files, passwords and recovery code no longer open the vault.")
        Console.out("Hand out these new key files (each only to its user):")
        for file in outcome.keyFiles {
            Console.out("  \(file.user)  \(file.path)")
        }
        if outcome.passwordSlotsRemoved > 0 {
            Console.out(
                "\(outcome.passwordSlotsRemoved) password(s) removed; their users set a new one with 'docvault passwd'."
            )
        }
        Console.out("New recovery code (shown once; keep it offline):")
        Console.out("    \(outcome.recoveryCode)")
        Console.out(
            "Data keys re-wrapped under epoch \(outcome.rotation.epoch): \(outcome.rotation.rewrapped).")
    })

/// `--batch-size`, shared by `key rotate` and `key replace-master`.
private let batchSizeOption = OptionSpec.value(
    "--batch-size", name: "n", help: "Documents re-wrapped per transaction (default \(KeyRotation.defaultBatchSize)).")

/// The `--batch-size` given, or the default; anything below 1 is a usage error.
private func rotationBatchSize(_ arguments: ParsedArguments) throws -> Int {
    let batchSize = try arguments.integer("--batch-size") ?? KeyRotation.defaultBatchSize
    guard batchSize > 0 else { throw VaultError(.usage, "--batch-size needs a number greater than 0") }
    return batchSize
}
