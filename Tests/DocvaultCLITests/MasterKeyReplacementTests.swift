import Foundation
import Testing

/// `key replace-master` end to end: new credentials for everyone, old ones refused, audit chain and anchors kept.
@Suite struct MasterKeyReplacementTests {
    /// The password of user `pw`, who has no key file before the replacement.
    static let password = "correct horse battery"

    /// The `anchor SEQ:MAC` that `audit head` prints, as `SEQ:MAC`.
    static func anchor(_ sandbox: Sandbox) throws -> String {
        let head = try sandbox.run(as: "auditor", ["audit", "head"])
        let line = try #require(head.stdout.split(separator: "\n").first { $0.hasPrefix("anchor ") }, "\(head)")
        return String(line.dropFirst("anchor ".count))
    }

    @Test func replaceMasterReissuesEveryCredentialAndKeepsTheOldAnchor() throws {
        let (sandbox, references) = try KeyCommandTests.vault(6)
        let added = try sandbox.run(
            ["user", "add", "pw", "--role", "auditor", "--password"],
            environment: ["DOCVAULT_USER": "admin", "DOCVAULT_NEW_PASSWORD": Self.password])
        try #require(added.status == 0, "\(added)")
        try sandbox.addUser("gone", roles: "staff")
        #expect(try sandbox.run(as: "admin", ["user", "disable", "gone"]).status == 0)
        let goneKey = try Data(contentsOf: URL(fileURLWithPath: sandbox.keyFile("gone")))
        let oldAdminKey = try sandbox.input("old-admin.key", Data(contentsOf: URL(fileURLWithPath: sandbox.adminKey)))
        chmod(oldAdminKey, 0o600)
        let anchor = try Self.anchor(sandbox)
        let old = try KeyCommandTests.wrappedKeys(sandbox)

        let replaced = try sandbox.run(as: "admin", ["key", "replace-master", "--batch-size", "4"])
        #expect(replaced.status == 0, "\(replaced)")
        let lines = replaced.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.prefix(8) == [
                "Master key replaced; the old key files, passwords and recovery code no longer open the vault.",
                "Hand out these new key files (each only to its user):",
                "  admin  keys/admin.key", "  auditor  keys/auditor.key", "  clerk  keys/clerk.key",
                "  comp  keys/comp.key", "  lender  keys/lender.key", "  pw  keys/pw.key",
            ])
        #expect(lines.contains("1 password(s) removed; their users set a new one with 'docvault passwd'."))
        #expect(lines.last == "Data keys re-wrapped under epoch 2: 6.")
        let codeIndex = try #require(lines.firstIndex(of: "New recovery code (shown once; keep it offline):"))
        let code = lines[codeIndex + 1].trimmingCharacters(in: .whitespaces)
        #expect(code.count == 39 && code != sandbox.recoveryCode)
        #expect(!replaced.stdout.contains("gone"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.keyFile("gone"))) == goneKey)
        #expect(!FileManager.default.fileExists(atPath: sandbox.adminKey + ".new"))

        // Old credentials refused.
        try sandbox.expectNoChange(audit: ["login:denied", "login:denied"]) {
            expectFailure(
                try sandbox.run(["key", "status", "--key-file", oldAdminKey], environment: ["DOCVAULT_USER": "admin"]),
                77, ["does not open a keyslot of 'admin'"])
            expectFailure(
                try sandbox.run(
                    ["borrow", "list"], environment: ["DOCVAULT_USER": "pw", "DOCVAULT_PASSWORD": Self.password]),
                77, ["'pw' has no password; use the key file (--key-file)"])
        }
        // Every enabled user's new key file works; every document still decrypts.
        for user in ["admin", "clerk", "lender", "comp", "auditor", "pw"] {
            let listed = try sandbox.run(as: user, ["borrow", "list"])
            #expect(listed.status == 0, "\(user): \(listed)")
        }
        try KeyCommandTests.expectReadable(references, sandbox)
        let status = try KeyCommandTests.status(sandbox)
        #expect(KeyCommandTests.epochs(status) == [[2, 6, 1]])
        #expect(status["masterKeyGeneration"] as? Int == 2)
        KeyCommandTests.expectErased(old, sandbox)

