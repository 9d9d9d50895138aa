import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// What `restore` did.
public struct RestoreOutcome: Sendable {
    /// The manifest of the backup restored.
    public let manifest: BackupManifest
    /// Files copied.
    public let files: Int
    /// Bytes copied.
    public let bytes: Int
}

/// Creates a new vault folder from a backup, never over a live vault.
///
/// The backup is verified first; the files are copied into a sibling folder
/// `DIR.restoring-<random>`, checked again against the manifest, the restored
/// vault is opened with an admin's credential and `restore` is logged in its
/// audit chain; only then is the folder renamed to `DIR`. A failure removes the
/// temporary folder; a crash may leave it, but never a half-restored `DIR`.
public enum Restore {
    /// Restores the backup in `source` into the new vault folder `destination`.
    ///
    /// `open` authenticates an admin on the restored copy (at a temporary path);
    /// `progress` gets (bytes copied, bytes to copy).
    public static func run(
        from source: String, into destination: String, open: (VaultLocation) throws -> Session,
        keys: String, progress: ((Int, Int) -> Void)? = nil
    ) throws -> RestoreOutcome {
        try refuseExisting(destination)
        let check = try Backup.verify(source)
        if let first = check.problems.first {
            throw VaultError.dataError(
                "the backup in \(source) failed verification (\(check.problems.count) problem(s), first: \(first)); "
                    + "nothing was restored; run 'docvault backup verify \(source)'")
        }
        let manifest = check.manifest
        let parent = PathName.parent(FileSystem.canonical(destination))
        let suffix = try SecureRandom.bytes(count: 6).hexString
        let temporary = FileSystem.canonical(destination) + ".restoring-" + suffix
        do {
            try BackupFiles.mapped("creating \(temporary)") {
                try FileSystem.makeDirectory(parent)
                guard mkdir(temporary, 0o700) == 0 else {
                    throw POSIXFailure(operation: "mkdir", path: temporary, code: errno)
                }
                try FileSystem.makeDirectory(temporary + "/blobs/tmp")
            }
            var done = 0
            progress?(0, check.bytes)
            for entry in manifest.entries {
                let target = temporary + "/" + entry.path
                let copied = try BackupFiles.mapped("copying \(entry.path) into \(temporary)") {
                    try FileSystem.makeDirectory(PathName.parent(target))
                    return try BackupFiles.copy(
                        source + "/" + entry.path, to: target, through: temporary + "/blobs/tmp/restore.partial"
                    ) { count in
                        done += count
                        progress?(done, check.bytes)
                    }
                }
                guard copied.size == entry.size, Backup.constantTimeEqual(copied.hex, entry.sha256) else {
                    throw VaultError.dataError(
                        "\(entry.path) in \(source) changed while it was copied; nothing was restored, try again")
                }
            }
            try BackupFiles.mapped("syncing \(temporary)") { try BackupFiles.syncFileSystem(temporary) }
            // Check what landed on disk, not only what was read.
            for entry in manifest.entries {
                let written = try BackupFiles.mapped("reading back \(entry.path)") {
                    try BackupFiles.sha256(of: temporary + "/" + entry.path)
                }
                guard written.size == entry.size, Backup.constantTimeEqual(written.hex, entry.sha256) else {
                    throw VaultError.ioError(
                        "the copy of \(entry.path) does not match the backup; nothing was restored, check the disk")
                }
            }
            FaultPoint.reach("restore.copied")
            try record(source: source, manifest: manifest, session: open(VaultLocation(vault: temporary, keys: keys)))
            try BackupFiles.mapped("moving \(temporary) to \(destination)") {
                try refuseExisting(destination)
                try BackupFiles.rename(temporary, destination)
                try FileSystem.syncDirectory(parent)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        return RestoreOutcome(manifest: manifest, files: check.files, bytes: check.bytes)
    }

    /// Logs `restore` in the restored vault's chain, naming the source and the manifest's time and head.
    private static func record(source: String, manifest: BackupManifest, session: Session) throws {
        try session.perform(.restore, target: FileSystem.canonical(source)) { note in
            note.details = [
                "backup-created=\(manifest.created)", "audit-head=\(manifest.auditHead)",
                "files=\(manifest.entries.count)",
            ]
        }
    }

    /// Refuses a destination that holds a vault or anything else.
    private static func refuseExisting(_ destination: String) throws {
        var isFolder = false
        guard FileManager.default.fileExists(atPath: destination, isDirectory: &isFolder) else { return }
        guard isFolder else {
            throw VaultError.cannotCreate("\(destination) is a file; restore into a new folder")
        }
        if FileManager.default.fileExists(atPath: destination + "/catalog.sqlite") {
            throw VaultError.cannotCreate(
                "\(destination) holds a vault (catalog.sqlite); restore never overwrites one, choose a new folder")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: destination)) ?? []
        guard names.isEmpty else {
            throw VaultError.cannotCreate("\(destination) is not empty; restore into a new or empty folder")
        }
    }
}
