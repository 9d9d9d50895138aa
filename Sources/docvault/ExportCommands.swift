import FoundationEssentials
import VaultCore

let exportCommand = Command(
    name: "export", abstract: "Write documents as a BagIt transfer package (needs an approved export loan).",
    usage: "export (--ref <ref>... | --policy <no> | --claim <no> | --category <c> --year <y>) -o <dir>",
    discussion: """
        The package (RFC 8493) holds each document's plaintext and a metadata.json under
        data/<reference>/, with SHA-256 manifests. DIR must not exist and must be outside the vault.
        Every document must be covered by your active export loan (borrow request --kind export).
        """,
    options: actorOptions + [
        .value("--ref", name: "ref", help: "A document by its reference (repeatable)."),
        .value("--policy", name: "no", help: "Every active document of this policy."),
        .value("--claim", name: "no", help: "Every active document of this claim."),
        .value("--category", name: "c", help: "Every active document of this category (with --year)."),
        .value("--year", name: "y", help: "The year, with --category."),
        .value("-o", "--output", name: "dir", help: "The package folder to create."),
    ],
    run: { arguments, context in
        var scopes: [ExportScope] = []
        let references = arguments.all("--ref") + arguments.positionals
        if !references.isEmpty { scopes.append(.references(references)) }
        if let policy = arguments.value("--policy") { scopes.append(.policy(policy)) }
        if let claim = arguments.value("--claim") { scopes.append(.claim(claim)) }
        let category = arguments.value("--category")
        let year = try arguments.integer("--year")
        if category != nil || year != nil {
            guard let category, let year else {
                throw VaultError(.usage, "--category and --year go together; give both")
            }
            scopes.append(.categoryYear(category, year))
        }
        guard scopes.count == 1, let scope = scopes.first else {
            throw VaultError(
                .usage, "name the documents one way: --ref R..., --policy, --claim or --category with --year")
        }
        let directory = try arguments.required("-o", "DIR", for: "export")
        let session = try context.session(arguments)
        let bar = ProgressBar(label: "exporting")
        let summary = try TransferPackage.export(scope, to: directory, session: session, progress: bar.update)
        bar.finish()
        Console.out(
            "Exported \(summary.references.count) document(s) to \(summary.path) "
                + "(\(summary.files) payload files, \(Render.size(summary.octets))) under loan "
                + summary.loans.map(String.init).joined(separator: ", ") + ".")
    })
