/// One line of the `list` table: the plain columns and the opened title, nothing else sealed.
public struct ListedDocument: Sendable, Equatable {
    /// The reference number.
    public let reference: String
    /// The document type, if any.
    public let type: String?
    /// The document date, if any.
    public let date: String?
    /// Plaintext size in bytes.
    public let size: Int
    /// The opened title.
    public let title: String?
}

extension CatalogQueries {
    /// `list` as a stream: logs the listing with its count, then opens and hands over one row at a time.
    ///
    /// The audit entry commits before the first row leaves, as `get`'s does, so printing a long
    /// listing never holds the catalogue's write lock. Only the title is opened: the table shows
    /// nothing else sealed (at a million documents, opening every sealed field of 15,000 rows
    /// before printing the first was most of `list`'s time). A row that fails to open stops the
    /// stream and adds a `failed` entry after the `ok` one. Returns the number of rows handed over.
    @discardableResult
    public static func streamList(
        _ filter: DocumentFilter, session: Session, each: (ListedDocument) throws -> Void
    ) throws -> Int {
        var note = AuditNote()
        note.details = describe(filter)
        var normalized = filter
        normalized.category = filter.category?.uppercased()
        let expected = try session.perform(.list, note: note) { note in
            try checkCategory(filter)
            let count = try DocumentTable.count(session.database, normalized)
            note.details.append("results=\(count)")
            return count
        }
        var handed = 0
        do {
            try DocumentTable.forEachListed(session.database, normalized) { row in
                let title = try session.keys.openText(row.titleSealed, field: "title", documentUID: row.uid)
                try each(
                    ListedDocument(
                        reference: row.reference, type: row.docType, date: row.docDate, size: row.size, title: title))
                handed += 1
            }
        } catch {
            note.details.append("results=\(expected)")
            note.details.append("listed=\(handed)")
            session.recordFailure(action: .list, target: "", note: note, error: error)
            throw error
        }
        return handed
    }
}
