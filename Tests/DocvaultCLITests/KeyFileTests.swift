import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Authentication with key files: missing, too open, damaged, foreign or wrong keys are refused.
///
/// The runs act as the clerk (an archivist), whose key file is `keys/clerk.key`; every
/// refusal leaves one `login`/`denied` audit entry and nothing else changes.
@Suite struct KeyFileTests {
    /// A vault with one filed document.
    static func vault() throws -> (Sandbox, String) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let reference = try sandbox.fileOne(try sandbox.input("doc.pdf", text: "confidential"))
        return (sandbox, reference)
    }

    /// Commands that need a session, for `reference`.
    static func sessionCommands(_ reference: String, _ sandbox: Sandbox) throws -> [[String]] {
        let path = try sandbox.input("new.pdf", text: "new")
        return [
            ["list"], ["show", reference], ["get", reference, "-o", "-"], ["get", reference, "-o", "out.pdf"],
            ["get", reference], ["search", "--text", "doc"], ["file", path, "--category", "CL", "--year", "2024"],
        ]
    }

    @Test func missingKeyFileIsPermissionDenied() throws {
        let (sandbox, reference) = try Self.vault()
        let secret = try sandbox.secretHex(keyFile: sandbox.clerkKey)
        try FileManager.default.moveItem(atPath: sandbox.clerkKey, toPath: sandbox.root + "/clerk.key")
        var results: [CLIResult] = []
        let commands = try Self.sessionCommands(reference, sandbox)
        try sandbox.expectNoChange(audit: Array(repeating: "login:denied", count: commands.count)) {
            for command in commands {
                let result = try sandbox.run(command)
                expectFailure(
                    result, 77, ["key file keys/clerk.key not found; pass --key-file or set DOCVAULT_KEY_FILE"])
                results.append(result)
            }
        }
        // DOCVAULT_KEY_FILE and --key-file find it again.
        try sandbox.lend(reference, borrowerEnvironment: ["DOCVAULT_KEY_FILE": sandbox.root + "/clerk.key"])
        let viaEnvironment = try sandbox.run(
            ["get", reference, "-o", "-"], environment: ["DOCVAULT_KEY_FILE": sandbox.root + "/clerk.key"])
        #expect(viaEnvironment.stdout == "confidential")
        let viaOption = try sandbox.run(["get", reference, "-o", "-", "--key-file", sandbox.root + "/clerk.key"])
        #expect(viaOption.stdout == "confidential")
        expectNoSecret(secret, in: results + [viaEnvironment, viaOption])
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func keyFileReadableByOthersIsPermissionDenied(mode: Int) throws {
        let (sandbox, reference) = try Self.vault()
        let secret = try sandbox.secretHex(keyFile: sandbox.clerkKey)
        chmod(sandbox.clerkKey, mode_t(mode))
        var results: [CLIResult] = []
        let commands = try Self.sessionCommands(reference, sandbox)
        try sandbox.expectNoChange(audit: Array(repeating: "login:denied", count: commands.count)) {
            for command in commands {
                let result = try sandbox.run(command)
                expectFailure(
                    result, 77, ["key file keys/clerk.key is readable by other users; run: chmod 600 keys/clerk.key"])
                results.append(result)
            }
        }
        expectNoSecret(secret, in: results)
    }

    @Test(arguments: [
        "", "garbage\n", "docvault key file v1\n", "docvault key file v2\nvault 00\nuser admin\nsecret 00\n",
        "docvault key file v1\nvault XYZ\nuser admin\nsecret " + String(repeating: "a", count: 64) + "\n",
        "docvault key file v1\nvault " + String(repeating: "0", count: 32) + "\nuser admin\nsecret "
            + String(repeating: "g", count: 64) + "\n",
        "docvault key file v1\nvault " + String(repeating: "0", count: 32) + "\nuser admin\nsecret "
            + String(repeating: "a", count: 63) + "\n",
        String(repeating: "x", count: 5_000),
    ])
    func damagedKeyFileIsDataError(content: String) throws {
        let (sandbox, reference) = try Self.vault()
        try Data(content.utf8).write(to: URL(fileURLWithPath: sandbox.clerkKey))
        chmod(sandbox.clerkKey, 0o600)
        let commands = try Self.sessionCommands(reference, sandbox)
        try sandbox.expectNoChange(audit: Array(repeating: "login:denied", count: commands.count)) {
            for command in commands {
                expectFailure(try sandbox.run(command), 65, ["key file keys/clerk.key is damaged"])
            }
        }
    }

    @Test func changedSecretDigitIsPermissionDenied() throws {
        let (sandbox, reference) = try Self.vault()
        let original = try String(contentsOfFile: sandbox.clerkKey, encoding: .utf8)
        let secret = try sandbox.secretHex(keyFile: sandbox.clerkKey)
        let flipped = String(secret.prefix(10)) + (secret.dropFirst(10).first == "0" ? "1" : "0") + secret.dropFirst(11)
        try Data(original.replacingOccurrences(of: secret, with: flipped).utf8)
            .write(to: URL(fileURLWithPath: sandbox.clerkKey))
        try sandbox.expectNoChange(audit: ["login:denied"]) {
            let result = try sandbox.run(["get", reference, "-o", "-"])
            expectFailure(result, 77, ["key file keys/clerk.key does not open a keyslot of 'clerk'"])
            expectNoSecret(secret, in: [result])
            expectNoSecret(flipped, in: [result])
        }
    }

    @Test func keyFileOfAnotherVaultIsPermissionDenied() throws {
        let (sandbox, reference) = try Self.vault()
        let other = try sandbox.run(["init", "--vault", "v2", "--keys", "k2"])
        #expect(other.status == 0)
        let otherSecret = try sandbox.secretHex(keyFile: sandbox.work + "/k2/admin.key")
        var results: [CLIResult] = []
        let commands = try Self.sessionCommands(reference, sandbox)
        try sandbox.expectNoChange(audit: Array(repeating: "login:denied", count: commands.count)) {
            for command in commands {
                let result = try sandbox.run(command + ["--key-file", "k2/admin.key"])
                expectFailure(result, 77, ["key file k2/admin.key belongs to another vault"])
                results.append(result)
            }
        }
        expectNoSecret(otherSecret, in: results)
        expectNoSecret(try sandbox.secretHex(keyFile: sandbox.clerkKey), in: results)
    }

    @Test func rightVaultAndUserButDifferentSecretIsPermissionDenied() throws {
        let (sandbox, reference) = try Self.vault()
        let original = try String(contentsOfFile: sandbox.clerkKey, encoding: .utf8)
        let secret = try sandbox.secretHex(keyFile: sandbox.clerkKey)
        let forged = String(repeating: "5a", count: 32)
        let forgedPath = sandbox.root + "/forged.key"
        try Data(original.replacingOccurrences(of: secret, with: forged).utf8)
            .write(to: URL(fileURLWithPath: forgedPath))
        chmod(forgedPath, 0o600)
        var results: [CLIResult] = []
        let commands = try Self.sessionCommands(reference, sandbox)
        try sandbox.expectNoChange(audit: Array(repeating: "login:denied", count: commands.count)) {
            for command in commands {
                let result = try sandbox.run(command, environment: ["DOCVAULT_KEY_FILE": forgedPath])
                expectFailure(result, 77, ["key file \(forgedPath) does not open a keyslot of 'clerk'"])
                results.append(result)
            }
        }
        expectNoSecret(secret, in: results)
        expectNoSecret(forged, in: results)
    }

    @Test func keyFileOfAnotherUserIsPermissionDenied() throws {
        let (sandbox, reference) = try Self.vault()
        let original = try String(contentsOfFile: sandbox.clerkKey, encoding: .utf8)
        let otherPath = sandbox.root + "/bob.key"
        try Data(original.replacingOccurrences(of: "\nuser clerk\n", with: "\nuser bob\n").utf8)
            .write(to: URL(fileURLWithPath: otherPath))
        chmod(otherPath, 0o600)
        try sandbox.expectNoChange(audit: ["login:denied", "login:denied"]) {
            expectFailure(
                try sandbox.run(["show", reference, "--key-file", otherPath]), 77,
                ["belongs to user 'bob', not 'clerk'"])
            // The admin's genuine key file does not log the clerk in either.
            expectFailure(
                try sandbox.run(["show", reference, "--key-file", sandbox.adminKey]), 77,
                ["key file \(sandbox.adminKey) belongs to user 'admin', not 'clerk'"])
        }
    }

    @Test func unknownUserIsPermissionDenied() throws {
        let (sandbox, reference) = try Self.vault()
        let commands = try Self.sessionCommands(reference, sandbox)
        try sandbox.expectNoChange(audit: Array(repeating: "login:denied", count: 2 * commands.count)) {
            for command in commands {
                expectFailure(
                    try sandbox.run(command + ["--user", "mallory"]), 77,
                    ["no user 'mallory' in this vault; check --user or DOCVAULT_USER"])
                expectFailure(
                    try sandbox.run(command, environment: ["DOCVAULT_USER": "eve"]), 77, ["no user 'eve' in this vault"]
                )
            }
        }
    }

    @Test func userEnvironmentVariableIsHonoured() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault(["--admin", "li.na"])
        try sandbox.addUser("wang", roles: "archivist", by: "li.na")
        let path = try sandbox.input("a.pdf", text: "hello")
        let filed = try sandbox.run(
            ["file", path, "--category", "HR", "--year", "2022"], environment: ["DOCVAULT_USER": "wang"])
        #expect(filed.status == 0, "\(filed)")
        let shown = try sandbox.run(["show", "J001-HR-2022-D5-0001", "--json"])
        #expect(shown.stdout.contains("\"filedBy\":\"wang\""))
        // Without DOCVAULT_USER or --user the actor is the first admin, li.na (who may list users).
        let users = try sandbox.run(["user", "list", "--json"], environment: ["DOCVAULT_USER": CLI.unset])
        #expect(users.status == 0, "\(users)")
        #expect(try sandbox.auditLog().last?.actor == "li.na")
    }

    @Test func keyFileFolderIsNotAKeyFile() throws {
        let (sandbox, reference) = try Self.vault()
        try sandbox.expectNoChange(audit: ["login:denied"]) {
            expectFailure(
                try sandbox.run(["show", reference, "--key-file", "keys"]), 77, ["key file keys is not a regular file"])
        }
    }
}
