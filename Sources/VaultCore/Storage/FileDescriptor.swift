import CSystem
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A POSIX file descriptor owned by one object and closed in `deinit`.
public final class FileDescriptor {
    /// The raw descriptor.
    public let rawValue: Int32
    private let ownsDescriptor: Bool

    /// Wraps an already open descriptor; `owned` decides whether `deinit` closes it.
    public init(rawValue: Int32, owned: Bool) {
        self.rawValue = rawValue
        self.ownsDescriptor = owned
    }

    /// Opens `path` for reading.
    public static func openForReading(_ path: String) throws -> FileDescriptor {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXFailure(operation: "open", path: path, code: errno) }
        return FileDescriptor(rawValue: fd, owned: true)
    }

    /// Creates `path` exclusively with `mode`; fails if it exists.
    public static func createExclusively(_ path: String, mode: mode_t = 0o600) throws -> FileDescriptor {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw POSIXFailure(operation: "create", path: path, code: errno) }
        return FileDescriptor(rawValue: fd, owned: true)
    }

    deinit {
        if ownsDescriptor { close(rawValue) }
    }

    /// Reads up to `buffer.count` bytes; returns 0 at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Glibc.read(rawValue, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw POSIXFailure(operation: "read", path: nil, code: errno)
        }
    }

    /// Reads until `buffer` is full or the file ends; returns the bytes read.
    public func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var total = 0
        while total < buffer.count {
            let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if count == 0 { break }
            total += count
        }
        return total
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(rawValue, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw POSIXFailure(operation: "write", path: nil, code: errno)
            }
            offset += count
        }
    }

    /// Writes all of `bytes` at `offset` (`pwrite`), leaving the file position alone.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let count = pwrite(rawValue, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if count < 0 {
                if errno == EINTR { continue }
                throw POSIXFailure(operation: "write", path: nil, code: errno)
            }
            done += count
        }
    }

    /// Turns `O_DIRECT` on or off; false where the file system has no direct I/O (or the call failed).
    func setDirectIO(_ on: Bool) -> Bool {
        docvault_set_direct_io(rawValue, on ? 1 : 0) == 0
    }

    /// Whether `O_DIRECT` is on.
    var isDirectIO: Bool { docvault_is_direct_io(rawValue) == 1 }

    /// Starts writing `length` bytes at `offset` back to disk, without waiting (``WritebackWindow``).
    ///
    /// A hint only: an I/O error shows at the fsync that makes the file durable.
    func startWriteback(offset: Int, length: Int) {
        _ = docvault_start_writeback(rawValue, Int64(offset), Int64(length))
    }

    /// Waits until `length` bytes at `offset` are written back, then drops them from the page cache.
    ///
    /// Not durability: neither the metadata nor the disk's own cache is flushed; fsync does that.
    func dropWrittenBack(offset: Int, length: Int) {
        _ = docvault_wait_for_writeback(rawValue, Int64(offset), Int64(length))
        _ = posix_fadvise(rawValue, off_t(offset), off_t(length), POSIX_FADV_DONTNEED)
    }

    /// Flushes the file's data and metadata to stable storage.
    public func sync() throws {
        guard fsync(rawValue) == 0 else { throw POSIXFailure(operation: "fsync", path: nil, code: errno) }
    }

    /// The file's status.
    public func status() throws -> stat {
        var info = stat()
        guard fstat(rawValue, &info) == 0 else { throw POSIXFailure(operation: "fstat", path: nil, code: errno) }
        return info
    }
}

/// A failed system call, with the path it concerned.
public struct POSIXFailure: Error, CustomStringConvertible {
    /// The call that failed.
    public let operation: String
    /// The path involved, if any.
    public let path: String?
    /// The `errno` value.
    public let code: Int32

    /// The system's text for `code`.
    public var reason: String { String(cString: strerror(code)) }

    /// One line: operation, path and reason.
    public var description: String {
        "\(operation)\(path.map { " \($0)" } ?? ""): \(reason)"
    }
}

