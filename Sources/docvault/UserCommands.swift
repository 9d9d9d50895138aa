import FoundationEssentials
import VaultCore

let userAddCommand = Command(
    name: "user add", abstract: "Add a user with roles and a key file or a password (admin).",
    usage: "user add <name> --role <role>[,<role>...] (--key-file | --password)",
    discussion: "Roles: admin, archivist, approver, compliance, auditor, staff. Passwords need 12 characters or more.",
    options: credentialCommandOptions + [
        .value("--role", "--roles", name: "roles", help: "Comma-separated roles.")
    ],
    run: { arguments, context in
        guard arguments.positionals.count == 1 else { throw VaultError(.usage, "user add needs exactly one NAME") }
        guard let roleText = arguments.value("--role") else { throw VaultError(.usage, "user add needs --role") }
        let name = arguments.positionals[0]
        let roles = try Role.parseList(roleText)
        let credential = try context.newCredential(arguments, for: name)
        let session = try context.session(arguments)
        let path = try UserAdministration.add(name: name, roles: roles, credential: credential, session: session)
        Console.out("Added user '\(name)' (\(roles.map(\.rawValue).joined(separator: ","))).")
        if let path { Console.out("Key file: \(path) (mode 0600); hand it to \(name) privately.") }
    })

let userListCommand = Command(
    name: "user list", abstract: "List users, their roles and credentials (admin, auditor).",
    usage: "user list [--json|--csv [--excel]]", discussion: nil,
    options: actorOptions + listingOptions,
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let format = try ListingFormat.from(arguments)
        let users = try UserAdministration.list(session: try context.session(arguments))
        let headers = ["name", "roles", "status", "credentials", "created", "disabled"]
        let rows = users.map {
            [
                $0.name, $0.roles.joined(separator: ","), $0.status, $0.credentials.joined(separator: ","),
                $0.createdAt,
                $0.disabledAt ?? "",
            ]
        }
        printRows(users, headers: headers, rows: rows, format: format)
    })

let userShowCommand = Command(
    name: "user show", abstract: "Show one user (admin, auditor).", usage: "user show <name> [--json]",
    discussion: nil, options: actorOptions + [.flag("--json", help: "Print one JSON object.")],
    run: { arguments, context in
        guard arguments.positionals.count == 1 else { throw VaultError(.usage, "user show needs exactly one NAME") }
        let user = try UserAdministration.show(name: arguments.positionals[0], session: try context.session(arguments))
        if arguments.has("--json") {
            Console.out(try Render.json(user))
            return
        }
        Console.out("Name         \(user.name)")
        Console.out("Roles        \(user.roles.joined(separator: ", "))")
        Console.out("Status       \(user.status)")
        Console.out("Credentials  \(user.credentials.joined(separator: ", "))")
        Console.out("Created      \(user.createdAt)")
        if let disabled = user.disabledAt { Console.out("Disabled     \(disabled)") }
    })

let userRolesCommand = Command(
    name: "user roles", abstract: "Replace a user's roles (admin).",
    usage: "user roles <name> --set <role>[,<role>...]",
    discussion: nil, options: actorOptions + [.value("--set", name: "roles", help: "The new comma-separated roles.")],
    run: { arguments, context in
        guard arguments.positionals.count == 1 else { throw VaultError(.usage, "user roles needs exactly one NAME") }
        guard let roleText = arguments.value("--set") else { throw VaultError(.usage, "user roles needs --set ROLES") }
        let roles = try Role.parseList(roleText)
        try UserAdministration.setRoles(
            name: arguments.positionals[0], roles: roles, session: try context.session(arguments))
        Console.out("'\(arguments.positionals[0])' now has roles \(roles.map(\.rawValue).joined(separator: ",")).")
    })

let userDisableCommand = Command(
    name: "user disable", abstract: "Disable a user; their credentials stop working at once (admin).",
    usage: "user disable <name>", discussion: nil, options: actorOptions,
    run: { arguments, context in
        guard arguments.positionals.count == 1 else { throw VaultError(.usage, "user disable needs exactly one NAME") }
        let session = try context.session(arguments)
        let name = arguments.positionals[0]
        try UserAdministration.disable(name: name, session: session)
        Console.out("Disabled '\(name)'.")
        let customers = try CustomerRegister.managedCount(by: name, session: session)
        if customers > 0 {
            Console.err(
                "warning: '\(name)' still manages \(customers) customer(s); "
                    + "'docvault customer reassign --from \(name) --to USER' passes them to a colleague")
        }
    })

let userEnableCommand = Command(
    name: "user enable", abstract: "Enable a disabled user again (admin).", usage: "user enable <name>",
    discussion: nil, options: actorOptions,
    run: { arguments, context in
        guard arguments.positionals.count == 1 else { throw VaultError(.usage, "user enable needs exactly one NAME") }
        try UserAdministration.enable(name: arguments.positionals[0], session: try context.session(arguments))
        Console.out("Enabled '\(arguments.positionals[0])'.")
    })

let passwdCommand = Command(
    name: "passwd", abstract: "Change your own password or re-issue your own key file.",
    usage: "passwd (--key-file | --password)",
    discussion: "A new key file replaces KEYS/NAME.key; the old one stops working.",
    options: credentialCommandOptions,
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let session = try context.session(arguments)
        let credential = try context.newCredential(arguments, for: session.actor.name)
        let path = try UserAdministration.changeOwnCredential(credential, session: session)
        if let path {
            Console.out("New key file: \(path) (mode 0600); the old key file no longer opens the vault.")
        } else {
            Console.out("Password changed for '\(session.actor.name)'.")
        }
    })

let recoverCommand = Command(
    name: "recover", abstract: "Re-enable and re-key an admin with the recovery code from init.",
    usage: "recover [--user <admin>] (--key-file | --password)",
    discussion: """
        The recovery code is read at a prompt, from the first line of standard input, or from
        DOCVAULT_RECOVERY_CODE; never from an argument.
        """,
    options: credentialCommandOptions,
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let vault = try Vault.open(context.location(arguments))
        let name = arguments.value("--user") ?? context.environment["DOCVAULT_USER"] ?? vault.meta.initialAdmin
        let code: String
        if let value = context.environment["DOCVAULT_RECOVERY_CODE"] {
            code = value
        } else if context.secrets.canPrompt, let typed = context.secrets.prompt("Recovery code: ") {
            code = typed
        } else if let line = context.secrets.readStdinLine() {
            code = line
        } else {
            throw VaultError(
                .usage, "give the recovery code at the prompt, on standard input or in DOCVAULT_RECOVERY_CODE")
        }
        let credential = try context.newCredential(arguments, for: name)
        let path = try UserAdministration.recover(vault: vault, code: code, name: name, credential: credential)
        Console.out("'\(name)' is enabled with a new \(path == nil ? "password" : "key file: \(path!)").")
    })

/// Prints any rows as a table, JSON Lines (from `items`) or CSV.
func printRows<T: Encodable>(_ items: [T], headers: [String], rows: [[String]], format: ListingFormat) {
    switch format {
    case .json:
        for item in items { Console.out((try? Render.json(item)) ?? "{}") }
    case .csv(let excel):
        Console.rawOut(Render.csv(headers: headers, rows: rows, excel: excel))
    case .table:
        let cleaned = rows.map { $0.map(Render.singleLine) }
        for line in Render.table(headers: headers.map { $0.uppercased() }, rows: cleaned) { Console.out(line) }
    }
}
