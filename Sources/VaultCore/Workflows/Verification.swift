import FoundationEssentials

/// What `docvault verify` is asked to do.
public struct VerificationOptions: Sendable {
    /// Decrypt every chunk of every live document and compare its SHA-256.
    public var full = false
    /// Decrypt only this share (1-100) of the live documents, chosen at random.
    public var samplePercent: Int?
    /// Remove orphan blobs, leftover partial files and blobs of destroyed documents (admin).
    public var repair = false

    /// Structural checks only.
    public init() {}
}

/// One thing `verify` found wrong.
public struct VerificationProblem: Sendable, Encodable, Equatable {
    /// A reference, or a path under `blobs/` for files without a row.
    public let subject: String
    /// `missing-blob`, `blob-size`, `blob-header`, `commitment`, `data-key`, `content`, `digest`,
    /// `orphan-blob`, `destroyed-blob`, `partial-file`, `stray-file`, `audit-chain`, `integrity`, `shelf-count`.
    public let kind: String
    /// One line for a person.
    public let detail: String
    /// Whether `--repair` removed it (a file) or recounted it (a shelf).
    public var repaired = false

    /// What `--repair` does to a problem of this kind: `recounted` for a shelf, `removed` for a file.
    public var repairAction: String { kind == "shelf-count" ? "recounted" : "removed" }
}

/// What `verify` checked and found.
public struct VerificationReport: Sendable, Encodable {
    /// Live documents checked (blob present, length, header, commitment).
    public var documents = 0
    /// Destroyed documents (tombstones) seen.
    public var tombstones = 0
    /// Documents whose every chunk was decrypted and whose SHA-256 was compared.
    public var decrypted = 0
    /// Plaintext bytes decrypted.
    public var bytesDecrypted = 0
    /// Blob files found on disk.
    public var blobFiles = 0
    /// Audit entries verified.
    public var auditEntries = 0
    /// `PRAGMA integrity_check`: `ok` or the first message.
    public var integrity = "ok"
    /// Every problem, in the order found.
    public var problems: [VerificationProblem] = []

    /// Problems `--repair` did not remove.
    public var remaining: [VerificationProblem] { problems.filter { !$0.repaired } }

    /// What to do about the remaining problems, for the one-line error.
    ///
    /// A wrong shelf count is repaired alongside whatever else is repairable, so it only adds
    /// to the advice; any damage to a document still sends the reader to a backup.
    public var nextStep: String {
        var kinds = Set(remaining.map(\.kind))
        let recount = kinds.remove("shelf-count") != nil
        if kinds.isEmpty {
            return "'docvault verify --repair' (admin) recounts the shelves"
        }
        let andRecount = recount ? " and recounts the shelves" : ""
        if kinds.isSubset(of: ["orphan-blob", "partial-file", "destroyed-blob"]) {
            return "all are files without a live row: 'docvault verify --repair' (admin) removes them" + andRecount
        }
        if kinds.isSubset(of: ["orphan-blob", "partial-file", "destroyed-blob", "stray-file"]) {
            return "move the files docvault never writes out of blobs/; 'docvault verify --repair' removes the rest"
                + andRecount
        }
        return "restore the named documents from a backup"
    }
}

