import Foundation
import Testing

@testable import VaultCore

/// Tests of bulk import's two-thread blob pipeline: order, limits, large items, failures, stopping.
///
/// The items are stand-ins (no file is written), so each test controls what every item does
/// and when; the import through real blobs is tested in `BulkImportTests` and the CLI tests.
@Suite("Import pipeline")
struct ImportPipelineTests {
    /// What the stand-in items did, recorded from whichever thread ran them.
    final class Record: @unchecked Sendable {
        private let lock = NSLock()
        private var started: [Int] = []
        private var finished: [Int] = []
        private var threads: Set<UInt> = []
        private var inFlight = 0
        private(set) var overlapsWithLarge = 0

        func begin(_ index: Int) -> Int {
            lock.withLock {
                started.append(index)
                threads.insert(UInt(pthread_self()))
                inFlight += 1
                return inFlight
            }
        }

        func end(_ index: Int) {
            lock.withLock {
                finished.append(index)
                inFlight -= 1
            }
        }

        func overlapped() { lock.withLock { overlapsWithLarge += 1 } }
        var current: Int { lock.withLock { inFlight } }
        var startedItems: [Int] { lock.withLock { started } }
        var finishedItems: [Int] { lock.withLock { finished } }
        var threadCount: Int { lock.withLock { threads.count } }
    }

    /// A writer that only remembers being discarded.
    final class StandInWriter: BlobWriter {
        var discarded = false
        func write(_ bytes: UnsafeRawBufferPointer) throws {}
        func commit() throws {}
        func stage() throws {}
        func discard() { discarded = true }
    }

    struct ItemFailed: Error, Equatable {
        let index: Int
    }

    /// The blob a stand-in item "wrote": its size is its index, so order is visible in the results.
    static func blob(_ index: Int) throws -> Filing.WrittenBlob {
        Filing.WrittenBlob(
            uid: [UInt8](repeating: UInt8(index & 0xFF), count: 16), blobID: String(index),
            dataKey: try SecretBytes.random(count: 32), size: index, sha256: [])
    }

