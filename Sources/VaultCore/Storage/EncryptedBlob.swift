/// What a blob is cryptographically bound to: its vault, its document and the version.
public struct BlobBinding: Sendable {
    /// The vault's 16-byte identifier.
    public var vaultID: [UInt8]
    /// The document's 16-byte identifier.
    public var documentUID: [UInt8]
    /// The document version, from 1.
    public var version: UInt32

    /// Creates a binding.
    public init(vaultID: [UInt8], documentUID: [UInt8], version: UInt32) {
        self.vaultID = vaultID
        self.documentUID = documentUID
        self.version = version
    }
}

/// The blob file format: an 8-byte plaintext header followed by a C2SP chunked ciphertext.
///
/// See FileFormat.md, "Blob files". The header is `"DVBLOB"`, format version 1, suite 1
/// (Cobblestone-256). The C2SP context binds vault id, document id, version and the header.
public enum BlobFormat {
    /// The first six bytes of every blob.
    public static let magic: [UInt8] = Array("DVBLOB".utf8)
    /// The blob format version this code writes and reads.
    public static let formatVersion: UInt8 = 1
    /// Suite 1: C2SP chunked encryption with AES-256-GCM and HKDF-SHA-512, 16 KiB chunks.
    public static let suiteCobblestone256: UInt8 = 1
    /// The complete header.
    public static let header: [UInt8] = magic + [formatVersion, suiteCobblestone256]

    /// The C2SP context: label, vault id, document id, big-endian version, header.
    public static func context(for binding: BlobBinding) -> [UInt8] {
        var context = Array("docvault/v1/blob".utf8)
        context.append(0)
        context += binding.vaultID
        context += binding.documentUID
        context += bigEndianBytes(binding.version)
        context += header
        return context
    }

    /// The exact file length of a blob holding `plaintextLength` bytes.
    public static func blobLength(plaintextLength: Int) -> Int {
        header.count + ChunkedEncryption.ciphertextLength(plaintextLength: plaintextLength)
    }
}

/// Why a stored blob could not be read back; all of them mean "do not trust this blob".
public enum BlobError: Error, Equatable {
    /// The blob file is missing.
    case missing
    /// The blob is shorter than its catalogued size requires.
    case truncated
    /// The blob is longer than its catalogued size requires.
    case trailingData
    /// The header is not a docvault blob header this version can read.
    case unknownHeader
    /// The commitment did not match: another document's blob, or a wrong data key.
    case wrongBinding
    /// A chunk failed authentication.
    case corrupted
    /// The decrypted content's SHA-256 differs from the catalogue's.
    case digestMismatch
}

/// Streams documents into and out of encrypted blobs with bounded memory.
public enum EncryptedBlob {
    /// Bytes read from the source or the blob per system call.
    static let ioBufferSize = 1 << 20

