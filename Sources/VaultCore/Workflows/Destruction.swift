import FoundationEssentials

/// Destruction: proposal (appraisal list) → approval by someone else → execution → register.
///
/// Execution crypto-shreds each document in a catalogue transaction of its own: the
/// wrapped data key is overwritten with an empty value (`secure_delete` is on), the
/// sealed fields and blind indexes are cleared, and the row stays as a tombstone with
/// status `destroyed`. The WAL is checkpointed before the blob files are deleted. A
/// crash leaves every item either intact or shredded; running `execute` again checkpoints,
/// deletes the blobs still left and continues with the rest.
public enum Destruction {
    /// Items shredded between two WAL checkpoints.
    static let checkpointEvery = 64

    /// Proposes a batch of every document due at `asOf` (default today), optionally of one category.
    ///
    /// Documents held, on loan, or already in a batch still open are left out.
    public static func propose(asOf: String?, category: String?, session: Session) throws -> DestructionBatch {
        try session.authorize(.purgePropose)
        let report = try RetentionReport.due(asOf: asOf, category: category, session: session)
        var note = AuditNote()
        note.details = ["as-of=\(report.asOf)", "category=\(category?.uppercased() ?? "all")"]
        return try session.perform(.purgePropose, note: note) { note in
            let db = session.database
            let id =
                (try db.queryOne("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM destruction_batches")?.int("next"))
                ?? 1
            let open = Set(
                try db.query(
                    """
                    SELECT i.reference FROM destruction_items i JOIN destruction_batches b ON b.id = i.batch_id
                    WHERE b.status IN ('proposed', 'approved') AND i.status = 'proposed'
                    """
                ).compactMap { $0.string("reference") })
            let candidates = report.items.filter { $0.status == "due" && !open.contains($0.reference) }
            guard !candidates.isEmpty else {
                throw VaultError.failure(
                    "nothing is due for destruction at \(report.asOf) that is free of holds, loans and open batches; "
                        + "'docvault retention due' lists what is due")
            }
            try db.run(
                """
                INSERT INTO destruction_batches (id, status, as_of, category, proposed_by, proposed_at)
                VALUES (?, 'proposed', ?, ?, ?, ?)
                """,
                [
                    id, report.asOf.description, category?.uppercased(), session.actor.name,
                    Timestamp.format(session.now()),
                ])
            let insert = try db.prepare(
                """
                INSERT INTO destruction_items (batch_id, document_id, reference, rule, trigger_date, due_date, status)
                SELECT ?, id, reference, ?, ?, ?, 'proposed' FROM documents WHERE reference = ? AND status = 'active'
                """)
            for item in candidates {
                try insert.bind([
                    id, item.rule, item.triggerDate.description, item.dueDate.description, item.reference,
                ])
                _ = try insert.step()
            }
            note.target = "batch:\(id)"
            note.details += [
                "items=\(candidates.count)", "held=\(report.items.filter { $0.status == "held" }.count)",
                "on-loan=\(report.items.filter { $0.status == "on-loan" }.count)",
            ]
            return try load(id, session: session)
        }
    }

    /// Batch `id` with its items.
    public static func show(_ id: Int, session: Session) throws -> DestructionBatch {
        try session.perform(.purgeShow, target: "batch:\(id)") { _ in try load(id, session: session) }
    }

    /// Approves batch `id`; only an approver other than its proposer may.
    public static func approve(_ id: Int, session: Session) throws -> DestructionBatch {
        try session.perform(.purgeApprove, target: "batch:\(id)") { note in
            let batch = try undecided(id, session: session, verb: "approve")
            let left = batch.items.filter { $0.status == "proposed" }.count
            guard left > 0 else {
                throw VaultError.failure("every item of batch \(id) was struck; reject it with 'docvault purge reject'")
            }
            try session.database.run(
                "UPDATE destruction_batches SET status = 'approved', decided_by = ?, decided_at = ? WHERE id = ?",
                [session.actor.name, Timestamp.format(session.now()), id])
            note.details = ["items=\(left)"]
            return try load(id, session: session)
        }
    }

