import FoundationEssentials

/// Whose or what access `report access` reports on.
public enum AccessSubject: Sendable, Equatable {
    /// One document, by reference.
    case reference(String)
    /// One user's reads, searches and refused attempts.
    case user(String)
    /// Every document of a category.
    case category(String)
}

/// One read, search, export or refused attempt, from the audit log.
public struct AccessEntry: Sendable, Codable, Equatable {
    /// The audit entry's sequence number.
    public let seq: Int
    /// When (ISO 8601, UTC).
    public let at: String
    /// Who.
    public let actor: String
    /// `get`, `show`, `export` or `search`.
    public let action: String
    /// The reference (empty for a search, which names no document).
    public let target: String
    /// The category of the target document, when the target is one.
    public let category: String?
    /// `ok`, `denied` or `failed`.
    public let outcome: String
    /// The entry's clear details (such as `refused=no-loan`); sealed details stay sealed.
    public let details: String

    private enum CodingKeys: String, CodingKey {
        case seq, at, actor, action, target, category, outcome, details
    }

    /// Encodes every key, `category` as null for a search, so each JSON entry has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(seq, forKey: .seq)
        try container.encode(at, forKey: .at)
        try container.encode(actor, forKey: .actor)
        try container.encode(action, forKey: .action)
        try container.encode(target, forKey: .target)
        try container.encode(category, forKey: .category)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(details, forKey: .details)
    }
}

/// Access counts of one category (`-` for searches, which name no document).
public struct AccessCount: Sendable, Codable, Equatable {
    /// Category code, or `-`.
    public let category: String
    /// Entries that succeeded.
    public let ok: Int
    /// Entries refused (no loan, no role).
    public let denied: Int
    /// Entries that failed otherwise.
    public let failed: Int
    /// All entries.
    public let total: Int

    /// Counts of one category.
    public init(category: String, ok: Int, denied: Int, failed: Int) {
        self.category = category
        self.ok = ok
        self.denied = denied
        self.failed = failed
        self.total = ok + denied + failed
    }
}

/// What `report access` found: the entries, oldest first, and the counts per category.
public struct AccessReport: Sendable, Codable, Equatable {
    /// The entries, oldest first.
    public let entries: [AccessEntry]
    /// Counts per category, in category order.
    public let perCategory: [AccessCount]
}

extension AccessReport {
    /// The audit actions that are accesses to content or the catalogue.
    public static let actions = ["get", "show", "export", "search"]

    /// Who read what and when for `subject`, from `since` (a date or ISO time) on; one `report.access` entry.
    ///
    /// Each subject is served by an index: a reference and a category through the audit
    /// log's target index, a user through its actor index. Searches name no document, so
    /// they appear in a user's report only. Sealed details (search terms, refusal messages)
    /// are not opened.
    public static func make(_ subject: AccessSubject, since: String?, session: Session) throws -> AccessReport {
        var filter = AuditFilter()
        filter.since = since
        try AuditQueries.validate(filter)
        let (target, detail) = describe(subject)
        var note = AuditNote()
        note.details = [detail] + (since.map { ["since=\($0)"] } ?? [])
        return try session.perform(.reportAccess, target: target, note: note) { note in
            let db = session.database
            let actions = actions.map { "'\($0)'" }.joined(separator: ", ")
            let columns = "a.seq, a.at, a.actor, a.action, a.target, a.outcome, a.details, d.category"
            let sinceClause = since == nil ? "" : " AND a.at >= ?"
            let sql: String
            var bindings: [any SQLBindable]
            switch subject {
            case .reference(let reference):
                guard let row = try DocumentTable.find(db, reference: reference.uppercased()) else {
                    throw VaultError.inputMissing(
                        "no document with reference \(reference); 'docvault search' finds references")
                }
                sql = """
                    SELECT \(columns) FROM audit_log a LEFT JOIN documents d ON d.reference = a.target
                    WHERE a.target = ? AND a.action IN (\(actions))\(sinceClause) ORDER BY a.seq
                    """
                bindings = [row.reference]
            case .user(let name):
                guard try UserTable.find(db, name: name) != nil else {
                    throw VaultError.inputMissing("no user '\(name)' in this vault; 'docvault user list' shows them")
                }
                sql = """
                    SELECT \(columns) FROM audit_log a LEFT JOIN documents d ON d.reference = a.target
                    WHERE a.actor = ? AND a.action IN (\(actions))\(sinceClause) ORDER BY a.seq
                    """
                bindings = [name]
            case .category(let code):
                guard let category = Category.named(code) else {
                    throw VaultError.usage(
                        "unknown category '\(code)'; use one of "
                            + Category.defaults.map(\.code).joined(separator: ", "))
                }
                // CROSS JOIN keeps SQLite's order: the category's documents first, then each one's entries.
                sql = """
                    SELECT \(columns) FROM documents d CROSS JOIN audit_log a ON a.target = d.reference
                    WHERE d.category = ? AND a.action IN (\(actions))\(sinceClause) ORDER BY a.seq
                    """
                bindings = [category.code]
            }
            if let since { bindings.append(since) }
            let entries = try db.query(sql, bindings).map { row in
                AccessEntry(
                    seq: row.int("seq"), at: row.string("at") ?? "", actor: row.string("actor") ?? "",
                    action: row.string("action") ?? "", target: row.string("target") ?? "",
                    category: row.string("category"), outcome: row.string("outcome") ?? "",
                    details: row.string("details") ?? "")
            }
            note.details.append("results=\(entries.count)")
            return AccessReport(entries: entries, perCategory: counts(entries))
        }
    }

    static func counts(_ entries: [AccessEntry]) -> [AccessCount] {
        var tally: [String: [String: Int]] = [:]
        for entry in entries { tally[entry.category ?? "-", default: [:]][entry.outcome, default: 0] += 1 }
        return tally.keys.sorted().map { category in
            let counts = tally[category] ?? [:]
            return AccessCount(
                category: category, ok: counts["ok"] ?? 0, denied: counts["denied"] ?? 0,
                failed: counts["failed"] ?? 0)
        }
    }

    private static func describe(_ subject: AccessSubject) -> (target: String, detail: String) {
        switch subject {
        case .reference(let reference): (reference.uppercased(), "by=ref")
        case .user(let name): (name, "by=user")
        case .category(let code): ("category:\(code.uppercased())", "by=category")
        }
    }
}
