/// What a business event names: a policy (with its term), a claim, a customer or a labour contract.
public enum BusinessEventSubject: Sendable, Equatable {
    /// A policy terminated; `termMonths` is the policy term, for the short-term period.
    case policy(String, termMonths: Int?)
    /// A claim closed.
    case claim(String)
    /// A customer relationship ended; the ID is stored only as its blind index.
    case customerID(String)
    /// A labour contract ended.
    case contract(String)
}

/// A recorded event as `event list` shows it: customers by `customer` and the first 8 hex digits of the index.
public struct BusinessEventListing: Sendable, Codable, Equatable {
    /// The event kind.
    public let kind: String
    /// The policy, claim or contract number, or `customer 1a2b3c4d`.
    public let subject: String
    /// The event date.
    public let date: String
    /// The policy term in months.
    public let termMonths: Int?
    /// When it was recorded.
    public let recordedAt: String
    /// Who recorded it.
    public let recordedBy: String

    init(_ event: BusinessEvent) {
        kind = event.kind.rawValue
        subject =
            event.kind == .relationshipEnded ? RetentionDocument.customerLabel(event.subject) : event.subject
        date = event.date.description
        termMonths = event.termMonths
        recordedAt = event.recordedAt
        recordedBy = event.recordedBy
    }
}

/// What `event record` did: the event as now stored, and the date it replaced when it was a correction.
public struct RecordedBusinessEvent: Sendable, Equatable {
    /// The event as listed.
    public let event: BusinessEventListing
    /// The earlier date when this corrected an event; nil for a first recording.
    public let correctedFrom: String?
}

/// Recording the business events that start retention periods (archivist), and listing them.
public enum BusinessEventRecording {
    /// Records that `subject`'s event happened on `date`; recording again corrects it (logged old → new).
    ///
    /// The date must be a real `YYYY-MM-DD` date, not after today. A customer is
    /// stored and logged only as its blind index, never the ID.
    @discardableResult
    public static func record(_ subject: BusinessEventSubject, date: String, session: Session) throws
        -> RecordedBusinessEvent
    {
        try session.perform(.eventRecord) { note in
            guard let day = CivilDate(date), date.count == 10 else {
                throw VaultError.usage("date '\(date)' is not a valid date; write it as YYYY-MM-DD")
            }
            let today = CivilDate(session.now())
            guard day <= today else {
                throw VaultError.usage("\(date) is in the future; record an event once it has happened")
            }
            let (kind, key, label, term) = try resolve(subject, session: session)
            let old = try BusinessEventTable.find(session.database, kind: kind, subject: key)
            let event = BusinessEvent(
                kind: kind, subject: key, date: day, termMonths: term, recordedAt: Timestamp.format(session.now()),
                recordedBy: session.actor.name)
            try BusinessEventTable.upsert(session.database, event)
            note.target = label
            note.details = ["kind=\(kind.rawValue)", "date=" + (old.map { "\($0.date)->" } ?? "") + "\(day)"]
            if kind == .policyTerminated {
                let before = old.map { ($0.termMonths.map(String.init) ?? "none") + "->" } ?? ""
                note.details.append("term-months=\(before)\(term.map(String.init) ?? "none")")
            }
            if old != nil { note.details.append("correction") }
            return RecordedBusinessEvent(event: BusinessEventListing(event), correctedFrom: old?.date.description)
        }
    }

    /// Every recorded event, by kind and subject.
    public static func list(session: Session) throws -> [BusinessEventListing] {
        try session.perform(.eventList) { note in
            let events = try BusinessEventTable.all(session.database).map(BusinessEventListing.init)
            note.details = ["results=\(events.count)"]
            return events
        }
    }

    /// The kind, stored subject, audit target and term of `subject`; usage errors for empty or odd values.
    private static func resolve(_ subject: BusinessEventSubject, session: Session) throws
        -> (BusinessEventKind, String, String, Int?)
    {
        func number(_ text: String, _ what: String) throws -> String {
            let trimmed = text.trimmingSpacesAndNewlines()
            guard !trimmed.isEmpty else { throw VaultError.usage("give the \(what) number") }
            return trimmed
        }
        switch subject {
        case .policy(let text, let term):
            if let term, !(1...1200).contains(term) {
                throw VaultError.usage("--term-months must be between 1 and 1200")
            }
            let policy = try number(text, "policy")
            return (.policyTerminated, policy, "policy:\(policy)", term)
        case .claim(let text):
            let claim = try number(text, "claim")
            return (.claimClosed, claim, "claim:\(claim)", nil)
        case .contract(let text):
            let contract = try number(text, "contract")
            return (.contractEnded, contract, "contract:\(contract)", nil)
        case .customerID(let id):
            guard let index = try session.keys.blindIndex(id, field: "customer_id") else {
                throw VaultError.usage("give the customer ID")
            }
            let hex = index.hexString
            return (.relationshipEnded, hex, "customer:\(hex.prefix(8))", nil)
        }
    }
}
