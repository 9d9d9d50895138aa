import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// File copying and hashing shared by backup, `backup verify` and restore.
enum BackupFiles {
    /// Bytes read or written per system call.
    static let bufferSize = 1 << 20

    /// Runs `body`, turning a failed system call into a one-line ``VaultError``.
    ///
    /// A full disk, an I/O error or a file too large is `ioError` (74); anything else
    /// about the destination is `cannotCreate` (73).
    static func mapped<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as POSIXFailure {
            throw error(failure, what)
        }
    }

    /// The ``VaultError`` for a failed system call while doing `what`.
    static func error(_ failure: POSIXFailure, _ what: String) -> VaultError {
        let message = "\(what) failed: \(failure.description)"
        switch failure.code {
        case ENOSPC, EIO, EFBIG, EDQUOT, EROFS: return VaultError.ioError(message + "; free space or check the disk")
        case ENOENT: return VaultError.inputMissing(message)
        default: return VaultError.cannotCreate(message)
        }
    }

    /// The SHA-256 (lowercase hex) and size of the file at `path`.
    static func sha256(of path: String) throws -> (hex: String, size: Int) {
        let fd = try FileDescriptor.openForReading(path)
        let hash = try StreamingHash(.sha256)
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        var size = 0
        while true {
            let count = try buffer.withUnsafeMutableBytes { try fd.read(into: $0) }
            if count == 0 { break }
            try buffer.withUnsafeBytes { try hash.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            size += count
        }
        return (try hash.finish().hexString, size)
    }

    /// Copies `source` to `destination` through `temporary`: write, rename.
    ///
    /// Returns the SHA-256 (hex) and size of the bytes copied; `progress` gets each chunk's size.
    /// An existing `destination` is replaced atomically. Nothing is fsynced here: callers copy
    /// many files and then call ``syncFileSystem(_:)`` once before anything refers to them
    /// (a manifest, a rename into place), which costs one flush instead of one per file.
    static func copy(
        _ source: String, to destination: String, through temporary: String, progress: (Int) -> Void
    ) throws -> (hex: String, size: Int) {
        let input = try FileDescriptor.openForReading(source)
        unlink(temporary)
        let output = try FileDescriptor.createExclusively(temporary)
        let hash = try StreamingHash(.sha256)
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        var size = 0
        while true {
            let count = try buffer.withUnsafeMutableBytes { try input.read(into: $0) }
            if count == 0 { break }
            try buffer.withUnsafeBytes { bytes in
                let chunk = UnsafeRawBufferPointer(rebasing: bytes[0..<count])
                try hash.update(chunk)
                try output.write(chunk)
            }
            size += count
            progress(count)
        }
        try rename(temporary, destination)
        return (try hash.finish().hexString, size)
    }

    /// Renames `source` to `destination`, replacing it.
    static func rename(_ source: String, _ destination: String) throws {
        guard Glibc.rename(source, destination) == 0 else {
            throw POSIXFailure(operation: "rename", path: destination, code: errno)
        }
    }

    /// Writes `text` to `path` through `path.tmp`: write, fsync, rename, fsync of the folder.
    static func writeText(_ text: String, to path: String) throws {
        let temporary = path + ".tmp"
        unlink(temporary)
        let fd = try FileDescriptor.createExclusively(temporary)
        try Array(text.utf8).withUnsafeBytes { try fd.write($0) }
        try fd.sync()
        try rename(temporary, path)
        try FileSystem.syncDirectory(PathName.parent(path))
    }

    /// Flushes everything written so far (files and folders, all file systems) to stable storage.
    ///
    /// `sync(2)`, as `cp -r … && sync` does: on Linux it returns once the data is written.
    /// Afterwards `path`'s folder is fsynced, which reports a failing disk as an error.
    static func syncFileSystem(_ path: String) throws {
        sync()
        try FileSystem.syncDirectory(path)
    }

    /// Flushes the file at `path` to stable storage.
    static func syncFile(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXFailure(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw POSIXFailure(operation: "fsync", path: path, code: errno) }
    }

    /// Every regular file under `root`, as paths relative to it, sorted.
    static func files(under root: String) -> [String] {
        let entries = (try? FileManager.default.subpathsOfDirectory(atPath: root)) ?? []
        return entries.filter { relative in
            var info = stat()
            return lstat(root + "/" + relative, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR
        }.sorted()
    }

    /// The size of the regular file at `path`, or nil.
    static func size(_ path: String) -> Int? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// The blob path of `id` relative to a vault or backup folder.
    static func blobPath(_ id: String) -> String {
        "blobs/\(id.prefix(2))/\(id.dropFirst(2).prefix(2))/\(id).blob"
    }
}
