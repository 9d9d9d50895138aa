#if canImport(Glibc)
    import Glibc
#endif

/// A mutual-exclusion lock over `pthread_mutex_t`, for the few places that share state between threads.
///
/// VaultCore links FoundationEssentials only, which has no `NSLock`; this is the same lock,
/// allocated once so its address never moves.
class ThreadLock: @unchecked Sendable {
    fileprivate let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() {
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Waits for the lock and takes it.
    func lock() { pthread_mutex_lock(mutex) }

    /// Releases the lock taken by ``lock()`` on this thread.
    func unlock() { pthread_mutex_unlock(mutex) }
}

/// A ``ThreadLock`` with a condition variable (`pthread_cond_t`): Foundation's `NSCondition`.
///
/// Bulk import's ``ImportPipeline`` waits on it for results and free work.
final class ThreadCondition: ThreadLock, @unchecked Sendable {
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    override init() {
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
        super.init()
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// Releases the lock until another thread calls ``broadcast()``, then takes it again; may wake spuriously.
    func wait() { pthread_cond_wait(condition, mutex) }

    /// Wakes every thread waiting in ``wait()``.
    func broadcast() { pthread_cond_broadcast(condition) }
}

/// Starts `body` on a new detached thread; false when no thread could be started.
///
/// Replaces Foundation's `Thread` for the blob writer's threads, which block in `pwrite`
/// and so should not sit in libdispatch's shared pool.
@discardableResult
func startThread(_ body: @escaping @Sendable () -> Void) -> Bool {
    final class Work: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let work = Unmanaged.passRetained(Work(body)).toOpaque()
    var thread = pthread_t()
    let started = pthread_create(
        &thread, nil,
        { raw in
            let work = Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue()
            work.body()
            return nil
        }, work)
    guard started == 0 else {
        Unmanaged<Work>.fromOpaque(work).release()
        return false
    }
    pthread_detach(thread)
    return true
}
