import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// The metadata one document is filed with: where it belongs and what describes it.
public struct DocumentMetadata: Sendable, Equatable {
    /// Category code (UW, CL, CU, FI, HR, OT).
    public var category: String
    /// The year the document belongs to.
    public var year: Int
    /// Document type such as `claim-form`.
    public var docType: String?
    /// Title; defaults to the file name.
    public var title: String?
    /// Customer name (sealed, blind-indexed).
    public var customerName: String?
    /// Customer ID number (sealed, blind-indexed).
    public var customerID: String?
    /// Policy number.
    public var policyNo: String?
    /// Claim number.
    public var claimNo: String?
    /// Labour contract number (personnel files), for the `contract-ended` retention trigger.
    public var contractNo: String?
    /// Document date, `YYYY-MM-DD`.
    public var docDate: String?
    /// Free-text notes (sealed).
    public var notes: String?

    /// Metadata for a document of `category` and `year`, nothing else set.
    public init(category: String, year: Int) {
        self.category = category
        self.year = year
    }

    /// Checks category, year and date; returns the category or throws a usage error saying what to fix.
    public func validated() throws -> Category {
        guard let category = Category.named(category) else {
            throw VaultError.usage(
                "unknown category '\(self.category)'; use one of \(Category.defaults.map(\.code).joined(separator: ", "))"
            )
        }
        guard (1900...2100).contains(year) else {
            throw VaultError.usage("year \(year) is outside 1900-2100")
        }
        if let date = docDate, !Timestamp.isValidDate(date) {
            throw VaultError.usage("date '\(date)' is not a valid date; write it as YYYY-MM-DD")
        }
        return category
    }
}

/// What an archivist asks to file: one or more files and the metadata they share.
///
/// Reads and writes forward to ``metadata`` (`request.docType`, `request.title`, …).
@dynamicMemberLookup
public struct FilingRequest: Sendable {
    /// Files to file, in order.
    public var paths: [String]
    /// What every one of the files is filed with.
    public var metadata: DocumentMetadata

    /// Creates a request for `paths` in `category` and `year`.
    public init(paths: [String], category: String, year: Int) {
        self.paths = paths
        self.metadata = DocumentMetadata(category: category, year: year)
    }

    /// A metadata field of the request.
    public subscript<T>(dynamicMember keyPath: WritableKeyPath<DocumentMetadata, T>) -> T {
        get { metadata[keyPath: keyPath] }
        set { metadata[keyPath: keyPath] = newValue }
    }
}

/// One filed document.
public struct FiledDocument: Sendable, Equatable {
    /// Its new reference number.
    public let reference: String
    /// The path it was filed from.
    public let sourcePath: String
    /// Plaintext size in bytes.
    public let size: Int
    /// Earlier references with the same content (a warning, not a refusal).
    public let sameContentAs: [String]
    /// Required fields of its category it lacks, one sentence each (a warning, not a refusal).
    public var warnings: [String] = []
}

/// Filing documents: validate, encrypt each file into a blob, then catalogue all in one transaction.
public enum Filing {
    /// Files every path of `request`; all or nothing.
    ///
    /// Every input is checked before the first byte is encrypted. Blobs are written
    /// and made durable first; the catalogue rows follow in one `BEGIN IMMEDIATE`
    /// transaction that also assigns reference numbers. If anything fails, the new
    /// blobs are deleted and the catalogue is untouched.
    /// Each filed document gets its own audit entry in the same transaction; a failed
    /// filing leaves one `failed` entry with the reason.
    public static func file(
        _ request: FilingRequest, session: Session, progress: ((Int, Int) -> Void)? = nil
    ) throws -> [FiledDocument] {
        try session.authorize(.file)
        do {
            return try fileAuthorized(request, session: session, progress: progress)
        } catch {
            let mapped = map(error)
            var note = AuditNote()
            note.details = ["files=\(request.paths.count)", "category=\(request.category)", "year=\(request.year)"]
            session.recordFailure(action: .file, target: "", note: note, error: mapped)
            throw mapped
        }
    }

