import FoundationEssentials

/// One incomplete case file, or one document that belongs to no case file because its grouping field is missing.
public struct IncompleteCaseFile: Sendable, Equatable, Codable {
    /// Category code.
    public let category: String
    /// The claim or policy number, the masked customer ID, or the document's reference when it has none.
    public let caseFile: String
    /// How many active documents the case file holds.
    public let documents: Int
    /// Their references, in filing order.
    public let references: [String]
    /// What it lacks: required types by name, then fields ("claim number", "policy number on 2 documents").
    public let lacks: [String]
}

/// What `completeness check` found.
public struct CompletenessReport: Sendable, Equatable {
    /// How many case files (and loose documents) the check looked at.
    public let checked: Int
    /// The incomplete ones, by category, then case file.
    public let incomplete: [IncompleteCaseFile]
}

/// Completeness rules: what a case file must hold, who may change it, and which case files fall short.
public enum Completeness {
    /// The requirements of every category with case files (UW, CL, CU).
    public static func rules(session: Session) throws -> [CompletenessRequirements] {
        try session.perform(.completenessRules) { note in
            let rows = try CompletenessRuleTable.all(session.database)
            note.details = ["results=\(rows.count)"]
            return CompletenessRequirements.caseFileCategories.map {
                CompletenessRequirements(category: $0, rows: rows)
            }
        }
    }

    /// Replaces one category's required types or fields (compliance), logged with old and new lists.
    @discardableResult
    public static func set(_ change: CompletenessChange, session: Session) throws -> CompletenessRequirements {
        let category = change.category.uppercased()
        return try session.perform(.completenessSet, target: "completeness:\(category)") { note in
            guard CompletenessRequirements.caseFileFields[category] != nil else {
                throw VaultError.usage(
                    "completeness rules apply to case files: use category "
                        + CompletenessRequirements.caseFileCategories.joined(separator: ", "))
            }
            let names = try validatedNames(change)
            let db = session.database
            let before = CompletenessRequirements(category: category, rows: try CompletenessRuleTable.all(db))
            let old = change.kind == .types ? before.types : before.fields.map(\.rawValue)
            try CompletenessRuleTable.replace(
                db, category: category, requirement: change.kind == .types ? "type" : "field", names: names,
                at: Timestamp.format(session.now()), by: session.actor.name)
            note.details = ["\(change.kind.rawValue)=\(old.joined(separator: ","))->\(names.joined(separator: ","))"]
            return CompletenessRequirements(category: category, rows: try CompletenessRuleTable.all(db))
        }
    }

