import FoundationEssentials

/// One data-key-wrapping epoch and how many live documents it wraps.
public struct KeyEpochStatus: Codable, Sendable, Equatable {
    /// The epoch number (FileFormat.md, "Vault keys").
    public let epoch: Int
    /// When its key was created (UTC).
    public let createdAt: String
    /// Documents whose data key is wrapped under it (destroyed tombstones have none).
    public let documents: Int
    /// Whether new filings use it (the highest epoch).
    public let current: Bool
}

/// What `key status` reports: the epochs, whether a rotation is unfinished, the master key.
public struct KeyStatus: Codable, Sendable, Equatable {
    /// Every data-key-wrap epoch, oldest first.
    public let epochs: [KeyEpochStatus]
    /// True while more than one epoch exists: `key rotate` resumes it.
    public let rotationUnfinished: Bool
    /// Destroyed documents, whose wrapped data key is erased and which no epoch wraps.
    public let destroyed: Int
    /// 1 for the master key `init` made, plus one per replacement.
    public let masterKeyGeneration: Int
    /// When the current master key was made: the vault's creation or the last replacement (UTC).
    public let masterKeyCreatedAt: String
    /// Whether the master key was ever replaced.
    public let masterKeyReplaced: Bool
}

/// What one run of `key rotate` did.
public struct RotationOutcome: Sendable, Equatable {
    /// The epoch every data key is now wrapped under.
    public let epoch: Int
    /// Data keys this run re-wrapped.
    public let rewrapped: Int
    /// Whether it continued a rotation an earlier run left unfinished.
    public let resumed: Bool
}

/// Key rotation: a new data-key-wrapping epoch, every data key re-wrapped in batches, the old epoch erased.
///
/// Blobs are never touched: only `documents.wrapped_data_key` and `key_epoch` change.
/// Starting the rotation (the new epoch row and the `key.rotate phase=start` entry) is
/// one transaction; from then on filings use the new epoch. Each batch of documents,
/// taken by `id` after the last one done, is re-wrapped in a `BEGIN IMMEDIATE`
/// transaction of its own, so a crash loses at most the batch in flight and a rerun
/// resumes where it stopped. When no live document is left on an older epoch, the old
/// `data-key-wrap` rows are deleted with the `phase=done` entry in one transaction and
/// the WAL is checkpointed; with `secure_delete` on no old wrapped key remains in
/// the catalogue file or its WAL.
public enum KeyRotation {
    /// Documents re-wrapped per transaction.
    public static let defaultBatchSize = 2000

