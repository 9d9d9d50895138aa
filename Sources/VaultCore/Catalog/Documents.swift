/// A `documents` row as stored: its id, version and status, and the columns filing writes.
///
/// Reads forward to ``fields`` (`row.reference`, `row.blobID`, …).
@dynamicMemberLookup
struct DocumentRow {
    let id: Int
    let version: Int
    let status: String
    let fields: NewDocumentRow

    subscript<T>(dynamicMember keyPath: KeyPath<NewDocumentRow, T>) -> T { fields[keyPath: keyPath] }

    init(row: Row) {
        id = row.int("id")
        version = row.int("version")
        status = row.string("status") ?? ""
        fields = NewDocumentRow(
            uid: [UInt8](hex: row.string("uid") ?? "") ?? [], reference: row.string("reference") ?? "",
            category: row.string("category") ?? "", year: row.int("year"), itemNo: row.int("item_no"),
            retentionCode: row.string("retention_code") ?? "", docType: row.string("doc_type"),
            docDate: row.string("doc_date"), filedAt: row.string("filed_at") ?? "",
            filedBy: row.string("filed_by") ?? "", policyNo: row.string("policy_no"), claimNo: row.string("claim_no"),
            contractNo: row.string("contract_no"), size: row.int("size"), mediaType: row.string("media_type") ?? "",
            blobID: row.string("blob_id") ?? "",
            wrappedDataKey: row.bytes("wrapped_data_key") ?? [], keyEpoch: row.int("key_epoch"),
            titleSealed: row.bytes("title_sealed"), customerNameSealed: row.bytes("customer_name_sealed"),
            customerIDSealed: row.bytes("customer_id_sealed"), fileNameSealed: row.bytes("file_name_sealed"),
            notesSealed: row.bytes("notes_sealed"), sha256Sealed: row.bytes("sha256_sealed") ?? [],
            customerNameIndex: row.bytes("customer_name_index"), customerIDIndex: row.bytes("customer_id_index"))
    }
}

/// The columns filing writes for a new document, everything sealed and indexed already.
struct NewDocumentRow {
    var uid: [UInt8]
    var reference: String
    var category: String
    var year: Int
    var itemNo: Int
    var retentionCode: String
    var docType: String?
    var docDate: String?
    var filedAt: String
    var filedBy: String
    var policyNo: String?
    var claimNo: String?
    /// Labour contract number (plain), for the `contract-ended` trigger.
    var contractNo: String?
    var size: Int
    var mediaType: String
    var blobID: String
    var wrappedDataKey: [UInt8]
    var keyEpoch: Int
    var titleSealed: [UInt8]?
    var customerNameSealed: [UInt8]?
    var customerIDSealed: [UInt8]?
    var fileNameSealed: [UInt8]?
    var notesSealed: [UInt8]?
    var sha256Sealed: [UInt8]
    var customerNameIndex: [UInt8]?
    var customerIDIndex: [UInt8]?
}

/// The columns of one `list` line as stored: the title still sealed.
struct ListedRow {
    let reference: String
    let docType: String?
    let docDate: String?
    let size: Int
    let uid: [UInt8]
    let titleSealed: [UInt8]?
}

/// Filters on plain catalogue columns.
public struct DocumentFilter: Sendable {
    /// Category code.
    public var category: String?
    /// Year.
    public var year: Int?
    /// Document type, exact.
    public var docType: String?
    /// Policy number, exact.
    public var policyNo: String?
    /// Claim number, exact.
    public var claimNo: String?
    var customerNameIndex: [UInt8]?
    var customerIDIndex: [UInt8]?

    /// Whether only the category and the year are given, so `document_counts` answers the count.
    var onlyShelf: Bool {
        docType == nil && policyNo == nil && claimNo == nil && customerNameIndex == nil && customerIDIndex == nil
    }

    /// An empty filter matches every document.
    public init(
        category: String? = nil, year: Int? = nil, docType: String? = nil, policyNo: String? = nil,
        claimNo: String? = nil
    ) {
        self.category = category
        self.year = year
        self.docType = docType
        self.policyNo = policyNo
        self.claimNo = claimNo
    }
}