    /// Rejects batch `id` with a reason; this ends the batch.
    public static func reject(_ id: Int, reason: String, session: Session) throws -> DestructionBatch {
        var note = AuditNote()
        note.sensitive = ["reason=\(reason)"]
        return try session.perform(.purgeReject, target: "batch:\(id)", note: note) { _ in
            let reason = try requireReason(reason, "purge reject")
            _ = try undecided(id, session: session, verb: "reject")
            try session.database.run(
                """
                UPDATE destruction_batches SET status = 'rejected', decided_by = ?, decided_at = ?,
                    reject_reason_sealed = ? WHERE id = ?
                """,
                [
                    session.actor.name, Timestamp.format(session.now()),
                    try session.keys.sealBatch(reason, batchID: id, field: "reject_reason"), id,
                ])
            return try load(id, session: session)
        }
    }

    /// Strikes `reference` from batch `id` before approval, with a reason.
    public static func strike(_ id: Int, reference: String, reason: String, session: Session) throws
        -> DestructionBatch
    {
        var note = AuditNote()
        note.sensitive = ["reason=\(reason)"]
        note.details = ["reference=\(reference.uppercased())"]
        return try session.perform(.purgeStrike, target: "batch:\(id)", note: note) { _ in
            let reason = try requireReason(reason, "purge strike")
            let batch = try existing(id, session: session)
            guard batch.status == "proposed" else {
                throw VaultError.failure("batch \(id) is \(batch.status); items may be struck only before approval")
            }
            let wanted = reference.trimmingSpaces().uppercased()
            guard
                let item = try session.database.queryOne(
                    "SELECT document_id, status FROM destruction_items WHERE batch_id = ? AND reference = ?",
                    [id, wanted])
            else {
                throw VaultError.inputMissing("\(wanted) is not in batch \(id); 'docvault purge show \(id)' lists it")
            }
            guard item.string("status") == "proposed" else {
                throw VaultError.failure("\(wanted) was already struck from batch \(id)")
            }
            let documentID = item.int("document_id")
            try session.database.run(
                """
                UPDATE destruction_items SET status = 'struck', reason_sealed = ?, changed_by = ?, changed_at = ?
                WHERE batch_id = ? AND document_id = ?
                """,
                [
                    try session.keys.sealBatch(reason, batchID: id, field: "reason:\(documentID)"),
                    session.actor.name, Timestamp.format(session.now()), id, documentID,
                ])
            return try load(id, session: session)
        }
    }

    /// Executes approved batch `id`: re-checks, shreds, deletes blobs, files the register.
    public static func execute(
        _ id: Int, session: Session, progress: ((Int, Int) -> Void)? = nil
    ) throws -> DestructionOutcome {
        try execute(id, session: session, progress: progress, afterItem: nil)
    }

