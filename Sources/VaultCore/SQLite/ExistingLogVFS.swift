internal import CSQLite
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The platform's default SQLite VFS, except that an existing `-wal` file is opened without `SQLITE_OPEN_CREATE`.
///
/// SQLite's unix VFS marks every journal or WAL opened with `SQLITE_OPEN_CREATE` for a sync of
/// its folder at the first sync, and it always asks to create the WAL. So every docvault
/// command, which commits at least its audit entry, also `fdatasync`ed the vault folder, though
/// the WAL had been there since the vault was made (the catalogue keeps it: `SQLITE_FCNTL_PERSIST_WAL`).
/// This VFS drops the create flag when the WAL already exists, so the folder is synced only by
/// the process that really creates the file. If the WAL disappears between the check and the
/// open, the open is retried as SQLite asked.
enum ExistingLogVFS {
    /// The name to pass to `sqlite3_open_v2`; nil if the VFS could not be registered (the default is used).
    static let name: String? = {
        guard let base = sqlite3_vfs_find(nil) else { return nil }
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        vfs.initialize(to: base.pointee)
        vfs.pointee.zName = UnsafePointer(strdup(vfsName))
        vfs.pointee.pNext = nil
        vfs.pointee.pAppData = UnsafeMutableRawPointer(base)
        vfs.pointee.xOpen = { vfs, path, file, flags, outFlags in
            guard let base = vfs?.pointee.pAppData?.assumingMemoryBound(to: sqlite3_vfs.self) else {
                return SQLITE_ERROR
            }
            let exists = path.map { access($0, F_OK) == 0 } ?? false
            return ExistingLogVFS.open(
                through: base, path: path, file: file, flags: flags, outFlags: outFlags, fileExists: exists)
        }
        guard sqlite3_vfs_register(vfs, 0) == SQLITE_OK else { return nil }
        return vfsName
    }()

    private static let vfsName = "docvault-existing-wal"

    /// How many existing WAL files this process opened without `SQLITE_OPEN_CREATE`, for tests.
    static let opensWithoutCreate = Atomic<Int>(0)

    /// Opens `path` through `base` with ``flags(_:fileExists:)``; retries with `flags` as given if that finds no file.
    ///
    /// `fileExists` is what `access(2)` said just before; the retry covers a WAL deleted since.
    static func open(
        through base: UnsafeMutablePointer<sqlite3_vfs>, path: UnsafePointer<CChar>?,
        file: UnsafeMutablePointer<sqlite3_file>?, flags: Int32, outFlags: UnsafeMutablePointer<Int32>?,
        fileExists: Bool
    ) -> Int32 {
        guard let open = base.pointee.xOpen else { return SQLITE_ERROR }
        let adjusted = Self.flags(flags, fileExists: fileExists)
        let result = open(base, path, file, adjusted, outFlags)
        if result == SQLITE_OK && adjusted != flags { opensWithoutCreate.add(1, ordering: .relaxed) }
        guard result == SQLITE_CANTOPEN, adjusted != flags else { return result }
        return open(base, path, file, flags, outFlags)
    }

    /// The open flags to use: `flags` without `SQLITE_OPEN_CREATE` for a WAL that exists, `flags` otherwise.
    static func flags(_ flags: Int32, fileExists: Bool) -> Int32 {
        flags & SQLITE_OPEN_WAL != 0 && fileExists ? flags & ~SQLITE_OPEN_CREATE : flags
    }
}
