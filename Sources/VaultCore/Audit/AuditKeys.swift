import FoundationEssentials

/// The audit-chain keys by the first entry each one MACs (FileFormat.md, "Audit log").
///
/// Until a master key is replaced `audit_keys` is empty and one key, derived from the
/// master key, MACs every entry. After a replacement the table holds the old key
/// (from entry 1) and the new one (from the replacement's own entry), both sealed
/// under the current master key, so old entries and anchors stay valid unchanged.
struct AuditKeys {
    /// `(first_seq, key)` in ascending order; never empty.
    let generations: [(firstSeq: Int, key: SecretBytes)]

    /// The key that MACs new entries.
    var current: SecretBytes { generations[generations.count - 1].key }

    /// The key of entry `seq`: the generation with the greatest first entry at or before it.
    func key(for seq: Int) -> SecretBytes {
        generations.last { $0.firstSeq <= seq }?.key ?? generations[0].key
    }

    /// The key derived from a master key: `HKDF-SHA-256(MK, vault id, "docvault/v1/audit")`.
    static func derived(masterKey: SecretBytes, vaultID: [UInt8]) throws -> SecretBytes {
        try HKDF.deriveKey(.sha256, inputKey: masterKey, salt: vaultID, info: KeyLabels.audit, length: 32)
    }

    /// Reads and opens every generation with `masterKey`; a row that does not open is a data error.
    static func load(_ db: Database, masterKey: SecretBytes, vaultID: [UInt8]) throws -> AuditKeys {
        let rows = try db.query("SELECT first_seq, wrapped_key FROM audit_keys ORDER BY first_seq")
        guard !rows.isEmpty else {
            return AuditKeys(generations: [(1, try derived(masterKey: masterKey, vaultID: vaultID))])
        }
        let cipher = try AES256GCM(key: masterKey)
        return AuditKeys(
            generations: try rows.map { row in
                let first = row.int("first_seq")
                guard let wrapped = row.bytes("wrapped_key"),
                    let key = try? cipher.openSecret(
                        wrapped, aad: KeyLabels.auditKeyAAD(vaultID: vaultID, firstSeq: first))
                else {
                    throw VaultError.dataError(
                        "the audit key starting at entry \(first) failed authentication; restore from backup")
                }
                return (first, key)
            })
    }

    /// The first entry of the newest stored generation, 0 while the table is empty.
    static func latestFirstSeq(_ db: Database) throws -> Int {
        try db.queryOne("SELECT COALESCE(MAX(first_seq), 0) AS f FROM audit_keys")?.int("f") ?? 0
    }

    /// Seals `key` under `masterKey` as the generation starting at entry `firstSeq` and stores it.
    static func insert(
        _ db: Database, key: SecretBytes, firstSeq: Int, masterKey: SecretBytes, vaultID: [UInt8], now: String
    ) throws {
        let wrapped = try key.withUnsafeBytes {
            try AES256GCM(key: masterKey).seal($0, aad: KeyLabels.auditKeyAAD(vaultID: vaultID, firstSeq: firstSeq))
        }
        try db.run(
            "INSERT INTO audit_keys (first_seq, wrapped_key, created_at) VALUES (?, ?, ?)", [firstSeq, wrapped, now])
    }
}