    /// Encrypts everything `source` yields into `writer`; returns plaintext size and SHA-256.
    ///
    /// Two 1 MiB buffers alternate: while block k is hashed on one thread, the other thread
    /// encrypts it and then reads block k+1 into the other buffer; both only read block k.
    /// SHA-256 is the longest step (0.62 s per GiB here, against 0.26 s for AES-GCM and 0.1–0.4 s
    /// for reading), so it has a thread to itself. Memory stays constant whatever the size.
    public static func encrypt(
        from source: FileDescriptor, dataKey: SecretBytes, binding: BlobBinding, to writer: BlobWriter,
        progress: ((Int) -> Void)? = nil
    ) throws -> (size: Int, sha256: [UInt8]) {
        let encryptor = try ChunkedEncryptor(inputKey: dataKey, context: BlobFormat.context(for: binding))
        let hasher = try StreamingHash(.sha256)
        try BlobFormat.header.withUnsafeBytes { try writer.write($0) }
        try encryptor.header.withUnsafeBytes { try writer.write($0) }
        let buffers = [
            UnsafeMutableRawBufferPointer.allocate(byteCount: ioBufferSize, alignment: 16),
            UnsafeMutableRawBufferPointer.allocate(byteCount: ioBufferSize, alignment: 16),
        ]
        // Only the bytes that held plaintext are wiped (all of them after a failed read): zeroing
        // both whole buffers faulted in 2 MiB for every 100 KiB scan, a third of a bulk import's time.
        var held = [0, 0]
        var readFailed = false
        defer {
            for (buffer, count) in zip(buffers, held) {
                UnsafeMutableRawBufferPointer(rebasing: buffer[0..<(readFailed ? buffer.count : count)])
                    .initializeMemory(as: UInt8.self, repeating: 0)
                buffer.deallocate()
            }
        }
        var counts = [0, 0]
        func read(_ slot: Int) throws {
            do {
                counts[slot] = try source.readFully(into: buffers[slot])
            } catch {
                readFailed = true
                throw error
            }
            held[slot] = max(held[slot], counts[slot])
        }
        try read(0)
        var current = 0
        var total = 0
        while counts[current] > 0 {
            let next = 1 - current
            let block = UnsafeRawBufferPointer(rebasing: buffers[current][0..<counts[current]])
            if counts[current] < buffers[current].count {
                // A short block ends the input (readFully stops early only at its end), so there is
                // nothing to read beside it: a 100 KiB scan starts no worker threads.
                counts[next] = 0
                try hasher.update(block)
                try encryptor.update(block) { try writer.write($0) }
            } else {
                try Parallel.both(
                    { try hasher.update(block) },
                    {
                        try encryptor.update(block) { try writer.write($0) }
                        try read(next)
                    })
            }
            total += block.count
            // Crash tests stop here with a half-written `.partial` file in `blobs/tmp/`.
            FaultPoint.reach("blob.chunk-written")
            progress?(total)
            current = next
        }
        try encryptor.finish { try writer.write($0) }
        return (total, try hasher.finish())
    }

    /// Checks blob `blobID` without decrypting a chunk: its length, its header and its key commitment.
    ///
    /// Catches a missing, truncated, extended, foreign or swapped blob; an altered byte inside
    /// a chunk shows only when the chunk is decrypted (``decrypt(blobID:store:dataKey:binding:plaintextSize:sink:progress:)``).
    public static func checkHeader(
        blobID: String, store: BlobStore, dataKey: SecretBytes, binding: BlobBinding, plaintextSize: Int
    ) throws {
        _ = try openChecked(
            blobID: blobID, store: store, dataKey: dataKey, binding: binding, plaintextSize: plaintextSize)
    }

    /// Opens a blob after checking its length, header and commitment; positioned at the first chunk.
    private static func openChecked(
        blobID: String, store: BlobStore, dataKey: SecretBytes, binding: BlobBinding, plaintextSize: Int
    ) throws -> (FileDescriptor, ChunkedDecryptor) {
        guard let stored = store.size(blobID: blobID) else { throw BlobError.missing }
        let expected = BlobFormat.blobLength(plaintextLength: plaintextSize)
        if stored < expected { throw BlobError.truncated }
        if stored > expected { throw BlobError.trailingData }
        let source = try store.openForReading(blobID: blobID)
        let prefixLength = BlobFormat.header.count + ChunkedEncryption.headerLength
        var prefix = [UInt8](repeating: 0, count: prefixLength)
        let got = try prefix.withUnsafeMutableBytes { try source.readFully(into: $0) }
        guard got == prefixLength else { throw BlobError.truncated }
        guard Array(prefix[0..<BlobFormat.header.count]) == BlobFormat.header else { throw BlobError.unknownHeader }
        do {
            let decryptor = try ChunkedDecryptor(
                inputKey: dataKey, context: BlobFormat.context(for: binding),
                header: Array(prefix[BlobFormat.header.count...]))
            return (source, decryptor)
        } catch CryptoError.commitmentMismatch {
            throw BlobError.wrongBinding
        }
    }

