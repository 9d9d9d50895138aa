import Foundation
import Testing

@testable import VaultCore

/// Adding, listing, changing, disabling, re-keying and recovering users.
@Suite("User administration")
struct UserAdministrationTests {
    private static func secret(_ text: String) -> SecretBytes { SecretBytes(copying: Array(text.utf8)) }

    private static func users(_ test: TestVault) throws -> [String] {
        try test.database.query("SELECT name FROM users ORDER BY name").compactMap { $0.string("name") }
    }

    /// Opens a session as `name` with `credential` on a freshly opened vault.
    private static func login(_ test: TestVault, _ name: String, _ credential: Credential) throws -> Session {
        try Session.open(vault: try Vault.open(test.location), userName: name, credential: credential)
    }

    @Test("add writes a 0600 key file that opens a session with the given roles")
    func addWithKeyFile() throws {
        let test = try TestVault()
        let path = try #require(
            try UserAdministration.add(
                name: "paula", roles: [.approver, .compliance], credential: .keyFile, session: test.adminSession))
        #expect(path == test.location.keys + "/paula.key")
        #expect(try TestVault.mode(of: path) == 0o600)
        let session = try Self.login(test, "paula", .keyFile(path))
        #expect(session.actor.roles == ["approver", "compliance"])
        #expect(session.roles == [.approver, .compliance])
        let entry = try test.lastAudit()
        #expect(entry.action == "user.add")
        #expect(entry.target == "paula")
        #expect(entry.actor == "alice")
        #expect(entry.details == "roles=approver,compliance")
        #expect(entry.outcome == .ok)
        // No temporary key file is left beside it.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: test.location.keys).sorted() == [
                "alice.key", "archie.key", "paula.key",
            ])
    }

    @Test("add with a password creates a password slot only, which opens a session")
    func addWithPassword() throws {
        let test = try TestVault()
        let path = try UserAdministration.add(
            name: "percy", roles: [.staff], credential: .password(Self.secret("twelve chars")),
            session: test.adminSession)
        #expect(path == nil)
        #expect(!FileManager.default.fileExists(atPath: test.location.keyFilePath(for: "percy")))
        #expect(try UserAdministration.show(name: "percy", session: test.adminSession).credentials == ["password"])
        let session = try Self.login(test, "percy", .password(Self.secret("twelve chars")))
        #expect(session.actor.name == "percy")
        #expect(
            try test.auditEntries().contains { $0.action == "user.add" && $0.target == "percy" && $0.outcome == .ok })
    }

    @Test("Duplicate names, bad names and short passwords are refused, logged, and add nothing")
    func addRefused() throws {
        let test = try TestVault()
        let usersBefore = try Self.users(test)
        let entriesBefore = try test.auditCount()
        let cases: [(String, NewCredential, VaultError.Kind)] = [
            ("archie", .keyFile, .failure), ("alice", .password(Self.secret("long enough pw")), .failure),
            ("Bob", .keyFile, .usage), ("1bob", .keyFile, .usage), ("", .keyFile, .usage),
            ("b/ob", .keyFile, .usage), (String(repeating: "b", count: 33), .keyFile, .usage),
            ("bob", .password(Self.secret("elevenchars")), .usage),
            ("bob", .password(Self.secret("")), .usage),
        ]
        for (name, credential, kind) in cases {
            let error = #expect(throws: VaultError.self, "\(name)") {
                try UserAdministration.add(
                    name: name, roles: [.staff], credential: credential, session: test.adminSession)
            }
            #expect(error?.kind == kind, "\(name)")
        }
        #expect(try Self.users(test) == usersBefore)
        #expect(!FileManager.default.fileExists(atPath: test.location.keyFilePath(for: "bob")))
        let added = try test.auditEntries().dropFirst(entriesBefore)
        #expect(added.count == cases.count)
        #expect(added.allSatisfy { $0.action == "user.add" && $0.outcome == .failed })
        // A non-admin may not add users at all.
        let denied = #expect(throws: VaultError.self) {
            try UserAdministration.add(name: "bob", roles: [.admin], credential: .keyFile, session: test.session)
        }
        #expect(denied?.kind == .permissionDenied)
        #expect(try test.lastAudit().outcome == .denied)
    }

    @Test("list and show summarise users; auditors may read them, staff may not")
    func listAndShow() throws {
        let test = try TestVault()
        let auditor = try test.user("audrey", roles: [.auditor])
        let users = try UserAdministration.list(session: auditor)
        #expect(users.map(\.name) == ["alice", "archie", "audrey"])
        #expect(users.map(\.roles) == [["admin"], ["archivist", "staff"], ["auditor"]])
        #expect(users.allSatisfy { $0.status == "active" && $0.disabledAt == nil && $0.credentials == ["keyfile"] })
        #expect(try test.lastAudit().details == "results=3")
        let alice = try UserAdministration.show(name: "alice", session: test.adminSession)
        #expect(alice == users[0])
        #expect(!alice.createdAt.isEmpty)
        let missing = #expect(throws: VaultError.self) {
            _ = try UserAdministration.show(name: "nobody", session: test.adminSession)
        }
        #expect(missing?.kind == .inputMissing)
        #expect(try test.lastAudit().target == "nobody")
        let denied = #expect(throws: VaultError.self) { _ = try UserAdministration.list(session: test.session) }
        #expect(denied?.kind == .permissionDenied)
    }

    @Test("setRoles replaces roles; the next session has the new permissions")
    func setRoles() throws {
        let test = try TestVault()
        _ = try test.user("sam", roles: [.staff])
        try UserAdministration.setRoles(name: "sam", roles: [.archivist, .auditor], session: test.adminSession)
        let entry = try test.lastAudit()
        #expect(entry.action == "user.roles")
        #expect(entry.target == "sam")
        #expect(entry.details == "roles=archivist,auditor")
        #expect(try UserAdministration.show(name: "sam", session: test.adminSession).roles == ["archivist", "auditor"])
        let session = try Self.login(test, "sam", .keyFile(test.location.keyFilePath(for: "sam")))
        #expect(Permissions.allows(session.roles, .file))
        _ = try test.fileAs(session, [try test.input("s.txt", text: "s")])
        let missing = #expect(throws: VaultError.self) {
            try UserAdministration.setRoles(name: "nobody", roles: [.staff], session: test.adminSession)
        }
        #expect(missing?.kind == .inputMissing)
    }

    @Test("A disabled user cannot log in until enabled again")
    func disableAndEnable() throws {
        let test = try TestVault()
        let credential = Credential.keyFile(test.archivistKeyFile)
        try UserAdministration.disable(name: "archie", session: test.adminSession)
        let summary = try UserAdministration.show(name: "archie", session: test.adminSession)
        #expect(summary.status == "disabled")
        #expect(summary.disabledAt != nil)
        let refused = #expect(throws: VaultError.self) { _ = try Self.login(test, "archie", credential) }
        #expect(refused?.kind == .permissionDenied)
        let twice = #expect(throws: VaultError.self) {
            try UserAdministration.disable(name: "archie", session: test.adminSession)
        }
        #expect(twice?.kind == .failure)
        try UserAdministration.enable(name: "archie", session: test.adminSession)
        #expect(try Self.login(test, "archie", credential).actor.name == "archie")
        let again = #expect(throws: VaultError.self) {
            try UserAdministration.enable(name: "archie", session: test.adminSession)
        }
        #expect(again?.kind == .failure)
        let actions = try test.auditEntries().suffix(6).map { "\($0.action):\($0.outcome.rawValue)" }
        #expect(
            actions == [
                "user.disable:ok", "user.show:ok", "login:denied", "user.disable:failed", "user.enable:ok",
                "user.enable:failed",
            ])
    }

    @Test("The last enabled admin can be neither disabled nor stripped of the admin role")
    func lastAdminProtected() throws {
        let test = try TestVault()
        let disable = #expect(throws: VaultError.self) {
            try UserAdministration.disable(name: "alice", session: test.adminSession)
        }
        #expect(disable?.kind == .failure)
        #expect(disable?.message.contains("last enabled admin") == true)
        let demote = #expect(throws: VaultError.self) {
            try UserAdministration.setRoles(name: "alice", roles: [.auditor], session: test.adminSession)
        }
        #expect(demote?.kind == .failure)
        #expect(try UserAdministration.show(name: "alice", session: test.adminSession).roles == ["admin"])
        // Keeping admin among new roles is fine.
        try UserAdministration.setRoles(name: "alice", roles: [.admin, .auditor], session: test.adminSession)
        // A second admin that is disabled does not count.
        _ = try test.user("dave", roles: [.admin])
        try UserAdministration.disable(name: "dave", session: test.adminSession)
        #expect(throws: VaultError.self) {
            try UserAdministration.setRoles(name: "alice", roles: [.auditor], session: test.adminSession)
        }
        try UserAdministration.enable(name: "dave", session: test.adminSession)
        try UserAdministration.setRoles(name: "alice", roles: [.auditor], session: test.adminSession)
        #expect(throws: VaultError.self) {
            try UserAdministration.disable(name: "dave", session: test.adminSession)
        }
    }

    @Test("passwd with a key file: the old key file stops working, the new one opens")
    func changeOwnKeyFile() throws {
        let test = try TestVault()
        let old = try test.folder.write("old-archie.key", TestVault.contents(of: test.archivistKeyFile))
        let path = try #require(try UserAdministration.changeOwnCredential(.keyFile, session: test.session))
        #expect(path == test.archivistKeyFile)
        #expect(TestVault.contents(of: path) != TestVault.contents(of: old))
        #expect(try TestVault.mode(of: path) == 0o600)
        let refused = #expect(throws: VaultError.self) { _ = try Self.login(test, "archie", .keyFile(old)) }
        #expect(refused?.kind == .permissionDenied)
        #expect(try Self.login(test, "archie", .keyFile(path)).actor.name == "archie")
        #expect(try UserAdministration.show(name: "archie", session: test.adminSession).credentials == ["keyfile"])
        let entry = try #require(try test.auditEntries().last { $0.action == "passwd" })
        #expect(entry.actor == "archie")
        #expect(entry.target == "archie")
        #expect(entry.details == "credential=key-file")
    }

    @Test("passwd with a password replaces the old password; short ones are refused")
    func changeOwnPassword() throws {
        let test = try TestVault(password: "first password!")
        let short = #expect(throws: VaultError.self) {
            try UserAdministration.changeOwnCredential(.password(Self.secret("too short")), session: test.adminSession)
        }
        #expect(short?.kind == .usage)
        try UserAdministration.changeOwnCredential(
            .password(Self.secret("second password")), session: test.adminSession)
        #expect(try test.database.queryOne("SELECT COUNT(*) AS n FROM keyslots WHERE kind = 'password'")?.int("n") == 1)
        #expect(throws: VaultError.self) {
            _ = try Self.login(test, "alice", .password(Self.secret("first password!")))
        }
        #expect(try Self.login(test, "alice", .password(Self.secret("second password"))).actor.name == "alice")
        // The key file still works.
        #expect(try Self.login(test, "alice", .keyFile(test.creation.keyFilePath)).actor.name == "alice")
    }

    @Test("The recovery code re-enables a disabled admin with a new key file")
    func recover() throws {
        let test = try TestVault()
        let dave = try test.user("dave", roles: [.admin])
        try UserAdministration.disable(name: "alice", session: dave)
        let old = try test.folder.write("old-alice.key", TestVault.contents(of: test.creation.keyFilePath))
        #expect(throws: VaultError.self) { _ = try Self.login(test, "alice", .keyFile(old)) }
        let path = try #require(
            try UserAdministration.recover(
                vault: test.vault, code: test.creation.recoveryCode.lowercased(), name: "alice", credential: .keyFile))
        #expect(path == test.creation.keyFilePath)
        #expect(try UserAdministration.show(name: "alice", session: dave).status == "active")
        #expect(try Self.login(test, "alice", .keyFile(path)).actor.name == "alice")
        #expect(throws: VaultError.self) { _ = try Self.login(test, "alice", .keyFile(old)) }
        let entry = try #require(try test.auditEntries().last { $0.action == "recover" })
        #expect(entry.target == "alice")
        #expect(entry.outcome == .ok)
        #expect(entry.details.contains("via=recovery-code"))
        #expect(entry.mac != nil)
        #expect(try AuditVerifier.verify(test.database, key: dave.auditKey, anchor: nil).firstBroken == nil)
        // The code re-keys admins only.
        let notAdmin = #expect(throws: VaultError.self) {
            try UserAdministration.recover(
                vault: test.vault, code: test.creation.recoveryCode, name: "archie", credential: .keyFile)
        }
        #expect(notAdmin?.kind == .usage)
    }

    @Test("A wrong recovery code is refused and logged as a denied, unsealed entry")
    func recoverWrongCode() throws {
        let test = try TestVault()
        let keyBefore = TestVault.contents(of: test.creation.keyFilePath)
        let other = RecoveryCode.format(try SecretBytes.random(count: RecoveryCode.byteCount))
        let error = #expect(throws: VaultError.self) {
            try UserAdministration.recover(vault: test.vault, code: other, name: "alice", credential: .keyFile)
        }
        #expect(error?.kind == .permissionDenied)
        #expect(TestVault.contents(of: test.creation.keyFilePath) == keyBefore)
        let entry = try test.lastAudit()
        #expect(entry.actor == "recovery-code")
        #expect(entry.action == "recover")
        #expect(entry.target == "alice")
        #expect(entry.outcome == .denied)
        #expect(entry.mac == nil)
    }
}
