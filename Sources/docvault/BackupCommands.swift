import FoundationEssentials
import VaultCore

let backupCommand = Command(
    name: "backup", abstract: "Copy the vault, still encrypted, to a backup folder; later runs copy only new blobs.",
    usage: "backup <dest> [--rehash]",
    discussion: """
        Writes DEST/catalog.sqlite (a consistent snapshot taken while the vault stays in use),
        DEST/blobs/ (the encrypted blobs, as in the vault) and DEST/MANIFEST (each file's SHA-256).
        Blobs already in DEST are kept; blobs of documents destroyed since are removed from DEST.
        Needs the admin role; the run is logged in the vault's audit chain.
        """,
    options: actorOptions + [
        .flag("--rehash", help: "Check kept blobs by SHA-256, not only size, and copy damaged ones anew.")
    ],
    run: { arguments, context in
        guard arguments.positionals.count == 1 else { throw VaultError(.usage, "backup needs one DEST folder") }
        let destination = arguments.positionals[0]
        let session = try context.session(arguments)
        let bar = ProgressBar(label: "backing up")
        let outcome = try Backup.run(
            to: destination, rehash: arguments.has("--rehash"), session: session, progress: bar.update)
        bar.finish()
        Console.out(
            "Backed up to \(destination): copied \(outcome.copied) new blobs (\(megabytes(outcome.copiedBytes)) MB), "
                + "kept \(outcome.kept), removed \(outcome.removed).")
        Console.out("Audit head at the snapshot: \(outcome.manifest.auditHead)")
    })

let backupVerifyCommand = Command(
    name: "backup verify", abstract: "Check a backup folder against its MANIFEST (no key needed).",
    usage: "backup verify <dest>",
    discussion: """
        Recomputes every file's SHA-256, reports missing, extra and mismatched files one per line,
        and checks that the catalogue copy passes PRAGMA integrity_check and names only listed blobs.
        Exits 65 when anything is wrong. Reads only the backup folder and logs nothing.
        """,
    options: [],
    run: { arguments, _ in
        guard arguments.positionals.count == 1 else { throw VaultError(.usage, "backup verify needs one DEST folder") }
        let destination = arguments.positionals[0]
        let bar = ProgressBar(label: "verifying")
        let check = try Backup.verify(destination, progress: bar.update)
        bar.finish()
        for problem in check.problems { Console.out(problem) }
        guard check.problems.isEmpty else {
            throw VaultError(
                .dataError,
                "the backup in \(destination) has \(check.problems.count) problem(s), listed above; "
                    + "run 'docvault backup \(destination) --rehash' to repair it")
        }
        Console.out(
            "Backup \(destination) is intact: \(check.files) files (\(megabytes(check.bytes)) MB) "
                + "match MANIFEST of \(check.manifest.created).")
        Console.out("Audit head at the snapshot: \(check.manifest.auditHead)")
    })

let restoreCommand = Command(
    name: "restore", abstract: "Create a new vault folder from a backup (never over an existing vault).",
    usage: "restore <src> --vault <dir>",
    discussion: """
        Verifies the backup, copies it into DIR.restoring-<random> beside DIR, checks the copy,
        logs 'restore' in the restored vault's audit chain as the admin given by --user and
        --key-file (their key file from the original vault works), then renames it to DIR.
        On failure the temporary folder is removed; after a crash it may remain and can be deleted.
        """,
    options: actorOptions,
    run: { arguments, context in
        guard arguments.positionals.count == 1 else { throw VaultError(.usage, "restore needs one SRC backup folder") }
        guard let destination = arguments.value("--vault") else {
            throw VaultError(.usage, "restore needs --vault DIR, the new vault folder to create")
        }
        let source = arguments.positionals[0]
        let keys = context.location(arguments).keys
        let bar = ProgressBar(label: "restoring")
        let outcome = try Restore.run(
            from: source, into: destination, open: { location in try context.session(arguments, at: location) },
            keys: keys, progress: bar.update)
        bar.finish()
        Console.out(
            "Restored \(outcome.files) files (\(megabytes(outcome.bytes)) MB) from \(source) into \(destination), "
                + "backup of \(outcome.manifest.created).")
        Console.out("Next, check it: docvault verify --full --vault \(destination)")
        Console.out(
            "and its audit chain: docvault audit verify --vault \(destination) --anchor \(outcome.manifest.auditHead)")
    })

/// Bytes as megabytes with one decimal.
func megabytes(_ bytes: Int) -> String {
    ByteCount.oneDecimal(Double(bytes) / 1_048_576)
}