    /// Decrypts blob `blobID` and passes authenticated plaintext to `sink`; returns its SHA-256.
    ///
    /// The file length is checked against `plaintextSize` before any decryption, so
    /// truncation and trailing data are reported as such; the commitment is checked
    /// before the first chunk, so a swapped blob is caught before any plaintext exists.
    /// While block k is hashed and handed to `sink` on one thread, block k+1 is read
    /// and decrypted on the other; `sink` receives about 1 MiB per call.
    public static func decrypt(
        blobID: String, store: BlobStore, dataKey: SecretBytes, binding: BlobBinding, plaintextSize: Int,
        sink: (UnsafeRawBufferPointer) throws -> Void, progress: ((Int) -> Void)? = nil
    ) throws -> [UInt8] {
        let (source, decryptor) = try openChecked(
            blobID: blobID, store: store, dataKey: dataKey, binding: binding, plaintextSize: plaintextSize)
        let hasher = try StreamingHash(.sha256)
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: ioBufferSize, alignment: 16)
        defer { input.deallocate() }
        let plain = [
            PlainBuffer(capacity: ioBufferSize + ChunkedEncryption.chunkSize),
            PlainBuffer(capacity: ioBufferSize + ChunkedEncryption.chunkSize),
        ]
        var finished = false
        func readAndDecrypt(_ slot: Int) throws {
            plain[slot].reset()
            let count = try source.readFully(into: input)
            if count > 0 {
                try decryptor.update(UnsafeRawBufferPointer(rebasing: input[0..<count])) { plain[slot].append($0) }
            }
            if count < input.count {
                try decryptor.finish { plain[slot].append($0) }
                finished = true
            }
        }
        var total = 0
        func hashAndWrite(_ slot: Int) throws {
            let bytes = plain[slot].bytes
            guard bytes.count > 0 else { return }
            try hasher.update(bytes)
            try sink(bytes)
        }
        do {
            try readAndDecrypt(0)
            var current = 0
            while true {
                let next = 1 - current
                if finished {
                    try hashAndWrite(current)
                    total += plain[current].bytes.count
                    progress?(total)
                    break
                }
                try Parallel.both({ try readAndDecrypt(next) }, { try hashAndWrite(current) })
                total += plain[current].bytes.count
                progress?(total)
                current = next
            }
        } catch CryptoError.authenticationFailed {
            throw BlobError.corrupted
        } catch CryptoError.truncated {
            throw BlobError.truncated
        }
        return try hasher.finish()
    }
}

/// Authenticated plaintext collected from several chunks, zeroed when reused or released.
final class PlainBuffer {
    private let storage: UnsafeMutableRawBufferPointer
    private var used = 0
    /// The most bytes ever held; beyond it the buffer never saw plaintext.
    private var highWater = 0

    init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        // Only what held plaintext: zeroing the whole 1 MiB touched every page of a fresh
        // allocation, which dominated verifying many small documents.
        UnsafeMutableRawBufferPointer(rebasing: storage[0..<highWater]).initializeMemory(as: UInt8.self, repeating: 0)
        storage.deallocate()
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<used]) }

    func reset() {
        if used > 0 {
            UnsafeMutableRawBufferPointer(rebasing: storage[0..<used]).initializeMemory(as: UInt8.self, repeating: 0)
        }
        used = 0
    }

    func append(_ chunk: UnsafeRawBufferPointer) {
        precondition(used + chunk.count <= storage.count, "plain buffer overflow")
        UnsafeMutableRawBufferPointer(rebasing: storage[used..<(used + chunk.count)]).copyMemory(from: chunk)
        used += chunk.count
        highWater = max(highWater, used)
    }
}

/// The big-endian bytes of a 32-bit integer.
public func bigEndianBytes(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
}

/// The big-endian bytes of a 64-bit integer.
public func bigEndianBytes(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8((value >> UInt64(56 - 8 * $0)) & 0xFF) }
}
