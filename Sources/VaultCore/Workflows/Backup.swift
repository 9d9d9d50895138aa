import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// What one `backup` run did.
public struct BackupOutcome: Sendable {
    /// The manifest now in the destination.
    public let manifest: BackupManifest
    /// Blobs copied in this run.
    public let copied: Int
    /// Bytes of the blobs copied in this run.
    public let copiedBytes: Int
    /// Blobs already in the destination, checked by size and kept.
    public let kept: Int
    /// Blob files removed from the destination because the new manifest no longer lists them.
    public let removed: Int
    /// Whether the destination held an earlier backup of this vault.
    public let incremental: Bool
}

/// What `backup verify` found.
public struct BackupCheck: Sendable {
    /// The manifest checked against.
    public let manifest: BackupManifest
    /// Files the manifest lists.
    public let files: Int
    /// Their total size in bytes.
    public let bytes: Int
    /// One line per problem (missing, extra or mismatched file, catalogue fault); empty when the backup is sound.
    public let problems: [String]
}

/// Consistent, incremental copies of a vault while it stays in use (FileFormat.md, "Backups").
///
/// The catalogue is copied with `VACUUM INTO` (one read transaction, so a consistent
/// snapshot while filing goes on), then exactly the blobs that copy names, under the
/// blob-store lock held shared so `purge execute` cannot delete one mid-copy. Files
/// are written to temporary names, fsynced and renamed; `MANIFEST` comes last.
public enum Backup {
    /// The manifest's file name.
    static let manifestName = "MANIFEST"
    /// The manifest of a run that has not finished renaming.
    static let pendingManifestName = "MANIFEST.new"
    /// The catalogue snapshot of a run that has not finished renaming.
    static let pendingCatalogueName = "catalog.sqlite.new"
    /// Names a run leaves only when it is interrupted; the next run repairs them.
    ///
    /// `catalog.sqlite.new-journal` is SQLite's own: `VACUUM INTO` writes through a rollback journal.
    static let leftoverNames: Set<String> = [
        pendingManifestName, pendingCatalogueName, pendingCatalogueName + "-journal", "MANIFEST.new.tmp",
        "MANIFEST.tmp",
    ]

    /// Backs the session's vault up into `destination`, copying only blobs it lacks.
    ///
    /// A blob already in `destination` is kept when its size is the one the previous manifest
    /// records; with `rehash`, only when its SHA-256 is too (repairs a backup that `backup verify`
    /// found damaged). Logs `backup` in the live vault's audit chain (files copied, bytes,
    /// incremental). `progress` gets (bytes copied, bytes to copy).
    public static func run(
        to destination: String, rehash: Bool = false, session: Session, progress: ((Int, Int) -> Void)? = nil
    ) throws -> BackupOutcome {
        try session.authorize(.backup, target: destination)
        do {
            let outcome = try copy(to: destination, rehash: rehash, session: session, progress: progress)
            try session.perform(.backup, target: destination) { note in
                note.details = [
                    "copied=\(outcome.copied)", "bytes=\(outcome.copiedBytes)", "kept=\(outcome.kept)",
                    "removed=\(outcome.removed)", "incremental=\(outcome.incremental ? "yes" : "no")",
                    "audit-head=\(outcome.manifest.auditHead)",
                ]
            }
            return outcome
        } catch {
            session.recordFailure(action: .backup, target: destination, note: AuditNote(), error: error)
            throw error
        }
    }

