import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Blobs as files under `blobs/`, sharded by the first four hex digits of their random id.
///
/// `blobs/ab/cd/abcd….blob`; temporary files live in `blobs/tmp/` on the same file
/// system so the final rename is atomic. Writing is crash-safe: temporary file →
/// fsync → rename → fsync of the folder; the catalogue commit follows.
public final class FileBlobStore: BlobStore {
    /// The `blobs/` folder.
    public let root: String

    /// Uses (and creates if needed) the blob folder `root`.
    public init(root: String) {
        self.root = root
    }

    /// Creates the folder structure of a new store.
    public func create() throws {
        try FileSystem.makeDirectory(root)
        try FileSystem.makeDirectory(temporaryFolder)
    }

    var temporaryFolder: String { root + "/tmp" }

    /// The final path of a blob.
    public func path(blobID: String) -> String {
        precondition(Self.isValidID(blobID), "blob ids are 32 lowercase hex digits")
        let chars = Array(blobID)
        return "\(root)/\(String(chars[0..<2]))/\(String(chars[2..<4]))/\(blobID).blob"
    }

    /// Whether `id` has the shape of a blob id (32 lowercase hex digits).
    public static func isValidID(_ id: String) -> Bool {
        id.utf8.count == 32 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Draws a new random blob id; with `folder`, its first two bytes (the `ab/cd/` folder) are those.
    ///
    /// Import gives each batch one random folder: with a random id per blob, almost every
    /// blob of a vault under ~65,000 documents created its own `ab/cd/` folder, and `mkdir`
    /// was a sixth of an import's system time.
    public static func newID(folder: [UInt8]? = nil) throws -> String {
        guard let folder else { return try SecureRandom.bytes(count: 16).hexString }
        precondition(folder.count == 2, "a blob folder is two bytes")
        return (folder + (try SecureRandom.bytes(count: 14))).hexString
    }

    /// Starts writing a blob into `blobs/tmp/`.
    public func makeWriter(blobID: String) throws -> BlobWriter {
        let temporary = "\(temporaryFolder)/\(blobID).partial"
        let fd = try FileDescriptor.createExclusively(temporary)
        return FileBlobWriter(store: self, blobID: blobID, temporaryPath: temporary, descriptor: fd)
    }

    /// Makes every blob staged so far durable, file data and folder entries, with one `syncfs(2)`.
    ///
    /// Bulk import stages a batch of blobs (``BlobWriter/stage()``) and calls this once before
    /// the batch's rows commit, instead of three fsyncs per blob.
    public func syncStore() throws {
        try FileSystem.syncFileSystem(containing: root)
    }

    /// Opens a committed blob.
    public func openForReading(blobID: String) throws -> FileDescriptor {
        try FileDescriptor.openForReading(path(blobID: blobID))
    }

    /// The size of a committed blob, or nil if it is missing.
    public func size(blobID: String) -> Int? { FileSystem.size(path(blobID: blobID)) }

    /// Every file under the store: blob ids of well-named `ab/cd/ID.blob` files, and every other path.
    ///
    /// Other paths are leftovers (`tmp/*.partial` of an interrupted write) or strangers; both are
    /// relative to the store's root. Folders themselves are not listed.
    func inventory(_ blob: (String) throws -> Void, other: (String) throws -> Void) throws {
        let manager = FileManager.default
        for first in (try? manager.contentsOfDirectory(atPath: root))?.sorted() ?? [] {
            let firstPath = root + "/" + first
            guard FileSystem.isDirectory(firstPath) else {
                try other(first)
                continue
            }
            for second in (try? manager.contentsOfDirectory(atPath: firstPath))?.sorted() ?? [] {
                let secondPath = firstPath + "/" + second
                guard FileSystem.isDirectory(secondPath) else {
                    try other(first + "/" + second)
                    continue
                }
                for name in (try? manager.contentsOfDirectory(atPath: secondPath))?.sorted() ?? [] {
                    let id = name.hasSuffix(".blob") ? String(name.dropLast(5)) : ""
                    if Self.isValidID(id) && id.hasPrefix(first + second) {
                        try blob(id)
                    } else {
                        try other(first + "/" + second + "/" + name)
                    }
                }
            }
        }
    }

    /// Deletes a file given relative to the store's root (a leftover the inventory found).
    func removeFile(relativePath: String) throws {
        let target = root + "/" + relativePath
        if unlink(target) != 0 && errno != ENOENT {
            throw POSIXFailure(operation: "unlink", path: target, code: errno)
        }
    }

    /// Deletes a blob file.
    public func remove(blobID: String) throws {
        let target = path(blobID: blobID)
        if unlink(target) != 0 && errno != ENOENT {
            throw POSIXFailure(operation: "unlink", path: target, code: errno)
        }
    }
}

/// Writes one blob through a temporary file in the store's `tmp/` folder.
final class FileBlobWriter: BlobWriter {
    private let store: FileBlobStore
    private let blobID: String
    private let temporaryPath: String
    private var descriptor: FileDescriptor?
    private var committedPath: String?

    init(store: FileBlobStore, blobID: String, temporaryPath: String, descriptor: FileDescriptor) {
        self.store = store
        self.blobID = blobID
        self.temporaryPath = temporaryPath
        self.descriptor = descriptor
    }

