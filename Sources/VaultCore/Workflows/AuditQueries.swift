/// Which audit entries `audit log` shows; every given criterion must match.
public struct AuditFilter: Sendable {
    /// Actor name.
    public var user: String?
    /// Target (a reference or a user name).
    public var target: String?
    /// Action such as `get` or `user.add`.
    public var action: String?
    /// Entries at or after this date or time (ISO 8601, UTC).
    public var since: String?
    /// Entries on or before this date or time.
    public var until: String?
    /// Outcome.
    public var outcome: AuditOutcome?

    /// A filter that matches every entry.
    public init() {}
}

/// An audit entry as shown to auditors, sensitive details opened.
public struct AuditRecord: Sendable, Codable, Equatable {
    public let seq: Int
    public let at: String
    public let actor: String
    public let action: String
    public let target: String
    public let outcome: String
    public let details: String
    public let sealedDetails: String?
    public let sealed: Bool
}

/// Reading and verifying the audit log (auditor, compliance, admin).
public enum AuditQueries {
    /// Entries matching `filter`, oldest first.
    public static func log(_ filter: AuditFilter, session: Session) throws -> [AuditRecord] {
        try validate(filter)
        var note = AuditNote()
        note.details = describe(filter)
        return try session.perform(.auditLog, note: note) { note in
            var clause = WhereClause()
            clause.add("actor = ?", filter.user)
            clause.add("target = ? COLLATE NOCASE", filter.target)
            clause.add("action = ?", filter.action)
            clause.add("outcome = ?", filter.outcome?.rawValue)
            clause.add("at >= ?", filter.since)
            clause.add("substr(at, 1, length(?)) <= ?", filter.until, repeated: 2)
            let rows = try session.database.query(
                "SELECT * FROM audit_log\(clause.sql) ORDER BY seq", clause.bindings)
            let records = try rows.map { row -> AuditRecord in
                let entry = AuditEntry(row: row)
                return AuditRecord(
                    seq: entry.seq, at: entry.at, actor: entry.actor, action: entry.action, target: entry.target,
                    outcome: entry.outcome.rawValue, details: entry.details,
                    sealedDetails: try entry.sensitiveSealed.map { try session.keys.openAudit($0, seq: entry.seq) },
                    sealed: entry.mac != nil)
            }
            note.details.append("results=\(records.count)")
            return records
        }
    }

    /// Re-computes the whole chain; with `anchor`, also proves the anchored entry is still there.
    ///
    /// The verification runs before this action's own entry is appended.
    public static func verify(anchor: AuditAnchor?, session: Session) throws -> AuditVerification {
        var note = AuditNote()
        if let anchor { note.details = ["anchor=\(anchor.text)"] }
        return try session.perform(.auditVerify, note: note) { note in
            let result = try AuditVerifier.verify(
                session.database,
                keys: try AuditKeys.load(
                    session.database, masterKey: session.masterKey, vaultID: session.vault.meta.vaultID),
                anchor: anchor)
            note.details.append("entries=\(result.entries)")
            note.details.append(result.firstBroken.map { "broken-at=\($0)" } ?? "intact")
            if result.firstBroken != nil { note.outcome = .failed }
            return result
        }
    }

    /// The current anchor to publish: vault id and the last entry's sequence number and MAC.
    ///
    /// Pending failed-login entries are sealed first, and the `audit.head` entry
    /// itself is the one anchored, so the anchor covers everything up to now.
    public static func head(session: Session) throws -> (vaultID: String, anchor: AuditAnchor) {
        try session.perform(.auditHead) { _ in }
        let row = try session.database.queryOne("SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1")
        guard let row, let mac = row.bytes("mac") else {
            throw VaultError.dataError("the audit log's last entry is not sealed; run 'docvault audit verify'")
        }
        return (session.vault.meta.vaultID.hexString, AuditAnchor(seq: row.int("seq"), mac: mac))
    }

    static func validate(_ filter: AuditFilter) throws {
        for (name, value) in [("--since", filter.since), ("--until", filter.until)] {
            guard let value else { continue }
            guard Timestamp.isValidDate(value) || Timestamp.isValidTime(value) else {
                throw VaultError.usage("\(name) '\(value)' is not a date; write YYYY-MM-DD or an ISO 8601 time")
            }
        }
    }

    static func describe(_ filter: AuditFilter) -> [String] {
        var details: [String] = []
        if let value = filter.user { details.append("user=\(value)") }
        if let value = filter.target { details.append("target=\(value)") }
        if let value = filter.action { details.append("action=\(value)") }
        if let value = filter.outcome { details.append("outcome=\(value.rawValue)") }
        if let value = filter.since { details.append("since=\(value)") }
        if let value = filter.until { details.append("until=\(value)") }
        return details
    }
}