    private static func copy(
        to destination: String, rehash: Bool, session: Session, progress: ((Int, Int) -> Void)?
    ) throws -> BackupOutcome {
        let vault = session.vault
        let vaultID = vault.meta.vaultID.hexString
        let previous = try prepare(destination, vault: vault.location.vault, vaultID: vaultID)
        let blobsFolder = destination + "/blobs"
        let temporaryFolder = blobsFolder + "/tmp"
        try BackupFiles.mapped("creating \(temporaryFolder)") {
            try FileSystem.makeDirectory(temporaryFolder)
            for leftover in BackupFiles.files(under: temporaryFolder) { unlink(temporaryFolder + "/" + leftover) }
            unlink(destination + "/" + pendingCatalogueName)
            unlink(destination + "/" + pendingCatalogueName + "-journal")
        }

        // From the snapshot until the last blob is copied, purge may not delete a blob.
        let lock = try BlobStoreLock.acquire(vault: vault.location.vault, .shared, purpose: "backup")
        let snapshot = destination + "/" + pendingCatalogueName
        do {
            try session.database.run("VACUUM INTO ?", [snapshot])
        } catch let error as DatabaseError {
            // SQLITE_FULL (13) and SQLITE_IOERR (10) are the disk's fault, not the destination's.
            let message = "cannot write the catalogue copy \(snapshot): \(error.message)"
            throw [10, 13].contains(error.code & 0xFF)
                ? VaultError.ioError(message + "; free space or check the disk") : VaultError.cannotCreate(message)
        }
        try BackupFiles.mapped("syncing \(snapshot)") {
            try BackupFiles.syncFile(snapshot)
            try FileSystem.syncDirectory(destination)
        }
        FaultPoint.reach("backup.catalogue-copied")
        let copyInfo = try snapshotInfo(snapshot)

        var entries: [BackupManifest.Entry] = []
        var toCopy: [(id: String, size: Int)] = []
        var kept = 0
        for id in copyInfo.blobIDs {
            let relative = BackupFiles.blobPath(id)
            guard let size = BackupFiles.size(vault.location.vault + "/" + relative) else {
                throw VaultError.dataError(
                    "the vault's blob \(relative) is missing; run 'docvault verify --full' before backing up")
            }
            if let old = previous[relative], old.size == size, BackupFiles.size(destination + "/" + relative) == size,
                try !rehash || hashMatches(destination + "/" + relative, old.sha256)
            {
                entries.append(old)
                kept += 1
            } else {
                toCopy.append((id, size))
            }
        }
        let total = toCopy.reduce(0) { $0 + $1.size }
        var done = 0
        progress?(0, total)
        for (id, _) in toCopy {
            let relative = BackupFiles.blobPath(id)
            let target = destination + "/" + relative
            let copied = try BackupFiles.mapped("copying \(relative) to \(destination)") {
                try FileSystem.makeDirectory(PathName.parent(target))
                return try BackupFiles.copy(
                    vault.location.vault + "/" + relative, to: target, through: "\(temporaryFolder)/\(id).partial"
                ) { count in
                    done += count
                    progress?(done, total)
                }
            }
            entries.append(BackupManifest.Entry(sha256: copied.hex, size: copied.size, path: relative))
            FaultPoint.reach("backup.blob-copied")
        }
        lock.release()
        // One flush for all new blobs, before any manifest names them.
        try BackupFiles.mapped("syncing \(destination)") { try BackupFiles.syncFileSystem(destination) }

        let catalogue = try BackupFiles.mapped("hashing \(snapshot)") { try BackupFiles.sha256(of: snapshot) }
        entries.append(
            BackupManifest.Entry(sha256: catalogue.hex, size: catalogue.size, path: BackupManifest.cataloguePath))
        let manifest = BackupManifest(
            vaultID: vaultID, fonds: vault.meta.fonds, created: Timestamp.format(session.now()),
            schemaVersion: copyInfo.schema, auditHead: copyInfo.auditHead, entries: entries)
        FaultPoint.reach("backup.before-manifest")
        let listed = Set(manifest.entries.map(\.path))
        let removed = try BackupFiles.mapped("finishing the backup in \(destination)") { () throws -> Int in
            // MANIFEST.new first, then the catalogue, then MANIFEST: a crash in between leaves
            // MANIFEST.new, which `backup verify` reports and the next run takes over.
            try BackupFiles.writeText(manifest.text, to: destination + "/" + pendingManifestName)
            try BackupFiles.rename(snapshot, destination + "/" + BackupManifest.cataloguePath)
            try FileSystem.syncDirectory(destination)
            try BackupFiles.rename(destination + "/" + pendingManifestName, destination + "/" + manifestName)
            try FileSystem.syncDirectory(destination)
            var removed = 0
            for relative in BackupFiles.files(under: blobsFolder) {
                let path = "blobs/" + relative
                guard !listed.contains(path) else { continue }
                if unlink(destination + "/" + path) == 0 && path.hasSuffix(".blob") { removed += 1 }
            }
            return removed
        }
        return BackupOutcome(
            manifest: manifest, copied: toCopy.count, copiedBytes: total, kept: kept, removed: removed,
            incremental: !previous.isEmpty)
    }

