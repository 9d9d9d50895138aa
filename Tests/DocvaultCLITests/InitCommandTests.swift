import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `docvault init`: the vault, the admin key file and the recovery code.
@Suite struct InitCommandTests {
    @Test func createsVaultKeyFileAndRecoveryCode() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.initVault(clerk: false)
        #expect(result.stdout.contains("Created vault vault (fonds J001)."))
        #expect(result.stdout.contains("Admin 'admin' key file: keys/admin.key"))
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let code = try #require(lines.first { $0.hasPrefix("    ") }).trimmingCharacters(in: .whitespaces)
        let groups = code.split(separator: "-", omittingEmptySubsequences: false)
        #expect(groups.count == 8, "recovery code \(code)")
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        #expect(groups.allSatisfy { $0.count == 4 && $0.allSatisfy(alphabet.contains) }, "recovery code \(code)")
        #expect(FileManager.default.fileExists(atPath: sandbox.vault + "/catalog.sqlite"))
        #expect(FileManager.default.fileExists(atPath: sandbox.vault + "/blobs"))
        var info = stat()
        #expect(stat(sandbox.adminKey, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let keyText = try String(contentsOfFile: sandbox.adminKey, encoding: .utf8)
        #expect(keyText.hasPrefix("docvault key file v1\nvault "))
        #expect(keyText.contains("\nuser admin\n"))
        let secret = try sandbox.secretHex()
        expectNoSecret(secret, in: [result])
        #expect(!result.stderr.contains("error"))
        // init logs in nobody: the audit log starts empty, and the first user is an admin only.
        #expect(try sandbox.auditLog().isEmpty)
        let users = try #require(
            try Catalogue.rows(sandbox.vault + "/catalog.sqlite", "SELECT name, roles FROM users;"))
        #expect(users == [["admin", "admin"]])
    }

    @Test func secondInitRefusesAndChangesNothing() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.expectNoChange {
            let again = try sandbox.run(["init"])
            expectFailure(again, 1, ["already holds a vault", "refusing to overwrite"])
            let otherKeys = try sandbox.run(["init", "--keys", "keys2"])
            expectFailure(otherKeys, 1, ["already holds a vault"])
        }
    }

    @Test func existingKeyFileRefused() throws {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(atPath: sandbox.keys, withIntermediateDirectories: false)
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: sandbox.adminKey))
        try sandbox.expectNoChange {
            let result = try sandbox.run(["init"])
            expectFailure(result, 1, ["key file keys/admin.key already exists"])
        }
        #expect(!FileManager.default.fileExists(atPath: sandbox.vault))
    }

    @Test(arguments: [
        ["--fonds", "j001"], ["--fonds", ""], ["--fonds", "ABCDEFGHI"], ["--fonds", "J-01"], ["--fonds", "张"],
    ])
    func badFondsIsUsageError(arguments: [String]) throws {
        let sandbox = try Sandbox()
        try sandbox.expectNoChange {
            let result = try sandbox.run(["init"] + arguments)
            expectFailure(result, 64, ["fonds code '\(arguments[1])' must be 1 to 8 uppercase letters or digits"])
        }
        #expect(sandbox.names().isEmpty)
    }

    @Test(arguments: ["Admin", "1admin", "", "ad min", "a/b", "../evil", String(repeating: "a", count: 33)])
    func badAdminNameIsUsageError(name: String) throws {
        let sandbox = try Sandbox()
        try sandbox.expectNoChange {
            let result = try sandbox.run(["init", "--admin", name])
            expectFailure(result, 64, ["user name '\(name)' must start with a lowercase letter"])
        }
        #expect(sandbox.names().isEmpty)
    }

    @Test func customAdminAndFolders() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.initVault(["--vault", "v2", "--keys", "k2", "--admin", "li.na", "--fonds", "X9"])
        #expect(result.stdout.contains("Created vault v2 (fonds X9)."))
        #expect(FileManager.default.fileExists(atPath: sandbox.work + "/k2/li.na.key"))
        #expect(FileManager.default.fileExists(atPath: sandbox.work + "/k2/clerk.key"))
        #expect(FileManager.default.fileExists(atPath: sandbox.work + "/v2/catalog.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: sandbox.vault))
    }

    @Test func unexpectedArgumentIsUsageError() throws {
        let sandbox = try Sandbox()
        try sandbox.expectNoChange {
            expectFailure(try sandbox.run(["init", "extra"]), 64, ["unexpected argument (not shown"])
        }
    }
}
