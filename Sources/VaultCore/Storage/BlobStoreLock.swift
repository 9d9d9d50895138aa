import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// An advisory lock on the blob store, `VAULT/blobs.lock`, between processes.
///
/// Work that needs blobs and rows to agree while it runs holds it **shared**:
/// filing (from writing the blob until its row commits) and backup (while it copies).
/// Work that deletes blobs holds it **exclusive**: `verify --repair` while it finds and
/// removes orphans, and `purge execute` while it deletes shredded blobs. So a blob
/// that is written but not yet catalogued is never taken for an orphan, and a backup
/// never loses a blob its catalogue copy still names. The lock is `flock(2)`: the
/// kernel drops it when the holder exits, even by SIGKILL, so a crash never leaves
/// the vault locked.
public final class BlobStoreLock {
    /// How the lock is held.
    public enum Mode: Sendable {
        /// Many holders at once; excludes exclusive holders.
        case shared
        /// One holder; excludes everyone else.
        case exclusive
    }

    private var descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { release() }

    /// The lock file of the vault folder `vault`.
    public static func path(vault: String) -> String { vault + "/blobs.lock" }

    /// Takes the lock in `mode`, waiting up to `timeout` seconds for other holders.
    ///
    /// Throws a temporary failure (exit 75) naming `purpose` when the wait runs out.
    public static func acquire(
        vault: String, _ mode: Mode, timeout: TimeInterval = 60, purpose: String
    ) throws -> BlobStoreLock {
        let file = path(vault: vault)
        let fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw VaultError.ioError("cannot open \(file): \(String(cString: strerror(errno)))")
        }
        let operation = (mode == .shared ? LOCK_SH : LOCK_EX) | LOCK_NB
        let deadline = Date().addingTimeInterval(timeout)
        while flock(fd, operation) != 0 {
            let failure = errno
            guard failure == EWOULDBLOCK || failure == EINTR else {
                close(fd)
                throw VaultError.ioError("cannot lock \(file): \(String(cString: strerror(failure)))")
            }
            guard Date() < deadline else {
                close(fd)
                throw VaultError.temporaryFailure(
                    "the blob store is busy (\(purpose) waits for a filing, a backup, 'verify --repair' "
                        + "or 'purge execute' to finish); try again")
            }
            usleep(20_000)
        }
        return BlobStoreLock(descriptor: fd)
    }

    /// Releases the lock; further calls do nothing.
    public func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }
}
