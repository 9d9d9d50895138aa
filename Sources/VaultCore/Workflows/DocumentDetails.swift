/// A document as an authenticated user sees it, sealed fields opened.
public struct DocumentDetails: Sendable, Codable, Equatable {
    public let reference: String
    public let category: String
    public let year: Int
    public let retention: String
    public let type: String?
    public let date: String?
    public let title: String?
    public let customerName: String?
    public let customerID: String?
    public let policyNo: String?
    public let claimNo: String?
    public let contractNo: String?
    public let fileName: String?
    public let notes: String?
    public let size: Int
    public let mediaType: String
    public let version: Int
    public let status: String
    public let filedAt: String
    public let filedBy: String
    public let sha256: String
    /// The legal holds in force that cover the document, oldest first; filled by `show` only (nil in listings).
    public var holds: [Int]?

    static func open(_ row: DocumentRow, keys: KeyRing) throws -> DocumentDetails {
        let uid = row.uid
        return DocumentDetails(
            reference: row.reference, category: row.category, year: row.year, retention: row.retentionCode,
            type: row.docType, date: row.docDate,
            title: try keys.openText(row.titleSealed, field: "title", documentUID: uid),
            customerName: try keys.openText(row.customerNameSealed, field: "customer_name", documentUID: uid),
            customerID: try keys.openText(row.customerIDSealed, field: "customer_id", documentUID: uid),
            policyNo: row.policyNo, claimNo: row.claimNo, contractNo: row.contractNo,
            fileName: try keys.openText(row.fileNameSealed, field: "file_name", documentUID: uid),
            notes: try keys.openText(row.notesSealed, field: "notes", documentUID: uid),
            size: row.size, mediaType: row.mediaType, version: row.version, status: row.status,
            filedAt: row.filedAt, filedBy: row.filedBy,
            // A destroyed document's tombstone keeps no digest (the destruction register has it).
            sha256: row.sha256Sealed.isEmpty
                ? "" : (try keys.open(row.sha256Sealed, field: "sha256", documentUID: uid) ?? []).hexString)
    }
}

/// What `search` looks for; every given criterion must match.
public struct SearchCriteria: Sendable {
    /// Plain-column filters (category, year, type, policy, claim).
    public var filter = DocumentFilter()
    /// Customer name, matched exactly after normalisation through its blind index.
    public var customerName: String?
    /// Customer ID number, matched exactly after normalisation through its blind index.
    public var customerID: String?
    /// Words that must all appear in the title or notes (case-insensitive).
    public var text: String?

    /// Criteria that match everything.
    public init() {}
}

/// Reading the catalogue: list, search and show, each checked and logged.
public enum CatalogQueries {
    /// Documents matching `filter`, in reference order.
    public static func list(_ filter: DocumentFilter, session: Session) throws -> [DocumentDetails] {
        var note = AuditNote()
        note.details = describe(filter)
        return try session.perform(.list, note: note) { note in
            let found = try matching(filter, session: session)
            note.details.append("results=\(found.count)")
            return found
        }
    }

    /// Documents matching `criteria`.
    ///
    /// Structural filters and blind indexes narrow the candidates in SQL; only then
    /// are the candidates' titles and notes opened in memory for the text words.
    /// Customer names, ID numbers and words are logged sealed, never in clear.
    public static func search(_ criteria: SearchCriteria, session: Session) throws -> [DocumentDetails] {
        var note = AuditNote()
        note.details = describe(criteria.filter)
        if let name = criteria.customerName { note.sensitive.append("customer=\(name)") }
        if let id = criteria.customerID { note.sensitive.append("customer-id=\(id)") }
        if let text = criteria.text { note.sensitive.append("text=\(text)") }
        return try session.perform(.search, note: note) { note in
            let found = try searchAuthorized(criteria, session: session)
            note.details.append("results=\(found.count)")
            return found
        }
    }

    /// The document with `reference`; unknown references are `inputMissing` (66).
    public static func show(_ reference: String, session: Session) throws -> DocumentDetails {
        try session.perform(.show, target: reference.uppercased()) { _ in
            let row = try row(reference, session: session)
            guard row.status == "active" else {
                throw VaultError.inputMissing(
                    Destruction.destroyedMessage(row, database: session.database, "only its tombstone remains"))
            }
            var details = try DocumentDetails.open(row, keys: session.keys)
            details.holds = try LegalHolds.inForce(covering: row, database: session.database)
            return details
        }
    }

    static func searchAuthorized(_ criteria: SearchCriteria, session: Session) throws -> [DocumentDetails] {
        var filter = criteria.filter
        filter.customerNameIndex = try session.keys.blindIndex(criteria.customerName, field: "customer_name")
        filter.customerIDIndex = try session.keys.blindIndex(criteria.customerID, field: "customer_id")
        if criteria.customerName != nil && filter.customerNameIndex == nil { return [] }
        if criteria.customerID != nil && filter.customerIDIndex == nil { return [] }
        let words = (criteria.text ?? "").lowercased().split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard !words.isEmpty else { return try matching(filter, session: session) }
        // One row at a time, opening only the title and notes until a row matches: holding every
        // candidate fully opened took 2.5 GiB and most of the time at a million documents.
        try checkCategory(filter)
        var normalized = filter
        normalized.category = filter.category?.uppercased()
        var found: [DocumentDetails] = []
        let keys = session.keys
        try DocumentTable.forEachMatching(session.database, normalized) { row in
            let title = try keys.openText(row.titleSealed, field: "title", documentUID: row.uid)
            let notes = try keys.openText(row.notesSealed, field: "notes", documentUID: row.uid)
            let haystack = ((title ?? "") + "\n" + (notes ?? "")).lowercased()
            guard words.allSatisfy({ haystack.contains($0) }) else { return }
            found.append(try DocumentDetails.open(row, keys: keys))
        }
        return found
    }

    /// Refuses a category filter that names no category.
    static func checkCategory(_ filter: DocumentFilter) throws {
        if let category = filter.category, Category.named(category) == nil {
            throw VaultError.usage(
                "unknown category '\(category)'; use one of \(Category.defaults.map(\.code).joined(separator: ", "))")
        }
    }

    static func matching(_ filter: DocumentFilter, session: Session) throws -> [DocumentDetails] {
        try checkCategory(filter)
        var normalized = filter
        normalized.category = filter.category?.uppercased()
        return try DocumentTable.matching(session.database, normalized).map {
            try DocumentDetails.open($0, keys: session.keys)
        }
    }

    /// The plain filters of a listing, as audit details.
    static func describe(_ filter: DocumentFilter) -> [String] {
        var details: [String] = []
        if let value = filter.category { details.append("category=\(value)") }
        if let value = filter.year { details.append("year=\(value)") }
        if let value = filter.docType { details.append("type=\(value)") }
        if let value = filter.policyNo { details.append("policy=\(value)") }
        if let value = filter.claimNo { details.append("claim=\(value)") }
        return details
    }

    static func row(_ reference: String, session: Session) throws -> DocumentRow {
        guard let row = try DocumentTable.find(session.database, reference: reference.uppercased()) else {
            throw VaultError.inputMissing("no document with reference \(reference); 'docvault search' finds references")
        }
        return row
    }
}
