/// A rule `retention set` creates or replaces.
public struct RetentionRuleChange: Sendable {
    /// Category code.
    public var category: String
    /// Document type words the rule is narrowed to; nil for the category's rule.
    public var docType: String?
    /// The new period.
    public var period: RetentionPeriod
    /// The trigger name (see ``RetentionTrigger``).
    public var trigger: String
    /// The legal basis; nil keeps the replaced rule's.
    public var basis: String?
    /// The short-term period (policy triggers only); nil means none.
    public var shortTermYears: Int?
    /// The year-end cut-off; nil keeps the replaced rule's (off for a new rule).
    public var yearEndCutoff: Bool?

    /// A change of `category`'s rule to `period` after `trigger`.
    public init(category: String, docType: String? = nil, period: RetentionPeriod, trigger: String) {
        self.category = category
        self.docType = docType
        self.period = period
        self.trigger = trigger
    }
}

/// What `retention set` did.
public struct RetentionRuleUpdate: Sendable, Equatable {
    /// The rule as now stored.
    public let rule: RetentionRule
    /// The rule it replaced, if any.
    public let previous: RetentionRule?
    /// Held documents whose period the change would have shortened, now kept at their old period by a floor.
    public let protected: Int
}

/// The retention schedule: anyone reads it, compliance changes it.
public enum RetentionAdministration {
    /// The longest period a rule may give, in years.
    public static let maximumYears = 200

    /// Every rule, by category (the category's rule first) and type.
    public static func rules(session: Session) throws -> [RetentionRule] {
        try session.perform(.retentionRules) { note in
            let rules = try RetentionRuleTable.all(session.database)
            note.details = ["results=\(rules.count)"]
            return rules
        }
    }

    /// Creates or replaces a rule (compliance), logged with old and new values.
    ///
    /// A change never shortens the period of a document under a hold: every held
    /// document the change would shorten gets a `retention_floors` row with its old
    /// period (an existing longer floor stays).
    @discardableResult
    public static func set(_ change: RetentionRuleChange, session: Session) throws -> RetentionRuleUpdate {
        let category = change.category.uppercased()
        let type = change.docType.flatMap(RetentionRule.normalizedType)
        let target = "retention:" + category + (type.map { "/\($0)" } ?? "")
        return try session.perform(.retentionSet, target: target) { note in
            let rule = try validated(change, category: category, type: type, session: session)
            let db = session.database
            let before = try RetentionRuleTable.all(db)
            let previous = before.first { $0.category == category && $0.docType == type }
            let merged = RetentionRule(
                category: category, docType: type, period: rule.period, shortTermYears: rule.shortTermYears,
                trigger: rule.trigger, yearEndCutoff: change.yearEndCutoff ?? previous?.yearEndCutoff ?? false,
                basis: change.basis ?? previous?.basis ?? "", updatedAt: rule.updatedAt, updatedBy: rule.updatedBy)
            try RetentionRuleTable.upsert(db, merged)
            let after = try RetentionRuleTable.all(db)
            let protected = try protectHeldDocuments(category: category, before: before, after: after, session: session)
            note.details = describe(previous, merged) + ["protected=\(protected)"]
            return RetentionRuleUpdate(rule: merged, previous: previous, protected: protected)
        }
    }

    private static func validated(
        _ change: RetentionRuleChange, category: String, type: String?, session: Session
    ) throws -> RetentionRule {
        guard Category.named(category) != nil else {
            throw VaultError.usage(
                "unknown category '\(change.category)'; use one of \(Category.defaults.map(\.code).joined(separator: ", "))"
            )
        }
        if let given = change.docType, type == nil {
            throw VaultError.usage("--type '\(given)' has no words; give a type such as annual-report")
        }
        guard let trigger = RetentionTrigger(rawValue: change.trigger.lowercased()) else {
            throw VaultError.usage("unknown trigger '\(change.trigger)'; use one of \(RetentionTrigger.names)")
        }
        if case .years(let years) = change.period, !(1...maximumYears).contains(years) {
            throw VaultError.usage("--years must be between 1 and \(maximumYears)")
        }
        if let short = change.shortTermYears {
            guard trigger.involvesPolicy else {
                throw VaultError.usage(
                    "--short-term-years applies only to the policy-terminated and claim-and-policy triggers")
            }
            guard case .years(let years) = change.period, (1...years).contains(short) else {
                throw VaultError.usage("--short-term-years must be between 1 and the rule's --years")
            }
        }
        return RetentionRule(
            category: category, docType: type, period: change.period, shortTermYears: change.shortTermYears,
            trigger: trigger, updatedAt: Timestamp.format(session.now()), updatedBy: session.actor.name)
    }

    /// Writes floors for held documents of `category` whose period the change shortens; returns how many.
    private static func protectHeldDocuments(
        category: String, before: [RetentionRule], after: [RetentionRule], session: Session
    ) throws -> Int {
        let db = session.database
        let holds = try HoldTable.allInForce(db)
        guard !holds.isEmpty else { return 0 }
        let events = try BusinessEventTable.lookup(db)
        let old = RetentionSchedule(rules: before, lookup: events)
        let new = RetentionSchedule(rules: after, lookup: events)
        let floors = try RetentionFloorTable.all(db)
        var protect: [(Int, RetentionPeriod)] = []
        let statement = try db.prepare(
            "SELECT \(RetentionDocument.columns) FROM documents WHERE category = ? AND status = 'active' ORDER BY id")
        try statement.bind([category])
        while let row = try statement.step() {
            let document = RetentionDocument(row: row)
            guard document.holdKeys.contains(where: { holds[$0] != nil }), let oldRule = old.rule(for: document)
            else { continue }
            let oldPeriod = old.basePeriod(document, rule: oldRule)
            let newPeriod = new.rule(for: document).map { new.basePeriod(document, rule: $0) } ?? oldPeriod
            guard newPeriod < oldPeriod else { continue }
            protect.append((document.id, oldPeriod))
        }
        let now = Timestamp.format(session.now())
        for (id, period) in protect where floors[id].map({ $0 < period }) ?? true {
            try RetentionFloorTable.set(db, documentID: id, period: period, at: now, by: session.actor.name)
        }
        return protect.count
    }

    /// `key=old->new` for every field of the rule (just the new values for a created rule).
    private static func describe(_ old: RetentionRule?, _ new: RetentionRule) -> [String] {
        func years(_ rule: RetentionRule) -> String { rule.period.storedYears.map(String.init) ?? "permanent" }
        func short(_ rule: RetentionRule) -> String { rule.shortTermYears.map(String.init) ?? "none" }
        func cutoff(_ rule: RetentionRule) -> String { rule.yearEndCutoff ? "yes" : "no" }
        let fields: [(String, (RetentionRule) -> String)] = [
            ("years", years), ("short-term-years", short), ("trigger", { $0.trigger.rawValue }),
            ("cutoff", cutoff), ("basis", { $0.basis }),
        ]
        var details = ["rule=\(new.scope)"]
        if old == nil { details.append("created") }
        for (name, value) in fields {
            details.append("\(name)=" + (old.map { value($0) + "->" } ?? "") + value(new))
        }
        return details
    }
}
