import FoundationEssentials

/// How far a bulk import has got, for a progress bar.
public struct ImportProgress: Sendable {
    /// Documents filed so far by this run.
    public var documents = 0
    /// Documents this run files in all.
    public var totalDocuments = 0
    /// Plaintext bytes encrypted so far.
    public var bytes = 0
    /// Plaintext bytes this run files in all.
    public var totalBytes = 0
}

/// What became of one manifest row.
public struct ImportedRow: Sendable, Equatable {
    /// Whether this run filed it or an earlier run had.
    public enum Status: String, Sendable {
        /// Filed by this run.
        case filed
        /// Filed by an earlier run; skipped.
        case skipped
    }

    /// The manifest line.
    public let line: Int
    /// The path as the manifest wrote it.
    public let path: String
    /// Its reference number.
    public let reference: String
    /// Filed now or before.
    public let status: Status
}

/// The result of a bulk import.
public struct ImportResult: Sendable {
    /// Every row, in manifest order, with its reference.
    public let rows: [ImportedRow]
    /// Plaintext bytes filed by this run.
    public let bytes: Int

    /// Rows filed by this run.
    public var filed: Int { rows.filter { $0.status == .filed }.count }
    /// Rows an earlier run had filed.
    public var skipped: Int { rows.filter { $0.status == .skipped }.count }
}

/// Bulk import: many documents with per-row metadata, filed in batches that each commit once.
///
/// A batch (at most ``Limits/documents`` documents or ``Limits/bytes`` bytes) is encrypted
/// into staged blobs, made durable with one `syncfs(2)`, then catalogued in one `BEGIN
/// IMMEDIATE` transaction that inserts its rows, one `file` audit entry each and one
/// `import_rows` record each (schema 10). ``ImportPipeline`` writes the blobs on two threads
/// and up to one batch ahead, so the blob-store lock is held shared from the first blob until
/// the last commit. A run killed between batches keeps every committed batch; the next run
/// recognises those rows by their keyed identity and skips them.
public enum BulkImport {
    /// The absolute path for `--report`, checked before anything is filed.
    ///
    /// The report names the ledger's file paths, which often carry customer names, so it is
    /// refused inside the vault folder (64) like any plaintext; its folder must exist (66) and
    /// it must not be a folder (73). An existing file is replaced: a re-run reports again.
    public static func reportPath(_ path: String, session: Session) throws -> String {
        let absolute = try OutputPath.outsideVault(
            path, vaultFolder: session.vault.location.vault, what: "the import report", choice: "a file")
        if FileSystem.isDirectory(absolute) {
            throw VaultError.cannotCreate("\(path) is a folder; give --report a file name")
        }
        return absolute
    }

    /// How large one batch may grow.
    public struct Limits: Sendable {
        /// Documents per batch.
        public var documents: Int
        /// Plaintext bytes per batch (a larger single file is a batch of its own).
        public var bytes: Int

        /// 64 documents or 64 MiB, whichever comes first.
        public static let standard = Limits(documents: 64, bytes: 64 << 20)

        /// Limits of `documents` documents and `bytes` bytes per batch.
        public init(documents: Int, bytes: Int) {
            self.documents = max(1, documents)
            self.bytes = max(1, bytes)
        }
    }

    /// Files every pending item of `plan`, batch by batch, and logs one `import` summary entry.
    ///
    /// A plan with problems is refused (see ``refuse(_:name:session:)``). A failure stops the import after the last committed
    /// batch, discards the blobs of the batch in hand and logs a `failed` entry; running
    /// the import again files the rest.
    public static func run(
        _ plan: ImportPlan, session: Session, limits: Limits = .standard,
        progress: ((ImportProgress) -> Void)? = nil
    ) throws -> ImportResult {
        guard plan.problems.isEmpty else {
            throw VaultError.dataError("the import plan has \(plan.problems.count) problem(s); nothing was filed")
        }
        try session.authorize(.import)
        var references: [Int: String] = [:]
        let pending = plan.pending
        let tracker = ProgressTracker(
            ImportProgress(
                documents: 0, totalDocuments: pending.count, bytes: 0, totalBytes: pending.reduce(0) { $0 + $1.size }),
            report: progress)
        var filedBytes = 0
        do {
            let batches = batchRanges(pending.map(\.size), limits: limits)
            // Held for the whole run: the worker writes the next batch's blobs while this one commits.
            // A re-run with nothing left to file waits for no lock.
            let lock =
                batches.isEmpty
                ? nil
                : try BlobStoreLock.acquire(
                    vault: session.vault.location.vault, .shared, purpose: "import")
            defer { lock?.release() }
            // One blob folder per batch: one mkdir instead of one per document.
            var folderOfItem: [[UInt8]] = []
            for batch in batches {
                folderOfItem += Array(repeating: try SecureRandom.bytes(count: 2), count: batch.count)
            }
            let store = session.vault.blobs
            let vaultID = session.vault.meta.vaultID
            let pipeline = ImportPipeline(sizes: pending.map(\.size)) { index, started in
                let source = try Filing.openSource(pending[index].source)
                var reported = 0
                return try Filing.writeBlob(
                    source, store: store, vaultID: vaultID, durable: false, blobFolder: folderOfItem[index],
                    started: started,
                    progress: { done in
                        tracker.addBytes(done - reported)
                        reported = done
                    })
            }
            var committed = 0
            defer {
                pipeline.stop()
                // Blobs of batches that never committed: a failure, or rows another import filed.
                for index in committed..<pending.count { pipeline.writer(index)?.discard() }
            }
            pipeline.start()
            for (number, batch) in batches.enumerated() {
                pipeline.allow(upTo: batches[min(number + 1, batches.count - 1)].upperBound)
                let blobs = try pipeline.results(batch)
                let filed = try commitBatch(
                    Array(pending[batch]), blobs: blobs, session: session,
                    writers: batch.map { pipeline.writer($0) })
                committed = batch.upperBound
                filedBytes += blobs.reduce(0) { $0 + $1.size }
                tracker.addDocuments(batch.count)
                FaultPoint.reach("import.batch-committed")
                for (index, reference) in filed { references[index] = reference }
            }
        } catch {
            var note = AuditNote()
            note.details = ["rows=\(plan.rows)", "filed=\(references.count)"]
            // Committed batches stay filed; a full disk says how many, and a re-run files the rest.
            let outcome =
                references.isEmpty
                ? "nothing was filed; free space on the vault's disk and import again"
                : "\(references.count) of \(pending.count) document(s) were filed; "
                    + "free space on the vault's disk and import again to file the rest"
            let mapped = Filing.map(error, outcome: outcome)
            session.recordFailure(action: .import, target: "", note: note, error: mapped)
            throw mapped
        }
        let rows = plan.items.map { item in
            if let earlier = item.importedAs {
                return ImportedRow(line: item.line, path: item.path, reference: earlier, status: .skipped)
            }
            if let now = references[item.line] {
                return ImportedRow(line: item.line, path: item.path, reference: now, status: .filed)
            }
            // Another import filed this row while this one ran: it was skipped inside the batch.
            return ImportedRow(line: item.line, path: item.path, reference: "", status: .skipped)
        }
        var note = AuditNote()
        note.details = [
            "rows=\(rows.count)", "filed=\(rows.filter { $0.status == .filed }.count)",
            "skipped=\(rows.filter { $0.status == .skipped }.count)", "bytes=\(filedBytes)",
        ]
        try session.perform(.import, note: note) { _ in }
        return ImportResult(rows: rows, bytes: filedBytes)
    }