    ///
    /// `inSameTransaction` runs inside the catalogue transaction that inserts the rows,
    /// so a caller's own record of the filing commits or rolls back with it.
    static func fileAuthorized(
        _ request: FilingRequest, session: Session, progress: ((Int, Int) -> Void)?,
        inSameTransaction: (([FiledDocument]) throws -> Void)? = nil
    ) throws -> [FiledDocument] {
        guard !request.paths.isEmpty else { throw VaultError.usage("file needs at least one PATH") }
        _ = try request.metadata.validated()
        let sources = try request.paths.map(openSource)
        var writers: [BlobWriter] = []
        var pending: [PendingDocument] = []
        // Held from the first blob until the rows commit, so `verify --repair` never takes these for orphans.
        let lock = try BlobStoreLock.acquire(vault: session.vault.location.vault, .shared, purpose: "filing")
        defer { lock.release() }
        do {
            let now = Timestamp.format(session.now())
            let folder = try DocumentTable.recentBlobFolder(session.database)
            for (index, source) in sources.enumerated() {
                let document = try encrypt(
                    source, path: request.paths[index], metadata: request.metadata, session: session, filedAt: now,
                    durable: true, blobFolder: folder, writers: &writers,
                    progress: progress.map { report in { report(index, $0) } })
                FaultPoint.reach("file.blob-written")
                pending.append(document)
            }
            return try session.database.writeTransaction {
                let filed = try catalogue(pending, session: session, checkSameContent: true)
                try inSameTransaction?(filed)
                FaultPoint.reach("file.before-commit")
                return filed
            }
        } catch {
            for writer in writers { writer.discard() }
            throw error
        }
    }

    /// A document encrypted into its blob and ready to be catalogued: its row without reference or item number.
    struct PendingDocument {
        var row: NewDocumentRow
        let sha256: [UInt8]
        let path: String
        let dataKey: SecretBytes
        let retention: RetentionCode
    }

    /// Encrypts `source` into a new blob and builds its row from `metadata`; the one place a row is built.
    ///
    /// `metadata` must have passed ``DocumentMetadata/validated()``. With `durable` the blob is
    /// fsynced and renamed into place (``BlobWriter/commit()``); without, it is only renamed
    /// (``BlobWriter/stage()``) and the caller makes the whole batch durable with one
    /// ``FileBlobStore/syncStore()`` before its rows commit. The writer is appended to `writers`
    /// before any byte is written, so the caller can discard it whatever fails.
    static func encrypt(
        _ source: FileDescriptor, path: String, metadata: DocumentMetadata, session: Session, filedAt: String,
        durable: Bool, blobFolder: [UInt8]? = nil, writers: inout [BlobWriter], progress: ((Int) -> Void)?
    ) throws -> PendingDocument {
        let blob = try writeBlob(
            source, store: session.vault.blobs, vaultID: session.vault.meta.vaultID, durable: durable,
            blobFolder: blobFolder, started: { writers.append($0) }, progress: progress)
        return try describe(blob, path: path, metadata: metadata, session: session, filedAt: filedAt)
    }

    /// A document's content encrypted into a blob under a fresh identity and data key, before its row exists.
    struct WrittenBlob: Sendable {
        /// The new document's 16-byte identifier, bound into the blob.
        let uid: [UInt8]
        /// The blob's identifier in the store.
        let blobID: String
        /// The data key the blob is encrypted under; wrapped when the row is built.
        let dataKey: SecretBytes
        /// Plaintext size in bytes.
        let size: Int
        /// SHA-256 of the plaintext.
        let sha256: [UInt8]
    }

    /// Encrypts `source` into a new blob of `store`: the half of filing that needs no session.
    ///
    /// It touches only the store, the source and its own cipher contexts, so bulk import runs it
    /// on several threads at once (``ImportPipeline``). `started` receives the writer before any
    /// byte is written, so the caller can discard it whatever fails.
    static func writeBlob(
        _ source: FileDescriptor, store: FileBlobStore, vaultID: [UInt8], durable: Bool, blobFolder: [UInt8]?,
        started: (BlobWriter) -> Void, progress: ((Int) -> Void)?
    ) throws -> WrittenBlob {
        let uid = try SecureRandom.bytes(count: 16)
        let blobID = try FileBlobStore.newID(folder: blobFolder)
        let dataKey = try SecretBytes.random(count: 32)
        let writer = try store.makeWriter(blobID: blobID)
        started(writer)
        let result = try EncryptedBlob.encrypt(
            from: source, dataKey: dataKey, binding: BlobBinding(vaultID: vaultID, documentUID: uid, version: 1),
            to: writer, progress: progress)
        if durable { try writer.commit() } else { try writer.stage() }
        return WrittenBlob(uid: uid, blobID: blobID, dataKey: dataKey, size: result.size, sha256: result.sha256)
    }