    /// ``execute(_:session:progress:)`` with a test seam called after each item's commit (1-based count).
    static func execute(
        _ id: Int, session: Session, progress: ((Int, Int) -> Void)?, afterItem: ((Int) throws -> Void)?
    ) throws -> DestructionOutcome {
        let db = session.database
        let pending = try session.perform(.purgeExecute, target: "batch:\(id)") { note in
            let batch = try existing(id, session: session)
            switch batch.status {
            case "approved": break
            case "executed":
                throw VaultError.failure(
                    "batch \(id) was already executed at \(batch.executedAt ?? "?"); "
                        + "'docvault purge register \(id) -o FILE' exports its register")
            case "rejected":
                throw VaultError.failure("batch \(id) was rejected; propose a new batch")
            default:
                throw VaultError.failure(
                    "batch \(id) is not approved yet; an approver other than \(batch.proposedBy) must run "
                        + "'docvault purge approve \(id)'")
            }
            let items = try db.query(
                """
                SELECT i.document_id, i.reference, d.blob_id, i.status FROM destruction_items i
                JOIN documents d ON d.id = i.document_id WHERE i.batch_id = ? ORDER BY i.reference
                """, [id])
            note.details = ["items=\(items.filter { $0.string("status") == "proposed" }.count)"]
            return items
        }
        // A run that stopped half-way: make its shredding durable, then delete the blobs it left.
        try deleteBlobs(
            pending.filter { $0.string("status") == "shredded" }.map { $0.string("blob_id") ?? "" },
            session: session)
        let todo = pending.filter { $0.string("status") == "proposed" }
        var shredded: [String] = []
        var skipped: [(reference: String, reason: String)] = []
        var unlinked: [String] = []
        for (index, row) in todo.enumerated() {
            let reference = row.string("reference") ?? ""
            let outcome = try shred(
                batch: id, documentID: row.int("document_id"), reference: reference, session: session)
            if let reason = outcome {
                skipped.append((reference, reason))
            } else {
                shredded.append(reference)
                unlinked.append(row.string("blob_id") ?? "")
            }
            // Crash tests stop here: this item is shredded and committed, its blob not yet deleted.
            FaultPoint.reach("purge.item-shredded")
            progress?(index + 1, todo.count)
            try afterItem?(index + 1)
            if unlinked.count >= checkpointEvery || index == todo.count - 1 {
                try deleteBlobs(unlinked, session: session)
                unlinked.removeAll()
            }
        }
        try finish(id, session: session)
        return DestructionOutcome(batch: try load(id, session: session), shredded: shredded, skipped: skipped)
    }

    /// The destruction register of executed batch `id`.
    public static func register(_ id: Int, session: Session) throws -> DestructionRegister {
        try session.perform(.purgeRegister, target: "batch:\(id)") { _ in
            let batch = try existing(id, session: session)
            guard batch.status == "executed" else {
                throw VaultError.failure("batch \(id) is \(batch.status); a register exists once it is executed")
            }
            return try buildRegister(batch, session: session)
        }
    }

    /// Writes the register of executed batch `id` to `path`, outside the vault.
    ///
    /// CSV when the name ends in `.csv`, else the text document; an existing file is
    /// replaced only with `overwrite`. Returns the register.
    public static func exportRegister(_ id: Int, to path: String, overwrite: Bool, session: Session) throws
        -> DestructionRegister
    {
        let register = try register(id, session: session)
        let text = path.lowercased().hasSuffix(".csv") ? register.csv : register.text
        try Retrieval.writeAtomically(to: path, overwrite: overwrite, vaultFolder: session.vault.location.vault) { fd in
            try Array(text.utf8).withUnsafeBytes { try fd.write($0) }
        }
        return register
    }

    /// The tombstone of a destroyed document: the batch that shredded it and the date, for refusals.
    static func destroyedMessage(_ row: DocumentRow, database: Database, _ tail: String) -> String {
        let found = try? database.queryOne(
            "SELECT batch_id, changed_at FROM destruction_items WHERE document_id = ? AND status = 'shredded'",
            [row.id])
        guard let found else { return "\(row.reference) was destroyed; \(tail)" }
        let date = String((found.string("changed_at") ?? "").prefix(10))
        return "\(row.reference) was destroyed by destruction batch \(found.int("batch_id")) on \(date); \(tail)"
    }

    // MARK: - Execution steps

