/// Encrypts a bulk import's blobs on two threads, in manifest order, ahead of the catalogue commits.
///
/// A 100 KiB document spends nearly all of its filing time reading, hashing, encrypting and
/// writing its blob (``Filing/writeBlob(_:store:vaultID:durable:blobFolder:started:progress:)``),
/// and that half needs no session, so two documents can be written at once. One worker thread
/// claims items in order; the importer's thread claims them too while it waits for a batch
/// (``results(_:)``), and otherwise builds rows, syncs and commits, which only it does: the
/// session's keys and catalogue connection never leave its thread. ``allow(upTo:)`` bounds how
/// far ahead of the commits the worker may run.
///
/// An item larger than one I/O block already keeps both cores busy inside ``EncryptedBlob``, so
/// it runs alone, which also keeps a big scan's memory what it is when filed by itself. After a
/// failure no further item is started; items already under way finish, and ``results(_:)``
/// reports the failure of the earliest item, as one thread working in order would.
final class ImportPipeline: @unchecked Sendable {
    /// Encrypts item `index` into a staged blob, handing its writer to `started` before the first byte is written.
    typealias Produce = (_ index: Int, _ started: (BlobWriter) -> Void) throws -> Filing.WrittenBlob

    private let sizes: [Int]
    private let largeItem: Int
    private let produce: Produce
    private let condition = ThreadCondition()

    // Everything below is guarded by `condition`.
    /// The next item to claim; every item before it has been claimed.
    private var next = 0
    /// Items at or after this wait for ``allow(upTo:)``.
    private var limit = 0
    private var outcomes: [Outcome]
    private var writers: [BlobWriter?]
    private var inFlight = 0
    private var largeInFlight = false
    private var failed = false
    private var stopped = false
    private var workers = 0

    /// A pipeline over items of `sizes` bytes; items over `largeItem` bytes run alone.
    init(sizes: [Int], largeItem: Int = EncryptedBlob.ioBufferSize, produce: @escaping Produce) {
        self.sizes = sizes
        self.largeItem = largeItem
        self.produce = produce
        outcomes = Array(repeating: .pending, count: sizes.count)
        writers = Array(repeating: nil, count: sizes.count)
    }

    /// Where one item stands.
    private enum Outcome {
        /// Not written yet.
        case pending
        /// Written and staged, waiting for ``results(_:)``.
        case written(Filing.WrittenBlob)
        /// Failed with this error.
        case failed(Error)
        /// Returned by ``results(_:)``; the pipeline no longer holds its data key.
        case taken

        var isDone: Bool {
            if case .pending = self { return false }
            return true
        }
    }

    /// Starts `count` worker threads beside the caller's; returns how many started.
    ///
    /// With none the caller does all the work in ``results(_:)``, in order, as before the pipeline.
    @discardableResult
    func start(workers count: Int = 1) -> Int {
        var started = 0
        for _ in 0..<max(0, count) {
            condition.lock()
            workers += 1
            condition.unlock()
            if startThread({ [self] in work() }) {
                started += 1
            } else {
                condition.lock()
                workers -= 1
                condition.unlock()
            }
        }
        return started
    }

    /// Lets work start on the items before `end`.
    func allow(upTo end: Int) {
        condition.lock()
        limit = max(limit, min(end, sizes.count))
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every item of `range` is written, working on them on this thread meanwhile.
    ///
    /// Returns their blobs in order, or throws the error of the earliest item that failed.
    /// Items of `range` must have been allowed.
    func results(_ range: Range<Int>) throws -> [Filing.WrittenBlob] {
        condition.lock()
        while !settled(range) {
            if let index = claim(below: range.upperBound) {
                condition.unlock()
                run(index)
                condition.lock()
            } else {
                condition.wait()
            }
        }
        let found = range.map { outcomes[$0] }
        // Handed over: the pipeline keeps no data key once the importer has the batch.
        for index in range where outcomes[index].isDone { outcomes[index] = .taken }
        condition.unlock()
        var blobs: [Filing.WrittenBlob] = []
        for outcome in found {
            switch outcome {
            case .written(let blob): blobs.append(blob)
            case .failed(let error): throw error
            // Settled with an item not done only after an earlier item failed, which threw first.
            case .pending, .taken: preconditionFailure("import pipeline settled without item")
            }
        }
        return blobs
    }

    /// The writer of item `index`, or nil when its work never started; read it after ``results(_:)`` or ``stop()``.
    func writer(_ index: Int) -> BlobWriter? {
        condition.lock()
        defer { condition.unlock() }
        return writers[index]
    }

    /// Starts no further item and waits until the workers have finished the ones they hold.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while workers > 0 { condition.wait() }
        condition.unlock()
    }

    /// Whether `range` holds no more work to wait for (all done, or a failure stopped the rest); call locked.
    private func settled(_ range: Range<Int>) -> Bool {
        if range.allSatisfy({ outcomes[$0].isDone }) { return true }
        // After a failure nothing more is claimed: settled once every claimed item of the range is done.
        return failed && range.allSatisfy { outcomes[$0].isDone || $0 >= next }
    }

    /// Takes the next item if it is before `end` and may start now; call locked.
    private func claim(below end: Int) -> Int? {
        guard !failed, !stopped, next < min(limit, end) else { return nil }
        let large = sizes[next] > largeItem
        guard large ? inFlight == 0 : !largeInFlight else { return nil }
        let index = next
        next += 1
        inFlight += 1
        if large { largeInFlight = true }
        return index
    }

    /// Writes item `index` and records the outcome; call unlocked.
    private func run(_ index: Int) {
        let outcome = Result {
            try produce(index) { writer in
                condition.lock()
                writers[index] = writer
                condition.unlock()
            }
        }
        condition.lock()
        switch outcome {
        case .success(let blob): outcomes[index] = .written(blob)
        case .failure(let error):
            outcomes[index] = .failed(error)
            failed = true
        }
        inFlight -= 1
        if sizes[index] > largeItem { largeInFlight = false }
        condition.broadcast()
        condition.unlock()
    }

    /// A worker thread: claims and writes items until stopped, failed or out of items.
    private func work() {
        condition.lock()
        while true {
            if let index = claim(below: sizes.count) {
                condition.unlock()
                run(index)
                condition.lock()
                continue
            }
            if stopped || failed || next >= sizes.count { break }
            condition.wait()
        }
        workers -= 1
        condition.broadcast()
        condition.unlock()
    }
}