/// File-system helpers shared by the blob store and the output writer.
public enum FileSystem {
    /// The system's reason for a file error in lower case (`permission denied`), or the error itself.
    ///
    /// FileManager's errors carry the `errno` they came from; FoundationEssentials has no
    /// `localizedDescription` to say it in words.
    public static func reason(_ error: Error) -> String {
        if let failure = error as? POSIXFailure { return failure.reason.lowercased() }
        if let posix = (error as? CocoaError)?.underlying as? POSIXError ?? error as? POSIXError {
            return String(cString: strerror(posix.code.rawValue)).lowercased()
        }
        return "\(error)"
    }

    /// Flushes a directory's entries (after a rename into it) to stable storage.
    public static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXFailure(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw POSIXFailure(operation: "fsync", path: path, code: errno) }
    }

    /// Flushes everything written to the file system that holds `path` (a folder) to stable storage.
    ///
    /// Uses `syncfs(2)`, looked up at run time because Glibc's Swift module does not declare it;
    /// where it is missing, `sync(2)` and an fsync of `path` do the same for every file system.
    public static func syncFileSystem(containing path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXFailure(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        if let syncfs = syncfsFunction {
            guard syncfs(fd) == 0 else { throw POSIXFailure(operation: "syncfs", path: path, code: errno) }
            return
        }
        sync()
        guard fsync(fd) == 0 else { throw POSIXFailure(operation: "fsync", path: path, code: errno) }
    }

    /// The C library's `syncfs`, or nil where it has none.
    private static let syncfsFunction: (@convention(c) (Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()

    /// Atomically renames `source` to `destination`, refusing to replace an existing file.
    ///
    /// One `renameat2(2)` with `RENAME_NOREPLACE`; where the file system cannot refuse to
    /// replace (EINVAL) or the kernel lacks the call (ENOSYS), ``linkThenUnlink(_:_:)``.
    public static func renameNoReplace(_ source: String, _ destination: String) throws {
        if docvault_rename_noreplace(source, destination) == 0 { return }
        let failure = errno
        guard failure == EINVAL || failure == ENOSYS else {
            throw POSIXFailure(operation: "rename", path: destination, code: failure)
        }
        try linkThenUnlink(source, destination)
    }

    /// Renames by `link(2)` then `unlink(2)`: refuses an existing `destination` on every POSIX file system.
    ///
    /// Two calls: a crash between them leaves both names, which the blob store's repair removes.
    static func linkThenUnlink(_ source: String, _ destination: String) throws {
        guard link(source, destination) == 0 else {
            throw POSIXFailure(operation: "link", path: destination, code: errno)
        }
        unlink(source)
    }

    /// Creates the blob folder `path` (and its parents) with mode 0700; returns whether it was created.
    ///
    /// Plain `mkdir(2)` first: FileManager's `createDirectory` added a `stat`, a `chmod` and
    /// intermediate checks to every blob, and import files thousands of them.
    public static func makeBlobFolder(_ path: String) throws -> Bool {
        if mkdir(path, 0o700) == 0 { return true }
        switch errno {
        case EEXIST: return false
        case ENOENT:
            _ = try makeBlobFolder(PathName.parent(path))
            if mkdir(path, 0o700) == 0 || errno == EEXIST { return true }
            throw POSIXFailure(operation: "mkdir", path: path, code: errno)
        default: throw POSIXFailure(operation: "mkdir", path: path, code: errno)
        }
    }

    /// Creates `path` and its parents with `mode` if absent.
    public static func makeDirectory(_ path: String, mode: Int = 0o700) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
    }

    /// Whether `path` names an existing directory.
    public static func isDirectory(_ path: String) -> Bool {
        var isDir = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir
    }

    /// The size in bytes of the file at `path` (after symbolic links); nil when it cannot be read.
    ///
    /// One `stat(2)`. `FileManager.attributesOfItem` also looks up the owner's user and group
    /// names, which read `/etc/nsswitch.conf`, `/etc/passwd` and `/etc/group` in every `file`.
    public static func size(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// The canonical absolute form of `path` (symbolic links resolved where they exist).
    public static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
