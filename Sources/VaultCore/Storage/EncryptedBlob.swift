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
    public static func encrypt(
        from source: FileDescriptor, dataKey: SecretBytes, binding: BlobBinding, to writer: BlobWriter,
        progress: ((Int) -> Void)? = nil
    ) throws -> (size: Int, sha256: [UInt8]) {
        let encryptor = try ChunkedEncryptor(inputKey: dataKey, context: BlobFormat.context(for: binding))
        let hasher = try StreamingHash(.sha256)
        let output = OutputBuffer(capacity: ioBufferSize + ChunkedEncryption.sealedChunkSize, writer: writer)
        try BlobFormat.header.withUnsafeBytes { try output.append($0) }
        try encryptor.header.withUnsafeBytes { try output.append($0) }
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: ioBufferSize, alignment: 16)
        defer {
            input.initializeMemory(as: UInt8.self, repeating: 0)
            input.deallocate()
        }
        var total = 0
        while true {
            let count = try source.read(into: input)
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: input[0..<count])
            try hasher.update(chunk)
            try encryptor.update(chunk) { try output.append($0) }
            total += count
            progress?(total)
        }
        try encryptor.finish { try output.append($0) }
        try output.flush()
        return (total, try hasher.finish())
    }

    /// Decrypts blob `blobID` and passes authenticated plaintext to `sink`; returns its SHA-256.
    ///
    /// The file length is checked against `plaintextSize` before any decryption, so
    /// truncation and trailing data are reported as such; the commitment is checked
    /// before the first chunk, so a swapped blob is caught before any plaintext exists.
    public static func decrypt(
        blobID: String, store: BlobStore, dataKey: SecretBytes, binding: BlobBinding, plaintextSize: Int,
        sink: (UnsafeRawBufferPointer) throws -> Void, progress: ((Int) -> Void)? = nil
    ) throws -> [UInt8] {
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
        let decryptor: ChunkedDecryptor
        do {
            decryptor = try ChunkedDecryptor(
                inputKey: dataKey, context: BlobFormat.context(for: binding),
                header: Array(prefix[BlobFormat.header.count...]))
        } catch CryptoError.commitmentMismatch {
            throw BlobError.wrongBinding
        }
        let hasher = try StreamingHash(.sha256)
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: ioBufferSize, alignment: 16)
        defer { input.deallocate() }
        var total = 0
        let emit: (UnsafeRawBufferPointer) throws -> Void = { plain in
            try hasher.update(plain)
            try sink(plain)
            total += plain.count
            progress?(total)
        }
        do {
            while true {
                let count = try source.read(into: input)
                if count == 0 { break }
                try decryptor.update(UnsafeRawBufferPointer(rebasing: input[0..<count]), emit: emit)
            }
            try decryptor.finish(emit: emit)
        } catch CryptoError.authenticationFailed {
            throw BlobError.corrupted
        } catch CryptoError.truncated {
            throw BlobError.truncated
        }
        return try hasher.finish()
    }
}

/// Collects small writes into one large buffer so the blob file sees few system calls.
final class OutputBuffer {
    private let storage: UnsafeMutableRawBufferPointer
    private var used = 0
    private let writer: BlobWriter

    init(capacity: Int, writer: BlobWriter) {
        storage = .allocate(byteCount: capacity, alignment: 16)
        self.writer = writer
    }

    deinit { storage.deallocate() }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        if used + bytes.count > storage.count { try flush() }
        if bytes.count > storage.count {
            try writer.write(bytes)
            return
        }
        UnsafeMutableRawBufferPointer(rebasing: storage[used..<(used + bytes.count)]).copyMemory(from: bytes)
        used += bytes.count
    }

    func flush() throws {
        guard used > 0 else { return }
        try writer.write(UnsafeRawBufferPointer(rebasing: storage[0..<used]))
        used = 0
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