    /// Logs a refused plan as one `failed` `import` entry and returns the one-line error that ends the command.
    ///
    /// The caller prints `plan.problems` (one line each) before this summary. Nothing is filed.
    public static func refuse(_ plan: ImportPlan, name: String, session: Session) -> VaultError {
        let lines = Set(plan.problems.map(\.line)).count
        let error = VaultError(
            .dataError,
            "\(name): \(plan.problems.count) problem(s) on \(lines) line(s); nothing was filed; "
                + "fix the manifest and import again")
        var note = AuditNote()
        note.details = ["rows=\(plan.rows)", "problems=\(plan.problems.count)"]
        session.recordFailure(action: .import, target: "", note: note, error: error)
        return error
    }

    /// Consecutive ranges of items, each one batch within `limits`; an item larger than the byte limit is a batch of its own.
    static func batchRanges(_ sizes: [Int], limits: Limits) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        while start < sizes.count {
            var end = start
            var bytes = 0
            while end < sizes.count && end - start < limits.documents
                && (end == start || bytes + sizes[end] <= limits.bytes)
            {
                bytes += sizes[end]
                end += 1
            }
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }

    /// Builds the rows of one batch of written blobs, syncs the blobs and catalogues the rows in one transaction.
    ///
    /// Returns the references filed, by manifest line. A row another import filed meanwhile is
    /// skipped and its blob discarded.
    private static func commitBatch(
        _ batch: [ImportItem], blobs: [Filing.WrittenBlob], session: Session, writers: [BlobWriter?]
    ) throws -> [(Int, String)] {
        let now = Timestamp.format(session.now())
        let pending = try zip(batch, blobs).map { item, blob in
            try Filing.describe(blob, path: item.path, metadata: item.metadata, session: session, filedAt: now)
        }
        try session.vault.blobs.syncStore()
        let db = session.database
        let result = try db.writeTransaction {
            // A second import of the same ledger may have committed some of these rows meanwhile.
            var fresh: [(item: ImportItem, document: Filing.PendingDocument)] = []
            for (item, document) in zip(batch, pending)
            where try ImportRowTable.reference(db, key: item.identity) == nil {
                fresh.append((item, document))
            }
            let filed = try Filing.catalogue(fresh.map(\.document), session: session, checkSameContent: false)
            for (entry, document) in zip(fresh, filed) {
                try ImportRowTable.insert(db, key: entry.item.identity, reference: document.reference, at: now)
            }
            FaultPoint.reach("import.before-commit")
            return zip(fresh, filed).map { ($0.0.item.line, $0.1.reference) }
        }
        let kept = Set(result.map(\.0))
        for (item, writer) in zip(batch, writers) where !kept.contains(item.line) { writer?.discard() }
        return result
    }
}

/// Progress of a bulk import, reported from the thread that commits and from the pipeline's worker, one report at a time.
private final class ProgressTracker: @unchecked Sendable {
    private let lock = ThreadLock()
    private var state: ImportProgress
    private let report: ((ImportProgress) -> Void)?

    init(_ state: ImportProgress, report: ((ImportProgress) -> Void)?) {
        self.state = state
        self.report = report
    }

    /// Counts `count` more plaintext bytes encrypted.
    func addBytes(_ count: Int) { update { $0.bytes += count } }

    /// Counts `count` more documents filed.
    func addDocuments(_ count: Int) { update { $0.documents += count } }

    /// Applies `change` and reports the result, one caller at a time.
    private func update(_ change: (inout ImportProgress) -> Void) {
        guard let report else { return }
        lock.lock()
        defer { lock.unlock() }
        change(&state)
        report(state)
    }
}
