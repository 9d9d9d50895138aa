import Foundation
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
                lines.append("  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(spec.help)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// What every command may need: the environment and how to reach the vault.
struct CommandContext: Sendable {
    let environment: [String: String]

    func location(_ arguments: ParsedArguments) -> VaultLocation {
        VaultLocation.resolve(
            vault: arguments.value("--vault"), keys: arguments.value("--keys"), environment: environment)
    }

    /// Opens the vault and authenticates the actor named by --user / DOCVAULT_USER.
    func session(_ arguments: ParsedArguments) throws -> Session {
        let location = location(arguments)
        let vault = try Vault.open(location)
        let user = arguments.value("--user") ?? environment["DOCVAULT_USER"]
        let name = user ?? vault.meta.initialAdmin
        let keyFile =
            arguments.value("--key-file") ?? environment["DOCVAULT_KEY_FILE"] ?? location.keyFilePath(for: name)
        return try Session.open(vault: vault, userName: name, credential: .keyFile(keyFile))
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
    ]

/// Options of listings.
let listingOptions: [OptionSpec] = [
    .flag("--json", help: "One JSON object per line."),
    .flag("--csv", help: "CSV with a header row (UTF-8)."),
    .flag("--excel", help: "With --csv: add a byte-order mark so Excel shows Chinese text correctly."),
]