    /// Shreds one document in its own transaction; returns why it was skipped instead, or nil.
    private static func shred(batch id: Int, documentID: Int, reference: String, session: Session) throws -> String? {
        try step("purge.shred", target: reference, session: session) { note in
            note.details = ["batch=\(id)"]
            let db = session.database
            let current = try db.queryOne(
                "SELECT status FROM destruction_items WHERE batch_id = ? AND document_id = ?", [id, documentID])
            guard current?.string("status") == "proposed" else {
                throw VaultError.failure(
                    "another 'purge execute \(id)' is running; run it again when that one has finished")
            }
            guard
                let row = try db.queryOne("SELECT * FROM documents WHERE id = ?", [documentID]).map(
                    DocumentRow.init(row:))
            else { throw VaultError.dataError("batch \(id) names a document the catalogue does not hold") }
            let now = Timestamp.format(session.now())
            var reason: String?
            let holds = try LegalHolds.inForce(covering: row, database: db)
            let loans = try LoanAccess.outstandingLoans(documentID: row.id, database: db)
            if row.status != "active" {
                reason = "no longer active"
            } else if !holds.isEmpty {
                reason = "held by hold \(holds.map(String.init).joined(separator: ", "))"
            } else if !loans.isEmpty {
                reason = "on loan \(loans.map(String.init).joined(separator: ", "))"
            }
            if let reason {
                try db.run(
                    """
                    UPDATE destruction_items SET status = 'skipped', reason_sealed = ?, changed_by = ?, changed_at = ?
                    WHERE batch_id = ? AND document_id = ?
                    """,
                    [
                        try session.keys.sealBatch(reason, batchID: id, field: "reason:\(documentID)"),
                        session.actor.name, now, id, documentID,
                    ])
                note.details.append("skipped=\(reason.replacingEvery(" ", with: "-"))")
                return reason
            }
            // Capture what the register needs before the sealed fields go.
            let title = try session.keys.openText(row.titleSealed, field: "title", documentUID: row.uid) ?? ""
            let sha = try session.keys.open(row.sha256Sealed, field: "sha256", documentUID: row.uid) ?? []
            try db.run(
                """
                UPDATE destruction_items SET status = 'shredded', changed_by = ?, changed_at = ?, title_sealed = ?,
                    sha256_sealed = ? WHERE batch_id = ? AND document_id = ?
                """,
                [
                    session.actor.name, now,
                    try session.keys.seal(title, field: "register_title", documentUID: row.uid),
                    try session.keys.seal(bytes: sha, field: "register_sha256", documentUID: row.uid), id, documentID,
                ])
            try db.run(
                """
                UPDATE documents SET status = 'destroyed', wrapped_data_key = x'', sha256_sealed = x'',
                    title_sealed = NULL, customer_name_sealed = NULL, customer_id_sealed = NULL,
                    file_name_sealed = NULL, notes_sealed = NULL, customer_name_index = NULL,
                    customer_id_index = NULL WHERE id = ?
                """, [documentID])
            note.details.append("shredded")
            return nil
        }
    }

    /// Makes the shredding durable (WAL checkpoint), then deletes the blobs of shredded documents.
    ///
    /// Holds the blob-store lock exclusively meanwhile: a running backup may still copy these
    /// blobs for its older catalogue copy, so deletion waits for it to finish.
    private static func deleteBlobs(_ blobIDs: [String], session: Session) throws {
        try session.database.checkpoint()
        guard !blobIDs.isEmpty else { return }
        let lock = try BlobStoreLock.acquire(
            vault: session.vault.location.vault, .exclusive, timeout: 600, purpose: "purge execute")
        defer { lock.release() }
        // Crash tests stop here: the shredding is checkpointed, the blobs are all still there.
        FaultPoint.reach("purge.before-blob-delete")
        for blob in blobIDs { try removeBlob(blob, session: session) }
    }

    private static func removeBlob(_ blobID: String, session: Session) throws {
        do {
            try session.vault.blobs.remove(blobID: blobID)
        } catch let failure as POSIXFailure {
            throw VaultError.failure(
                "cannot delete a shredded document's blob: \(failure.reason.lowercased()); run 'purge execute' again")
        }
    }

