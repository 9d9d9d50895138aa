import FoundationEssentials
import VaultCore

let dossierShowCommand = Command(
    name: "dossier show", abstract: "A case file's table of contents: its documents in date order.",
    usage: "dossier show (--policy <no> | --claim <no> | --customer-id <id>) [--json]",
    discussion: """
        Lists every document filed under the policy, claim or customer, destroyed ones included,
        by document date (the filing date when it has none). A customer ID matches with case,
        spaces and hyphens ignored.
        """,
    options: actorOptions + [
        .value("--policy", name: "no", help: "Policy number."),
        .value("--claim", name: "no", help: "Claim number."),
        .value("--customer-id", name: "id", help: "Customer ID number (logged sealed)."),
        .flag("--json", help: "One JSON object per line."),
    ],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let given: [DossierSelector] = [
            arguments.value("--policy").map(DossierSelector.policy),
            arguments.value("--claim").map(DossierSelector.claim),
            arguments.value("--customer-id").map(DossierSelector.customerID),
        ].compactMap { $0 }
        guard given.count == 1, let selector = given.first else {
            throw VaultError(.usage, "dossier show needs exactly one of --policy, --claim and --customer-id")
        }
        let entries = try Dossier.show(selector, session: try context.session(arguments))
        let cells = entries.map {
            [$0.reference, $0.type ?? "-", $0.date, $0.title ?? "-", Render.size($0.size), $0.status]
        }
        printRows(
            entries, headers: ["reference", "type", "date", "title", "size", "status"], rows: cells,
            format: arguments.has("--json") ? .json : .table)
    })
