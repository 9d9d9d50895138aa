import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// What `key replace-master` produced: the key files to hand out and the new recovery code.
public struct MasterKeyReplacementOutcome: Sendable {
    /// The new key file of every enabled user, by user name.
    public let keyFiles: [(user: String, path: String)]
    /// The new recovery code; shown once, never stored.
    public let recoveryCode: String
    /// Password keyslots removed (their owners set a new password with their new key file).
    public let passwordSlotsRemoved: Int
    /// The data-key rotation that followed.
    public let rotation: RotationOutcome
}

/// Replacing a compromised master key (FileFormat.md, "Replacing a compromised master key").
///
/// One transaction re-seals every vault key and audit key under a new master key,
/// adds a data-key-wrap epoch, replaces every keyslot (a key-file slot per enabled
/// user, a new recovery slot; no password slots) and appends the audit entry, whose
/// MAC is the first under a new audit key. The new key files are written first as
/// `NAME.key.new` and moved over `NAME.key` after the commit; then every data key is
/// re-wrapped under the new epoch as `key rotate` does.
public enum MasterKeyReplacement {
    /// Replaces the master key; `progress` follows the re-wrapping that comes after.
    public static func replace(
        session: Session, batchSize: Int = KeyRotation.defaultBatchSize, progress: ((Int, Int) -> Void)? = nil
    ) throws -> MasterKeyReplacementOutcome {
        try session.authorize(.keyReplaceMaster)
        let vault = session.vault
        let db = session.database
        let vaultID = vault.meta.vaultID
        let users = try UserTable.all(db).filter { $0.disabledAt == nil }
        let newMaster = try SecretBytes.random(count: 32)
        let recoverySecret = try SecretBytes.random(count: RecoveryCode.byteCount)
        var written: [(user: UserRecord, secret: SecretBytes, path: String)] = []
        let passwords: Int
        do {
            for user in users {
                let pending = vault.location.keyFilePath(for: user.name) + ".new"
                guard !FileManager.default.fileExists(atPath: pending) else {
                    throw VaultError.cannotCreate(
                        "\(pending) is left from an interrupted replacement; if \(user.name).key still opens the vault "
                            + "delete it, otherwise move it over \(user.name).key; then run this again")
                }
            }
            try FileSystem.makeDirectory(vault.location.keys)
            for user in users {
                let secret = try SecretBytes.random(count: 32)
                let path = vault.location.keyFilePath(for: user.name)
                try KeyFile.create(at: path + ".new", vaultID: vaultID, user: user.name, secret: secret)
                written.append((user, secret, path))
            }
            passwords = try db.writeTransaction {
                try reseal(session: session, newMaster: newMaster, written: written, recoverySecret: recoverySecret)
            }
        } catch {
            for entry in written { unlink(entry.path + ".new") }
            var note = AuditNote()
            note.details = ["phase=replace"]
            session.recordFailure(action: .keyReplaceMaster, target: "", note: note, error: error)
            throw error
        }
        FaultPoint.reach("replace.committed")
        for entry in written {
            guard rename(entry.path + ".new", entry.path) == 0 else {
                throw VaultError.ioError(
                    "the master key was replaced but \(entry.path).new could not be moved over \(entry.path); "
                        + "move it by hand")
            }
        }
        try FileSystem.syncDirectory(vault.location.keys)
        let keys = try KeyRing(masterKey: newMaster, vaultID: vaultID, wrappedKeys: try VaultKeyTable.all(db))
        let renewed = try Session(vault: vault, actor: session.actor, keys: keys, masterKey: newMaster)
        renewed.clock = session.clock
        let rotation = try KeyRotation.rotate(session: renewed, batchSize: batchSize, progress: progress)
        return MasterKeyReplacementOutcome(
            keyFiles: written.map { ($0.user.name, $0.path) }, recoveryCode: RecoveryCode.format(recoverySecret),
            passwordSlotsRemoved: passwords, rotation: rotation)
    }