    /// Records the anchor, files the register (text and CSV) and closes the batch.
    private static func finish(_ id: Int, session: Session) throws {
        let db = session.database
        guard
            let row = try db.queryOne("SELECT seq, mac FROM audit_log WHERE mac IS NOT NULL ORDER BY seq DESC LIMIT 1"),
            let mac = row.bytes("mac")
        else { throw VaultError.dataError("the audit log has no sealed entry; run 'docvault audit verify'") }
        let anchor = "\(row.int("seq")):\(mac.hexString)"
        let register = try buildRegister(
            try load(id, session: session), executor: session.actor.name, anchor: anchor, session: session)
        // The register's rows and the batch's closing commit in one transaction: a crash
        // before it leaves no register (the next run files it), after it the batch is closed.
        var note = AuditNote()
        do {
            try fileRegister(register, session: session) { references in
                try db.run(
                    """
                    UPDATE destruction_batches SET status = 'executed', executed_by = ?, executed_at = ?,
                        audit_anchor = ?, register_reference = ?, register_csv_reference = ? WHERE id = ?
                    """,
                    [session.actor.name, Timestamp.format(session.now()), anchor, references.text, references.csv, id])
                note.details = [
                    "shredded=\(register.entries.count)", "anchor=\(anchor)", "register=\(references.text)",
                    "register-csv=\(references.csv)",
                ]
                try session.appendAudit(action: "purge.close", target: "batch:\(id)", outcome: .ok, note: note)
            }
        } catch {
            session.recordFailure(action: .purgeExecute, target: "batch:\(id)", note: note, error: error)
            throw error
        }
    }

    /// Runs one step of an execution (already authorized) in a transaction with its own audit entry `action`.
    private static func step<T>(
        _ action: String, target: String, session: Session, _ body: (inout AuditNote) throws -> T
    ) throws -> T {
        var note = AuditNote()
        do {
            return try session.database.writeTransaction {
                let value = try body(&note)
                try session.appendAudit(action: action, target: target, outcome: note.outcome, note: note)
                return value
            }
        } catch {
            session.recordFailure(action: .purgeExecute, target: target, note: note, error: error)
            throw error
        }
    }

    /// The start of the name of the temporary folder a register is written to before it is filed.
    static func registerFolderPrefix(_ vaultID: [UInt8]) -> String {
        "docvault-register-" + vaultID.hexString + "-"
    }

    /// Writes the register to a private temporary folder outside the vault, files it as permanent OT, deletes it.
    private static func fileRegister(
        _ register: DestructionRegister, session: Session, close: @escaping ((text: String, csv: String)) throws -> Void
    ) throws {
        let base = FileSystem.canonical(FileManager.default.temporaryDirectory.path)
        let vault = FileSystem.canonical(session.vault.location.vault)
        guard base != vault && !base.hasPrefix(vault + "/") else {
            throw VaultError.failure("the temporary folder \(base) is inside the vault; set TMPDIR elsewhere")
        }
        // Named after the vault, so a leftover (after a crash) says which vault it came from.
        let folder =
            base + "/" + registerFolderPrefix(session.vault.meta.vaultID) + (try SecureRandom.bytes(count: 8).hexString)
        try FileSystem.makeDirectory(folder, mode: 0o700)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let name = "destruction-register-batch-\(register.batch)"
        let textPath = folder + "/" + name + ".txt"
        let csvPath = folder + "/" + name + ".csv"
        try write(register.text, to: textPath)
        try write(register.csv, to: csvPath)
        let day = CivilDate(session.now())
        var request = FilingRequest(paths: [textPath, csvPath], category: "OT", year: day.year)
        request.docType = "destruction-register"
        request.docDate = day.description
        request.title = "Destruction register, batch \(register.batch)"
        do {
            _ = try Filing.fileAuthorized(request, session: session, progress: nil) { filed in
                try close((filed[0].reference, filed[1].reference))
            }
        } catch {
            throw Filing.map(error)
        }
    }

    private static func write(_ text: String, to path: String) throws {
        let fd = try FileDescriptor.createExclusively(path, mode: 0o600)
        try Array(text.utf8).withUnsafeBytes { try fd.write($0) }
        try fd.sync()
    }

    // MARK: - Reading

