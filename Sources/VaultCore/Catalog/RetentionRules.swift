/// Queries on `retention_rules` and `retention_floors`.
enum RetentionRuleTable {
    /// Every rule, by category and type (the category's rule first).
    static func all(_ db: Database) throws -> [RetentionRule] {
        try db.query("SELECT * FROM retention_rules ORDER BY category, doc_type IS NOT NULL, doc_type").compactMap {
            row in
            guard let trigger = RetentionTrigger(rawValue: row.string("trigger") ?? "") else { return nil }
            return RetentionRule(
                category: row.string("category") ?? "", docType: row.string("doc_type"),
                period: RetentionPeriod(storedYears: row["years"].integer.map { Int($0) }),
                shortTermYears: row["short_term_years"].integer.map { Int($0) }, trigger: trigger,
                yearEndCutoff: row.int("year_end_cutoff") == 1, basis: row.string("basis") ?? "",
                updatedAt: row.string("updated_at") ?? "", updatedBy: row.string("updated_by") ?? "")
        }
    }

    /// Inserts `rule`, or replaces the rule of the same category and type.
    static func upsert(_ db: Database, _ rule: RetentionRule) throws {
        try db.run(
            "DELETE FROM retention_rules WHERE category = ? AND COALESCE(doc_type, '') = ?",
            [rule.category, rule.docType ?? ""])
        try db.run(
            """
            INSERT INTO retention_rules (category, doc_type, years, short_term_years, trigger, year_end_cutoff, basis,
                updated_at, updated_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                rule.category, rule.docType, rule.period.storedYears, rule.shortTermYears, rule.trigger.rawValue,
                rule.yearEndCutoff ? 1 : 0, rule.basis, rule.updatedAt, rule.updatedBy,
            ])
    }
}

/// Queries on `retention_floors`: the period a held document had when its rule was shortened.
enum RetentionFloorTable {
    /// Every floor by document id.
    static func all(_ db: Database) throws -> [Int: RetentionPeriod] {
        var floors: [Int: RetentionPeriod] = [:]
        for row in try db.query("SELECT document_id, years FROM retention_floors") {
            floors[row.int("document_id")] = RetentionPeriod(storedYears: row["years"].integer.map { Int($0) })
        }
        return floors
    }

    /// The floor of one document, if any.
    static func find(_ db: Database, documentID: Int) throws -> RetentionPeriod? {
        try db.queryOne("SELECT years FROM retention_floors WHERE document_id = ?", [documentID]).map {
            RetentionPeriod(storedYears: $0["years"].integer.map { Int($0) })
        }
    }

    /// Sets the floor of a document (the caller keeps any longer floor).
    static func set(_ db: Database, documentID: Int, period: RetentionPeriod, at: String, by: String) throws {
        try db.run(
            """
            INSERT INTO retention_floors (document_id, years, set_at, set_by) VALUES (?, ?, ?, ?)
            ON CONFLICT (document_id) DO UPDATE SET years = excluded.years, set_at = excluded.set_at,
                set_by = excluded.set_by
            """, [documentID, period.storedYears, at, by])
    }
}