    /// Whether the file at `path` has the SHA-256 `expected`.
    private static func hashMatches(_ path: String, _ expected: String) throws -> Bool {
        let actual = try BackupFiles.mapped("reading \(path)") { try BackupFiles.sha256(of: path) }
        return constantTimeEqual(actual.hex, expected)
    }

    /// Checks `destination` is a new folder, an empty one, or a backup of this vault; returns its recorded blobs.
    private static func prepare(_ destination: String, vault: String, vaultID: String) throws -> [String:
        BackupManifest.Entry]
    {
        let target = FileSystem.canonical(destination)
        let source = FileSystem.canonical(vault)
        guard target != source && !target.hasPrefix(source + "/") && !source.hasPrefix(target + "/") else {
            throw VaultError.cannotCreate(
                "\(destination) overlaps the vault folder \(vault); back up to a folder outside it")
        }
        var isFolder = false
        if FileManager.default.fileExists(atPath: destination, isDirectory: &isFolder) {
            guard isFolder else {
                throw VaultError.cannotCreate("\(destination) is a file, not a folder; choose a backup folder")
            }
        } else {
            try BackupFiles.mapped("creating \(destination)") { try FileSystem.makeDirectory(destination) }
            return [:]
        }
        var previous: [String: BackupManifest.Entry] = [:]
        var found = false
        for name in [manifestName, pendingManifestName] {
            let path = destination + "/" + name
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let manifest = try readManifest(path)
            guard manifest.vaultID == vaultID else {
                throw VaultError.cannotCreate(
                    "\(destination) holds a backup of another vault (\(manifest.vaultID)); choose another folder")
            }
            found = true
            for entry in manifest.entries where entry.path != BackupManifest.cataloguePath {
                previous[entry.path] = entry
            }
        }
        if !found {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: destination)) ?? []
            let ours = leftoverNames.union(["blobs"])
            guard names.allSatisfy(ours.contains) else {
                throw VaultError.cannotCreate(
                    "\(destination) is not empty and holds no docvault backup; choose an empty or new folder")
            }
        }
        return found ? previous : [:]
    }

    /// Reads and parses the manifest at `path`.
    static func readManifest(_ path: String) throws -> BackupManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VaultError.inputMissing("cannot read \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw VaultError.dataError("\(path) is not UTF-8 text; the backup is damaged, make a new one")
        }
        do {
            return try BackupManifest.parse(text)
        } catch let error as VaultError {
            throw VaultError(error.kind, "\(path): \(error.message)")
        }
    }

    /// What the manifest needs from a catalogue snapshot.
    struct SnapshotInfo {
        var vaultID: String
        var schema: Int
        var auditHead: String
        var blobIDs: [String]
        /// Live documents' blob ids with their references, for messages.
        var references: [String: String]
    }

    /// Reads a catalogue copy read-only: identity, schema, audit head and the blobs of live documents.
    static func snapshotInfo(_ path: String) throws -> SnapshotInfo {
        do {
            let database = try Database(path: path, create: false, readOnly: true)
            let identity = try database.queryOne("SELECT vault_id FROM vault_meta WHERE singleton = 1")
            let head = try database.queryOne(
                "SELECT seq, mac FROM audit_log WHERE mac IS NOT NULL ORDER BY seq DESC LIMIT 1")
            let anchor = head.flatMap { row in row.bytes("mac").map { AuditAnchor(seq: row.int("seq"), mac: $0).text } }
            var ids: [String] = []
            var references: [String: String] = [:]
            for row in try database.query(
                "SELECT blob_id, reference FROM documents WHERE status <> 'destroyed' ORDER BY blob_id")
            {
                let id = row.string("blob_id") ?? ""
                guard FileBlobStore.isValidID(id) else {
                    throw VaultError.dataError("\(path) names a malformed blob id; run 'docvault verify --full'")
                }
                ids.append(id)
                references[id] = row.string("reference") ?? "?"
            }
            return SnapshotInfo(
                vaultID: identity?.string("vault_id") ?? "", schema: try database.userVersion(),
                auditHead: anchor ?? "-", blobIDs: ids, references: references)
        } catch let error as DatabaseError {
            throw VaultError.dataError("\(path) does not open as a docvault catalogue (\(error.message))")
        }
    }

    /// Checks the backup in `destination` against its MANIFEST; needs no key and logs nothing.
    ///
    /// Every file's size and SHA-256 is recomputed; files the manifest does not list are
    /// reported as extra; the catalogue copy must pass `PRAGMA integrity_check`, carry the
    /// manifest's vault id and name only blobs the manifest lists. `progress` gets (bytes, total).
    public static func verify(_ destination: String, progress: ((Int, Int) -> Void)? = nil) throws -> BackupCheck {
        guard FileSystem.isDirectory(destination) else {
            throw VaultError.inputMissing("no backup folder at \(destination); check the path")
        }
        let manifestPath = destination + "/" + manifestName
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            let pending = FileManager.default.fileExists(atPath: destination + "/" + pendingManifestName)
            throw VaultError.inputMissing(
                pending
                    ? "\(destination) holds an unfinished first backup (MANIFEST.new, no MANIFEST); run 'docvault backup \(destination)' again"
                    : "\(destination) has no MANIFEST; it is not a docvault backup")
        }
        let manifest = try readManifest(manifestPath)
        var problems: [String] = []
        let total = manifest.entries.reduce(0) { $0 + $1.size }
        var done = 0
        var catalogueSound = false
        for entry in manifest.entries {
            let path = destination + "/" + entry.path
            guard let size = BackupFiles.size(path) else {
                problems.append("missing \(entry.path)")
                continue
            }
            guard size == entry.size else {
                problems.append("mismatched \(entry.path): \(size) bytes, MANIFEST says \(entry.size)")
                continue
            }
            let actual = try BackupFiles.mapped("reading \(path)") { try BackupFiles.sha256(of: path) }
            done += entry.size
            progress?(done, total)
            guard constantTimeEqual(actual.hex, entry.sha256) else {
                problems.append("mismatched \(entry.path): SHA-256 differs from MANIFEST")
                continue
            }
            if entry.path == BackupManifest.cataloguePath { catalogueSound = true }
        }
        let listed = Set(manifest.entries.map(\.path))
        for relative in BackupFiles.files(under: destination) where relative != manifestName {
            guard !listed.contains(relative) else { continue }
            if leftoverNames.contains(relative) || relative.hasPrefix("blobs/tmp/") {
                problems.append("extra \(relative) (left by an interrupted backup; run 'docvault backup' again)")
            } else {
                problems.append("extra \(relative)")
            }
        }
        if catalogueSound {
            problems += catalogueProblems(destination + "/" + BackupManifest.cataloguePath, manifest: manifest)
        }
        return BackupCheck(manifest: manifest, files: manifest.entries.count, bytes: total, problems: problems)
    }

    /// Integrity, identity and blob coverage of the catalogue copy at `path`.
    private static func catalogueProblems(_ path: String, manifest: BackupManifest) -> [String] {
        do {
            let database = try Database(path: path, create: false, readOnly: true)
            let check = try database.query("PRAGMA integrity_check").compactMap { $0.string("integrity_check") }
            guard check == ["ok"] else {
                return ["catalog.sqlite fails PRAGMA integrity_check: \(check.first ?? "no answer")"]
            }
        } catch {
            return ["catalog.sqlite does not open as an SQLite database"]
        }
        do {
            let info = try snapshotInfo(path)
            var problems: [String] = []
            if info.vaultID != manifest.vaultID {
                problems.append("catalog.sqlite belongs to vault \(info.vaultID), MANIFEST names \(manifest.vaultID)")
            }
            let listed = Set(manifest.entries.map(\.path))
            for id in info.blobIDs where !listed.contains(BackupFiles.blobPath(id)) {
                problems.append(
                    "catalog.sqlite names \(BackupFiles.blobPath(id)) (\(info.references[id] ?? "?")) "
                        + "but MANIFEST does not list it")
            }
            return problems
        } catch let error as VaultError {
            return [error.message]
        } catch {
            return ["catalog.sqlite does not open as a docvault catalogue"]
        }
    }

    /// Compares two hex digests without stopping at the first difference.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