    private static func buildRegister(
        _ batch: DestructionBatch, executor: String? = nil, anchor: String? = nil, session: Session
    ) throws -> DestructionRegister {
        let rows = try session.database.query(
            """
            SELECT i.reference, i.rule, i.trigger_date, i.changed_at, i.title_sealed, i.sha256_sealed,
                d.uid, d.category, d.year, d.retention_code, d.filed_at
            FROM destruction_items i JOIN documents d ON d.id = i.document_id
            WHERE i.batch_id = ? AND i.status = 'shredded' ORDER BY i.reference
            """, [batch.id])
        let entries = try rows.map { row in
            let uid = [UInt8](hex: row.string("uid") ?? "") ?? []
            let destroyed = row.string("changed_at") ?? ""
            return DestructionRegisterEntry(
                reference: row.string("reference") ?? "",
                title: try session.keys.openText(row.bytes("title_sealed"), field: "register_title", documentUID: uid)
                    ?? "",
                category: row.string("category") ?? "", year: row.int("year"),
                retention: "\(row.string("retention_code") ?? "") (\(row.string("rule") ?? ""))",
                periodKept: "\((row.string("filed_at") ?? "").prefix(10)) to \(destroyed.prefix(10))",
                triggerDate: row.string("trigger_date") ?? "", destroyedAt: destroyed,
                sha256: (try session.keys.open(row.bytes("sha256_sealed"), field: "register_sha256", documentUID: uid)
                    ?? []).hexString)
        }
        return DestructionRegister(
            batch: batch.id, proposer: batch.proposedBy, approver: batch.decidedBy ?? "",
            executor: executor ?? batch.executedBy ?? "", auditAnchor: anchor ?? batch.auditAnchor ?? "",
            entries: entries)
    }

    private static func existing(_ id: Int, session: Session) throws -> DestructionBatch {
        try load(id, session: session)
    }

    private static func undecided(_ id: Int, session: Session, verb: String) throws -> DestructionBatch {
        let batch = try existing(id, session: session)
        guard batch.status == "proposed" else {
            throw VaultError.failure(
                "batch \(id) was already \(batch.status) by \(batch.decidedBy ?? "?"); there is nothing to \(verb)")
        }
        guard batch.proposedBy != session.actor.name else {
            throw VaultError.denied("you proposed batch \(id) yourself; another approver must \(verb) it")
        }
        return batch
    }

    static func load(_ id: Int, session: Session) throws -> DestructionBatch {
        let db = session.database
        guard let row = try db.queryOne("SELECT * FROM destruction_batches WHERE id = ?", [id]) else {
            throw VaultError.inputMissing("no destruction batch \(id); 'docvault purge propose' creates one")
        }
        let items = try db.query(
            "SELECT * FROM destruction_items WHERE batch_id = ? ORDER BY reference", [id]
        ).map { item in
            DestructionItem(
                reference: item.string("reference") ?? "", rule: item.string("rule") ?? "",
                triggerDate: item.string("trigger_date") ?? "", dueDate: item.string("due_date") ?? "",
                status: item.string("status") ?? "",
                reason: try item.bytes("reason_sealed").map {
                    try session.keys.openBatch($0, batchID: id, field: "reason:\(item.int("document_id"))")
                },
                changedBy: item.string("changed_by"), changedAt: item.string("changed_at"))
        }
        return DestructionBatch(
            id: id, status: row.string("status") ?? "", asOf: row.string("as_of") ?? "",
            category: row.string("category"), proposedBy: row.string("proposed_by") ?? "",
            proposedAt: row.string("proposed_at") ?? "", decidedBy: row.string("decided_by"),
            decidedAt: row.string("decided_at"),
            rejectReason: try row.bytes("reject_reason_sealed").map {
                try session.keys.openBatch($0, batchID: id, field: "reject_reason")
            },
            executedBy: row.string("executed_by"), executedAt: row.string("executed_at"),
            auditAnchor: row.string("audit_anchor"), registerReference: row.string("register_reference"),
            registerCSVReference: row.string("register_csv_reference"), items: items)
    }

    private static func requireReason(_ reason: String, _ command: String) throws -> String {
        let trimmed = reason.trimmingSpacesAndNewlines()
        guard !trimmed.isEmpty else { throw VaultError.usage("\(command) needs --reason TEXT") }
        return trimmed
    }
}
