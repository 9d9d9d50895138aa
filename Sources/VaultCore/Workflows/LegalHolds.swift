import FoundationEssentials

/// What a legal hold names.
public enum HoldScope: Sendable, Equatable {
    /// One document, by its reference.
    case reference(String)
    /// Every document filed under this policy number, now or later.
    case policy(String)
    /// Every document filed under this claim number, now or later.
    case claim(String)
    /// Every document of the customer with this ID number, now or later.
    case customerID(String)
}

/// Legal holds: compliance places one on a document, policy, claim or customer; another approver releases it.
///
/// A hold names a subject, not documents, so it also covers documents filed
/// under that policy, claim or customer after it was placed. While a hold is in
/// force no document it covers may be destroyed, whatever the retention dates.
/// Reasons are sealed with the field-seal key, bound to the hold and the field;
/// a customer is named only by the blind index of their ID.
public enum LegalHolds {
    /// Places a hold on `scope` with a reason; a policy, claim or customer may be held before anything is filed.
    public static func place(_ scope: HoldScope, reason: String, session: Session) throws -> HoldDetails {
        var note = AuditNote()
        note.sensitive = ["reason=\(reason)"]
        return try session.perform(.holdPlace, note: note) { note in
            let reason = try requireReason(reason, "hold place")
            let key = try subject(of: scope, session: session)
            let id = try HoldTable.nextID(session.database)
            try HoldTable.insert(
                session.database, id: id, key: key,
                reasonSealed: try session.keys.sealHold(reason, holdID: id, field: "reason"),
                placedBy: session.actor.name, placedAt: Timestamp.format(session.now()))
            let details = try HoldRegister.details(id, session: session)
            note.target = "hold:\(id)"
            note.details = describe(key) + ["covers=\(details.covers)"]
            return details
        }
    }

    /// Releases hold `id` with a reason; only an approver other than the one who placed it may.
    public static func release(_ id: Int, reason: String, session: Session) throws -> HoldDetails {
        var note = AuditNote()
        note.sensitive = ["reason=\(reason)"]
        return try session.perform(.holdRelease, target: "hold:\(id)", note: note) { note in
            let reason = try requireReason(reason, "hold release")
            let hold = try existing(id, session)
            if let releasedBy = hold.releasedBy {
                throw VaultError.failure(
                    "hold \(id) was already released by \(releasedBy) at \(hold.releasedAt ?? "?"); nothing to release")
            }
            guard hold.placedBy != session.actor.name else {
                throw VaultError.denied("you placed hold \(id) yourself; another approver must release hold \(id)")
            }
            try HoldTable.release(
                session.database, id: id, by: session.actor.name, at: Timestamp.format(session.now()),
                reasonSealed: try session.keys.sealHold(reason, holdID: id, field: "release_reason"))
            let details = try HoldRegister.details(id, session: session)
            note.details = describe(HoldKey(scope: hold.scope, subject: hold.subject)) + ["covers=\(details.covers)"]
            return details
        }
    }

    /// The ids of holds in force that cover a catalogued document, oldest first; empty when it is free.
    ///
    /// Retention and destruction ask this: a document with a hold in force is never destroyed.
    static func inForce(covering row: DocumentRow, database: Database) throws -> [Int] {
        try HoldTable.inForce(database, covering: HoldSubjects(row))
    }

    /// The stored hold `id`; an unknown number is input missing (66).
    static func existing(_ id: Int, _ session: Session) throws -> HoldRow {
        guard let hold = try HoldTable.find(session.database, id: id) else {
            throw VaultError.inputMissing("no hold \(id); 'docvault hold list --all' shows the holds")
        }
        return hold
    }

    /// The audit details naming what a hold holds; a customer's ID and its index stay out.
    static func describe(_ key: HoldKey) -> [String] {
        key.scope == "customer" ? ["scope=customer"] : ["scope=\(key.scope)", "subject=\(key.subject)"]
    }

    /// What `scope` names as stored: the canonical reference, the number, or the hex of the customer ID's index.
    private static func subject(of scope: HoldScope, session: Session) throws -> HoldKey {
        switch scope {
        case .reference(let reference):
            let row = try CatalogQueries.row(reference.trimmingSpaces(), session: session)
            guard row.status == "active" else {
                throw VaultError.inputMissing(
                    Destruction.destroyedMessage(row, database: session.database, "there is nothing to hold"))
            }
            return HoldKey(scope: "document", subject: row.reference)
        case .policy(let number):
            return HoldKey(scope: "policy", subject: try requireNumber(number, "--policy"))
        case .claim(let number):
            return HoldKey(scope: "claim", subject: try requireNumber(number, "--claim"))
        case .customerID(let id):
            guard let index = try session.keys.blindIndex(id, field: "customer_id") else {
                throw VaultError.usage("--customer-id needs a customer ID number")
            }
            return HoldKey(scope: "customer", subject: index.hexString)
        }
    }

    private static func requireNumber(_ text: String, _ option: String) throws -> String {
        let trimmed = text.trimmingSpacesAndNewlines()
        guard !trimmed.isEmpty else { throw VaultError.usage("\(option) needs a number") }
        return trimmed
    }

    private static func requireReason(_ reason: String, _ command: String) throws -> String {
        let trimmed = reason.trimmingSpacesAndNewlines()
        guard !trimmed.isEmpty else { throw VaultError.usage("\(command) needs --reason TEXT") }
        return trimmed
    }
}