/// The periodic inventory: every row has its blob, every blob its row, blobs match rows, the log and the file are sound.
///
/// Structural checks read each blob's length, header and key commitment, which needs the
/// document's data key but no chunk; `--full` (or a sample) decrypts every chunk to nowhere
/// and compares the SHA-256 sealed at filing. The orphan scan holds the blob-store lock
/// exclusively, so a blob whose filing has not committed yet is never taken for an orphan.
/// Nothing is decrypted inside a catalogue transaction: filing and reading go on meanwhile.
public enum Verification {
    /// Runs the checks and logs one `verify` entry (after a `verify.repair` entry counting what repair removed).
    public static func run(
        _ options: VerificationOptions, session: Session, progress: ((Int, Int) -> Void)? = nil
    ) throws -> VerificationReport {
        if let percent = options.samplePercent, !(1...100).contains(percent) {
            throw VaultError.usage("--sample takes a percentage from 1 to 100")
        }
        // Repair is the narrower right, so a refusal names it first.
        if options.repair { try session.authorize(.verifyRepair) }
        try session.authorize(.verify)
        var report = VerificationReport()
        let db = session.database
        let integrity = try db.query("PRAGMA integrity_check").compactMap { $0["integrity_check"].text }
        report.integrity = integrity.first ?? "no answer"
        if integrity != ["ok"] {
            for message in integrity.prefix(10) {
                report.problems.append(
                    VerificationProblem(subject: "catalog.sqlite", kind: "integrity", detail: message))
            }
        }
        try checkShelfCounts(options, db: db, report: &report)
        try scanFiles(options, session: session, report: &report)
        try checkDocuments(options, session: session, report: &report, progress: progress)
        // Each entry is checked with the audit key of its generation (a replaced master key starts a new one).
        let auditKeys = try AuditKeys.load(db, masterKey: session.masterKey, vaultID: session.vault.meta.vaultID)
        let audit = try AuditVerifier.verify(db, keys: auditKeys, anchor: nil)
        report.auditEntries = audit.entries
        if let seq = audit.firstBroken {
            report.problems.append(
                VerificationProblem(
                    subject: "audit entry \(seq)", kind: "audit-chain",
                    detail: "the audit chain breaks at entry \(seq): \(audit.problem ?? "")"))
        }
        if options.repair {
            let repaired = report.problems.filter(\.repaired)
            let recounted = repaired.filter { $0.repairAction == "recounted" }.count
            try session.perform(.verifyRepair) { note in
                note.details =
                    ["removed=\(repaired.count - recounted)"] + (recounted > 0 ? ["recounted=\(recounted)"] : [])
            }
        }
        try session.perform(.verify) { note in
            note.details = [
                "documents=\(report.documents)", "decrypted=\(report.decrypted)",
                "problems=\(report.remaining.count)",
                options.full ? "full=yes" : "sample=\(options.samplePercent ?? 0)",
            ]
            if !report.remaining.isEmpty { note.outcome = .failed }
        }
        return report
    }

    /// The per-shelf counts `list` reports against a fresh count; `--repair` recounts them.
    private static func checkShelfCounts(
        _ options: VerificationOptions, db: Database, report: inout VerificationReport
    ) throws {
        let wrong = try DocumentTable.miscountedShelves(db)
        guard !wrong.isEmpty else { return }
        if options.repair { try db.writeTransaction { try DocumentTable.recountShelves(db) } }
        for shelf in wrong {
            var problem = VerificationProblem(
                subject: "\(shelf.category) \(shelf.year)", kind: "shelf-count",
                detail: "the catalogue counts \(shelf.kept) documents on this shelf but holds \(shelf.actual)")
            problem.repaired = options.repair
            report.problems.append(problem)
        }
    }

    /// Files without a live row: orphans, leftovers of interrupted writes, blobs of destroyed documents.
    private static func scanFiles(
        _ options: VerificationOptions, session: Session, report: inout VerificationReport
    ) throws {
        let store = session.vault.blobs
        let lock = try BlobStoreLock.acquire(vault: session.vault.location.vault, .exclusive, purpose: "verify")
        defer { lock.release() }
        var found: [VerificationProblem] = []
        var blobs = 0
        try store.inventory(
            { id in
                blobs += 1
                let row = try session.database.queryOne(
                    "SELECT reference, status FROM documents WHERE blob_id = ?", [id])
                let path = "blobs/\(id.prefix(2))/\(id.dropFirst(2).prefix(2))/\(id).blob"
                if let row, row.string("status") == "destroyed" {
                    found.append(
                        VerificationProblem(
                            subject: row.string("reference") ?? path, kind: "destroyed-blob",
                            detail: "the blob of a destroyed document is still on disk (its key is gone)"))
                } else if row == nil {
                    found.append(
                        VerificationProblem(
                            subject: path, kind: "orphan-blob", detail: "a blob that no catalogue row names"))
                }
            },
            other: { path in
                // Only what an interrupted filing leaves is docvault's to remove; anything else someone
                // put there is reported and left alone.
                let partial = path.hasPrefix("tmp/") && path.hasSuffix(".partial")
                found.append(
                    VerificationProblem(
                        subject: "blobs/" + path, kind: partial ? "partial-file" : "stray-file",
                        detail: partial
                            ? "a partial blob left by an interrupted filing"
                            : "a file docvault never writes; left alone: move it out of the vault"))
            })
        report.blobFiles = blobs
        guard options.repair else {
            report.problems += found
            return
        }
        for var problem in found {
            if problem.kind == "stray-file" {
                report.problems.append(problem)
                continue
            }
            if problem.kind == "partial-file" {
                try store.removeFile(relativePath: String(problem.subject.dropFirst("blobs/".count)))
            } else if problem.kind == "orphan-blob" {
                try store.remove(blobID: String(problem.subject.split(separator: "/").last?.dropLast(5) ?? ""))
            } else {
                let row = try DocumentTable.find(session.database, reference: problem.subject)
                if let row, row.status == "destroyed" { try store.remove(blobID: row.blobID) }
            }
            problem.repaired = true
            report.problems.append(problem)
        }
        try FileSystem.syncDirectory(store.root)
    }

