/// The hash-chained audit log in the catalogue (FileFormat.md, "Audit log").
///
/// `mac[n] = HMAC-SHA-256(audit key, mac[n-1] || canonical(entry n))`, with
/// `mac[0]` 32 zero bytes. Entries are appended inside the transaction of the
/// action they record. Failed logins happen without the key, so they are stored
/// with no MAC and sealed into the chain, in order, by the next authenticated append.
enum AuditLog {
    /// The MAC that precedes the first entry.
    static let genesis = [UInt8](repeating: 0, count: 32)

    /// Appends an entry; with `key`, first seals any pending entries, then MACs the new one.
    ///
    /// Must run inside a write transaction. Returns the new entry's sequence number.
    @discardableResult
    static func append(
        _ db: Database, key: SecretBytes?, at: String, actor: String, action: String, target: String,
        outcome: AuditOutcome, details: String, sensitive: ((Int) throws -> [UInt8]?)? = nil
    ) throws -> Int {
        if let key { try sealPending(db, key: key) }
        let seq = (try db.queryOne("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM audit_log")?.int("next")) ?? 1
        var entry = AuditEntry(
            seq: seq, at: at, actor: actor, action: action, target: target, outcome: outcome, details: details,
            sensitiveSealed: try sensitive?(seq), mac: nil)
        if let key {
            let previous = try lastMAC(db, before: seq)
            entry = entry.withMAC(try mac(key: key, previous: previous, entry: entry))
        }
        try db.run(
            """
            INSERT INTO audit_log (seq, at, actor, action, target, outcome, details, sensitive_sealed, mac)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                entry.seq, entry.at, entry.actor, entry.action, entry.target, entry.outcome.rawValue, entry.details,
                entry.sensitiveSealed, entry.mac,
            ])
        return seq
    }

    /// Whether an entry may legitimately lack a MAC: a refused login or recovery, written before any key was open.
    ///
    /// Anything else without a MAC was not written by docvault; it is never sealed,
    /// so `audit verify` reports it instead of blessing a forged entry.
    static func mayBeUnsealed(_ entry: AuditEntry) -> Bool {
        (entry.action == "login" || entry.action == "recover") && entry.outcome == .denied
    }

    /// Computes and stores the MACs of entries written without the key (refused logins).
    static func sealPending(_ db: Database, key: SecretBytes) throws {
        let pending = try db.query("SELECT * FROM audit_log WHERE mac IS NULL ORDER BY seq").map(AuditEntry.init(row:))
        guard let first = pending.first else { return }
        var previous = try lastMAC(db, before: first.seq)
        for entry in pending {
            guard mayBeUnsealed(entry) else { return }
            let value = try mac(key: key, previous: previous, entry: entry)
            try db.run("UPDATE audit_log SET mac = ? WHERE seq = ?", [value, entry.seq])
            previous = value
        }
    }

    static func lastMAC(_ db: Database, before seq: Int) throws -> [UInt8] {
        guard seq > 1 else { return genesis }
        guard let row = try db.queryOne("SELECT mac FROM audit_log WHERE seq = ?", [seq - 1]),
            let value = row.bytes("mac")
        else { return genesis }
        return value
    }

    static func mac(key: SecretBytes, previous: [UInt8], entry: AuditEntry) throws -> [UInt8] {
        try HMAC.authenticate(.sha256, key: key, message: previous + entry.canonicalEncoding)
    }
}

extension AuditEntry {
    func withMAC(_ mac: [UInt8]) -> AuditEntry {
        AuditEntry(
            seq: seq, at: at, actor: actor, action: action, target: target, outcome: outcome, details: details,
            sensitiveSealed: sensitiveSealed, mac: mac)
    }
}