    /// Starts a rotation, or resumes an unfinished one, and runs it to the end.
    ///
    /// `started` is told the epoch being rotated to and whether this run resumes; `progress`
    /// receives documents re-wrapped and the total this run has to do.
    @discardableResult
    public static func rotate(
        session: Session, batchSize: Int = defaultBatchSize, started: ((Int, Bool) -> Void)? = nil,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> RotationOutcome {
        try session.authorize(.keyRotate)
        let db = session.database
        let purpose = KeyRing.dataKeyWrapPurpose
        let existing = try VaultKeyTable.epochTimes(db, purpose: purpose).map(\.epoch)
        let resumed = existing.count > 1
        let epoch: Int
        if resumed, let newest = existing.last {
            epoch = newest
        } else {
            epoch = try start(session: session)
        }
        started?(epoch, resumed)
        do {
            let wraps = try KeyRing.dataKeyWraps(db, masterKey: session.masterKey, vaultID: session.vault.meta.vaultID)
            var rewrapped = 0
            while true {
                let total = try remaining(db, below: epoch)
                var done = 0
                progress?(0, total)
                var lastID = 0
                while let next = try rewrapBatch(
                    db, after: lastID, limit: max(1, batchSize), epoch: epoch, wraps: wraps,
                    vaultID: session.vault.meta.vaultID)
                {
                    lastID = next.lastID
                    done += next.rewrapped
                    rewrapped += next.rewrapped
                    FaultPoint.reach("rotate.batch-committed")
                    progress?(min(done, total), total)
                }
                FaultPoint.reach("rotate.before-cleanup")
                if try finish(session: session, epoch: epoch, rewrapped: rewrapped) { break }
            }
            try db.checkpoint()
            return RotationOutcome(epoch: epoch, rewrapped: rewrapped, resumed: resumed)
        } catch {
            var note = AuditNote()
            note.details = ["epoch=\(epoch)", "phase=rewrap"]
            session.recordFailure(action: .keyRotate, target: "", note: note, error: error)
            throw error
        }
    }

    /// The epochs and their documents, whether a rotation is unfinished, and the master key's age.
    public static func status(session: Session) throws -> KeyStatus {
        try session.perform(.keyStatus) { _ in
            let db = session.database
            let times = try VaultKeyTable.epochTimes(db, purpose: KeyRing.dataKeyWrapPurpose)
            var counts: [Int: Int] = [:]
            for row in try db.query(
                """
                SELECT key_epoch, COUNT(*) AS n FROM documents WHERE length(wrapped_data_key) > 0 GROUP BY key_epoch
                """)
            {
                counts[row.int("key_epoch")] = row.int("n")
            }
            let destroyed =
                try db.queryOne("SELECT COUNT(*) AS n FROM documents WHERE length(wrapped_data_key) = 0")?.int("n")
                ?? 0
            let newest = times.last?.epoch
            // audit_keys gains a row per replacement (plus the original key's at the first one).
            let generations = try db.query("SELECT created_at FROM audit_keys ORDER BY first_seq").map {
                $0.string("created_at") ?? ""
            }
            return KeyStatus(
                epochs: times.map {
                    KeyEpochStatus(
                        epoch: $0.epoch, createdAt: $0.createdAt, documents: counts[$0.epoch] ?? 0,
                        current: $0.epoch == newest)
                },
                rotationUnfinished: times.count > 1, destroyed: destroyed,
                masterKeyGeneration: max(1, generations.count),
                masterKeyCreatedAt: generations.last ?? session.vault.meta.createdAt,
                masterKeyReplaced: generations.count > 1)
        }
    }

    /// Inserts epoch max+1 sealed under the master key, with the `phase=start` audit entry.
    private static func start(session: Session) throws -> Int {
        try session.perform(.keyRotate) { note in
            let db = session.database
            let purpose = KeyRing.dataKeyWrapPurpose
            let epoch = (try VaultKeyTable.epochTimes(db, purpose: purpose).last?.epoch ?? 0) + 1
            let key = try SecretBytes.random(count: 32)
            let aad = KeyLabels.vaultKeyAAD(
                vaultID: session.vault.meta.vaultID, purpose: purpose, epoch: UInt32(epoch))
            let wrapped = try key.withUnsafeBytes { try AES256GCM(key: session.masterKey).seal($0, aad: aad) }
            try VaultKeyTable.insert(
                db, purpose: purpose, epoch: epoch, wrapped: wrapped, createdAt: Timestamp.format(session.now()))
            note.details = ["epoch=\(epoch)", "phase=start"]
            return epoch
        }
    }

    /// Live documents whose data key is still wrapped under an epoch older than `epoch`.
    private static func remaining(_ db: Database, below epoch: Int) throws -> Int {
        try db.queryOne(
            "SELECT COUNT(*) AS n FROM documents WHERE key_epoch < ? AND length(wrapped_data_key) > 0", [epoch]
        )?.int("n") ?? 0
    }

    /// Re-wraps the next `limit` documents after `id` in one transaction; nil when none are left.
    private static func rewrapBatch(
        _ db: Database, after id: Int, limit: Int, epoch: Int, wraps: EpochKeys, vaultID: [UInt8]
    ) throws -> (lastID: Int, rewrapped: Int)? {
        guard let target = wraps[epoch] else {
            throw VaultError.dataError("the key of epoch \(epoch) is missing; run 'docvault key status'")
        }
        return try db.writeTransaction { () -> (lastID: Int, rewrapped: Int)? in
            let rows = try db.query(
                """
                SELECT id, uid, version, key_epoch, wrapped_data_key FROM documents
                WHERE id > ? ORDER BY id LIMIT ?
                """, [id, limit])
            guard let last = rows.last else { return nil }
            let update = try db.prepare("UPDATE documents SET wrapped_data_key = ?, key_epoch = ? WHERE id = ?")
            var count = 0
            for row in rows {
                let old = row.int("key_epoch")
                guard old < epoch, let wrapped = row.bytes("wrapped_data_key"), !wrapped.isEmpty else { continue }
                guard let uidText = row.string("uid"), let uid = [UInt8](hex: uidText), let source = wraps[old] else {
                    throw VaultError.dataError(
                        "document #\(row.int("id")) names an unknown key epoch \(old); run 'docvault verify'")
                }
                let version = UInt32(row.int("version"))
                let dataKey: SecretBytes
                do {
                    dataKey = try source.openSecret(
                        wrapped,
                        aad: KeyLabels.dataKeyAAD(
                            vaultID: vaultID, documentUID: uid, version: version, epoch: UInt32(old)))
                } catch {
                    throw VaultError.dataError(
                        "document #\(row.int("id"))'s data key failed authentication; the catalogue was altered")
                }
                let rewrapped = try dataKey.withUnsafeBytes {
                    try target.seal(
                        $0,
                        aad: KeyLabels.dataKeyAAD(
                            vaultID: vaultID, documentUID: uid, version: version, epoch: UInt32(epoch)))
                }
                try update.bind([rewrapped, epoch, row.int("id")])
                _ = try update.step()
                count += 1
            }
            return (lastID: last.int("id"), rewrapped: count)
        }
    }

    /// Deletes the older epochs with the `phase=done` entry, unless a document still needs them.
    ///
    /// A filing that committed under an old epoch after the last batch read its range is
    /// found here; the caller then runs another pass.
    private static func finish(session: Session, epoch: Int, rewrapped: Int) throws -> Bool {
        let db = session.database
        return try db.writeTransaction {
            guard try remaining(db, below: epoch) == 0 else { return false }
            let deleted = try VaultKeyTable.deleteOlder(db, purpose: KeyRing.dataKeyWrapPurpose, than: epoch)
            var note = AuditNote()
            note.details = ["epoch=\(epoch)", "phase=done", "rewrapped=\(rewrapped)", "epochs-deleted=\(deleted)"]
            try session.appendAudit(action: Action.keyRotate.rawValue, target: "", outcome: .ok, note: note)
            return true
        }
    }
}
