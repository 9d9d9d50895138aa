import Foundation
import Testing

@testable import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

/// Tests of the writer threads that write a large blob with `O_DIRECT`, and of the blob writer that hands over to them.
@Suite("Direct writer")
struct DirectWriterTests {
    /// Deterministic bytes that differ at every offset a test cares about (xorshift).
    private static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed | 1
        var out = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            out[index] = UInt8(truncatingIfNeeded: state)
        }
        return out
    }

    /// Piece sizes that cross the 4 KiB pages and 2 MiB buffers at ever different offsets.
    private static let pieces = [1, 16_400, (1 << 20) + 16_400, 4_096, 333_333, 7]

    /// Hands `content` to `write` in pieces of the sizes above, in turn.
    private static func inPieces(_ content: [UInt8], _ write: (UnsafeRawBufferPointer) throws -> Void) throws {
        try content.withUnsafeBytes { all in
            var offset = 0
            var index = 0
            while offset < all.count {
                let count = min(pieces[index % pieces.count], all.count - offset)
                try write(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + count)]))
                offset += count
                index += 1
            }
        }
    }

    /// Whether the temporary folder's file system accepts `O_DIRECT` (ext4 and, since Linux 6.6, tmpfs do).
    ///
    /// The tests that need it are reported as skipped elsewhere, not passed without checking.
    static let directIOAvailable: Bool = {
        guard let folder = try? TestVaultFolder(),
            let fd = try? FileDescriptor.createExclusively(folder.path + "/probe")
        else { return false }
        return fd.setDirectIO(true)
    }()

    /// A fresh temporary folder with a new empty file `out` open for writing.
    private struct OutputFixture {
        let folder: TestVaultFolder
        let path: String
        let fd: FileDescriptor

        init() throws {
            folder = try TestVaultFolder()
            path = folder.path + "/out"
            fd = try FileDescriptor.createExclusively(path)
        }
    }

    /// How many MiB of `path` are in the page cache (mincore over a read-only mapping).
    private static func residentMebibytes(_ path: String) throws -> Int {
        let fd = try FileDescriptor.openForReading(path)
        let length = FileSystem.size(path) ?? 0
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let map = mmap(nil, length, PROT_READ, MAP_SHARED, fd.rawValue, 0), map != MAP_FAILED else {
            throw POSIXFailure(operation: "mmap", path: path, code: errno)
        }
        defer { munmap(map, length) }
        var pages = [UInt8](repeating: 0, count: (length + page - 1) / page)
        #expect(mincore(map, length, &pages) == 0)
        return (pages.reduce(0) { $0 + Int($1 & 1) } * page) >> 20
    }

    private static let threshold = FileBlobWriter.directThreshold
    private static let buffer = DirectWriter.bufferSize

    @Test(
        "a blob of any size around the hand-over to direct writes holds exactly the bytes written",
        arguments: [
            0, 1, 4_095, threshold - 1, threshold, threshold + 1, threshold + 4_095, threshold + 4_096,
            threshold + 3 * buffer, threshold + 5 * buffer + 12_345,
        ])
    func blobRoundTrip(size: Int) throws {
        let fixture = try BlobStoreFixture()
        let content = Self.bytes(size, seed: UInt64(size) &+ 5)
        let id = try FileBlobStore.newID()
        let writer = try fixture.store.makeWriter(blobID: id)
        try Self.inPieces(content) { try writer.write($0) }
        try writer.commit()
        #expect(fixture.store.size(blobID: id) == size)
        #expect(TestVault.contents(of: fixture.store.path(blobID: id)) == content)
        #expect(FileManager.default.fileExists(atPath: fixture.temporaryFolder + "/\(id).partial") == false)
    }

    @Test("a staged large blob, made durable by syncing the store, holds exactly the bytes written")
    func stagedRoundTrip() throws {
        let fixture = try BlobStoreFixture()
        let content = Self.bytes(Self.threshold + 2 * Self.buffer + 999, seed: 77)
        let id = try FileBlobStore.newID()
        let writer = try fixture.store.makeWriter(blobID: id)
        try Self.inPieces(content) { try writer.write($0) }
        try writer.stage()
        try fixture.store.syncStore()
        #expect(TestVault.contents(of: fixture.store.path(blobID: id)) == content)
    }

    @Test(
        "past the threshold the blob bypasses the page cache, where the file system allows it",
        .enabled(if: directIOAvailable, "the temporary folder's file system has no O_DIRECT"))
    func bypassesPageCache() throws {
        let fixture = try BlobStoreFixture()
        let size = Self.threshold + 32 << 20
        let content = Self.bytes(size, seed: 3)
        let id = try FileBlobStore.newID()
        let writer = try fixture.store.makeWriter(blobID: id)
        try Self.inPieces(content) { try writer.write($0) }
        try writer.commit()
        // Buffered through the write-back window, about three 8 MiB steps would stay cached; written
        // directly, only the first 8 MiB and the tail's page can be.
        let resident = try Self.residentMebibytes(fixture.store.path(blobID: id))
        #expect(resident <= (Self.threshold >> 20) + 1, "\(resident) MiB of \(size >> 20) cached")
        #expect(TestVault.contents(of: fixture.store.path(blobID: id)) == content)
    }

    @Test("a blob discarded half-way stops the writer threads and leaves no file")
    func discardHalfWay() throws {
        let fixture = try BlobStoreFixture()
        let id = try FileBlobStore.newID()
        let writer = try fixture.store.makeWriter(blobID: id)
        try Self.inPieces(Self.bytes(Self.threshold + 5 * Self.buffer + 1, seed: 9)) { try writer.write($0) }
        writer.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.temporaryFolder).isEmpty)
        #expect(fixture.store.size(blobID: id) == nil)
    }

    @Test(
        "the writer turns O_DIRECT on for the bulk and off for the unaligned tail",
        .enabled(if: directIOAvailable, "the temporary folder's file system has no O_DIRECT"))
    func directFlag() throws {
        let output = try OutputFixture()
        let content = Self.bytes(3 * Self.buffer + 100, seed: 4)
        let writer = DirectWriter(descriptor: output.fd, offset: 0)
        #expect(writer.isDirect)
        #expect(output.fd.isDirectIO)
        try Self.inPieces(content) { try writer.write($0) }
        try writer.finish()
        #expect(!output.fd.isDirectIO)
        try output.fd.sync()
        #expect(TestVault.contents(of: output.path) == content)
    }

    @Test(
        "a failed write surfaces as the write's error, from write or finish, and the threads stop",
        arguments: [100, 5 * (2 << 20)])
    func failedWrite(size: Int) throws {
        let folder = try TestVaultFolder()
        let path = try folder.write("read-only", [])
        // Read-only: every pwrite fails with EBADF.
        let fd = try FileDescriptor.openForReading(path)
        let writer = DirectWriter(descriptor: fd, offset: 0)
        var caught: POSIXFailure?
        do {
            try Self.inPieces(Self.bytes(size, seed: 1)) { try writer.write($0) }
            try writer.finish()
        } catch let error as POSIXFailure {
            caught = error
        }
        #expect(caught?.operation == "write")
        #expect(caught?.code == EBADF)
        #expect(FileSystem.size(path) == 0)
    }

    @Test(
        "a direct write the file system refuses is written again through the page cache",
        .enabled(if: directIOAvailable, "the temporary folder's file system has no O_DIRECT"))
    func refusedDirectWriteFallsBack() throws {
        let output = try OutputFixture()
        #expect(output.fd.setDirectIO(true))
        let queue = DirectWriteQueue(descriptor: output.fd, direct: true)
        defer { queue.deallocate() }
        // 100 bytes is not a whole block: the direct pwrite fails with EINVAL.
        let content = Self.bytes(100, seed: 8)
        try content.withUnsafeBytes { try queue.write($0, at: 0) }
        #expect(queue.direct == false)
        #expect(!output.fd.isDirectIO)
        #expect(TestVault.contents(of: output.path) == content)
    }

    @Test("an EINVAL from a writer that never wrote directly is an error, not a retry")
    func einvalWithoutDirectIO() throws {
        let output = try OutputFixture()
        let queue = DirectWriteQueue(descriptor: output.fd, direct: false)
        defer { queue.deallocate() }
        var caught: POSIXFailure?
        do {
            // A negative offset: pwrite fails with EINVAL whatever the flags.
            try Self.bytes(10, seed: 2).withUnsafeBytes { try queue.write($0, at: -4_096) }
        } catch let error as POSIXFailure {
            caught = error
        }
        #expect(caught?.code == EINVAL)
        #expect(FileSystem.size(output.path) == 0)
    }
}
