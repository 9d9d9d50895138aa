import FoundationEssentials

/// What `docvault init` produced.
public struct VaultCreation: Sendable {
    /// The new vault's identity.
    public let fonds: String
    /// The admin's name.
    public let admin: String
    /// Where the admin's key file was written.
    public let keyFilePath: String
    /// The one-time recovery code; shown once, never stored.
    public let recoveryCode: String
}

/// Creates new vaults.
public enum VaultSetup {
    /// The catalogue format version `init` writes.
    static let formatVersion = 1

    /// Creates a vault at `location` with fonds code `fonds` and a first admin `admin`.
    ///
    /// Refuses an existing vault or key file (exit 1) and bad names (exit 64). On any
    /// failure after files were created, removes what it created, so a failed `init`
    /// leaves nothing behind.
    public static func create(
        at location: VaultLocation, fonds: String, admin: String, isDemo: Bool = false,
        password: SecretBytes? = nil, passwordParameters: ScryptParameters = .standard
    ) throws -> VaultCreation {
        guard ReferenceNumber.isValidFonds(fonds) else {
            throw VaultError.usage("fonds code '\(fonds)' must be 1 to 8 uppercase letters or digits, e.g. J001")
        }
        guard UserRecord.isValidName(admin) else {
            throw VaultError.usage(
                "user name '\(admin)' must start with a lowercase letter and use only a-z, 0-9, '.', '_', '-' (max 32)")
        }
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: location.catalogPath) || fileManager.fileExists(atPath: location.blobsPath) {
            throw VaultError.failure("\(location.vault) already holds a vault; refusing to overwrite it")
        }
        let keyPath = location.keyFilePath(for: admin)
        if fileManager.fileExists(atPath: keyPath) {
            throw VaultError.failure("key file \(keyPath) already exists; move it away or choose another --keys folder")
        }
        let createdVaultFolder = !fileManager.fileExists(atPath: location.vault)
        var createdKeyFile = false
        do {
            try FileSystem.makeDirectory(location.vault)
            try FileSystem.makeDirectory(location.keys)
            let vaultID = try SecureRandom.bytes(count: 16)
            let masterKey = try SecretBytes.random(count: 32)
            let keySecret = try SecretBytes.random(count: 32)
            let recoverySecret = try SecretBytes.random(count: RecoveryCode.byteCount)
            try KeyFile.create(at: keyPath, vaultID: vaultID, user: admin, secret: keySecret)
            createdKeyFile = true
            let database = try Database(path: location.catalogPath, create: true)
            try CatalogSchema.migrator.migrate(database)
            let now = Timestamp.now()
            try database.writeTransaction {
                try VaultMeta(vaultID: vaultID, fonds: fonds, createdAt: now, initialAdmin: admin, isDemo: isDemo)
                    .insert(database, formatVersion: formatVersion)
                try CategoryTable.seed(database)
                try database.execute(CatalogSchema.defaultRetentionRules)
                try database.execute(CatalogSchema.registerRetentionRule)
                try database.execute(CatalogSchema.defaultCompletenessRules)
                let userID = try UserTable.insert(database, name: admin, roles: ["admin"], createdAt: now)
                let keySalt = try SecureRandom.bytes(count: 32)
                try KeyslotCrypto.insertSlot(
                    database, userID: userID, user: admin, kind: "keyfile", salt: keySalt, scrypt: nil,
                    kek: try KeyslotCrypto.keyfileKEK(secret: keySecret, salt: keySalt), masterKey: masterKey,
                    vaultID: vaultID, createdAt: now)
                if let password {
                    let salt = try SecureRandom.bytes(count: 32)
                    try KeyslotCrypto.insertSlot(
                        database, userID: userID, user: admin, kind: "password", salt: salt,
                        scrypt: passwordParameters,
                        kek: try KeyslotCrypto.passwordKEK(
                            password: password, salt: salt, parameters: passwordParameters),
                        masterKey: masterKey, vaultID: vaultID, createdAt: now)
                }
                let recoverySalt = try SecureRandom.bytes(count: 32)
                try KeyslotCrypto.insertSlot(
                    database, userID: nil, user: "", kind: "recovery", salt: recoverySalt, scrypt: nil,
                    kek: try KeyslotCrypto.recoveryKEK(code: recoverySecret, salt: recoverySalt), masterKey: masterKey,
                    vaultID: vaultID, createdAt: now)
                try KeyRing.createInitialKeys(database, masterKey: masterKey, vaultID: vaultID, now: now)
            }
            try database.checkpoint()
            try FileBlobStore(root: location.blobsPath).create()
            try FileSystem.syncDirectory(location.vault)
            return VaultCreation(
                fonds: fonds, admin: admin, keyFilePath: keyPath, recoveryCode: RecoveryCode.format(recoverySecret))
        } catch {
            for suffix in ["", "-wal", "-shm"] { try? fileManager.removeItem(atPath: location.catalogPath + suffix) }
            try? fileManager.removeItem(atPath: location.blobsPath)
            if createdVaultFolder { try? fileManager.removeItem(atPath: location.vault) }
            if createdKeyFile { try? fileManager.removeItem(atPath: keyPath) }
            throw error
        }
    }
}
