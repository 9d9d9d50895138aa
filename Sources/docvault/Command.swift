import FoundationEssentials
import VaultCore

/// One subcommand: its help text, its options and what it runs.
struct Command: Sendable {
    let name: String
    let abstract: String
    let usage: String
    let discussion: String?
    let options: [OptionSpec]
    let run: @Sendable (ParsedArguments, CommandContext) throws -> Void

    /// The `--help` text in OVERVIEW / USAGE / OPTIONS layout.
    var help: String {
        var lines = ["OVERVIEW: \(abstract)", ""]
        if let discussion { lines += [discussion, ""] }
        lines += ["USAGE: docvault \(usage)", "", "OPTIONS:"]
        let all = options + [OptionSpec.flag("-h", "--help", help: "Show help information.")]
        let labels = all.map { spec in
            spec.names.joined(separator: ", ") + (spec.valueName.map { " <\($0)>" } ?? "")
        }
        let width = min(30, labels.map(\.count).max() ?? 0)
        for (label, spec) in zip(labels, all) {
            if label.count > width {
                lines.append("  \(label)")
                lines.append("  " + String(repeating: " ", count: width) + "  \(spec.help)")
            } else {
                lines.append("  " + Render.padded(label, to: width) + "  \(spec.help)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// What every command may need: the environment, secret input, and how to reach the vault.
struct CommandContext: Sendable {
    let environment: Variables
    let secrets: SecretInput

    func location(_ arguments: ParsedArguments) -> VaultLocation {
        VaultLocation.resolve(vault: arguments.value("--vault"), keys: arguments.value("--keys")) { environment[$0] }
    }

    /// Opens the vault and authenticates the actor named by --user / DOCVAULT_USER.
    ///
    /// The credential is a password from `--password-stdin` or `DOCVAULT_PASSWORD`,
    /// else the key file from --key-file, DOCVAULT_KEY_FILE or KEYS/USER.key; with
    /// no key file and a terminal, docvault asks for the password.
    func session(_ arguments: ParsedArguments, actorOption: String = "--user") throws -> Session {
        try session(arguments, at: location(arguments), actorOption: actorOption)
    }

    /// Opens the vault at `location` (not the one the options name) and authenticates the actor.
    func session(_ arguments: ParsedArguments, at location: VaultLocation, actorOption: String = "--user") throws
        -> Session
    {
        let session = try authenticate(arguments, at: location, actorOption: actorOption)
        session.clock = try TestClock.from(environment)
        return session
    }

    private func authenticate(_ arguments: ParsedArguments, at location: VaultLocation, actorOption: String) throws
        -> Session
    {
        let vault = try Vault.open(location)
        let name = arguments.value(actorOption) ?? environment["DOCVAULT_USER"] ?? vault.meta.initialAdmin
        let explicitKey =
            arguments.value("--key-file") ?? arguments.value("--actor-key-file") ?? environment["DOCVAULT_KEY_FILE"]
        let keyFile = explicitKey ?? location.keyFilePath(for: name)
        if arguments.has("--password-stdin") || (explicitKey == nil && environment["DOCVAULT_PASSWORD"] != nil) {
            let password = try secrets.secret(
                fromStdin: arguments.has("--password-stdin"), variable: "DOCVAULT_PASSWORD",
                prompt: "Password for \(name): ")
            guard let password else { throw VaultError(.usage, "no password given") }
            return try Session.open(vault: vault, userName: name, credential: .password(password))
        }
        if explicitKey == nil && !FileManager.default.fileExists(atPath: keyFile) && secrets.canPrompt,
            let password = try secrets.secret(
                fromStdin: false, variable: "DOCVAULT_PASSWORD", prompt: "Password for \(name): ")
        {
            return try Session.open(vault: vault, userName: name, credential: .password(password))
        }
        return try Session.open(vault: vault, userName: name, credential: .keyFile(keyFile))
    }

    /// The new credential a command asks for: `--key-file` or `--password` (read as a secret, never from argv).
    func newCredential(_ arguments: ParsedArguments, for name: String) throws -> NewCredential {
        let wantsKey = arguments.has("--key-file")
        let wantsPassword = arguments.has("--password")
        guard wantsKey != wantsPassword else {
            throw VaultError(.usage, "choose one credential: --key-file or --password")
        }
        if wantsKey { return .keyFile }
        guard
            let password = try secrets.secret(
                fromStdin: arguments.has("--new-password-stdin"), variable: "DOCVAULT_NEW_PASSWORD",
                prompt: "New password for \(name): ", confirm: true)
        else {
            throw VaultError(
                .usage, "give the new password at the prompt, with --new-password-stdin or in DOCVAULT_NEW_PASSWORD")
        }
        return .password(password)
    }
}

/// Options every command that opens a vault accepts.
let vaultOptions: [OptionSpec] = [
    .value("--vault", name: "dir", help: "Vault folder (default: $DOCVAULT_DIR or ./vault)."),
    .value("--keys", name: "dir", help: "Key folder (default: $DOCVAULT_KEYS or ./keys)."),
]

/// Options of commands that act as a user.
let actorOptions: [OptionSpec] =
    vaultOptions + [
        .value("--user", name: "name", help: "Who is acting (default: $DOCVAULT_USER or the first admin)."),
        .value("--key-file", name: "path", help: "Key file (default: $DOCVAULT_KEY_FILE or KEYS/USER.key)."),
        .flag("--password-stdin", help: "Log in with a password read from the first line of standard input."),
    ]

/// Options of listings.
let listingOptions: [OptionSpec] = [
    .flag("--json", help: "One JSON object per line."),
    .flag("--csv", help: "CSV with a header row (UTF-8)."),
    .flag("--excel", help: "With --csv: add a byte-order mark so Excel shows Chinese text correctly."),
]

/// Options of commands that issue a new credential, where `--key-file` means "issue a key file".
let credentialCommandOptions: [OptionSpec] =
    vaultOptions + [
        .value("--user", name: "name", help: "Who is acting (default: $DOCVAULT_USER or the first admin)."),
        .value("--actor-key-file", name: "path", help: "The acting user's key file (default: $DOCVAULT_KEY_FILE)."),
        .flag("--password-stdin", help: "Log in with a password read from the first line of standard input."),
        .flag("--key-file", help: "Issue a new key file KEYS/NAME.key (mode 0600)."),
        .flag("--password", help: "Set a password (prompted, or see --new-password-stdin)."),
        .flag("--new-password-stdin", help: "Read the new password from the next line of standard input."),
    ]
