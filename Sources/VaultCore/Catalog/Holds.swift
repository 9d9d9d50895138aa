/// A `legal_holds` row as stored.
struct HoldRow {
    let id: Int
    /// `document`, `policy`, `claim` or `customer`.
    let scope: String
    /// The reference, policy or claim number, or the hex of a customer ID's blind index.
    let subject: String
    let reasonSealed: [UInt8]
    let placedBy: String
    let placedAt: String
    let releasedBy: String?
    let releasedAt: String?
    let releaseReasonSealed: [UInt8]?

    init(row: Row) {
        id = row.int("id")
        scope = row.string("scope") ?? ""
        subject = row.string("subject") ?? ""
        reasonSealed = row.bytes("reason_sealed") ?? []
        placedBy = row.string("placed_by") ?? ""
        placedAt = row.string("placed_at") ?? ""
        releasedBy = row.string("released_by")
        releasedAt = row.string("released_at")
        releaseReasonSealed = row.bytes("release_reason_sealed")
    }
}

/// The subjects a document can be held by: its reference, policy, claim and customer.
struct HoldSubjects: Hashable {
    /// `(scope, subject)` pairs, one per field the document has.
    let pairs: [HoldKey]

    /// The subjects of a catalogued document; the customer is the hex of its ID's blind index.
    init(_ row: DocumentRow) {
        var pairs = [HoldKey(scope: "document", subject: row.reference)]
        if let policy = row.policyNo { pairs.append(HoldKey(scope: "policy", subject: policy)) }
        if let claim = row.claimNo { pairs.append(HoldKey(scope: "claim", subject: claim)) }
        if let index = row.customerIDIndex { pairs.append(HoldKey(scope: "customer", subject: index.hexString)) }
        self.pairs = pairs
    }
}

/// One thing a hold can name.
struct HoldKey: Hashable {
    let scope: String
    let subject: String
}

/// Queries on `legal_holds`.
enum HoldTable {
    /// The ids of holds in force that cover the document with these subjects, oldest first.
    ///
    /// A hold names a subject, not documents, so it covers documents filed later too.
    static func inForce(_ db: Database, covering subjects: HoldSubjects) throws -> [Int] {
        var ids: [Int] = []
        for key in subjects.pairs {
            ids += try db.query(inForceSQL, [key.scope, key.subject]).map { $0.int("id") }
        }
        return ids.sorted()
    }

    /// Every hold in force by what it names, for evaluating many documents at once.
    static func allInForce(_ db: Database) throws -> [HoldKey: [Int]] {
        var holds: [HoldKey: [Int]] = [:]
        for row in try db.query("SELECT id, scope, subject FROM legal_holds WHERE released_at IS NULL ORDER BY id") {
            holds[HoldKey(scope: row.string("scope") ?? "", subject: row.string("subject") ?? ""), default: []]
                .append(row.int("id"))
        }
        return holds
    }

    static func find(_ db: Database, id: Int) throws -> HoldRow? {
        try db.queryOne("SELECT * FROM legal_holds WHERE id = ?", [id]).map(HoldRow.init(row:))
    }

    /// The hold look-up `get`-time checks and `retention explain` run; a test checks it is served by an index.
    static let inForceSQL = """
        SELECT id FROM legal_holds WHERE scope = ? AND subject = ? AND released_at IS NULL
        """
}
