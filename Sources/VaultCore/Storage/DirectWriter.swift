import Dispatch
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Writes the bulk of a large file with `O_DIRECT` from writer threads of its own.
///
/// A buffered write costs the thread that makes it a copy into the page cache and ext4's
/// per-page bookkeeping: perf counted about 0.46 s of CPU per GiB filed on the 2-core VM, more
/// than the encryption. A direct write moves the bytes to the device from aligned buffers without
/// that copy, and the writer threads spend their time waiting for the device, not on a core.
///
/// Bytes are collected into ``depth`` aligned buffers of ``bufferSize``; a full buffer goes to
/// a writer thread, which writes it at its offset with `pwrite`. ``finish()`` writes the last
/// whole pages directly and the unaligned tail through the page cache (`O_DIRECT` turned off
/// again), so the file holds exactly the bytes written; fsync still makes it durable. Where the
/// file system has no direct I/O, the same threads write through the page cache instead.
final class DirectWriter {
    /// The alignment of buffers, offsets and lengths of direct writes: a page, which covers
    /// 512-byte and 4096-byte logical blocks.
    static let alignment = 4096
    /// Bytes per direct write.
    static let bufferSize = 2 << 20
    /// Buffers in the ring: one being filled, the rest queued or being written.
    static let depth = 4

    private let descriptor: FileDescriptor
    private let queue: DirectWriteQueue
    /// The buffer being filled and how much of it is.
    private var slot = 0
    private var used = 0
    /// The file offset of the buffer being filled.
    private var offset: Int
    private var running = true

    /// Starts the writer threads for `descriptor`, whose next byte goes to `offset`, a multiple of ``alignment``.
    ///
    /// Turns `O_DIRECT` on where the file system allows it; ``isDirect`` says whether it did.
    init(descriptor: FileDescriptor, offset: Int) {
        precondition(offset % Self.alignment == 0, "a direct write starts at an aligned offset")
        self.descriptor = descriptor
        self.offset = offset
        queue = DirectWriteQueue(descriptor: descriptor, direct: descriptor.setDirectIO(true))
        queue.startWriters()
    }

    deinit {
        if running { stop(length: 0) }
        queue.deallocate()
    }

    /// Whether the writes bypass the page cache (false where the file system has no direct I/O).
    var isDirect: Bool { queue.direct }

    /// Appends `bytes`; throws the first error a writer thread met.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(running, "direct writer used after finish")
        var rest = bytes
        while !rest.isEmpty {
            let count = min(rest.count, Self.bufferSize - used)
            let target = queue.buffers[slot]
            UnsafeMutableRawBufferPointer(rebasing: target[used..<(used + count)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: rest[0..<count]))
            used += count
            rest = UnsafeRawBufferPointer(rebasing: rest[count...])
            if used == Self.bufferSize {
                queue.submit(slot: slot, length: used, offset: offset, last: false)
                offset += used
                used = 0
                slot = (slot + 1) % Self.depth
                queue.waitUntilFree(slot)
                if let failure = queue.failure { throw failure }
            }
        }
    }

    /// Writes everything appended, the unaligned tail through the page cache, and stops the threads.
    ///
    /// Returns with nothing of the file's bytes left in this object; the caller fsyncs.
    func finish() throws {
        precondition(running, "direct writer finished twice")
        let aligned = used / Self.alignment * Self.alignment
        stop(length: aligned)
        if let failure = queue.failure { throw failure }
        guard used > aligned else { return }
        if queue.direct { _ = descriptor.setDirectIO(false) }
        try descriptor.write(
            UnsafeRawBufferPointer(rebasing: queue.buffers[slot][aligned..<used]), at: offset + aligned)
    }

    /// Hands the writers the last buffer (`length` bytes of the current one) and waits until they have exited.
    private func stop(length: Int) {
        running = false
        queue.submit(slot: slot, length: length, offset: offset, last: true)
        queue.waitUntilStopped()
    }
}

