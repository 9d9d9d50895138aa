/// The result of re-computing the audit chain.
public struct AuditVerification: Sendable, Equatable {
    /// Entries checked.
    public let entries: Int
    /// Failed-login entries at the end that no authenticated action has sealed yet.
    public let pendingAtEnd: Int
    /// The first entry that does not verify, if any.
    public let firstBroken: Int?
    /// Why it does not verify.
    public let problem: String?
    /// Sequence number and MAC of the last sealed entry: the anchor to publish.
    public let head: (seq: Int, mac: [UInt8])?

    public static func == (lhs: AuditVerification, rhs: AuditVerification) -> Bool {
        lhs.entries == rhs.entries && lhs.pendingAtEnd == rhs.pendingAtEnd && lhs.firstBroken == rhs.firstBroken
            && lhs.problem == rhs.problem && lhs.head?.seq == rhs.head?.seq && lhs.head?.mac == rhs.head?.mac
    }
}

/// A published point of the chain: "entry `seq` had MAC `mac`".
public struct AuditAnchor: Sendable, Equatable {
    /// Sequence number.
    public let seq: Int
    /// The entry's MAC.
    public let mac: [UInt8]

    /// Parses `SEQ:HEX`; nil when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let seq = Int(parts[0]), seq > 0, let mac = [UInt8](hex: String(parts[1])),
            mac.count == 32
        else { return nil }
        self.seq = seq
        self.mac = mac
    }

    /// Creates an anchor from its parts.
    public init(seq: Int, mac: [UInt8]) {
        self.seq = seq
        self.mac = mac
    }

    /// `SEQ:HEX`.
    public var text: String { "\(seq):\(mac.hexString)" }
}

/// Re-computes the chain entry by entry.
enum AuditVerifier {
    /// Walks the whole log in sequence order; stops at the first entry that does not verify.
    ///
    /// With `anchor`, also requires that entry `anchor.seq` exists and has exactly that
    /// MAC, which detects a log cut back or a catalogue replaced by an older copy.
    static func verify(_ db: Database, key: SecretBytes, anchor: AuditAnchor?) throws -> AuditVerification {
        try verify(db, keys: AuditKeys(generations: [(1, key)]), anchor: anchor)
    }

    /// Walks the whole log with the key of each entry's generation (see ``AuditKeys``).
    static func verify(_ db: Database, keys: AuditKeys, anchor: AuditAnchor?) throws -> AuditVerification {
        let statement = try db.prepare("SELECT * FROM audit_log ORDER BY seq")
        try statement.bind([])
        var previous = AuditLog.genesis
        var expectedSeq = 1
        var pending = 0
        var head: (Int, [UInt8])?
        var anchorSeen = false
        func broken(_ seq: Int, _ problem: String) -> AuditVerification {
            AuditVerification(
                entries: expectedSeq - 1, pendingAtEnd: 0, firstBroken: seq, problem: problem, head: head)
        }
        while let row = try statement.step() {
            let entry = AuditEntry(row: row)
            guard entry.seq == expectedSeq else {
                return broken(
                    expectedSeq, entry.seq > expectedSeq ? "entry \(expectedSeq) is missing" : "sequence out of order")
            }
            if let mac = entry.mac {
                if pending > 0 { return broken(entry.seq - pending, "an unsealed entry precedes a sealed one") }
                let computed = try AuditLog.mac(key: keys.key(for: entry.seq), previous: previous, entry: entry)
                guard constantTimeEquals(computed, mac) else {
                    return broken(entry.seq, "its MAC does not match (edited, reordered, or a predecessor removed)")
                }
                previous = mac
                head = (entry.seq, mac)
                if let anchor, anchor.seq == entry.seq {
                    guard constantTimeEquals(anchor.mac, mac) else {
                        return broken(entry.seq, "it differs from the published anchor")
                    }
                    anchorSeen = true
                }
            } else {
                guard AuditLog.mayBeUnsealed(entry) else {
                    return broken(entry.seq, "it has no MAC but is not a refused login (inserted without the key)")
                }
                pending += 1
            }
            expectedSeq += 1
        }
        if let anchor, !anchorSeen {
            return broken(
                anchor.seq, "the anchored entry is missing or unsealed: the log was cut back or the catalogue replaced")
        }
        return AuditVerification(
            entries: expectedSeq - 1, pendingAtEnd: pending, firstBroken: nil, problem: nil, head: head)
    }
}
