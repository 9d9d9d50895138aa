import FoundationEssentials
import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

/// `docvault help` and the top-level usage.
func topLevelHelp() -> String {
    var lines = [
        "OVERVIEW: docvault - an encrypted, catalogued vault for insurance archives.", "",
        "USAGE: docvault <subcommand> [options]", "", "SUBCOMMANDS:",
    ]
    let width = (commands.map(\.name.count).max() ?? 0) + 2
    for command in commands {
        lines.append("  " + Render.padded(command.name, to: width) + command.abstract)
    }
    lines.append("  " + Render.padded("help", to: width) + "Show help for a subcommand.")
    lines += ["", "  See 'docvault help <subcommand>' for detailed help."]
    return lines.joined(separator: "\n")
}

/// Runs one command line and returns the process exit code.
func run(_ arguments: [String], environment: Variables) -> Int32 {
    guard let name = arguments.first else {
        Console.err(topLevelHelp())
        return 64
    }
    if name == "help" || name == "--help" || name == "-h" {
        if arguments.count > 1 {
            let wanted = arguments.dropFirst().joined(separator: " ")
            guard let command = commands.first(where: { $0.name == wanted }) else {
                Console.err("error: unknown subcommand '\(arguments[1])'; run 'docvault help'")
                return 64
            }
            Console.out(command.help)
        } else {
            Console.out(topLevelHelp())
        }
        return 0
    }
    var group = commands.filter { $0.name.hasPrefix(name + " ") }
    // A command that is also a group (`backup` and `backup verify`) runs itself unless a member is named.
    if commands.contains(where: { $0.name == name })
        && !(arguments.count > 1 && group.contains { $0.name == name + " " + arguments[1] })
    {
        group = []
    }
    var consumed = 1
    let found: Command?
    if !group.isEmpty {
        guard arguments.count > 1, !arguments[1].hasPrefix("-") else {
            let width = max(16, (group.map(\.name.count).max() ?? 0) + 2)
            let help = group.map { "  " + Render.padded($0.name, to: width) + $0.abstract }
            let asked = arguments.count > 1 && (arguments[1] == "--help" || arguments[1] == "-h")
            (asked ? Console.out : Console.err)(
                (["USAGE: docvault \(name) <subcommand>", "", "SUBCOMMANDS:"] + help).joined(separator: "\n"))
            return asked ? 0 : 64
        }
        found = group.first { $0.name == name + " " + arguments[1] }
        consumed = 2
        if found == nil {
            Console.err("error: unknown subcommand '\(name) \(arguments[1])'; run 'docvault \(name) --help'")
            return 64
        }
    } else {
        found = commands.first { $0.name == name }
    }
    guard let command = found else {
        Console.err("error: unknown subcommand '\(name)'; run 'docvault help'")
        return 64
    }
    let rest = Array(arguments.dropFirst(consumed))
    if rest.contains("--help") || rest.contains("-h") {
        Console.out(command.help)
        return 0
    }
    do {
        let parsed = try ParsedArguments.parse(rest, specs: command.options)
        try command.run(
            parsed, CommandContext(environment: environment, secrets: SecretInput(environment: environment)))
        return 0
    } catch let error as VaultError {
        Console.err("error: \(error.message)")
        return error.exitCode
    } catch let error as POSIXFailure {
        Console.err("error: \(error.description)")
        return 1
    } catch let error as DatabaseError where error.isFull {
        Console.err(
            "error: the disk holding the vault is full; nothing was changed; free space on the vault's disk and try again"
        )
        return VaultError(.ioError, "").exitCode
    } catch {
        Console.err("error: unexpected failure (\(type(of: error))); nothing was changed if the command did not finish")
        return 1
    }
}

// Everything docvault creates (catalogue, blobs, key files, outputs) is private to its owner.
umask(0o077)
// No core files: a crash must not leave keys or plaintext on disk.
var noCoreFiles = rlimit(rlim_cur: 0, rlim_max: 0)
_ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCoreFiles)
signal(SIGPIPE, SIG_IGN)
exit(run(Array(CommandLine.arguments.dropFirst()), environment: .ofThisProcess()))
