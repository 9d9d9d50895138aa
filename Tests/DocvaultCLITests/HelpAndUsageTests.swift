import Foundation
import Testing

/// Help texts, unknown commands and options, and an empty command line.
@Suite struct HelpAndUsageTests {
    static let subcommands = [
        "init", "file", "import", "get", "show", "list", "search", "user add", "user list", "user show", "user roles",
        "user disable", "user enable", "passwd", "recover", "audit log", "audit verify", "audit head", "borrow request",
        "borrow approve", "borrow deny", "borrow return", "borrow renew", "borrow revoke", "borrow list", "borrow show",
        "borrow settings", "hold place", "hold release", "hold list", "hold show",
        "retention rules", "retention set", "retention due", "retention explain", "event record",
        "event list", "purge propose", "purge show", "purge approve", "purge reject", "purge strike",
        "purge execute", "purge register", "verify", "key rotate", "key status", "key replace-master", "backup",
        "backup verify", "restore", "customer add", "customer update", "customer show", "customer list",
        "customer history", "customer reassign", "dossier show", "completeness rules", "completeness set",
        "completeness check", "export", "report summary", "report access",
    ]

    @Test(arguments: [["help"], ["--help"], ["-h"]])
    func topLevelHelp(arguments: [String]) throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run(arguments)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.hasPrefix("OVERVIEW: docvault"))
        #expect(result.stdout.contains("USAGE: docvault <subcommand> [options]"))
        #expect(result.stdout.contains("SUBCOMMANDS:"))
        for name in Self.subcommands + ["help"] {
            #expect(result.stdout.contains("\n  \(name) "), "help lists \(name)")
        }
        #expect(sandbox.names().isEmpty)
    }

    @Test(arguments: subcommands)
    func commandHelp(name: String) throws {
        let sandbox = try Sandbox()
        let words = name.split(separator: " ").map(String.init)
        for arguments in [["help"] + words, words + ["--help"], words + ["-h"], words + ["--bogus", "--help"]] {
            let result = try sandbox.run(arguments)
            #expect(result.status == 0, "\(arguments)")
            #expect(result.stderr.isEmpty)
            #expect(result.stdout.hasPrefix("OVERVIEW: "))
            #expect(result.stdout.contains("\nUSAGE: docvault \(name)"))
            #expect(result.stdout.contains("\nOPTIONS:\n"))
            #expect(result.stdout.contains("-h, --help"))
        }
        #expect(sandbox.names().isEmpty)
    }

    @Test func borrowGroupListsItsSubcommands() throws {
        let sandbox = try Sandbox()
        let borrow = Self.subcommands.filter { $0.hasPrefix("borrow ") }
        let asked = try sandbox.run(["borrow", "--help"])
        #expect(asked.status == 0, "\(asked)")
        #expect(asked.stdout.hasPrefix("USAGE: docvault borrow <subcommand>"))
        for name in borrow {
            #expect(asked.stdout.contains("\n  \(name) "), "lists \(name)")
        }
        // Without a subcommand the same list is a usage error on stderr.
        let bare = try sandbox.run(["borrow"])
        #expect(bare.status == 64)
        #expect(bare.stdoutData.isEmpty)
        #expect(bare.stderr == asked.stdout)
        expectFailure(
            try sandbox.run(["borrow", "lend"]), 64, ["unknown subcommand 'borrow lend'; run 'docvault borrow --help'"])
        // The request help names every way to choose documents.
        let request = try sandbox.run(["help", "borrow", "request"])
        for option in ["--policy <no>", "--claim <no>", "--customer-id <id>", "--purpose <text>", "--days <n>"] {
            #expect(request.stdout.contains(option), "borrow request --help lists \(option)")
        }
        #expect(sandbox.names().isEmpty)
    }

    @Test func fileHelpNamesCategoriesAndOptions() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run(["file", "--help"])
        #expect(
            result.stdout.contains("UW underwriting, CL claims, CU customer files, FI finance, HR personnel, OT other"))
        for option in ["--category <cat>", "--year <yyyy>", "--customer-id <id>", "--key-file <path>", "--vault <dir>"]
        {
            #expect(result.stdout.contains(option), "file --help lists \(option)")
        }
    }

    @Test func noArgumentsIsUsageErrorWithHelpOnStderr() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run([])
        #expect(result.status == 64)
        #expect(result.stdoutData.isEmpty)
        #expect(result.stderr.hasPrefix("OVERVIEW: docvault"))
        #expect(result.stderr.contains("USAGE: docvault <subcommand>"))
    }

    @Test(arguments: [["frobnicate"], ["help", "frobnicate"], ["INIT"], ["--version"]])
    func unknownSubcommandIsUsageError(arguments: [String]) throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run(arguments)
        expectFailure(result, 64, ["unknown subcommand '\(arguments.last!)'; run 'docvault help'"])
        #expect(sandbox.names().isEmpty)
    }

    @Test(arguments: [
        ["init", "--frobnicate"], ["list", "-x"], ["get", "REF", "--forc"], ["show", "REF", "--json=yes"],
        ["search", "--text"], ["list", "--json=1"],
    ])
    func badOptionIsUsageError(arguments: [String]) throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.expectNoChange {
            let result = try sandbox.run(arguments)
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr.hasPrefix("error: "))
            #expect(result.stdoutData.isEmpty)
        }
    }

    @Test func unknownOptionIsNamed() throws {
        let sandbox = try Sandbox()
        try sandbox.expectNoChange {
            expectFailure(try sandbox.run(["init", "--frobnicate"]), 64, ["unknown option '--frobnicate'; see --help"])
            expectFailure(try sandbox.run(["list", "--json=1"]), 64, ["--json takes no value"])
        }
        #expect(sandbox.names().isEmpty)
    }
}
