/// Wrapping and unwrapping the master key in keyslots (FileFormat.md, "Keyslots").
///
/// keyfile: KEK = HKDF-SHA-256(secret, salt, "docvault/v1/keyslot/keyfile");
/// password: KEK = scrypt(password, salt, N, r, p); recovery: KEK =
/// HKDF-SHA-256(code, salt, "docvault/v1/keyslot/recovery"). The master key is
/// sealed with AES-256-GCM under the KEK; opening the seal is the authentication.
enum KeyslotCrypto {
    static func keyfileKEK(secret: SecretBytes, salt: [UInt8]) throws -> SecretBytes {
        try HKDF.deriveKey(.sha256, inputKey: secret, salt: salt, info: KeyLabels.keyfileSlot, length: 32)
    }

    static func recoveryKEK(code: SecretBytes, salt: [UInt8]) throws -> SecretBytes {
        try HKDF.deriveKey(.sha256, inputKey: code, salt: salt, info: KeyLabels.recoverySlot, length: 32)
    }

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