/// Queries on the `documents` table.
enum DocumentTable {
    static func nextItemNumber(_ db: Database, category: String, year: Int) throws -> Int {
        let row = try db.queryOne(
            "SELECT COALESCE(MAX(item_no), 0) + 1 AS next FROM documents WHERE category = ? AND year = ?",
            [category, year])
        return row?.int("next") ?? 1
    }

    static func insert(_ db: Database, _ doc: NewDocumentRow) throws {
        try db.run(
            """
            INSERT INTO documents (uid, reference, category, year, item_no, retention_code, doc_type, doc_date,
                filed_at, filed_by, policy_no, claim_no, contract_no, size, media_type, version, status, blob_id,
                wrapped_data_key, key_epoch, title_sealed, customer_name_sealed, customer_id_sealed,
                file_name_sealed, notes_sealed, sha256_sealed, customer_name_index, customer_id_index)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                doc.uid.hexString, doc.reference, doc.category, doc.year, doc.itemNo, doc.retentionCode, doc.docType,
                doc.docDate, doc.filedAt, doc.filedBy, doc.policyNo, doc.claimNo, doc.contractNo, doc.size,
                doc.mediaType, doc.blobID,
                doc.wrappedDataKey, doc.keyEpoch, doc.titleSealed, doc.customerNameSealed, doc.customerIDSealed,
                doc.fileNameSealed, doc.notesSealed, doc.sha256Sealed, doc.customerNameIndex, doc.customerIDIndex,
            ])
        // The shelf's kept count, in the caller's transaction (not a trigger: see CatalogSchema.version11).
        try db.run(countInsertSQL, [doc.category, doc.year])
    }

    /// Adds one to a shelf's kept count, creating it at one.
    static let countInsertSQL = """
        INSERT INTO document_counts (category, year, n) VALUES (?, ?, 1)
        ON CONFLICT (category, year) DO UPDATE SET n = n + 1
        """

    static func find(_ db: Database, reference: String) throws -> DocumentRow? {
        try db.queryOne("SELECT * FROM documents WHERE reference = ?", [reference]).map(DocumentRow.init(row:))
    }

    static func withSize(_ db: Database, size: Int) throws -> [DocumentRow] {
        try db.query("SELECT * FROM documents WHERE size = ? ORDER BY id", [size]).map(DocumentRow.init(row:))
    }

    static func matching(_ db: Database, _ filter: DocumentFilter) throws -> [DocumentRow] {
        var rows: [DocumentRow] = []
        try forEachMatching(db, filter) { rows.append($0) }
        return rows
    }

    /// Calls `body` with each row ``matching(_:_:)`` returns, one at a time, without holding them all.
    static func forEachMatching(_ db: Database, _ filter: DocumentFilter, _ body: (DocumentRow) throws -> Void) throws {
        let clause = whereClause(filter)
        let statement = try db.prepare("SELECT * FROM documents\(clause.sql) ORDER BY category, year, item_no")
        try statement.bind(clause.bindings)
        while let row = try statement.step() { try body(DocumentRow(row: row)) }
    }

    /// The columns of one `list` line, in shelf order: what ``forEachListed(_:_:_:)`` reads.
    static func listedSQL(_ clause: WhereClause) -> String {
        "SELECT reference, doc_type, doc_date, size, uid, title_sealed FROM documents\(clause.sql) "
            + "ORDER BY category, year, item_no"
    }

    /// Calls `body` with the few columns `list` shows of each matching row, one row at a time.
    ///
    /// `SELECT *` built all 30 columns of every row, sealed ones included, only for `list` to
    /// keep five (callgrind of `list` before its first write: 16.6 M → 13.9 M instructions).
    static func forEachListed(_ db: Database, _ filter: DocumentFilter, _ body: (ListedRow) throws -> Void) throws {
        let clause = whereClause(filter)
        let statement = try db.prepare(listedSQL(clause))
        try statement.bind(clause.bindings)
        while let row = try statement.step() {
            try body(
                ListedRow(
                    reference: row.string("reference") ?? "", docType: row.string("doc_type"),
                    docDate: row.string("doc_date"), size: row.int("size"),
                    uid: [UInt8](hex: row.string("uid") ?? "") ?? [], titleSealed: row.bytes("title_sealed")))
        }
    }

    /// The blob id of the newest `documents` row, by primary key.
    static let newestBlobSQL = "SELECT blob_id FROM documents WHERE id = (SELECT MAX(id) FROM documents)"
    /// How many rows' blob ids lie in `[?, ?)`: the blobs of one folder, given its prefix and the next.
    static let blobsInFolderSQL = "SELECT COUNT(*) AS n FROM documents WHERE blob_id >= ? AND blob_id < ?"

    /// The two-byte folder of the newest blob while fewer than `limit` catalogued blobs share it; nil otherwise.
    ///
    /// Filing puts its blobs there rather than in a random folder: in a young vault nearly every
    /// random `ab/cd/` was new, and its two `mkdir`s took about 1 ms each on this project's VM
    /// (strace -T, cold directory metadata), besides the extra folder sync.
    static func recentBlobFolder(_ db: Database, limit: Int = 256) throws -> [UInt8]? {
        guard let newest = try db.queryOne(newestBlobSQL)?.string("blob_id"), newest.count == 32 else { return nil }
        let prefix = String(newest.prefix(4))
        guard let folder = [UInt8](hex: prefix) else { return nil }
        // "g" sorts after every hex digit, so [prefix, prefix + "g") holds exactly the ids in the folder.
        let count = try db.queryOne(blobsInFolderSQL, [prefix, prefix + "g"])?.int("n") ?? limit
        return count < limit ? folder : nil
    }

    /// How many rows ``matching(_:_:)`` would return.
    ///
    /// A filter on category and year alone reads the counts `document_counts` keeps (schema
    /// version 11, one row per shelf); any other field counts the matching rows.
    static func count(_ db: Database, _ filter: DocumentFilter) throws -> Int {
        // A shelf-only filter's clause names nothing but category and year, which both tables have.
        let clause = whereClause(filter)
        let source = filter.onlyShelf ? shelfCountSQL : "SELECT COUNT(*) AS n FROM documents"
        return try db.queryOne(source + clause.sql, clause.bindings)?.int("n") ?? 0
    }

    /// The kept count of the shelves a category and year filter names, before its WHERE clause.
    static let shelfCountSQL = "SELECT COALESCE(SUM(n), 0) AS n FROM document_counts"

    /// Every shelf's kept count that differs from a fresh count of its rows: `verify`'s check of `document_counts`.
    static func miscountedShelves(_ db: Database) throws -> [(category: String, year: Int, kept: Int, actual: Int)] {
        try db.query(
            """
            SELECT category, year, SUM(kept) AS kept, SUM(actual) AS actual FROM (
                SELECT category, year, n AS kept, 0 AS actual FROM document_counts
                UNION ALL SELECT category, year, 0, COUNT(*) FROM documents GROUP BY category, year
            ) GROUP BY category, year HAVING SUM(kept) <> SUM(actual) ORDER BY category, year
            """
        ).map { ($0.string("category") ?? "", $0.int("year"), $0.int("kept"), $0.int("actual")) }
    }

    /// Sets every shelf's kept count to a fresh count of its rows: `verify --repair`.
    static func recountShelves(_ db: Database) throws {
        try db.execute(
            """
            DELETE FROM document_counts;
            INSERT INTO document_counts (category, year, n)
            SELECT category, year, COUNT(*) FROM documents GROUP BY category, year;
            """)
    }

    /// The WHERE clause of a filter: every given field must match.
    private static func whereClause(_ filter: DocumentFilter) -> WhereClause {
        var clause = WhereClause()
        clause.add("category = ?", filter.category)
        clause.add("year = ?", filter.year)
        clause.add("doc_type = ?", filter.docType)
        clause.add("policy_no = ?", filter.policyNo)
        clause.add("claim_no = ?", filter.claimNo)
        clause.add("customer_name_index = ?", filter.customerNameIndex)
        clause.add("customer_id_index = ?", filter.customerIDIndex)
        return clause
    }
}
