/// One document whose retention has run out, as `retention due` lists it: compact, as there may be millions.
public struct RetentionDueItem: Sendable, Equatable {
    /// The reference number.
    public let reference: String
    /// Category code.
    public let category: String
    /// The document's year.
    public let year: Int
    /// Document type.
    public let docType: String?
    /// The rule applied, such as `10 y after policy-terminated` (one shared string per rule and period).
    public let rule: String
    /// The trigger date (after any cut-off).
    public let triggerDate: CivilDate
    /// The date the retention ran out.
    public let dueDate: CivilDate
    /// Holds in force that cover the document.
    public let holds: [Int]
    /// Loans still out that cover the document.
    public let loans: [Int]

    /// `held` (a hold stops destruction), `on-loan` (it must come back first), or `due`.
    public var status: String {
        if !holds.isEmpty { return "held" }
        if !loans.isEmpty { return "on-loan" }
        return "due"
    }
}

/// The documents whose retention has run out at a date.
public struct RetentionDueReport: Sendable {
    /// The date the report is for.
    public let asOf: CivilDate
    /// Due documents, oldest due date first (then by reference); held and on-loan ones included and marked.
    public let items: [RetentionDueItem]
}

/// Reading the schedule against the catalogue: what is due, and why one document is or is not.
public enum RetentionReport {
    /// Every document due at `asOf` (default: today by the session's clock), optionally of one category.
    ///
    /// Streams the documents table once over plain columns only (nothing sealed is
    /// opened); events, floors, holds in force and loans still out are loaded into
    /// dictionaries first, so no query runs per document.
    public static func due(asOf: String?, category: String?, session: Session) throws -> RetentionDueReport {
        let day = try date(asOf, session: session)
        let wanted = try category.map(checkedCategory)
        var note = AuditNote()
        note.details = ["as-of=\(day)", "category=\(wanted ?? "all")"]
        return try session.perform(.retentionDue, note: note) { note in
            let items = try dueItems(on: day, category: wanted, database: session.database)
            note.details.append("results=\(items.count)")
            return RetentionDueReport(asOf: day, items: items)
        }
    }

    /// The documents due at `day` (of `category` when given), oldest due date first; no audit entry.
    ///
    /// The caller logs the action it serves (`retention due`, `report summary`).
    static func dueItems(on day: CivilDate, category wanted: String?, database db: Database) throws
        -> [RetentionDueItem]
    {
        let schedule = RetentionSchedule(
            rules: try RetentionRuleTable.all(db), lookup: try BusinessEventTable.lookup(db))
        let floors = try RetentionFloorTable.all(db)
        let holds = try HoldTable.allInForce(db)
        let loans = try LoanTable.allOutstanding(db)
        var rules: [String: RetentionRule?] = [:]
        var ruleTexts: [String: String] = [:]
        var items: [RetentionDueItem] = []
        let filter = wanted == nil ? "" : " AND category = ?"
        let statement = try db.prepare(
            "SELECT \(RetentionDocument.columns) FROM documents WHERE status = 'active'\(filter)")
        try statement.bind(wanted.map { [$0] } ?? [])
        while let row = try statement.step() {
            let document = RetentionDocument(row: row)
            let key = document.category + "\u{0}" + (document.docType ?? "\u{1}")
            let rule: RetentionRule?
            if let cached = rules[key] {
                rule = cached
            } else {
                rule = schedule.rule(for: document)
                rules[key] = rule
            }
            let evaluation = schedule.evaluate(
                document, rule: rule, floor: floors[document.id], asOf: day, describe: false)
            guard case .due(let due) = evaluation.verdict, let trigger = evaluation.triggerDate else { continue }
            // One string per rule and period, shared by every item that has it.
            let text = evaluation.ruleText
            let shared = ruleTexts[text] ?? text
            ruleTexts[text] = shared
            items.append(
                RetentionDueItem(
                    reference: document.reference, category: document.category, year: document.year,
                    docType: document.docType, rule: shared, triggerDate: trigger, dueDate: due,
                    holds: document.holdKeys.flatMap { holds[$0] ?? [] }.sorted(), loans: loans[document.id] ?? []))
        }
        items.sort { a, b in a.dueDate != b.dueDate ? a.dueDate < b.dueDate : a.reference < b.reference }
        return items
    }

    /// Why `reference` is or is not due at `asOf` (default today); unknown references are 66.
    public static func explain(_ reference: String, asOf: String?, session: Session) throws -> RetentionEvaluation {
        let day = try date(asOf, session: session)
        var note = AuditNote()
        note.details = ["as-of=\(day)"]
        return try session.perform(.retentionExplain, target: reference.uppercased(), note: note) { note in
            let db = session.database
            let row = try CatalogQueries.row(reference, session: session)
            guard row.status == "active" else {
                throw VaultError.inputMissing(
                    Destruction.destroyedMessage(row, database: db, "it has no retention left to explain"))
            }
            guard
                let document = try db.queryOne(
                    "SELECT \(RetentionDocument.columns) FROM documents WHERE id = ?", [row.id]
                ).map(RetentionDocument.init(row:))
            else { throw VaultError.inputMissing("no document with reference \(reference)") }
            var events: [BusinessEvent] = []
            for (kind, subject) in [
                (BusinessEventKind.policyTerminated, document.policyNo), (.claimClosed, document.claimNo),
                (.relationshipEnded, document.customerIndex), (.contractEnded, document.contractNo),
            ] {
                if let subject, let event = try BusinessEventTable.find(db, kind: kind, subject: subject) {
                    events.append(event)
                }
            }
            let schedule = RetentionSchedule(rules: try RetentionRuleTable.all(db), events: events)
            var evaluation = schedule.evaluate(
                document, floor: try RetentionFloorTable.find(db, documentID: document.id), asOf: day)
            evaluation.holds = try HoldTable.inForce(db, covering: HoldSubjects(row))
            evaluation.loans = try LoanAccess.outstandingLoans(documentID: row.id, database: db)
            note.details.append("verdict=\(verdictCode(evaluation.verdict))")
            return evaluation
        }
    }

    private static func verdictCode(_ verdict: RetentionVerdict) -> String {
        switch verdict {
        case .permanent: "permanent"
        case .noTrigger: "no-trigger"
        case .notYetDue: "not-due"
        case .due: "due"
        }
    }

    private static func date(_ text: String?, session: Session) throws -> CivilDate {
        guard let text else { return CivilDate(session.now()) }
        guard text.count == 10, let date = CivilDate(text) else {
            throw VaultError.usage("--as-of '\(text)' is not a valid date; write it as YYYY-MM-DD")
        }
        return date
    }

    private static func checkedCategory(_ code: String) throws -> String {
        guard let category = Category.named(code) else {
            throw VaultError.usage(
                "unknown category '\(code)'; use one of \(Category.defaults.map(\.code).joined(separator: ", "))")
        }
        return category.code
    }
}