    /// Builds the row of a written blob from `metadata`: wraps its data key and seals its fields with the session's keys.
    static func describe(
        _ blob: WrittenBlob, path: String, metadata: DocumentMetadata, session: Session, filedAt: String
    ) throws -> PendingDocument {
        let category = try metadata.validated()
        let retention = category.retentionCode(forType: metadata.docType)
        let uid = blob.uid
        let keys = session.keys
        let wrap = try keys.wrapDataKey(blob.dataKey, documentUID: uid, version: 1)
        let fileName = PathName.last(path)
        let row = NewDocumentRow(
            uid: uid, reference: "", category: category.code, year: metadata.year, itemNo: 0,
            retentionCode: retention.rawValue, docType: metadata.docType, docDate: metadata.docDate,
            filedAt: filedAt, filedBy: session.actor.name, policyNo: metadata.policyNo, claimNo: metadata.claimNo,
            contractNo: metadata.contractNo, size: blob.size, mediaType: MediaType.guess(fileName: fileName),
            blobID: blob.blobID,
            wrappedDataKey: wrap.wrapped, keyEpoch: wrap.epoch,
            titleSealed: try keys.seal(metadata.title ?? fileName, field: "title", documentUID: uid),
            customerNameSealed: try keys.seal(metadata.customerName, field: "customer_name", documentUID: uid),
            customerIDSealed: try keys.seal(metadata.customerID, field: "customer_id", documentUID: uid),
            fileNameSealed: try keys.seal(fileName, field: "file_name", documentUID: uid),
            notesSealed: try keys.seal(metadata.notes, field: "notes", documentUID: uid),
            sha256Sealed: try keys.seal(bytes: blob.sha256, field: "sha256", documentUID: uid),
            customerNameIndex: try keys.blindIndex(metadata.customerName, field: "customer_name"),
            customerIDIndex: try keys.blindIndex(metadata.customerID, field: "customer_id"))
        return PendingDocument(
            row: row, sha256: blob.sha256, path: path, dataKey: blob.dataKey, retention: retention)
    }

    /// Assigns references and inserts `pending` with one `file` audit entry each; call inside a write transaction.
    ///
    /// `checkSameContent` looks for earlier documents with the same content (a warning), which
    /// reads every active row of the same size; bulk import leaves it off.
    static func catalogue(_ pending: [PendingDocument], session: Session, checkSameContent: Bool) throws
        -> [FiledDocument]
    {
        let db = session.database
        var filed: [FiledDocument] = []
        var required: [String: [RequiredField]] = [:]
        // A rotation may have started since the session opened: wrap under the epoch current now.
        let current = try VaultKeyTable.epochs(db, purpose: KeyRing.dataKeyWrapPurpose).last?.epoch
        if let current, current != session.keys.currentEpoch { try session.refreshEpochs() }
        for entry in pending {
            var row = entry.row
            if row.keyEpoch != session.keys.currentEpoch {
                let wrap = try session.keys.wrapDataKey(entry.dataKey, documentUID: row.uid, version: 1)
                row.wrappedDataKey = wrap.wrapped
                row.keyEpoch = wrap.epoch
            }
            row.itemNo = try DocumentTable.nextItemNumber(db, category: row.category, year: row.year)
            row.reference =
                ReferenceNumber(
                    fonds: session.vault.meta.fonds, category: row.category, year: row.year,
                    retention: entry.retention, item: row.itemNo
                ).description
            // Earlier rows of this batch are already inserted in this transaction, so this finds them too.
            let same =
                checkSameContent ? try sameContent(db, session: session, size: row.size, sha256: entry.sha256) : []
            try DocumentTable.insert(db, row)
            var note = AuditNote()
            note.details = ["size=\(row.size)", "type=\(row.docType ?? "")"]
            try session.appendAudit(action: Action.file.rawValue, target: row.reference, outcome: .ok, note: note)
            var document = FiledDocument(
                reference: row.reference, sourcePath: entry.path, size: row.size, sameContentAs: same)
            if required[row.category] == nil {
                required[row.category] = try Completeness.requiredFields(db, category: row.category)
            }
            document.warnings = Completeness.filingWarnings(row, required: required[row.category] ?? [])
            filed.append(document)
        }
        return filed
    }

