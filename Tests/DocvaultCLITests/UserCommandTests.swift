import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `user add|list|show|roles|disable|enable`, `passwd` and `recover`.
@Suite struct UserCommandTests {
    static let password = "correct horse battery"

    /// A vault with the clerk and one filed document.
    static func vault() throws -> (Sandbox, String) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let reference = try sandbox.fileOne(try sandbox.input("doc.pdf", text: "users"))
        return (sandbox, reference)
    }

    @Test func addWithKeyFile() throws {
        let (sandbox, reference) = try Self.vault()
        let result = try sandbox.run(as: "admin", ["user", "add", "bob", "--role", "staff,approver", "--key-file"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Added user 'bob' (staff,approver)."))
        #expect(result.stdout.contains("Key file: keys/bob.key (mode 0600)"))
        var info = stat()
        #expect(stat(sandbox.keyFile("bob"), &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try String(contentsOfFile: sandbox.keyFile("bob"), encoding: .utf8).contains("\nuser bob\n"))
        expectNoSecret(try sandbox.secretHex(keyFile: sandbox.keyFile("bob")), in: [result])
        try sandbox.lend(reference, to: "bob")
        #expect(try sandbox.run(as: "bob", ["get", reference, "-o", "-"]).stdout == "users")
        let shown = try sandbox.run(as: "admin", ["user", "show", "bob", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: shown.stdoutData) as? [String: Any])
        #expect(json["roles"] as? [String] == ["staff", "approver"])
        #expect(json["credentials"] as? [String] == ["keyfile"])
        #expect(json["status"] as? String == "active")
        let entry = try #require(try sandbox.auditLog().first { $0.action == "user.add" && $0.target == "bob" })
        #expect(entry.actor == "admin")
        #expect(entry.outcome == "ok")
    }

    @Test func addWithPasswordAndLogInWithIt() throws {
        let (sandbox, reference) = try Self.vault()
        let added = try sandbox.run(
            as: "admin", ["user", "add", "carol", "--role", "staff", "--password", "--new-password-stdin"],
            stdin: Data((Self.password + "\n").utf8))
        #expect(added.status == 0, "\(added)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.keyFile("carol")))
        try sandbox.lend(reference, to: "carol", borrowerEnvironment: ["DOCVAULT_PASSWORD": Self.password])
        let viaStdin = try sandbox.run(
            ["get", reference, "-o", "-", "--user", "carol", "--password-stdin"],
            stdin: Data((Self.password + "\n").utf8))
        #expect(viaStdin.stdout == "users", "\(viaStdin)")
        let viaEnvironment = try sandbox.run(
            ["get", reference, "-o", "-"], environment: ["DOCVAULT_USER": "carol", "DOCVAULT_PASSWORD": Self.password])
        #expect(viaEnvironment.stdout == "users", "\(viaEnvironment)")
        // DOCVAULT_NEW_PASSWORD works as well.
        let second = try sandbox.run(
            ["user", "add", "dave", "--role", "auditor", "--password"],
            environment: ["DOCVAULT_USER": "admin", "DOCVAULT_NEW_PASSWORD": "another long secret"])
        #expect(second.status == 0, "\(second)")
        let users = try sandbox.run(as: "admin", ["user", "list", "--csv"])
        #expect(users.stdout.contains("\r\ncarol,staff,active,password,"))
        #expect(users.stdout.contains("\r\ndave,auditor,active,password,"))
        for result in [added, viaStdin, viaEnvironment, second, users] {
            #expect(!result.stdout.contains(Self.password) && !result.stderr.contains(Self.password))
        }
    }

    @Test func shortPasswordRefused() throws {
        let (sandbox, _) = try Self.vault()
        try sandbox.expectNoChange(audit: ["user.add:failed"]) {
            expectFailure(
                try sandbox.run(
                    as: "admin", ["user", "add", "carol", "--role", "staff", "--password", "--new-password-stdin"],
                    stdin: Data("elevenchars\n".utf8)),
                64, ["passwords need at least 12 characters"])
        }
        #expect(
            try Catalogue.rows(sandbox.vault + "/catalog.sqlite", "SELECT name FROM users WHERE name = 'carol';") == [])
    }

    @Test func duplicateUserRefused() throws {
        let (sandbox, _) = try Self.vault()
        try sandbox.expectNoChange(audit: ["user.add:failed"]) {
            expectFailure(
                try sandbox.run(as: "admin", ["user", "add", "clerk", "--role", "staff", "--key-file"]), 1,
                ["user 'clerk' already exists"])
        }
    }

    @Test(arguments: [["--role", "boss"], ["--role", "staff,boss"], ["--role", ""], ["--role", " , "]])
    func unknownOrEmptyRoleIsUsageError(arguments: [String]) throws {
        let (sandbox, _) = try Self.vault()
        try sandbox.expectNoChange {
            let result = try sandbox.run(as: "admin", ["user", "add", "bob", "--key-file"] + arguments)
            expectFailure(
                result, 64, [arguments[1].contains("boss") ? "unknown role 'boss'" : "give at least one role"])
            #expect(result.stderr.contains("admin, archivist, approver, compliance, auditor, staff"))
        }
        #expect(!FileManager.default.fileExists(atPath: sandbox.keyFile("bob")))
    }

    @Test func passwordValueOnTheCommandLineIsRefusedAndNeverShown() throws {
        let (sandbox, _) = try Self.vault()
        let secret = "hunter2-on-the-command-line"
        var results: [CLIResult] = []
        try sandbox.expectNoChange {
            for arguments in [
                ["user", "add", "bob", "--role", "staff", "--password", secret],
                ["user", "add", "--password", secret, "bob", "--role", "staff"],
            ] {
                let result = try sandbox.run(as: "admin", arguments)
                expectFailure(result, 64, ["user add needs exactly one NAME"])
                results.append(result)
            }
        }
        for result in results { #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret)) }
        let catalogue = try Data(contentsOf: URL(fileURLWithPath: sandbox.vault + "/catalog.sqlite"))
        #expect(catalogue.range(of: Data(secret.utf8)) == nil)
    }

    @Test
    func passwordValueIsNotEchoedByPasswdOrRecover() throws {
        let (sandbox, _) = try Self.vault()
        let secret = "hunter2-on-the-command-line"
        for arguments in [["passwd", "--password", secret], ["recover", "--password", secret]] {
            let result = try sandbox.run(arguments, environment: ["DOCVAULT_RECOVERY_CODE": sandbox.recoveryCode])
            #expect(result.status == 64, "\(result)")
            #expect(!result.stderr.contains(secret), "\(arguments[0]) echoes the password: \(result.stderr)")
            #expect(!result.stdout.contains(secret))
        }
    }

    @Test func rolesChangeTakesEffect() throws {
        let (sandbox, reference) = try Self.vault()
        try sandbox.lend(reference)
        let input = try sandbox.input("b.pdf", text: "b")
        let changed = try sandbox.run(as: "admin", ["user", "roles", "clerk", "--set", "staff"])
        #expect(changed.status == 0, "\(changed)")
        #expect(changed.stdout == "'clerk' now has roles staff.\n")
        expectFailure(
            try sandbox.run(["file", input, "--category", "CL", "--year", "2024"]), 77,
            ["'clerk' may not file; it needs the role archivist"])
        #expect(try sandbox.run(["get", reference, "-o", "-"]).stdout == "users")
        let entry = try #require(try sandbox.auditLog().last { $0.action == "user.roles" })
        #expect(entry.target == "clerk")
        #expect(entry.details.contains("roles=staff"))
        expectFailure(
            try sandbox.run(as: "admin", ["user", "roles", "nobody", "--set", "staff"]), 66, ["no user 'nobody'"])
    }

    @Test func disableRefusesLoginAndEnableRestoresIt() throws {
        let (sandbox, reference) = try Self.vault()
        let loan = try sandbox.lend(reference)
        let disabled = try sandbox.run(as: "admin", ["user", "disable", "clerk"])
        #expect(disabled.status == 0, "\(disabled)")
        #expect(disabled.stdout == "Disabled 'clerk'.\n")
        let shown = try sandbox.run(as: "admin", ["user", "show", "clerk"])
        #expect(shown.stdout.contains("Status       disabled"))
        #expect(shown.stdout.contains("Disabled     "))
        let last = try sandbox.auditLog().last?.seq ?? 0
        try sandbox.expectNoChange(audit: ["login:denied"]) {
            expectFailure(try sandbox.run(["get", reference, "-o", "-"]), 77, ["user 'clerk' is disabled"])
        }
        expectDeniedLogin(try sandbox.auditEntries(after: last), actor: "clerk", reason: "user 'clerk' is disabled")
        expectFailure(
            try sandbox.run(as: "admin", ["user", "disable", "clerk"]), 1, ["user 'clerk' is already disabled"])
        let enabled = try sandbox.run(as: "admin", ["user", "enable", "clerk"])
        #expect(enabled.stdout == "Enabled 'clerk'.\n", "\(enabled)")
        // Disabling revoked the loan: the clerk logs in again but needs a new loan to read.
        expectFailure(
            try sandbox.run(["get", reference, "-o", "-"]), 77,
            ["loan \(loan) for \(reference) was revoked; request a new loan"])
        try sandbox.lend(reference)
        #expect(try sandbox.run(["get", reference, "-o", "-"]).stdout == "users")
        expectFailure(try sandbox.run(as: "admin", ["user", "enable", "clerk"]), 1, ["user 'clerk' is not disabled"])
    }

    @Test func lastAdminCannotBeDisabledOrDemoted() throws {
        let (sandbox, _) = try Self.vault()
        try sandbox.expectNoChange(audit: ["user.disable:failed", "user.roles:failed"]) {
            expectFailure(
                try sandbox.run(as: "admin", ["user", "disable", "admin"]), 1,
                ["'admin' is the last enabled admin; add another admin first"])
            expectFailure(
                try sandbox.run(as: "admin", ["user", "roles", "admin", "--set", "auditor"]), 1,
                ["'admin' is the last enabled admin"])
        }
        // With a second admin, the first may be demoted.
        try sandbox.addUser("admin2", roles: "admin")
        #expect(try sandbox.run(as: "admin2", ["user", "roles", "admin", "--set", "admin,auditor"]).status == 0)
        #expect(try sandbox.run(as: "admin2", ["user", "roles", "admin", "--set", "auditor"]).status == 0)
        // Now admin2 is the last admin.
        expectFailure(
            try sandbox.run(as: "admin2", ["user", "disable", "admin2"]), 1, ["'admin2' is the last enabled admin"])
    }

    @Test func passwdReissuesTheKeyFile() throws {
        let (sandbox, reference) = try Self.vault()
        try sandbox.lend(reference)
        let old = sandbox.root + "/old-clerk.key"
        try FileManager.default.copyItem(atPath: sandbox.clerkKey, toPath: old)
        let oldSecret = try sandbox.secretHex(keyFile: old)
        let result = try sandbox.run(["passwd", "--key-file"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("New key file: keys/clerk.key (mode 0600); the old key file no longer opens"))
        let newSecret = try sandbox.secretHex(keyFile: sandbox.clerkKey)
        #expect(newSecret != oldSecret)
        expectNoSecret(newSecret, in: [result])
        var info = stat()
        #expect(stat(sandbox.clerkKey, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let last = try sandbox.auditLog().last?.seq ?? 0
        expectFailure(
            try sandbox.run(["get", reference, "-o", "-", "--key-file", old]), 77,
            ["does not open a keyslot of 'clerk'"])
        expectDeniedLogin(try sandbox.auditEntries(after: last), actor: "clerk", reason: "does not open a keyslot")
        #expect(try sandbox.run(["get", reference, "-o", "-"]).stdout == "users")
        #expect(
            sandbox.names(in: sandbox.keys).filter { !$0.hasPrefix(".") } == [
                "admin.key", "clerk.key", "\(Sandbox.lender).key",
            ])
    }

    /// The bytes an upper-case hex string (sqlite3's `hex()`) spells.
    static func bytes(hex: String) -> Data {
        let digits = Array(hex.utf8)
        return Data(
            stride(from: 0, to: digits.count - 1, by: 2).compactMap {
                UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)
            })
    }

    /// The write-ahead log outlives each command, so a replaced slot must be folded in and zeroed at once.
    @Test func passwdLeavesNoOldKeyslotOnDisk() throws {
        let (sandbox, _) = try Self.vault()
        let slot = "SELECT hex(k.wrapped_master_key) FROM keyslots k JOIN users u ON u.id = k.user_id "
        let oldSlot = try #require(
            try Catalogue.rows(sandbox.vault + "/catalog.sqlite", slot + "WHERE u.name = 'clerk';")?.first?.first)
        let replaced = try sandbox.run(["passwd", "--key-file"])
        #expect(replaced.status == 0, "\(replaced)")
        let newSlot = try #require(
            try Catalogue.rows(sandbox.vault + "/catalog.sqlite", slot + "WHERE u.name = 'clerk';")?.first?.first)
        #expect(newSlot != oldSlot)
        let bytes = Holds.catalogueBytes(sandbox)
        #expect(bytes.range(of: Self.bytes(hex: newSlot)) != nil, "the scan can find a slot")
        #expect(bytes.range(of: Self.bytes(hex: oldSlot)) == nil, "the old wrapped master key is still on disk")
    }

    @Test func passwdSetsAPassword() throws {
        let (sandbox, reference) = try Self.vault()
        try sandbox.lend(reference)
        let result = try sandbox.run(
            ["passwd", "--password", "--new-password-stdin"], stdin: Data((Self.password + "\n").utf8))
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "Password changed for 'clerk'.\n")
        let viaPassword = try sandbox.run(
            ["get", reference, "-o", "-", "--password-stdin"], stdin: Data((Self.password + "\n").utf8))
        #expect(viaPassword.stdout == "users", "\(viaPassword)")
        // The key file still works; a wrong password does not.
        #expect(try sandbox.run(["get", reference, "-o", "-"]).stdout == "users")
        expectFailure(
            try sandbox.run(["get", reference, "-o", "-", "--password-stdin"], stdin: Data("not the password\n".utf8)),
            77, ["wrong password for 'clerk'"])
        let entry = try #require(try sandbox.auditLog().last { $0.action == "passwd" })
        #expect(entry.details == "credential=password")
        #expect(entry.actor == "clerk")
    }

    @Test func recoverReenablesADisabledAdmin() throws {
        let (sandbox, _) = try Self.vault()
        try sandbox.addUser("admin2", roles: "admin")
        #expect(try sandbox.run(as: "admin2", ["user", "disable", "admin"]).status == 0)
        expectFailure(try sandbox.run(as: "admin", ["user", "list"]), 77, ["user 'admin' is disabled"])
        let oldSecret = try sandbox.secretHex()

        // A wrong code is refused and logged; nothing else changes.
        let wrong = "0000-0000-0000-0000-0000-0000-0000-0000"
        try sandbox.expectNoChange(audit: ["recover:denied", "recover:denied"]) {
            expectFailure(
                try sandbox.run(
                    ["recover", "--user", "admin", "--key-file"], environment: ["DOCVAULT_RECOVERY_CODE": wrong]), 77,
                ["the recovery code does not open this vault's recovery keyslot"])
            expectFailure(
                try sandbox.run(["recover", "--user", "admin", "--key-file"], stdin: Data("not a code\n".utf8)), 77,
                ["recovery code does not open"])
        }
        let denied = try #require(try sandbox.auditLog().last)
        #expect(denied.actor == "recovery-code" && denied.target == "admin")

        let result = try sandbox.run(
            ["recover", "--user", "admin", "--key-file"],
            stdin: Data((sandbox.recoveryCode.lowercased().replacingOccurrences(of: "-", with: " ") + "\n").utf8))
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "'admin' is enabled with a new key file: keys/admin.key.\n")
        #expect(try sandbox.secretHex() != oldSecret)
        let users = try sandbox.run(as: "admin", ["user", "list", "--json"])
        #expect(users.status == 0, "\(users)")
        #expect(users.stdout.contains("\"name\":\"admin\",\"roles\":[\"admin\"],\"status\":\"active\""))
        let entry = try #require(try sandbox.auditLog().last { $0.action == "recover" && $0.outcome == "ok" })
        #expect(entry.target == "admin")
        #expect(entry.details.contains("via=recovery-code"))
        try sandbox.addUser("auditor", roles: "auditor")
        #expect(try sandbox.run(as: "auditor", ["audit", "verify"]).status == 0)
    }

    @Test func recoverOnlyReKeysAdmins() throws {
        let (sandbox, _) = try Self.vault()
        let code = ["DOCVAULT_RECOVERY_CODE": sandbox.recoveryCode]
        // The right code opens the vault, so each refusal is logged as a sealed failure.
        try sandbox.expectNoChange(audit: ["recover:failed", "recover:failed"]) {
            expectFailure(
                try sandbox.run(["recover", "--user", "clerk", "--key-file"], environment: code), 64,
                ["the recovery code re-keys admins only; 'clerk' is not an admin"])
            expectFailure(
                try sandbox.run(["recover", "--user", "nobody", "--key-file"], environment: code), 66,
                ["no user 'nobody'"])
        }
    }

    @Test
    func failedRecoveryWithTheRightCodeIsLogged() throws {
        let (sandbox, _) = try Self.vault()
        let code = ["DOCVAULT_RECOVERY_CODE": sandbox.recoveryCode]
        try sandbox.expectNoChange(audit: ["recover:failed", "recover:failed"]) {
            let notAdmin = try sandbox.run(["recover", "--user", "clerk", "--key-file"], environment: code)
            let unknown = try sandbox.run(["recover", "--user", "nobody", "--key-file"], environment: code)
            #expect(notAdmin.status == 64)
            #expect(unknown.status == 66)
        }
    }
}