    /// Waits up to ten seconds for `condition`; false if it never held.
    static func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<1000 {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    @Test("Results come back in order, each item written once, two at a time")
    func orderAndOverlap() throws {
        let record = Record()
        let second = DispatchSemaphore(value: 0)
        let pipeline = ImportPipeline(sizes: Array(repeating: 100, count: 20)) { index, _ in
            _ = record.begin(index)
            defer { record.end(index) }
            // Item 0 finishes only once item 1 is under way: two items are written at once.
            if index == 0 { #expect(second.wait(timeout: .now() + 10) == .success, "item 1 never ran beside item 0") }
            if index == 1 { second.signal() }
            return try Self.blob(index)
        }
        #expect(pipeline.start() == 1)
        pipeline.allow(upTo: 20)
        let first = try pipeline.results(0..<8)
        let rest = try pipeline.results(8..<20)
        pipeline.stop()
        #expect((first + rest).map(\.size) == Array(0..<20))
        #expect(record.startedItems.sorted() == Array(0..<20))
        #expect(record.threadCount == 2)
    }

    /// Weak references to the data keys the stand-in items made.
    final class KeyWatch: @unchecked Sendable {
        private let lock = NSLock()
        private var keys: [Int: WeakKey] = [:]
        struct WeakKey { weak var key: SecretBytes? }

        func watch(_ index: Int, _ key: SecretBytes) { lock.withLock { keys[index] = WeakKey(key: key) } }
        func alive(_ range: Range<Int>) -> [Int] { lock.withLock { range.filter { keys[$0]?.key != nil } } }
    }

    @Test("Once a batch is handed over the pipeline holds none of its data keys")
    func handedOverKeysAreReleased() throws {
        let watch = KeyWatch()
        let pipeline = ImportPipeline(sizes: Array(repeating: 100, count: 6)) { index, _ in
            let blob = try Self.blob(index)
            watch.watch(index, blob.dataKey)
            return blob
        }
        pipeline.start()
        pipeline.allow(upTo: 6)
        do {
            let first = try pipeline.results(0..<3)
            #expect(first.count == 3)
            #expect(watch.alive(0..<3) == [0, 1, 2])
        }
        #expect(watch.alive(0..<3) == [])
        _ = try pipeline.results(3..<6)
        pipeline.stop()
        #expect(watch.alive(0..<6) == [])
    }

    @Test("No item starts beyond the allowed limit, and the caller alone works when no worker starts")
    func limitAndNoWorker() throws {
        for workers in [1, 0] {
            let record = Record()
            let pipeline = ImportPipeline(sizes: Array(repeating: 100, count: 9)) { index, _ in
                _ = record.begin(index)
                record.end(index)
                return try Self.blob(index)
            }
            #expect(pipeline.start(workers: workers) == workers)
            pipeline.allow(upTo: 3)
            #expect(try pipeline.results(0..<3).map(\.size) == [0, 1, 2])
            usleep(50_000)
            #expect(record.startedItems.sorted() == [0, 1, 2], "workers: \(workers)")
            pipeline.allow(upTo: 9)
            #expect(try pipeline.results(3..<9).map(\.size) == Array(3..<9))
            pipeline.stop()
            if workers == 0 {
                #expect(record.startedItems == Array(0..<9))
                #expect(record.threadCount == 1)
            }
        }
    }

    @Test("An item larger than one I/O block runs alone")
    func largeItemsRunAlone() throws {
        let large = EncryptedBlob.ioBufferSize + 1
        let sizes = [100, 100, large, 100, 100, large, large, 100]
        let record = Record()
        let pipeline = ImportPipeline(sizes: sizes) { index, _ in
            let running = record.begin(index)
            defer { record.end(index) }
            usleep(20_000)
            if sizes[index] == large && (running != 1 || record.current != 1) { record.overlapped() }
            return try Self.blob(index)
        }
        pipeline.start()
        pipeline.allow(upTo: sizes.count)
        #expect(try pipeline.results(0..<sizes.count).map(\.size) == Array(0..<sizes.count))
        pipeline.stop()
        #expect(record.overlapsWithLarge == 0)
        #expect(record.startedItems.sorted() == Array(0..<sizes.count))
    }

    @Test("The earliest failure is reported, batches before it still come back, and nothing after it starts")
    func earliestFailureWins() throws {
        let record = Record()
        let laterFailed = DispatchSemaphore(value: 0)
        let writers = (0..<12).map { _ in StandInWriter() }
        let pipeline = ImportPipeline(sizes: Array(repeating: 100, count: 12)) { index, started in
            _ = record.begin(index)
            defer { record.end(index) }
            started(writers[index])
            switch index {
            case 4:
                // Fails only after item 5 has failed, so the later failure is the first one seen.
                _ = laterFailed.wait(timeout: .now() + 2)
                throw ItemFailed(index: 4)
            case 5:
                defer { laterFailed.signal() }
                throw ItemFailed(index: 5)
            default: return try Self.blob(index)
            }
        }
        pipeline.start()
        pipeline.allow(upTo: 8)
        #expect(try pipeline.results(0..<4).map(\.size) == [0, 1, 2, 3])
        pipeline.allow(upTo: 12)
        let error = #expect(throws: ItemFailed.self) { try pipeline.results(4..<8) }
        #expect(error == ItemFailed(index: 4))
        pipeline.stop()
        let started = Set(record.startedItems)
        #expect(started.isSuperset(of: 0...5))
        // Item 6 could start only while 4 or 5 had not yet failed; nothing later ever could.
        #expect(started.isSubset(of: 0...6))
        #expect(record.finishedItems.count == record.startedItems.count)
        for index in 0..<12 {
            #expect((pipeline.writer(index) != nil) == started.contains(index))
        }
    }

    @Test("Stopping waits for the item in hand and starts no other")
    func stopWaitsForTheItemInHand() throws {
        let record = Record()
        let pipeline = ImportPipeline(sizes: Array(repeating: 100, count: 200)) { index, _ in
            _ = record.begin(index)
            usleep(5_000)
            record.end(index)
            return try Self.blob(index)
        }
        pipeline.start()
        pipeline.allow(upTo: 200)
        _ = try pipeline.results(0..<2)
        pipeline.stop()
        let started = record.startedItems.count
        #expect(record.finishedItems.count == started)
        usleep(50_000)
        #expect(record.startedItems.count == started)
        #expect(started < 200)
    }
}