    /// References of catalogued documents whose sealed SHA-256 equals `sha256`.
    static func sameContent(_ db: Database, session: Session, size: Int, sha256: [UInt8]) throws -> [String] {
        try DocumentTable.withSize(db, size: size).compactMap { row in
            // A destroyed document's tombstone keeps no digest.
            guard row.status == "active" else { return nil }
            let stored = try session.keys.open(row.sha256Sealed, field: "sha256", documentUID: row.uid) ?? []
            return constantTimeEquals(stored, sha256) ? row.reference : nil
        }
    }

    /// Opens a source file for reading, with a clear error for each way it can be unusable.
    static func openSource(_ path: String) throws -> FileDescriptor {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == EACCES { throw VaultError.inputMissing("cannot read \(path): permission denied") }
            throw VaultError.inputMissing("no such file: \(path)")
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw VaultError.inputMissing("\(path) is a directory; name the files inside it")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw VaultError.inputMissing("\(path) is not a regular file") }
        do {
            return try FileDescriptor.openForReading(path)
        } catch let failure as POSIXFailure {
            throw VaultError.inputMissing("cannot read \(path): \(failure.reason.lowercased())")
        }
    }

    /// Turns what went wrong while filing into the one-line error the user sees.
    ///
    /// A full disk, a quota or a file size limit is an I/O error (74) with the same
    /// message wherever it struck; a catalogue still busy after the busy timeout is
    /// a temporary failure (75). The blobs are already discarded when this runs.
    /// `outcome` is what the full-disk message says became of the filing (bulk import
    /// names the documents its earlier batches filed).
    static func map(_ error: Error, outcome: String = nothingFiled) -> Error {
        switch error {
        case let error as VaultError: return error
        case let failure as POSIXFailure where isOutOfSpace(failure.code):
            return VaultError.ioError(diskFullMessage(writing: "the blob", outcome: outcome))
        case let failure as POSIXFailure: return VaultError.failure("filing failed: \(failure.description)")
        case let error as DatabaseError where error.isFull:
            return VaultError.ioError(diskFullMessage(writing: "the catalogue", outcome: outcome))
        case let error as DatabaseError where error.isBusy:
            return VaultError.temporaryFailure("the catalogue is busy (another docvault is writing); try again")
        default: return VaultError.failure("filing failed: \(error)")
        }
    }

    /// What a failed `file` leaves: nothing, and what to do next.
    static let nothingFiled = "nothing was filed; free space on the vault's disk and file again"

    /// The message for a filing stopped by a full disk, a quota or a file size limit while writing `what`.
    static func diskFullMessage(writing what: String, outcome: String = nothingFiled) -> String {
        "the disk is full (or a file size limit was hit) while writing \(what); \(outcome)"
    }

    /// Whether `code` says a write found no room: no space, file too large, or over quota.
    static func isOutOfSpace(_ code: Int32) -> Bool {
        code == ENOSPC || code == EFBIG || code == EDQUOT
    }
}

/// Guesses a media type from a file name's extension.
public enum MediaType {
    /// The media type for `fileName`, `application/octet-stream` when unknown.
    public static func guess(fileName: String) -> String {
        switch PathName.extension(fileName).lowercased() {
        case "pdf": "application/pdf"
        case "tif", "tiff": "image/tiff"
        case "jpg", "jpeg": "image/jpeg"
        case "png": "image/png"
        case "txt": "text/plain"
        case "csv": "text/csv"
        case "xml": "application/xml"
        case "doc": "application/msword"
        case "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case "xls": "application/vnd.ms-excel"
        case "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        default: "application/octet-stream"
        }
    }
}