    /// Bytes written through the page cache before a ``DirectWriter`` takes over.
    ///
    /// A document (100 KiB in the benchmark's import) never starts a thread; a scan of
    /// hundreds of MiB writes all but its first few MiB directly.
    static let directThreshold = 8 << 20
    /// Small writes (16 KiB sealed chunks) are collected into this many bytes per system call.
    static let stagingSize = 1 << 20

    /// Collects small writes until the page cache gets them (before the direct writer takes over).
    ///
    /// Released once the blob is committed or staged: bulk import keeps a batch's writers until its rows commit.
    private var staging = UnsafeMutableRawBufferPointer.allocate(byteCount: stagingSize, alignment: 16)
    private var staged = 0
    private var writeback = WritebackWindow()
    /// Bytes written through the page cache.
    private var written = 0
    /// The writer of everything after the first ``directThreshold`` bytes, once there are that many.
    private var direct: DirectWriter?

    deinit { releaseStaging() }

    private func releaseStaging() {
        staging.deallocate()
        staging = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        staged = 0
    }

    /// Appends `bytes`: into the direct writer's buffers once it has taken over, else into the staging buffer.
    ///
    /// Either way the bytes are copied once; the direct writer's buffers do the staging buffer's job.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor != nil else { preconditionFailure("blob writer used after commit") }
        if let direct {
            try direct.write(bytes)
            return
        }
        if staged + bytes.count > staging.count { try flushStaging() }
        // Flushing may have handed over to the direct writer; a write as large as the buffer goes on at once.
        guard direct == nil && bytes.count < staging.count else {
            try send(bytes)
            return
        }
        UnsafeMutableRawBufferPointer(rebasing: staging[staged..<(staged + bytes.count)]).copyMemory(from: bytes)
        staged += bytes.count
    }

    /// Sends the staged bytes on.
    private func flushStaging() throws {
        guard staged > 0 else { return }
        let bytes = UnsafeRawBufferPointer(rebasing: staging[0..<staged])
        staged = 0
        try send(bytes)
    }

    /// Writes through the page cache up to ``directThreshold``, and through a ``DirectWriter`` after it.
    private func send(_ bytes: UnsafeRawBufferPointer) throws {
        guard let descriptor else { preconditionFailure("blob writer used after commit") }
        if let direct {
            try direct.write(bytes)
            return
        }
        guard written + bytes.count > Self.directThreshold else {
            try writeBuffered(bytes, to: descriptor)
            return
        }
        // Up to the next aligned offset through the page cache, the rest directly.
        let boundary = (written + DirectWriter.alignment - 1) / DirectWriter.alignment * DirectWriter.alignment
        let head = min(bytes.count, boundary - written)
        try writeBuffered(UnsafeRawBufferPointer(rebasing: bytes[0..<head]), to: descriptor)
        guard head < bytes.count else { return }
        writeback.flush(descriptor)
        let writer = DirectWriter(descriptor: descriptor, offset: written)
        direct = writer
        try writer.write(UnsafeRawBufferPointer(rebasing: bytes[head...]))
    }

    private func writeBuffered(_ bytes: UnsafeRawBufferPointer, to descriptor: FileDescriptor) throws {
        try descriptor.write(bytes)
        written += bytes.count
        writeback.wrote(bytes.count, to: descriptor)
    }

    /// Writes out what is staged and what the direct writer still holds, and stops its threads.
    private func flushAll() throws {
        try flushStaging()
        releaseStaging()
        guard let writer = direct else { return }
        direct = nil
        try writer.finish()
    }

    func commit() throws {
        guard let descriptor else { preconditionFailure("blob committed twice") }
        try flushAll()
        try descriptor.sync()
        let (folder, created) = try moveIntoPlace()
        try FileSystem.syncDirectory(folder)
        if created { try FileSystem.syncDirectory(PathName.parent(folder)) }
        try FileSystem.syncDirectory(store.temporaryFolder)
    }

    func stage() throws {
        guard let descriptor else { preconditionFailure("blob committed twice") }
        try flushAll()
        // Start writing the rest back now, so the batch's one syncfs finds little left to write.
        writeback.flush(descriptor)
        _ = try moveIntoPlace()
    }

    /// Renames the temporary file to the blob's final path; returns its folder and whether it was created.
    private func moveIntoPlace() throws -> (folder: String, created: Bool) {
        descriptor = nil
        let final = store.path(blobID: blobID)
        let folder = PathName.parent(final)
        var created = false
        do {
            // The folder exists for all but a batch's first blob, so the rename comes first and mkdir only when it is missing.
            try FileSystem.renameNoReplace(temporaryPath, final)
        } catch let failure as POSIXFailure where failure.code == ENOENT {
            created = try FileSystem.makeBlobFolder(folder)
            try FileSystem.renameNoReplace(temporaryPath, final)
        }
        committedPath = final
        return (folder, created)
    }

    func discard() {
        // Stops the threads (writing nothing more) before the descriptor closes.
        releaseStaging()
        direct = nil
        descriptor = nil
        unlink(temporaryPath)
        if let committedPath { unlink(committedPath) }
    }
}

extension Array where Element == UInt8 {
    /// Lowercase hexadecimal.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses lowercase or uppercase hexadecimal; nil if malformed.
    public init?(hex: String) {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(chars.count / 2)
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self = bytes
    }
}
