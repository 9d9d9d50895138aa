/// What happened to an action: done, refused by permission or credential, or failed.
public enum AuditOutcome: String, Sendable, Codable, CaseIterable {
    case ok
    case denied
    case failed
}

/// One audit log entry as stored.
public struct AuditEntry: Sendable, Equatable, Codable {
    /// Position in the log, from 1, without gaps.
    public let seq: Int
    /// UTC time, ISO 8601.
    public let at: String
    /// Who acted (the attempted name for failed logins).
    public let actor: String
    /// What was attempted: `get`, `user.add`, `login` and so on.
    public let action: String
    /// What it concerned: a reference, a user name, or empty.
    public let target: String
    /// The outcome.
    public let outcome: AuditOutcome
    /// Non-sensitive details, `key=value` pairs separated by `; `.
    public let details: String
    /// Sensitive details (search terms naming customers) sealed under the field key; nil when none.
    public let sensitiveSealed: [UInt8]?
    /// HMAC-SHA-256 chain value; nil while a failed-login entry waits to be sealed.
    public let mac: [UInt8]?

    init(row: Row) {
        seq = row.int("seq")
        at = row.string("at") ?? ""
        actor = row.string("actor") ?? ""
        action = row.string("action") ?? ""
        target = row.string("target") ?? ""
        outcome = AuditOutcome(rawValue: row.string("outcome") ?? "") ?? .failed
        details = row.string("details") ?? ""
        sensitiveSealed = row.bytes("sensitive_sealed")
        mac = row.bytes("mac")
    }

    init(
        seq: Int, at: String, actor: String, action: String, target: String, outcome: AuditOutcome, details: String,
        sensitiveSealed: [UInt8]?, mac: [UInt8]?
    ) {
        self.seq = seq
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.details = details
        self.sensitiveSealed = sensitiveSealed
        self.mac = mac
    }

    /// The canonical encoding the MAC covers (FileFormat.md, "Audit log").
    ///
    /// `u64be(seq)` then, for at, actor, action, target, outcome, details and the
    /// sealed sensitive bytes (empty when absent), `u32be(length) || bytes`.
    var canonicalEncoding: [UInt8] {
        var out = bigEndianBytes(UInt64(seq))
        for field in [at, actor, action, target, outcome.rawValue, details] {
            let bytes = Array(field.utf8)
            out += bigEndianBytes(UInt32(bytes.count)) + bytes
        }
        let sealed = sensitiveSealed ?? []
        out += bigEndianBytes(UInt32(sealed.count)) + sealed
        return out
    }
}
