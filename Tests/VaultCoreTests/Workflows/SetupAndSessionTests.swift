import Foundation
import Testing

@testable import VaultCore

/// Tests of creating a vault, opening it, and authenticating with key files, passwords and the recovery code.
@Suite("Vault setup and sessions")
struct SetupAndSessionTests {
    /// A location inside `folder` that does not exist yet.
    private static func location(in folder: TestVaultFolder) -> VaultLocation {
        VaultLocation(vault: folder.path + "/vault", keys: folder.path + "/keys")
    }

    /// Writes a key file with the given lines' values at `path` (mode 0600).
    private static func writeKeyFile(
        _ folder: TestVaultFolder, _ name: String, vaultID: [UInt8], user: String, secret: [UInt8], mode: Int = 0o600
    ) throws -> String {
        try folder.write(
            name, text: "docvault key file v1\nvault \(vaultID.hexString)\nuser \(user)\nsecret \(secret.hexString)\n",
            mode: mode)
    }

    /// The kinds of the keyslots of `admin` and of the recovery slot, in creation order.
    private static func slotKinds(_ test: TestVault, ofAdmin admin: String) throws -> [String] {
        try test.database.query(
            """
            SELECT k.kind FROM keyslots k LEFT JOIN users u ON u.id = k.user_id
            WHERE k.user_id IS NULL OR u.name = ? ORDER BY k.id
            """, [admin]
        ).compactMap { $0.string("kind") }
    }

    @Test("create writes a catalogue, blob folder and a 0600 key file and prints a recovery code")
    func createVault() throws {
        let test = try TestVault(fonds: "J001", admin: "alice")
        let creation = test.creation
        #expect(creation.fonds == "J001")
        #expect(creation.admin == "alice")
        #expect(creation.keyFilePath == test.folder.path + "/keys/alice.key")
        #expect(try TestVault.mode(of: creation.keyFilePath) == 0o600)
        let groups = creation.recoveryCode.split(separator: "-", omittingEmptySubsequences: false)
        #expect(groups.count == 8)
        #expect(groups.allSatisfy { $0.count == 4 })
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        #expect(creation.recoveryCode.allSatisfy { $0 == "-" || alphabet.contains($0) })
        #expect(FileManager.default.fileExists(atPath: test.location.catalogPath))
        #expect(FileSystem.isDirectory(test.location.blobsPath + "/tmp"))
        #expect(test.vault.meta.fonds == "J001")
        #expect(test.vault.meta.initialAdmin == "alice")
        #expect(test.vault.meta.vaultID.count == 16)
        #expect(!test.vault.meta.isDemo)
        #expect(try test.database.queryOne("SELECT COUNT(*) AS n FROM categories")?.int("n") == 6)
        let slots = try Self.slotKinds(test, ofAdmin: "alice")
        #expect(slots == ["keyfile", "recovery"])
        #expect(test.adminSession.actor.name == "alice")
        #expect(test.adminSession.actor.roles == ["admin"])
        #expect(test.adminSession.roles == [.admin])
        // The initial admin has no content access: it cannot even list the catalogue.
        #expect(throws: VaultError.self) { _ = try CatalogQueries.list(DocumentFilter(), session: test.adminSession) }
    }

    @Test("The catalogue and key file never contain the recovery code")
    func recoveryCodeNotStored() throws {
        let test = try TestVault()
        let secret = try #require(RecoveryCode.parse(test.creation.recoveryCode))
        let secretBytes = secret.withUnsafeBytes { [UInt8]($0) }
        for path in [test.location.catalogPath, test.location.catalogPath + "-wal", test.creation.keyFilePath] {
            let bytes = TestVault.contents(of: path)
            #expect(!TestVault.contains(bytes, secretBytes), "\(path)")
            #expect(!TestVault.contains(bytes, Array(test.creation.recoveryCode.utf8)), "\(path)")
            #expect(!TestVault.contains(bytes, Array(secretBytes.hexString.utf8)), "\(path)")
        }
    }

