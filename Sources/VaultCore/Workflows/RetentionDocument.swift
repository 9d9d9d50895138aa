/// The plain catalogue facts retention needs about one document; never a sealed field.
public struct RetentionDocument: Sendable, Equatable {
    /// The row id.
    public let id: Int
    /// The reference number.
    public let reference: String
    /// Category code.
    public let category: String
    /// The year the document belongs to.
    public let year: Int
    /// Document type as filed.
    public let docType: String?
    /// Document date, `YYYY-MM-DD`.
    public let docDate: String?
    /// Filing time (UTC).
    public let filedAt: String
    /// Policy number.
    public let policyNo: String?
    /// Claim number.
    public let claimNo: String?
    /// Labour contract number.
    public let contractNo: String?
    /// The hex of the customer ID's blind index (how events and holds name a customer).
    public let customerIndex: String?

    /// A document from its parts (tests and benchmarks).
    public init(
        id: Int = 0, reference: String = "", category: String, year: Int, docType: String? = nil,
        docDate: String? = nil, filedAt: String = "", policyNo: String? = nil, claimNo: String? = nil,
        contractNo: String? = nil, customerIndex: String? = nil
    ) {
        self.id = id
        self.reference = reference
        self.category = category
        self.year = year
        self.docType = docType
        self.docDate = docDate
        self.filedAt = filedAt
        self.policyNo = policyNo
        self.claimNo = claimNo
        self.contractNo = contractNo
        self.customerIndex = customerIndex
    }

    /// The columns ``init(row:)`` reads: plain ones only, so listing never touches sealed data.
    static let columns = """
        id, reference, category, year, doc_type, doc_date, filed_at, policy_no, claim_no, contract_no, \
        customer_id_index
        """

    /// Reads a row selected with ``columns``, by position: `retention due` reads one per document.
    init(row: Row) {
        let v = row.values
        self.init(
            id: Int(v[0].integer ?? 0), reference: v[1].text ?? "", category: v[2].text ?? "",
            year: Int(v[3].integer ?? 0), docType: v[4].text, docDate: v[5].text, filedAt: v[6].text ?? "",
            policyNo: v[7].text, claimNo: v[8].text, contractNo: v[9].text, customerIndex: v[10].blob?.hexString)
    }

    /// What a hold can name that this document has: its reference, policy, claim and customer.
    var holdKeys: [HoldKey] {
        var keys = [HoldKey(scope: "document", subject: reference)]
        if let policyNo { keys.append(HoldKey(scope: "policy", subject: policyNo)) }
        if let claimNo { keys.append(HoldKey(scope: "claim", subject: claimNo)) }
        if let customerIndex { keys.append(HoldKey(scope: "customer", subject: customerIndex)) }
        return keys
    }

    /// How messages name the document's customer: `customer` and the first 8 hex digits of the index.
    static func customerLabel(_ index: String) -> String { "customer \(index.prefix(8))" }
}
