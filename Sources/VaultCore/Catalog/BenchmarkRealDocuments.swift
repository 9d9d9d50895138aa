import FoundationEssentials

/// What ``BenchmarkSupport/fillRealDocuments(session:count:batchSize:)`` catalogued: how many rows and where to look.
public struct SeededCatalogue: Sendable {
    /// Rows added.
    public let count: Int
    /// A reference of a seeded claim, for `show`.
    public let sampleReference: String
    /// A policy number that a few seeded rows carry, for `search --policy`.
    public let samplePolicy: String
    /// A customer ID number that a few seeded rows carry, for `search --customer-id`.
    public let sampleCustomerID: String
    /// A word that appears in about one seeded title in 64, for `search --text`.
    public let sampleWord: String
}

extension BenchmarkSupport {
    /// The 64 words seeded titles are built from; each title holds three of them.
    static let titleWords = [
        "water", "fire", "storm", "theft", "collision", "glass", "hail", "flood", "liability", "injury", "medical",
        "travel", "cargo", "marine", "engine", "roof", "kitchen", "basement", "bicycle", "jewellery", "laptop",
        "vehicle", "trailer", "warehouse", "office", "factory", "farm", "orchard", "vineyard", "harbour", "bridge",
        "tunnel", "pipeline", "boiler", "elevator", "scaffold", "crane", "tractor", "ferry", "aircraft", "drone",
        "pharmacy", "clinic", "school", "library", "museum", "stadium", "hotel", "restaurant", "bakery", "garage",
        "workshop", "studio", "gallery", "cinema", "theatre", "chapel", "market", "kiosk", "pavilion", "greenhouse",
        "stable", "kennel", "aquarium",
    ]
    static let givenNames = [
        "Anna", "Wei", "Lars", "Maria", "Chen", "Ingrid", "Jonas", "Li", "Sofia", "Ahmed", "Elena", "Mikko", "Yuki",
        "Pedro", "Olga", "Noah",
    ]
    static let familyNames = [
        "Berg", "Wang", "Hansen", "Silva", "Zhang", "Nilsen", "Novak", "Liu", "Rossi", "Haddad", "Petrova",
        "Virtanen", "Sato", "Costa", "Ivanova", "Meyer",
    ]

    /// Catalogues `count` documents the way filing does, `batchSize` rows per transaction, and returns sample keys.
    ///
    /// Every row is real except its blob: a random document UID and data key wrapped
    /// under the current epoch, a title, customer name, customer ID number, file name,
    /// notes (one row in three) and SHA-256 sealed with the vault's field key, blind
    /// indexes of the customer name and ID, a reference number from the category and
    /// year's next item number, policy, claim and contract numbers, a document date,
    /// and one chained `file` audit entry, as ``Filing`` writes. Claims, policies,
    /// contracts and customer files get business events as in ``fillDocuments(session:count:realDataKeys:)``.
    /// The `blob_id` names no file (`bench-` and the UID), so `get` and `verify` of
    /// these rows report a missing blob; documents a benchmark reads must be filed for real.
    public static func fillRealDocuments(session: Session, count: Int, batchSize: Int = 10_000) throws
        -> SeededCatalogue
    {
        try session.authorize(.file)
        let db = session.database
        let fonds = session.vault.meta.fonds
        let now = Timestamp.format(session.now())
        var nextItem: [String: Int] = [:]
        var sample: (reference: String, policy: String, customerID: String)?
        var index = 0
        while index < count {
            let end = min(index + max(batchSize, 1), count)
            try db.writeTransaction {
                for i in index..<end {
                    let row = try realRow(i, session: session, fonds: fonds, now: now, nextItem: &nextItem)
                    try DocumentTable.insert(db, row.document)
                    var note = AuditNote()
                    note.details = ["size=\(row.document.size)", "type=\(row.document.docType ?? "")"]
                    try session.appendAudit(
                        action: Action.file.rawValue, target: row.document.reference, outcome: .ok, note: note)
                    if let event = row.event, i % 12 < 7 { try BusinessEventTable.upsert(db, event) }
                    if sample == nil, row.document.category == "CL" {
                        sample = (row.document.reference, row.document.policyNo ?? "", row.customerID)
                    }
                }
            }
            index = end
        }
        return SeededCatalogue(
            count: count, sampleReference: sample?.reference ?? "", samplePolicy: sample?.policy ?? "",
            sampleCustomerID: sample?.customerID ?? "", sampleWord: titleWords[7])
    }

    /// The customer ID number of seeded row `i`: one customer in 200,000, so each holds about five documents.
    static func customerID(_ i: Int) -> String {
        "9" + String(100_000_000 + (i * 7_919) % 200_000).dropFirst()
    }