    @Test("create refuses a folder that already holds a vault")
    func refusesExistingVault() throws {
        let test = try TestVault()
        let again = VaultLocation(vault: test.location.vault, keys: test.folder.path + "/other-keys")
        let error = #expect(throws: VaultError.self) {
            _ = try VaultSetup.create(at: again, fonds: "J002", admin: "bob")
        }
        #expect(error?.kind == .failure)
        #expect(!FileManager.default.fileExists(atPath: again.keys + "/bob.key"))
        // The first vault is intact.
        #expect(try Vault.open(test.location).meta.fonds == "J001")
    }

    @Test("create refuses an existing key file and creates no vault folder")
    func refusesExistingKeyFile() throws {
        let folder = try TestVaultFolder()
        let location = Self.location(in: folder)
        try folder.write("keys/alice.key", text: "precious\n")
        let error = #expect(throws: VaultError.self) {
            _ = try VaultSetup.create(at: location, fonds: "J001", admin: "alice")
        }
        #expect(error?.kind == .failure)
        #expect(error?.message.contains("already exists") == true)
        #expect(!FileManager.default.fileExists(atPath: location.vault))
        #expect(TestVault.contents(of: location.keyFilePath(for: "alice")) == Array("precious\n".utf8))
    }

    @Test(
        "create refuses bad fonds codes and admin names with a usage error and leaves nothing",
        arguments: [
            ("j001", "alice"), ("", "alice"), ("TOOLONG99", "alice"), ("J-01", "alice"), ("J001", "Alice"),
            ("J001", "1alice"), ("J001", ""), ("J001", "al/ice"), ("J001", String(repeating: "a", count: 33)),
        ])
    func refusesBadNames(fonds: String, admin: String) throws {
        let folder = try TestVaultFolder()
        let location = Self.location(in: folder)
        let error = #expect(throws: VaultError.self) {
            _ = try VaultSetup.create(at: location, fonds: fonds, admin: admin)
        }
        #expect(error?.kind == .usage)
        #expect(error?.exitCode == 64)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("A create that fails half-way removes the vault folder it made")
    func failedCreateCleansUp() throws {
        let folder = try TestVaultFolder()
        // The keys "folder" is a regular file, so creating it fails after the vault folder exists.
        try folder.write("keys", text: "not a folder")
        let location = Self.location(in: folder)
        #expect(throws: (any Error).self) {
            _ = try VaultSetup.create(at: location, fonds: "J001", admin: "alice")
        }
        #expect(!FileManager.default.fileExists(atPath: location.vault))
        #expect(TestVault.contents(of: location.keys) == Array("not a folder".utf8))
    }

    @Test("Vault.open reports a missing folder, a folder without catalogue and a damaged catalogue")
    func openFailures() throws {
        let folder = try TestVaultFolder()
        let missing = #expect(throws: VaultError.self) { _ = try Vault.open(Self.location(in: folder)) }
        #expect(missing?.kind == .inputMissing)
        try FileManager.default.createDirectory(atPath: folder.path + "/vault", withIntermediateDirectories: true)
        let empty = #expect(throws: VaultError.self) { _ = try Vault.open(Self.location(in: folder)) }
        #expect(empty?.kind == .inputMissing)
        try folder.write("vault/catalog.sqlite", [UInt8](repeating: 0x5A, count: 8192))
        let damaged = #expect(throws: VaultError.self) { _ = try Vault.open(Self.location(in: folder)) }
        #expect(damaged?.kind == .dataError)
    }

    @Test("Vault.open refuses a catalogue from a newer release")
    func openNewerSchema() throws {
        let test = try TestVault()
        try test.database.execute("PRAGMA user_version = 99")
        let error = #expect(throws: VaultError.self) { _ = try Vault.open(test.location) }
        #expect(error?.kind == .failure)
        #expect(error?.message.contains("99") == true)
    }

    @Test("Vault.open refuses a catalogue without its identity row")
    func openWithoutIdentity() throws {
        let test = try TestVault()
        try test.database.execute("DELETE FROM vault_meta")
        let error = #expect(throws: VaultError.self) { _ = try Vault.open(test.location) }
        #expect(error?.kind == .dataError)
    }

    @Test("The right key file opens a session; the default user is the initial admin")
    func openWithKeyFile() throws {
        let test = try TestVault(admin: "carol")
        let vault = try Vault.open(test.location)
        let session = try Session.open(vault: vault, userName: nil, credential: .keyFile(test.creation.keyFilePath))
        #expect(session.actor.name == "carol")
        // The session's keys work: it can seal and open a field.
        let uid = try SecureRandom.bytes(count: 16)
        let sealed = try session.keys.seal("x", field: "title", documentUID: uid)
        #expect(try session.keys.openText(sealed, field: "title", documentUID: uid) == "x")
    }

    @Test("An unknown user name is refused")
    func unknownUser() throws {
        let test = try TestVault()
        let error = #expect(throws: VaultError.self) {
            _ = try Session.open(
                vault: test.vault, userName: "mallory", credential: .keyFile(test.creation.keyFilePath))
        }
        #expect(error?.kind == .permissionDenied)
        #expect(error?.exitCode == 77)
    }

    @Test("A disabled user is refused")
    func disabledUser() throws {
        let test = try TestVault()
        try test.database.run("UPDATE users SET disabled_at = ? WHERE name = 'alice'", [Timestamp.now()])
        let error = #expect(throws: VaultError.self) {
            _ = try Session.open(vault: test.vault, userName: "alice", credential: .keyFile(test.creation.keyFilePath))
        }
        #expect(error?.kind == .permissionDenied)
    }

    @Test("The key file of another vault is refused")
    func keyFileOfAnotherVault() throws {
        let test = try TestVault()
        let other = try TestVault()
        let error = #expect(throws: VaultError.self) {
            _ = try Session.open(vault: test.vault, userName: "alice", credential: .keyFile(other.creation.keyFilePath))
        }
        #expect(error?.kind == .permissionDenied)
        #expect(error?.message.contains("another vault") == true)
    }

    @Test("A key file naming another user is refused")
    func keyFileOfAnotherUser() throws {
        let test = try TestVault()
        let path = try Self.writeKeyFile(
            test.folder, "bob.key", vaultID: test.vault.meta.vaultID, user: "bob",
            secret: try SecureRandom.bytes(count: 32))
        let error = #expect(throws: VaultError.self) {
            _ = try Session.open(vault: test.vault, userName: "alice", credential: .keyFile(path))
        }
        #expect(error?.kind == .permissionDenied)
        #expect(error?.message.contains("'bob'") == true)
    }

    @Test("A well-formed key file with the wrong secret opens no keyslot")
    func wrongSecret() throws {
        let test = try TestVault()
        let path = try Self.writeKeyFile(
            test.folder, "forged.key", vaultID: test.vault.meta.vaultID, user: "alice",
            secret: try SecureRandom.bytes(count: 32))
        let error = #expect(throws: VaultError.self) {
            _ = try Session.open(vault: test.vault, userName: "alice", credential: .keyFile(path))
        }
        #expect(error?.kind == .permissionDenied)
        #expect(error?.message.contains("does not open a keyslot") == true)
    }

    @Test("A key file readable by others is refused with the chmod that fixes it")
    func groupReadableKeyFile() throws {
        let test = try TestVault()
        for mode in [0o644, 0o640, 0o604, 0o660] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: test.creation.keyFilePath)
            let error = #expect(throws: VaultError.self) {
                _ = try Session.open(
                    vault: test.vault, userName: "alice", credential: .keyFile(test.creation.keyFilePath))
            }
            #expect(error?.kind == .permissionDenied)
            #expect(error?.message.contains("chmod 600") == true)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: test.creation.keyFilePath)
        #expect(
            try Session.open(vault: test.vault, userName: "alice", credential: .keyFile(test.creation.keyFilePath))
                .actor.name == "alice")
    }

    @Test("A damaged key file is a data error; a missing one is permission denied")
    func damagedAndMissingKeyFiles() throws {
        let test = try TestVault()
        let corrupt = try test.folder.write("corrupt.key", text: "docvault key file v1\nvault zz\n")
        let damaged = #expect(throws: VaultError.self) {
            _ = try Session.open(vault: test.vault, userName: "alice", credential: .keyFile(corrupt))
        }
        #expect(damaged?.kind == .dataError)
        let huge = try test.folder.write("huge.key", [UInt8](repeating: 0x41, count: 5000))
        let tooLarge = #expect(throws: VaultError.self) {
            _ = try Session.open(vault: test.vault, userName: "alice", credential: .keyFile(huge))
        }
        #expect(tooLarge?.kind == .dataError)
        let missing = #expect(throws: VaultError.self) {
            _ = try Session.open(
                vault: test.vault, userName: "alice", credential: .keyFile(test.folder.path + "/nope.key"))
        }
        #expect(missing?.kind == .permissionDenied)
        #expect(missing?.message.contains("not found") == true)
        let folderError = #expect(throws: VaultError.self) {
            _ = try Session.open(vault: test.vault, userName: "alice", credential: .keyFile(test.location.keys))
        }
        #expect(folderError?.kind == .permissionDenied)
    }

    @Test("A tampered vault key in the catalogue is a data error at open")
    func tamperedVaultKey() throws {
        let test = try TestVault()
        let row = try #require(
            try test.database.queryOne("SELECT wrapped_key FROM vault_keys WHERE purpose = 'field-seal'"))
        var wrapped = try #require(row.bytes("wrapped_key"))
        wrapped[wrapped.count / 2] ^= 1
        try test.database.run("UPDATE vault_keys SET wrapped_key = ? WHERE purpose = 'field-seal'", [wrapped])
        let error = #expect(throws: VaultError.self) {
            _ = try Session.open(vault: test.vault, userName: "alice", credential: .keyFile(test.creation.keyFilePath))
        }
        #expect(error?.kind == .dataError)
    }

    @Test("A password keyslot opens with the right password and refuses a wrong one")
    func passwordKeyslot() throws {
        let test = try TestVault(password: "correct horse battery staple")
        #expect(try Self.slotKinds(test, ofAdmin: "alice") == ["keyfile", "password", "recovery"])
        let password = try #require(
            try test.database.queryOne("SELECT kdf_log_n FROM keyslots WHERE kind = 'password'"))
        #expect(password.int("kdf_log_n") == ScryptParameters.standard.logN)
        let session = try Session.open(
            vault: test.vault, userName: "alice",
            credential: .password(SecretBytes(copying: Array("correct horse battery staple".utf8))))
        #expect(session.actor.name == "alice")
        let error = #expect(throws: VaultError.self) {
            _ = try Session.open(
                vault: test.vault, userName: "alice",
                credential: .password(SecretBytes(copying: Array("correct horse battery stapler".utf8))))
        }
        #expect(error?.kind == .permissionDenied)
        #expect(error?.message.contains("wrong password") == true)
    }

    @Test("A vault without a password keyslot refuses every password")
    func noPasswordKeyslot() throws {
        let test = try TestVault()
        let error = #expect(throws: VaultError.self) {
            _ = try Session.open(
                vault: test.vault, userName: "alice", credential: .password(SecretBytes(copying: [0x61])))
        }
        #expect(error?.kind == .permissionDenied)
    }

    @Test("The printed recovery code opens the recovery keyslot, also retyped loosely")
    func recoveryCodeAccepted() throws {
        let test = try TestVault()
        let code = test.creation.recoveryCode
        let lookAlikes = String(
            code.map { character -> Character in
                switch character {
                case "0": "O"
                case "1": "l"
                default: character
                }
            })
        let variants = [
            code, code.lowercased(), code.replacingOccurrences(of: "-", with: ""),
            code.replacingOccurrences(of: "-", with: " "), lookAlikes, lookAlikes.lowercased(),
            code.replacingOccurrences(of: "1", with: "I"),
        ]
        for variant in variants {
            #expect(try Session.checkRecoveryCode(vault: test.vault, code: variant), "\(variant)")
        }
    }

    @Test("Another code, a short code or a code with invalid characters is refused")
    func recoveryCodeRefused() throws {
        let test = try TestVault()
        let other = RecoveryCode.format(try SecretBytes.random(count: RecoveryCode.byteCount))
        #expect(try !Session.checkRecoveryCode(vault: test.vault, code: other))
        #expect(try !Session.checkRecoveryCode(vault: test.vault, code: String(test.creation.recoveryCode.dropLast())))
        #expect(try !Session.checkRecoveryCode(vault: test.vault, code: test.creation.recoveryCode + "0"))
        #expect(try !Session.checkRecoveryCode(vault: test.vault, code: ""))
        let withU = "U" + String(test.creation.recoveryCode.dropFirst())
        #expect(try !Session.checkRecoveryCode(vault: test.vault, code: withU))
        // Another vault's printed code does not open this vault.
        let second = try TestVault()
        #expect(try !Session.checkRecoveryCode(vault: test.vault, code: second.creation.recoveryCode))
    }
}
