/// The secret a user presents to open a keyslot of the matching kind.
package enum KeyslotCredential {
    /// The 32-byte secret of a key file; opens `keyfile` slots.
    case keyFileSecret(SecretBytes)
    /// The UTF-8 bytes of a password; opens `password` slots.
    case password(SecretBytes)
    /// The 20 bytes of a parsed recovery code; opens the `recovery` slot.
    case recoveryCode(SecretBytes)

    /// The keyslot kind this credential opens.
    package var kind: String {
        switch self {
        case .keyFileSecret: "keyfile"
        case .password: "password"
        case .recoveryCode: "recovery"
        }
    }
}

/// Wrapping and unwrapping the master key in keyslots (FileFormat.md, "Keyslots").
///
/// keyfile: KEK = HKDF-SHA-256(secret, salt, "docvault/v1/keyslot/keyfile");
/// password: KEK = scrypt(password, salt, N, r, p); recovery: KEK =
/// HKDF-SHA-256(code, salt, "docvault/v1/keyslot/recovery"). The master key is
/// sealed with AES-256-GCM under the KEK; opening the seal is the authentication.
package enum KeyslotCrypto {
    /// The KEK of a key-file slot.
    package static func keyfileKEK(secret: SecretBytes, salt: [UInt8]) throws -> SecretBytes {
        try HKDF.deriveKey(.sha256, inputKey: secret, salt: salt, info: KeyLabels.keyfileSlot, length: 32)
    }

    /// The KEK of the recovery slot.
    package static func recoveryKEK(code: SecretBytes, salt: [UInt8]) throws -> SecretBytes {
        try HKDF.deriveKey(.sha256, inputKey: code, salt: salt, info: KeyLabels.recoverySlot, length: 32)
    }

    /// The KEK of a password slot: scrypt with `parameters` as given (validate stored ones first).
    static func passwordKEK(password: SecretBytes, salt: [UInt8], parameters: ScryptParameters) throws -> SecretBytes {
        try Scrypt.derive(password: password, salt: salt, parameters: parameters, length: 32)
    }

    /// Seals `masterKey` under `kek` for a slot of `kind` belonging to `user` ("" for recovery).
    static func wrap(masterKey: SecretBytes, kek: SecretBytes, vaultID: [UInt8], kind: String, user: String) throws
        -> [UInt8]
    {
        let aad = KeyLabels.keyslotAAD(vaultID: vaultID, kind: kind, user: user)
        return try masterKey.withUnsafeBytes { try AES256GCM(key: kek).seal($0, aad: aad) }
    }

    /// Opens a keyslot's seal; nil when the credential does not open it.
    static func unwrap(_ slot: KeyslotRecord, kek: SecretBytes, vaultID: [UInt8], user: String) -> SecretBytes? {
        let aad = KeyLabels.keyslotAAD(vaultID: vaultID, kind: slot.kind, user: user)
        guard let master = try? AES256GCM(key: kek).openSecret(slot.wrappedMasterKey, aad: aad), master.count == 32
        else { return nil }
        return master
    }

    /// Opens `slot` with `credential`; nil when the slot is of another kind, is malformed or does not open.
    ///
    /// Everything read from the slot is checked before any key is derived: a password
    /// slot's scrypt parameters must pass ``ScryptParameters/validatedForStorage()``,
    /// so a tampered slot cannot make the reader run scrypt with a huge N (or a tiny
    /// one). `passwordKDF` is the real scrypt except in the fuzz harness, which swaps
    /// it for a cheap stand-in after checking the parameters it is handed.
    package static func open(
        _ slot: KeyslotRecord, with credential: KeyslotCredential, vaultID: [UInt8], user: String,
        passwordKDF: (SecretBytes, [UInt8], ScryptParameters) throws -> SecretBytes = {
            try passwordKEK(password: $0, salt: $1, parameters: $2)
        }
    ) throws -> SecretBytes? {
        guard slot.kind == credential.kind else { return nil }
        let kek: SecretBytes
        switch credential {
        case .keyFileSecret(let secret):
            guard slot.scrypt == nil else { return nil }
            kek = try keyfileKEK(secret: secret, salt: slot.salt)
        case .recoveryCode(let code):
            guard slot.scrypt == nil else { return nil }
            kek = try recoveryKEK(code: code, salt: slot.salt)
        case .password(let password):
            guard let stored = slot.scrypt, let parameters = try? stored.validatedForStorage() else { return nil }
            kek = try passwordKDF(password, slot.salt, parameters)
        }
        return unwrap(slot, kek: kek, vaultID: vaultID, user: user)
    }

    /// Inserts a keyslot of `kind` for `user` that wraps `masterKey` under `kek`.
    static func insertSlot(
        _ db: Database, userID: Int?, user: String, kind: String, salt: [UInt8], scrypt: ScryptParameters?,
        kek: SecretBytes, masterKey: SecretBytes, vaultID: [UInt8], createdAt: String
    ) throws {
        try KeyslotTable.insert(
            db, userID: userID, kind: kind, salt: salt, scrypt: scrypt,
            wrapped: try wrap(masterKey: masterKey, kek: kek, vaultID: vaultID, kind: kind, user: user),
            createdAt: createdAt)
    }
}