    /// The names of `change`, normalised and without repeats; a usage error names the first bad one.
    static func validatedNames(_ change: CompletenessChange) throws -> [String] {
        let text = change.names.trimmingSpaces()
        guard !text.isEmpty else { return [] }
        var names: [String] = []
        for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
            let given = piece.trimmingSpaces()
            let name: String
            switch change.kind {
            case .types:
                guard let type = RetentionRule.normalizedType(given) else {
                    throw VaultError.usage(
                        "--types has an empty name; give types such as claim-form,id-copy (or \"\" for none)")
                }
                guard
                    type.unicodeScalars.allSatisfy({
                        $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-"
                    })
                else {
                    throw VaultError.usage("type '\(given)' may hold only letters, digits, '-', '_' and spaces")
                }
                name = type
            case .fields:
                guard let field = RequiredField(rawValue: given.lowercased()) else {
                    throw VaultError.usage("unknown field '\(given)'; use \(RequiredField.names)")
                }
                name = field.rawValue
            }
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Lists incomplete case files of `category` (all with case files when nil) touching `year` (all when nil).
    ///
    /// Only active documents count. A case file is listed when a required type is missing
    /// among its documents or one of them lacks a required field; a document without its
    /// grouping field (a claim document with no claim number) is listed on its own.
    public static func check(category: String? = nil, year: Int? = nil, session: Session) throws -> CompletenessReport {
        var note = AuditNote()
        if let category { note.details.append("category=\(category.uppercased())") }
        if let year { note.details.append("year=\(year)") }
        return try session.perform(.completenessCheck, note: note) { note in
            let categories: [String]
            if let category {
                let code = category.uppercased()
                guard CompletenessRequirements.caseFileFields[code] != nil else {
                    throw VaultError.usage(
                        "completeness applies to case files: use --category "
                            + CompletenessRequirements.caseFileCategories.joined(separator: ", "))
                }
                categories = [code]
            } else {
                categories = CompletenessRequirements.caseFileCategories
            }
            let report = try findIncomplete(categories, year: year, labelled: true, session: session)
            note.details.append("case-files=\(report.checked)")
            note.details.append("incomplete=\(report.incomplete.count)")
            return report
        }
    }

    /// The incomplete case files of `categories` touching `year`; no audit entry (the caller logs its action).
    ///
    /// With `labelled` false a customer file is named by its first reference instead of its
    /// masked ID, so nothing sealed is opened (`report summary` only counts).
    static func findIncomplete(
        _ categories: [String] = CompletenessRequirements.caseFileCategories, year: Int?, labelled: Bool,
        session: Session
    ) throws -> CompletenessReport {
        let rows = try CompletenessRuleTable.all(session.database)
        var checked = 0
        var incomplete: [IncompleteCaseFile] = []
        for code in categories {
            let requirements = CompletenessRequirements(category: code, rows: rows)
            let found = try check(requirements, year: year, labelled: labelled, session: session)
            checked += found.checked
            incomplete += found.incomplete
        }
        return CompletenessReport(checked: checked, incomplete: incomplete)
    }

    private static func check(
        _ requirements: CompletenessRequirements, year: Int?, labelled: Bool, session: Session
    ) throws -> CompletenessReport {
        guard let grouping = requirements.caseFileField else { return CompletenessReport(checked: 0, incomplete: []) }
        let documents = try DocumentTable.matching(session.database, DocumentFilter(category: requirements.category))
            .filter { $0.status == "active" }
        var order: [String] = []
        var groups: [String: [DocumentRow]] = [:]
        var loose: [DocumentRow] = []
        for document in documents {
            guard let key = groupKey(document, grouping) else {
                loose.append(document)
                continue
            }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(document)
        }
        var checked = 0
        var incomplete: [IncompleteCaseFile] = []
        for key in order {
            guard let members = groups[key], year.map({ y in members.contains { $0.year == y } }) ?? true else {
                continue
            }
            checked += 1
            let lacking = lacks(members, requirements, except: grouping)
            guard !lacking.isEmpty else { continue }
            incomplete.append(
                IncompleteCaseFile(
                    category: requirements.category,
                    caseFile: labelled
                        ? try label(members, grouping, session: session) : members.first?.reference ?? "",
                    documents: members.count, references: members.map(\.reference), lacks: lacking))
        }
        for document in loose where year.map({ document.year == $0 }) ?? true {
            checked += 1
            incomplete.append(
                IncompleteCaseFile(
                    category: requirements.category, caseFile: document.reference, documents: 1,
                    references: [document.reference],
                    lacks: [grouping.label] + lacks([document], requirements, except: grouping, types: false)))
        }
        return CompletenessReport(
            checked: checked,
            incomplete: incomplete.sorted {
                ($0.caseFile, $0.references.first ?? "") < ($1.caseFile, $1.references.first ?? "")
            })
    }

    /// What `members` lack: required types missing among them, then fields some of them miss.
    private static func lacks(
        _ members: [DocumentRow], _ requirements: CompletenessRequirements, except grouping: RequiredField,
        types: Bool = true
    ) -> [String] {
        var lacking: [String] = []
        if types {
            for type in requirements.types
            where !members.contains(where: { DocumentType.contains($0.docType, phrase: type) }) {
                lacking.append(type)
            }
        }
        for field in requirements.fields where field != grouping {
            let missing = members.filter { !field.isPresent(in: $0.fields) }.count
            guard missing > 0 else { continue }
            lacking.append(
                members.count == 1 ? field.label : "\(field.label) on \(missing) document\(missing == 1 ? "" : "s")")
        }
        return lacking
    }

    /// The case file a document belongs to, or nil when its grouping field is empty.
    private static func groupKey(_ document: DocumentRow, _ grouping: RequiredField) -> String? {
        guard grouping.isPresent(in: document.fields) else { return nil }
        switch grouping {
        case .policy: return document.policyNo?.trimmingSpaces()
        case .claim: return document.claimNo?.trimmingSpaces()
        case .customerID: return document.customerIDIndex?.hexString
        }
    }

    /// How a report names the case file: its number, or for a customer the masked ID of its first document.
    private static func label(_ members: [DocumentRow], _ grouping: RequiredField, session: Session) throws -> String {
        guard let first = members.first else { return "" }
        switch grouping {
        case .policy: return first.policyNo ?? ""
        case .claim: return first.claimNo ?? ""
        case .customerID:
            let id = try session.keys.openText(first.customerIDSealed, field: "customer_id", documentUID: first.uid)
            return id.map(IdentityNumber.masked) ?? "customer"
        }
    }

    /// The warnings filing prints for `row`: one per required field of its category it lacks.
    static func filingWarnings(_ row: NewDocumentRow, required: [RequiredField]) -> [String] {
        required.filter { !$0.isPresent(in: row) }.map {
            "\(row.reference) has no \($0.label) (completeness rules for \(row.category))"
        }
    }

    /// The fields `category`'s documents must carry.
    static func requiredFields(_ db: Database, category: String) throws -> [RequiredField] {
        CompletenessRequirements(category: category, rows: try CompletenessRuleTable.all(db, category: category)).fields
    }
}
