import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Named places where the crash tests kill the process, in debug builds only.
///
/// A crash test runs `docvault` with `DOCVAULT_FAULT=NAME` (or `NAME:N`, the N-th time the
/// point is reached, from 1) and the process sends itself SIGKILL there, as a power cut or
/// an OOM kill would stop it: no clean-up, no buffered output, no rollback. Release builds,
/// the ones to install, never compile the check in, so a stray variable cannot stop them.
public enum FaultPoint {
    #if DOCVAULT_FAULT_POINTS
        /// The armed point and the hit on which it fires, read once from the environment.
        private static let armed: (name: String, hit: Int)? = {
            guard let text = ProcessInfo.processInfo.environment["DOCVAULT_FAULT"], !text.isEmpty else {
                return nil
            }
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            let hit = parts.count > 1 ? Int(parts[1]) ?? 1 : 1
            return (parts[0], max(1, hit))
        }()
        nonisolated(unsafe) private static var counts: [String: Int] = [:]
        private static let lock = ThreadLock()
    #endif

    /// Kills the process with SIGKILL when the crash test armed this point for this hit.
    @inline(__always)
    public static func reach(_ name: StaticString) {
        #if DOCVAULT_FAULT_POINTS
            guard let armed else { return }
            let label = "\(name)"
            guard armed.name == label else { return }
            lock.lock()
            let count = (counts[label] ?? 0) + 1
            counts[label] = count
            lock.unlock()
            if count == armed.hit { kill(getpid(), SIGKILL) }
        #endif
    }
}
