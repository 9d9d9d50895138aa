extension BenchmarkSupport {
    /// Catalogues `count` synthetic documents (no blobs) and their business events, 10,000 rows per transaction.
    ///
    /// The mix covers every default trigger: other (filed), claims with claim and
    /// policy numbers, underwriting policies (some short-term), finance documents
    /// of three types, personnel contracts and customer files. About half of the
    /// subjects get an event, one claim in a hundred a hold. Rows go through
    /// ``DocumentTable/insert(_:_:)`` with placeholder key material: the retention
    /// listing never opens a sealed field or a blob, so none is needed. With `realDataKeys`
    /// each row gets a random data key wrapped under the current epoch instead, as key
    /// rotation must open them.
    public static func fillDocuments(session: Session, count: Int, realDataKeys: Bool = false) throws {
        let db = session.database
        let fonds = session.vault.meta.fonds
        let types = ["voucher", "monthly-report", "annual-report", "bank-statement"]
        let placeholder = [UInt8](repeating: 0, count: 32)
        var index = 0
        while index < count {
            let end = min(index + 10_000, count)
            try db.writeTransaction {
                for i in index..<end {
                    let category = ["OT", "CL", "UW", "FI", "HR", "CU"][i % 6]
                    let year = 1990 + i % 31
                    var wrapped = placeholder
                    if realDataKeys {
                        wrapped = try session.keys.wrapDataKey(
                            try SecretBytes.random(count: 32), documentUID: uid(i), version: 1
                        ).wrapped
                    }
                    var row = NewDocumentRow(
                        uid: uid(i), reference: "\(fonds)-\(category)-\(year)-D10-\(i)", category: category,
                        year: year, itemNo: i, retentionCode: "D10", docType: nil, docDate: nil,
                        filedAt: "\(year)-0\(1 + i % 9)-1\(i % 10)T09:00:00Z", filedBy: "bench", policyNo: nil,
                        claimNo: nil, contractNo: nil, size: 1, mediaType: "application/pdf", blobID: "bench-\(i)",
                        wrappedDataKey: wrapped, keyEpoch: 1, titleSealed: nil, customerNameSealed: nil,
                        customerIDSealed: nil, fileNameSealed: nil, notesSealed: nil, sha256Sealed: placeholder,
                        customerNameIndex: nil, customerIDIndex: nil)
                    var event: (BusinessEventKind, String, Int?)?
                    switch category {
                    case "CL":
                        row.claimNo = "C-\(i)"
                        row.policyNo = "P-\(i / 12)"
                        event = (.claimClosed, "C-\(i)", nil)
                    case "UW":
                        row.policyNo = "P-\(i / 12)"
                        event = (.policyTerminated, "P-\(i / 12)", i % 4 == 0 ? 12 : 36)
                    case "FI": row.docType = types[(i / 6) % types.count]
                    case "HR":
                        row.contractNo = "H-\(i)"
                        event = (.contractEnded, "H-\(i)", nil)
                    case "CU":
                        row.customerIDIndex = uid(i) + uid(i)
                        event = (.relationshipEnded, (uid(i) + uid(i)).hexString, nil)
                    default: break
                    }
                    try DocumentTable.insert(db, row)
                    if let (kind, subject, term) = event, i % 12 < 7 {
                        try BusinessEventTable.upsert(
                            db,
                            BusinessEvent(
                                kind: kind, subject: subject, date: CivilDate(year: year + 1, month: 2, day: 28),
                                termMonths: term, recordedAt: "2026-01-01T00:00:00Z", recordedBy: "bench"))
                    }
                    if category == "CL" && i % 100 == 1 {
                        try db.run(
                            """
                            INSERT INTO legal_holds (scope, subject, reason_sealed, placed_by, placed_at)
                            VALUES ('claim', ?, X'00', 'bench', '2026-01-01T00:00:00Z')
                            """, ["C-\(i)"])
                    }
                }
            }
            index = end
        }
    }

    /// 16 bytes that differ for every `i`.
    private static func uid(_ i: Int) -> [UInt8] {
        (0..<16).map { UInt8(truncatingIfNeeded: (i >> (($0 % 8) * 8)) ^ $0) }
    }
}