    /// Every catalogue row: live ones against their blobs, tombstones counted.
    private static func checkDocuments(
        _ options: VerificationOptions, session: Session, report: inout VerificationReport,
        progress: ((Int, Int) -> Void)?
    ) throws {
        let db = session.database
        let total = try db.queryOne("SELECT COUNT(*) AS n FROM documents")?.int("n") ?? 0
        let decryptAll = options.full && options.samplePercent == nil
        var lastID = 0
        var seen = 0
        while true {
            let page = try db.query("SELECT * FROM documents WHERE id > ? ORDER BY id LIMIT 256", [lastID])
                .map(DocumentRow.init(row:))
            guard let last = page.last else { break }
            lastID = last.id
            for row in page {
                seen += 1
                defer { progress?(seen, total) }
                guard row.status != "destroyed" else {
                    report.tombstones += 1
                    continue
                }
                report.documents += 1
                let decrypt = decryptAll || options.samplePercent.map { Int.random(in: 1...100) <= $0 } ?? false
                if let problem = try check(row, decrypt: decrypt, session: session, report: &report) {
                    // A document destroyed while verify ran lost its blob on purpose.
                    if problem.kind == "missing-blob",
                        try DocumentTable.find(db, reference: row.reference)?.status == "destroyed"
                    {
                        continue
                    }
                    report.problems.append(problem)
                }
            }
        }
    }

    /// One live document: its data key, blob length, header, commitment, and with `decrypt` every chunk and the digest.
    private static func check(
        _ row: DocumentRow, decrypt: Bool, session: Session, report: inout VerificationReport
    ) throws -> VerificationProblem? {
        func problem(_ kind: String, _ detail: String) -> VerificationProblem {
            VerificationProblem(subject: row.reference, kind: kind, detail: detail)
        }
        let version = UInt32(row.version)
        let dataKey: SecretBytes
        do {
            dataKey = try session.unwrapDataKey(
                row.wrappedDataKey, epoch: row.keyEpoch, documentUID: row.uid, version: version)
        } catch {
            return problem("data-key", "its data key does not authenticate (the catalogue row was altered)")
        }
        let binding = BlobBinding(vaultID: session.vault.meta.vaultID, documentUID: row.uid, version: version)
        let store = session.vault.blobs
        do {
            guard decrypt else {
                try EncryptedBlob.checkHeader(
                    blobID: row.blobID, store: store, dataKey: dataKey, binding: binding, plaintextSize: row.size)
                return nil
            }
            let digest = try EncryptedBlob.decrypt(
                blobID: row.blobID, store: store, dataKey: dataKey, binding: binding, plaintextSize: row.size,
                sink: { _ in })
            report.decrypted += 1
            report.bytesDecrypted += row.size
            let expected = try session.keys.open(row.sha256Sealed, field: "sha256", documentUID: row.uid) ?? []
            guard constantTimeEquals(digest, expected) else {
                return problem("digest", "its content decrypts but differs from the SHA-256 sealed at filing")
            }
            return nil
        } catch let error as BlobError {
            switch error {
            case .missing: return problem("missing-blob", "its blob is missing; restore it from a backup")
            case .truncated, .trailingData:
                return problem(
                    "blob-size", "its blob has the wrong length for \(row.size) bytes (truncated or extended)")
            case .unknownHeader: return problem("blob-header", "its blob does not start with a docvault header")
            case .wrongBinding:
                return problem("commitment", "its blob belongs to another document or key (swapped or replaced)")
            case .corrupted: return problem("content", "a chunk of its blob fails authentication (altered)")
            case .digestMismatch: return problem("digest", "its content differs from the SHA-256 sealed at filing")
            }
        }
    }
}