/// The ring the producer fills and the writer threads drain; each buffer belongs to one side at a time.
///
/// The producer fills the buffers in turn, waiting on each one's own semaphore until the write
/// that last used it is done; the writer threads take filled buffers in order from a counter, so
/// two writes can be with the device at once and finish in either order. A slot's length, offset
/// and `last` flag are set before `filled` is signalled and read after it is waited for, so the
/// semaphore orders them; the counters and `failure` are guarded by `lock`.
final class DirectWriteQueue: @unchecked Sendable {
    /// Writer threads: two writes in flight took 0.56–0.60 s per GiB on this VM's disk, one 0.63–0.80 s (fio).
    static let writers = 2
    let buffers: [UnsafeMutableRawBufferPointer]
    private let descriptor: FileDescriptor
    /// Whether `O_DIRECT` was turned on at the start, and whether it still is.
    private let startedDirect: Bool
    private var directNow: Bool
    /// Each buffer's length and file offset.
    ///
    /// Plain memory, not arrays: the producer sets one slot while a writer reads another, and an
    /// array's copy-on-write check would race on the whole.
    private let lengths = UnsafeMutableBufferPointer<Int>.allocate(capacity: DirectWriter.depth)
    private let offsets = UnsafeMutableBufferPointer<Int>.allocate(capacity: DirectWriter.depth)
    private let filled = DispatchSemaphore(value: 0)
    /// One per buffer: signalled when its write is done (the first buffer starts as the producer's).
    ///
    /// Each starts at 0 and the free ones are signalled once: libdispatch traps when a semaphore is
    /// released holding less than it was created with, as one of these does after the last write.
    private let free = (0..<DirectWriter.depth).map { _ in DispatchSemaphore(value: 0) }
    private let stopped = DispatchSemaphore(value: 0)
    private let lock = ThreadLock()
    private var firstFailure: POSIXFailure?
    /// Buffers handed to the writers so far, and the number of the one after which they stop.
    private var submitted = 0
    private var taken = 0
    private var lastNumber: Int?

    init(descriptor: FileDescriptor, direct: Bool) {
        self.descriptor = descriptor
        startedDirect = direct
        directNow = direct
        buffers = (0..<DirectWriter.depth).map { _ in
            .allocate(byteCount: DirectWriter.bufferSize, alignment: DirectWriter.alignment)
        }
        lengths.initialize(repeating: 0)
        offsets.initialize(repeating: 0)
        for semaphore in free.dropFirst() { semaphore.signal() }
    }

    /// Starts the writer threads; each runs until the buffer submitted as the last one.
    func startWriters() {
        for _ in 0..<Self.writers {
            let started = startThread { [self] in run() }
            precondition(started, "cannot start a blob writer thread")
        }
    }

    /// Frees the buffers; only after the writers have stopped (or were never started).
    func deallocate() {
        for buffer in buffers { buffer.deallocate() }
        lengths.deallocate()
        offsets.deallocate()
    }

    /// Whether writes still bypass the page cache.
    var direct: Bool {
        lock.lock()
        defer { lock.unlock() }
        return directNow
    }

    /// The first write that failed, if any.
    var failure: POSIXFailure? {
        lock.lock()
        defer { lock.unlock() }
        return firstFailure
    }

    /// Hands `slot` (`length` bytes for `offset`) to the writers; with `last`, they stop after it.
    func submit(slot: Int, length: Int, offset: Int, last: Bool) {
        lengths[slot] = length
        offsets[slot] = offset
        lock.lock()
        if last { lastNumber = submitted }
        submitted += 1
        lock.unlock()
        filled.signal()
        // Wakes the other writers, which find nothing left to take and exit.
        if last { for _ in 1..<Self.writers { filled.signal() } }
    }

    /// Waits until the write that last used `slot` is done.
    func waitUntilFree(_ slot: Int) { free[slot].wait() }

    /// Waits until every writer thread has exited.
    func waitUntilStopped() {
        for _ in 0..<Self.writers { stopped.wait() }
    }

    /// A writer thread: writes filled buffers, taken in order, until the last one is taken.
    ///
    /// After a failure the writers keep taking buffers without writing them, so the producer never waits forever.
    private func run() {
        while true {
            filled.wait()
            lock.lock()
            if let lastNumber, taken > lastNumber {
                lock.unlock()
                stopped.signal()
                return
            }
            let number = taken
            taken += 1
            let isLast = number == lastNumber
            let failed = firstFailure != nil
            lock.unlock()
            let slot = number % DirectWriter.depth
            if lengths[slot] > 0 && !failed {
                do {
                    try write(UnsafeRawBufferPointer(rebasing: buffers[slot][0..<lengths[slot]]), at: offsets[slot])
                } catch let error as POSIXFailure {
                    lock.lock()
                    if firstFailure == nil { firstFailure = error }
                    lock.unlock()
                } catch {
                    preconditionFailure("only POSIX failures reach here")
                }
            }
            if isLast {
                stopped.signal()
                return
            }
            free[slot].signal()
        }
    }

    /// Writes one buffer; where a direct write is refused (EINVAL), turns direct I/O off and writes it buffered.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        do {
            try descriptor.write(bytes, at: offset)
        } catch let error as POSIXFailure where error.code == EINVAL {
            guard turnOffDirectIO() else { throw error }
            try descriptor.write(bytes, at: offset)
        }
    }

    /// Turns `O_DIRECT` off for both writers; false when it was never on or cannot be turned off.
    private func turnOffDirectIO() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard startedDirect else { return false }
        if directNow {
            guard descriptor.setDirectIO(false) else { return false }
            directNow = false
        }
        return true
    }
}
