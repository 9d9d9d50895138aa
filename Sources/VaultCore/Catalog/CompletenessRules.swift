/// One stored requirement of a complete case file: a document type it must hold or a field its documents must have.
struct CompletenessRuleRow: Equatable {
    let category: String
    /// `type` or `field`.
    let requirement: String
    let name: String
    let updatedAt: String
    let updatedBy: String
}

/// Queries on the `completeness_rules` table.
enum CompletenessRuleTable {
    /// Every requirement, by category, requirement and the order they were stored in.
    static func all(_ db: Database, category: String? = nil) throws -> [CompletenessRuleRow] {
        var clause = WhereClause()
        clause.add("category = ?", category)
        return try db.query(
            "SELECT * FROM completeness_rules\(clause.sql) ORDER BY category, requirement DESC, id", clause.bindings
        ).map {
            CompletenessRuleRow(
                category: $0.string("category") ?? "", requirement: $0.string("requirement") ?? "",
                name: $0.string("name") ?? "", updatedAt: $0.string("updated_at") ?? "",
                updatedBy: $0.string("updated_by") ?? "")
        }
    }

    /// Replaces `category`'s list of `requirement` with `names`; call inside a write transaction.
    static func replace(
        _ db: Database, category: String, requirement: String, names: [String], at: String, by: String
    ) throws {
        try db.run("DELETE FROM completeness_rules WHERE category = ? AND requirement = ?", [category, requirement])
        for name in names {
            try db.run(
                """
                INSERT INTO completeness_rules (category, requirement, name, updated_at, updated_by)
                VALUES (?, ?, ?, ?, ?)
                """, [category, requirement, name, at, by])
        }
    }
}