    /// The catalogue half of the replacement; runs inside one write transaction and returns the password slots removed.
    private static func reseal(
        session: Session, newMaster: SecretBytes, written: [(user: UserRecord, secret: SecretBytes, path: String)],
        recoverySecret: SecretBytes
    ) throws -> Int {
        let db = session.database
        let vaultID = session.vault.meta.vaultID
        let now = Timestamp.format(session.now())
        let old = try AES256GCM(key: session.masterKey)
        let new = try AES256GCM(key: newMaster)
        // Every vault key keeps its value and gets a seal under the new master key.
        for entry in try VaultKeyTable.all(db) {
            let aad = KeyLabels.vaultKeyAAD(vaultID: vaultID, purpose: entry.purpose, epoch: UInt32(entry.epoch))
            guard let key = try? old.openSecret(entry.wrapped, aad: aad) else {
                throw VaultError.dataError(
                    "the catalogue's \(entry.purpose) key failed authentication; restore from backup")
            }
            let sealed = try key.withUnsafeBytes { try new.seal($0, aad: aad) }
            try db.run(
                "UPDATE vault_keys SET wrapped_key = ? WHERE purpose = ? AND epoch = ?",
                [sealed, entry.purpose, entry.epoch])
        }
        // A fresh data-key-wrap epoch, so no data key stays under a key the old master key opens.
        let purpose = KeyRing.dataKeyWrapPurpose
        let epoch = (try VaultKeyTable.epochTimes(db, purpose: purpose).last?.epoch ?? 0) + 1
        let wrapKey = try SecretBytes.random(count: 32)
        try VaultKeyTable.insert(
            db, purpose: purpose, epoch: epoch,
            wrapped: try wrapKey.withUnsafeBytes {
                try new.seal($0, aad: KeyLabels.vaultKeyAAD(vaultID: vaultID, purpose: purpose, epoch: UInt32(epoch)))
            }, createdAt: now)
        // Keyslots: all replaced.
        let passwords = try db.queryOne("SELECT COUNT(*) AS n FROM keyslots WHERE kind = 'password'")?.int("n") ?? 0
        try db.run("DELETE FROM keyslots")
        for entry in written {
            let salt = try SecureRandom.bytes(count: 32)
            try KeyslotCrypto.insertSlot(
                db, userID: entry.user.id, user: entry.user.name, kind: "keyfile", salt: salt, scrypt: nil,
                kek: try KeyslotCrypto.keyfileKEK(secret: entry.secret, salt: salt), masterKey: newMaster,
                vaultID: vaultID, createdAt: now)
        }
        let recoverySalt = try SecureRandom.bytes(count: 32)
        try KeyslotCrypto.insertSlot(
            db, userID: nil, user: "", kind: "recovery", salt: recoverySalt, scrypt: nil,
            kek: try KeyslotCrypto.recoveryKEK(code: recoverySecret, salt: recoverySalt), masterKey: newMaster,
            vaultID: vaultID, createdAt: now)
        // Audit keys: old generations re-sealed unchanged, a new one from this entry on.
        let previous = try AuditKeys.load(db, masterKey: session.masterKey, vaultID: vaultID)
        try AuditLog.sealPending(db, key: previous.current)
        let seq = (try db.queryOne("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM audit_log")?.int("next")) ?? 1
        try db.run("DELETE FROM audit_keys")
        for generation in previous.generations {
            try AuditKeys.insert(
                db, key: generation.key, firstSeq: generation.firstSeq, masterKey: newMaster, vaultID: vaultID,
                now: now)
        }
        let auditKey = try SecretBytes.random(count: 32)
        try AuditKeys.insert(db, key: auditKey, firstSeq: seq, masterKey: newMaster, vaultID: vaultID, now: now)
        let generation = try db.queryOne("SELECT COUNT(*) AS n FROM audit_keys")?.int("n") ?? 0
        try AuditLog.append(
            db, key: auditKey, at: now, actor: session.actor.name, action: Action.keyReplaceMaster.rawValue,
            target: "", outcome: .ok,
            details: [
                "epoch=\(epoch)", "audit-key-from=\(seq)", "audit-generations=\(generation)",
                "key-files=\(written.count)", "password-slots-removed=\(passwords)",
            ].joined(separator: "; "))
        return passwords
    }
}
