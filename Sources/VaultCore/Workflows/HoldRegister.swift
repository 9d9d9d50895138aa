import FoundationEssentials

/// A legal hold as `hold list` and `hold show` present it, reasons opened.
public struct HoldDetails: Sendable, Codable, Equatable {
    /// The hold number.
    public let id: Int
    /// What it names: `document`, `policy`, `claim` or `customer`.
    public let scope: String
    /// The reference or number; for a customer, `customer` and the first 8 hex digits of the ID's blind index.
    public let subject: String
    /// `in-force` or `released`.
    public let status: String
    /// Why it was placed (stored sealed).
    public let reason: String
    /// Who placed it.
    public let placedBy: String
    /// When it was placed.
    public let placedAt: String
    /// Who released it.
    public let releasedBy: String?
    /// When it was released.
    public let releasedAt: String?
    /// Why it was released (stored sealed).
    public let releaseReason: String?
    /// How many documents (not destroyed) its subject names now, whether or not it is in force.
    public let covers: Int
}

/// Reading the register of legal holds: the list and single holds.
public enum HoldRegister {
    /// The holds in force, oldest first, or every hold with `includeReleased`.
    public static func list(includeReleased: Bool, session: Session) throws -> [HoldDetails] {
        var note = AuditNote()
        note.details = includeReleased ? ["all"] : []
        return try session.perform(.holdList, note: note) { note in
            let holds = try HoldTable.all(session.database, includeReleased: includeReleased)
            note.details.append("results=\(holds.count)")
            return try holds.map { try details(of: $0, session: session) }
        }
    }

    /// One hold, in force or released; logged as a `hold.list` of that hold.
    public static func show(_ id: Int, session: Session) throws -> HoldDetails {
        try session.perform(.holdList, target: "hold:\(id)") { _ in
            try details(of: try LegalHolds.existing(id, session), session: session)
        }
    }

    static func details(_ id: Int, session: Session) throws -> HoldDetails {
        try details(of: try LegalHolds.existing(id, session), session: session)
    }

    private static func details(of hold: HoldRow, session: Session) throws -> HoldDetails {
        let key = HoldKey(scope: hold.scope, subject: hold.subject)
        return HoldDetails(
            id: hold.id, scope: hold.scope,
            subject: hold.scope == "customer" ? "customer \(hold.subject.prefix(8))" : hold.subject,
            status: hold.releasedAt == nil ? "in-force" : "released",
            reason: try session.keys.openHold(hold.reasonSealed, holdID: hold.id, field: "reason"),
            placedBy: hold.placedBy, placedAt: hold.placedAt, releasedBy: hold.releasedBy,
            releasedAt: hold.releasedAt,
            releaseReason: try hold.releaseReasonSealed.map {
                try session.keys.openHold($0, holdID: hold.id, field: "release_reason")
            },
            covers: try HoldTable.documents(session.database, named: key).count)
    }
}
