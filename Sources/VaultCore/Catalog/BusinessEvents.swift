/// The kinds of business event that start retention periods.
public enum BusinessEventKind: String, CaseIterable, Sendable, Codable {
    /// A policy terminated (subject: the policy number).
    case policyTerminated = "policy-terminated"
    /// A claim closed (subject: the claim number).
    case claimClosed = "claim-closed"
    /// A customer relationship ended (subject: the hex of the customer ID's blind index).
    case relationshipEnded = "relationship-ended"
    /// A labour contract ended (subject: the contract number).
    case contractEnded = "contract-ended"
}

/// One `business_events` row.
public struct BusinessEvent: Sendable, Equatable {
    /// What happened.
    public let kind: BusinessEventKind
    /// The policy, claim or contract number, or the hex of a customer ID's blind index.
    public let subject: String
    /// When it happened.
    public let date: CivilDate
    /// The policy term in months (policy events only).
    public let termMonths: Int?
    /// When it was recorded (UTC).
    public let recordedAt: String
    /// Who recorded it.
    public let recordedBy: String
}

/// One thing an event names: its kind and subject.
struct BusinessEventKey: Hashable {
    let kind: BusinessEventKind
    let subject: String
}

/// Queries on `business_events`.
enum BusinessEventTable {
    /// Every event, by kind and subject; rows that fail to parse are skipped.
    static func all(_ db: Database) throws -> [BusinessEvent] {
        try db.query("SELECT * FROM business_events ORDER BY kind, subject").compactMap(event)
    }

    /// Every event by what it names, for evaluating many documents at once.
    static func lookup(_ db: Database) throws -> [BusinessEventKey: BusinessEvent] {
        var events: [BusinessEventKey: BusinessEvent] = [:]
        for event in try all(db) { events[BusinessEventKey(kind: event.kind, subject: event.subject)] = event }
        return events
    }

    /// The event of `kind` for `subject`, if recorded.
    static func find(_ db: Database, kind: BusinessEventKind, subject: String) throws -> BusinessEvent? {
        try db.queryOne("SELECT * FROM business_events WHERE kind = ? AND subject = ?", [kind.rawValue, subject])
            .flatMap(event)
    }

    /// Records `event`, replacing an earlier one for the same kind and subject.
    static func upsert(_ db: Database, _ event: BusinessEvent) throws {
        try db.run(
            """
            INSERT INTO business_events (kind, subject, event_date, term_months, recorded_at, recorded_by)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (kind, subject) DO UPDATE SET event_date = excluded.event_date,
                term_months = excluded.term_months, recorded_at = excluded.recorded_at,
                recorded_by = excluded.recorded_by
            """,
            [
                event.kind.rawValue, event.subject, event.date.description, event.termMonths, event.recordedAt,
                event.recordedBy,
            ])
    }

    private static func event(_ row: Row) -> BusinessEvent? {
        guard let kind = BusinessEventKind(rawValue: row.string("kind") ?? ""),
            let date = CivilDate(row.string("event_date") ?? "")
        else { return nil }
        return BusinessEvent(
            kind: kind, subject: row.string("subject") ?? "", date: date,
            termMonths: row["term_months"].integer.map { Int($0) }, recordedAt: row.string("recorded_at") ?? "",
            recordedBy: row.string("recorded_by") ?? "")
    }
}