    /// The policy number of seeded row `i`: twelve rows share each policy.
    static func policyNumber(_ i: Int) -> String { "P-\(2_000_000 + i / 12)" }

    /// Seeded row `i`, sealed and wrapped with `session`'s keys, with its business event if its category has one.
    private static func realRow(
        _ i: Int, session: Session, fonds: String, now: String, nextItem: inout [String: Int]
    ) throws -> (document: NewDocumentRow, event: BusinessEvent?, customerID: String) {
        let keys = session.keys
        let db = session.database
        let codes = ["CL", "UW", "CU", "FI", "HR", "OT"]
        let code = codes[i % codes.count]
        let year = 2015 + (i / codes.count) % 11
        let category = Category.named(code) ?? Category.defaults[0]
        let docType: String? =
            switch code {
            case "CL": ["claim-form", "loss-assessment", "payment-voucher"][(i / 6) % 3]
            case "UW": ["application", "policy", "endorsement"][(i / 6) % 3]
            case "FI": ["voucher", "monthly-report", "annual-report", "bank-statement"][(i / 6) % 4]
            case "HR": "labour-contract"
            case "CU": "kyc-form"
            default: nil
            }
        let retention = category.retentionCode(forType: docType)
        let key = "\(code)/\(year)"
        let item = try nextItem[key] ?? DocumentTable.nextItemNumber(db, category: code, year: year)
        nextItem[key] = item + 1
        let reference = ReferenceNumber(
            fonds: fonds, category: code, year: year, retention: retention, item: item
        ).description
        let uid = try SecureRandom.bytes(count: 16)
        let dataKey = try SecretBytes.random(count: 32)
        let wrap = try keys.wrapDataKey(dataKey, documentUID: uid, version: 1)
        let words = titleWords.count
        let title =
            "\(docType ?? "document") \(titleWords[i % words]) \(titleWords[(i / words) % words]) "
            + "\(titleWords[(i / (words * words)) % words]) \(i)"
        let customer = "\(givenNames[i % 16]) \(familyNames[(i / 16) % 16]) \(i % 997)"
        let customerID = customerID(i)
        let fileName = "scan-\(i).pdf"
        let notes = i % 3 == 0 ? "seeded by docvault-bench; row \(i)" : nil
        let digest = try StreamingHash.digest(.sha256, Array("docvault-bench row \(i)".utf8))
        var row = NewDocumentRow(
            uid: uid, reference: reference, category: code, year: year, itemNo: item,
            retentionCode: retention.rawValue, docType: docType,
            docDate: "\(year.zeroPadded(4))-\((1 + i % 12).zeroPadded(2))-\((1 + i % 28).zeroPadded(2))", filedAt: now,
            filedBy: session.actor.name, policyNo: nil, claimNo: nil, contractNo: nil, size: 100 * 1024 + i % 4096,
            mediaType: "application/pdf", blobID: "bench-" + uid.hexString, wrappedDataKey: wrap.wrapped,
            keyEpoch: wrap.epoch,
            titleSealed: try keys.seal(title, field: "title", documentUID: uid),
            customerNameSealed: try keys.seal(customer, field: "customer_name", documentUID: uid),
            customerIDSealed: try keys.seal(customerID, field: "customer_id", documentUID: uid),
            fileNameSealed: try keys.seal(fileName, field: "file_name", documentUID: uid),
            notesSealed: try keys.seal(notes, field: "notes", documentUID: uid),
            sha256Sealed: try keys.seal(bytes: digest, field: "sha256", documentUID: uid),
            customerNameIndex: try keys.blindIndex(customer, field: "customer_name"),
            customerIDIndex: try keys.blindIndex(customerID, field: "customer_id"))
        var event: BusinessEvent?
        let eventDate = CivilDate(year: year + 1, month: 2, day: 28)
        func make(_ kind: BusinessEventKind, _ subject: String, _ term: Int? = nil) -> BusinessEvent {
            BusinessEvent(
                kind: kind, subject: subject, date: eventDate, termMonths: term, recordedAt: now,
                recordedBy: session.actor.name)
        }
        switch code {
        case "CL":
            row.claimNo = "C-\(year)-\(i.zeroPadded(7))"
            row.policyNo = policyNumber(i)
            event = make(.claimClosed, row.claimNo ?? "")
        case "UW":
            row.policyNo = policyNumber(i)
            event = make(.policyTerminated, policyNumber(i), i % 4 == 0 ? 12 : 36)
        case "HR":
            row.contractNo = "H-\(i.zeroPadded(7))"
            event = make(.contractEnded, row.contractNo ?? "")
        case "CU":
            if let index = row.customerIDIndex { event = make(.relationshipEnded, index.hexString) }
        default: break
        }
        return (row, event, customerID)
    }
}
