/// How an actor proves who they are.
public enum Credential {
    /// A key file at a path.
    case keyFile(String)
    /// A password (from a prompt, stdin or the environment, never argv).
    case password(SecretBytes)
}

/// An authenticated actor on an opened vault, holding the unlocked keys.
///
/// Every workflow takes a session; creating one is the authentication.
public final class Session {
    /// The vault.
    public let vault: Vault
    /// Who is acting.
    public let actor: UserRecord
    let keys: KeyRing

    init(vault: Vault, actor: UserRecord, keys: KeyRing) {
        self.vault = vault
        self.actor = actor
        self.keys = keys
    }

    var database: Database { vault.database }

    /// Authenticates `userName` (default: the vault's initial admin) with `credential`.
    ///
    /// Unknown or disabled users, foreign key files and credentials that open no
    /// keyslot are refused with permission denied (77); nothing is written.
    public static func open(vault: Vault, userName: String?, credential: Credential) throws -> Session {
        let name = userName ?? vault.meta.initialAdmin
        guard let user = try UserTable.find(vault.database, name: name) else {
            throw VaultError.denied("no user '\(name)' in this vault; check --user or DOCVAULT_USER")
        }
        guard user.disabledAt == nil else { throw VaultError.denied("user '\(name)' is disabled") }
        let masterKey: SecretBytes
        switch credential {
        case .keyFile(let path):
            let file = try KeyFile.read(at: path)
            guard file.vaultID == vault.meta.vaultID else {
                throw VaultError.denied("key file \(path) belongs to another vault; pass the key file for this vault")
            }
            guard file.user == name else {
                throw VaultError.denied("key file \(path) belongs to user '\(file.user)', not '\(name)'")
            }
            let slots = try KeyslotTable.slots(vault.database, userID: user.id, kind: "keyfile")
            let opened = try slots.lazy.compactMap { slot in
                KeyslotCrypto.unwrap(
                    slot, kek: try KeyslotCrypto.keyfileKEK(secret: file.secret, salt: slot.salt),
                    vaultID: vault.meta.vaultID, user: name)
            }.first
            guard let opened else {
                throw VaultError.denied(
                    "key file \(path) does not open a keyslot of '\(name)'; it may have been replaced")
            }
            masterKey = opened
        case .password(let password):
            let slots = try KeyslotTable.slots(vault.database, userID: user.id, kind: "password")
            var opened: SecretBytes?
            for slot in slots {
                guard let stored = slot.scrypt, let parameters = try? stored.validatedForStorage() else { continue }
                let kek = try KeyslotCrypto.passwordKEK(password: password, salt: slot.salt, parameters: parameters)
                if let key = KeyslotCrypto.unwrap(slot, kek: kek, vaultID: vault.meta.vaultID, user: name) {
                    opened = key
                    break
                }
            }
            guard let opened else { throw VaultError.denied("wrong password for '\(name)'") }
            masterKey = opened
        }
        let keys = try KeyRing(
            masterKey: masterKey, vaultID: vault.meta.vaultID, wrappedKeys: try VaultKeyTable.all(vault.database))
        return Session(vault: vault, actor: user, keys: keys)
    }

    /// Opens the recovery keyslot with the code `init` printed; returns true when it opens.
    public static func checkRecoveryCode(vault: Vault, code: String) throws -> Bool {
        guard let secret = RecoveryCode.parse(code) else { return false }
        for slot in try KeyslotTable.recoverySlots(vault.database) {
            let kek = try KeyslotCrypto.recoveryKEK(code: secret, salt: slot.salt)
            if KeyslotCrypto.unwrap(slot, kek: kek, vaultID: vault.meta.vaultID, user: "") != nil { return true }
        }
        return false
    }
}