        // The chain verifies across the new audit key, and the anchor taken before still holds.
        let verified = try sandbox.run(as: "auditor", ["audit", "verify", "--anchor", anchor])
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdout.contains("anchor \(anchor.split(separator: ":")[0]) confirmed"), "\(verified)")
        // The periodic inventory agrees: every blob decrypts under the new keys, and the chain spans both audit keys.
        let inventory = try sandbox.run(as: "auditor", ["verify", "--full"])
        #expect(inventory.status == 0 && inventory.stdout.hasSuffix(": 0 problem(s)\n"), "\(inventory)")
        let entry = try #require(try sandbox.auditLog().first { $0.action == "key.replace-master" })
        #expect(entry.actor == "admin" && entry.outcome == "ok" && entry.isSealed)
        #expect(entry.details.hasSuffix("key-files=6; password-slots-removed=1"), "\(entry)")
        #expect(entry.details.hasPrefix("epoch=2; audit-key-from=\(entry.seq); audit-generations=2"), "\(entry)")

        // The old recovery code is refused, the new one opens the vault.
        expectFailure(
            try sandbox.run(
                ["recover", "--user", "admin", "--key-file"],
                environment: ["DOCVAULT_RECOVERY_CODE": sandbox.recoveryCode]),
            77, ["the recovery code does not open this vault's recovery keyslot"])
        let recovered = try sandbox.run(
            ["recover", "--user", "admin", "--key-file"], environment: ["DOCVAULT_RECOVERY_CODE": code])
        #expect(recovered.status == 0, "\(recovered)")
        #expect(try sandbox.run(as: "auditor", ["audit", "verify", "--anchor", anchor]).status == 0)
    }

    @Test func killedBetweenCommitAndRenameLeavesNewKeyFilesThatWork() throws {
        let (sandbox, references) = try KeyCommandTests.vault(3)
        let anchor = try Self.anchor(sandbox)
        try KeyCommandTests.expectKilled(sandbox, ["key", "replace-master"], at: "replace.committed")
        let pending = sandbox.adminKey + ".new"
        #expect(FileManager.default.fileExists(atPath: pending))
        let mode = try FileManager.default.attributesOfItem(atPath: pending)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // The old key file points at the new one.
        expectFailure(
            try sandbox.run(as: "admin", ["key", "status"]), 77,
            ["key file keys/admin.key no longer opens this vault: the master key was replaced; use keys/admin.key.new"])
        let admin = ["DOCVAULT_USER": "admin"]
        let status = try sandbox.run(["key", "status", "--json", "--key-file", pending], environment: admin)
        #expect(status.status == 0, "\(status)")
        #expect(status.stdout.contains("\"rotationUnfinished\":true"))
        // A second replacement is refused while the .new files wait, and leaves them as they are.
        try sandbox.expectNoChange(audit: ["key.replace-master:failed"]) {
            expectFailure(
                try sandbox.run(["key", "replace-master", "--key-file", pending], environment: admin), 73,
                ["keys/admin.key.new is left from an interrupted replacement"])
        }
        let got = try sandbox.run(["get", references[0], "-o", "-", "--key-file", sandbox.clerkKey + ".new"])
        #expect(got.stdout == "claim voucher 0", "\(got)")

        // Moving them over the old names and rerunning the rotation finishes the job.
        for user in ["admin", "clerk", "lender", "comp", "auditor"] {
            let path = sandbox.keyFile(user)
            #expect(rename(path + ".new", path) == 0, "\(user)")
        }
        let resumed = try sandbox.run(as: "admin", ["key", "rotate"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stdout.hasPrefix("Rotation to epoch 2 finished: 3 data key(s) re-wrapped in this run"))
        try KeyCommandTests.expectReadable(references, sandbox)
        #expect(try sandbox.run(as: "auditor", ["audit", "verify", "--anchor", anchor]).status == 0)
    }

    @Test func refusedForNonAdminsWithNothingChanged() throws {
        let (sandbox, _) = try KeyCommandTests.vault(1)
        try sandbox.expectNoChange(audit: ["key.replace-master:denied", "key.replace-master:denied"]) {
            expectFailure(
                try sandbox.run(["key", "replace-master"]), 77,
                ["'clerk' may not key.replace-master; it needs the role admin"])
            expectFailure(
                try sandbox.run(as: "auditor", ["key", "replace-master"]), 77,
                ["'auditor' may not key.replace-master; it needs the role admin"])
        }
    }
}
