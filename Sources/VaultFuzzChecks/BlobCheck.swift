import Foundation
import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

/// The blob target: fuzz bytes as a blob file, read by the real decryption path.
///
/// Oracle: reading may throw or succeed, but it may succeed only when the input is
/// byte-identical to a genuine blob and the claimed plaintext size is that blob's,
/// and then the output must be that blob's plaintext. A failure must be the length
/// error the length formula predicts when the file length does not match.
enum BlobCheck {
    /// Checks `input` through `EncryptedBlob.decrypt` (several claimed sizes) and a bare `ChunkedDecryptor`.
    static func check(_ input: [UInt8]) throws -> FuzzOutcome {
        var outcome = FuzzOutcome.rejected
        let store = try MemoryBlobStore(input)
        for size in claimedSizes(forLength: input.count) {
            if let accepted = try checkReader(input, claimedSize: size, store: store) { outcome = accepted }
        }
        try checkBareDecryptor(input)
        return outcome
    }

    /// Plaintext sizes to claim: the one the length formula maps this length to, its neighbours, and the seeds'.
    static func claimedSizes(forLength length: Int) -> [Int] {
        var sizes = Set(FuzzFixtures.plaintextSizes)
        if let exact = plaintextSize(forBlobLength: length) {
            sizes.formUnion([exact, exact + 1, max(0, exact - 1)])
        }
        // A size whose blob would be one chunk longer or shorter than the input.
        let overhead = BlobFormat.blobLength(plaintextLength: 0)
        let approximate = max(0, length - overhead) / ChunkedEncryption.sealedChunkSize * ChunkedEncryption.chunkSize
        sizes.formUnion([approximate, approximate + ChunkedEncryption.chunkSize])
        return sizes.sorted()
    }

    /// The plaintext size whose blob is exactly `length` bytes long, if any (the inverse of `blobLength`).
    static func plaintextSize(forBlobLength length: Int) -> Int? {
        let body = length - BlobFormat.blobLength(plaintextLength: 0)
        guard body >= 0 else { return nil }
        let full = body / ChunkedEncryption.sealedChunkSize
        let rest = body % ChunkedEncryption.sealedChunkSize
        guard rest < ChunkedEncryption.chunkSize else { return nil }
        let size = full * ChunkedEncryption.chunkSize + rest
        return BlobFormat.blobLength(plaintextLength: size) == length ? size : nil
    }

    /// Reads `input` claiming `claimedSize`; returns `.accepted` for a genuine blob, nil for a correct refusal.
    private static func checkReader(_ input: [UInt8], claimedSize: Int, store: MemoryBlobStore) throws
        -> FuzzOutcome?
    {
        var output: [UInt8] = []
        let digest: [UInt8]
        do {
            digest = try EncryptedBlob.decrypt(
                blobID: "fuzz", store: store, dataKey: SecretBytes(copying: FuzzFixtures.dataKeyBytes),
                binding: FuzzFixtures.binding, plaintextSize: claimedSize, sink: { output += $0 })
        } catch let error as BlobError {
            let expected = BlobFormat.blobLength(plaintextLength: claimedSize)
            if input.count < expected, error != .truncated {
                throw FuzzFinding(
                    "a \(input.count)-byte blob claimed as \(claimedSize) bytes gave \(error), not truncated")
            }
            if input.count > expected, error != .trailingData {
                throw FuzzFinding(
                    "a \(input.count)-byte blob claimed as \(claimedSize) bytes gave \(error), not trailingData")
            }
            if let genuine = FuzzFixtures.genuine.first(where: { $0.blob == input }),
                genuine.plaintext.count == claimedSize
            {
                throw FuzzFinding("genuine blob \(genuine.name) was refused: \(error)")
            }
            return nil
        } catch {
            throw FuzzFinding("reading a blob threw \(error), which is not a BlobError")
        }
        guard let genuine = FuzzFixtures.genuine.first(where: { $0.blob == input }) else {
            throw FuzzFinding("accepted forgery: a \(input.count)-byte blob that is no genuine seed decrypted")
        }
        guard genuine.plaintext.count == claimedSize else {
            throw FuzzFinding("genuine blob \(genuine.name) decrypted while claimed as \(claimedSize) bytes")
        }
        guard output == genuine.plaintext, try digest == sha256(genuine.plaintext) else {
            throw FuzzFinding("genuine blob \(genuine.name) decrypted to the wrong plaintext or digest")
        }
        return .accepted(genuine.name)
    }

    /// Feeds the bytes after the 8-byte header to a `ChunkedDecryptor` in uneven pieces, no length formula first.
    ///
    /// This exercises the decryptor's own truncation and extension handling (the held-back
    /// full chunk, the mandatory short final chunk). Success is allowed only for the
    /// ciphertext part of a genuine blob, and must yield its plaintext.
    private static func checkBareDecryptor(_ input: [UInt8]) throws {
        let start = BlobFormat.header.count
        let bodyStart = start + ChunkedEncryption.headerLength
        guard input.count >= bodyStart else { return }
        let body = Array(input[bodyStart...])
        for pieceSize in [body.count, 1_000, ChunkedEncryption.sealedChunkSize - 1] where pieceSize > 0 {
            var output: [UInt8] = []
            do {
                let decryptor = try ChunkedDecryptor(
                    inputKey: SecretBytes(copying: FuzzFixtures.dataKeyBytes),
                    context: BlobFormat.context(for: FuzzFixtures.binding), header: Array(input[start..<bodyStart]))
                try body.withUnsafeBytes { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let end = min(bytes.count, offset + pieceSize)
                        try decryptor.update(UnsafeRawBufferPointer(rebasing: bytes[offset..<end])) { output += $0 }
                        offset = end
                    }
                }
                try decryptor.finish { output += $0 }
            } catch is CryptoError {
                continue
            } catch {
                throw FuzzFinding("ChunkedDecryptor threw \(error), which is not a CryptoError")
            }
            guard
                let genuine = FuzzFixtures.genuine.first(where: { Array($0.blob[start...]) == Array(input[start...]) })
            else {
                throw FuzzFinding("accepted forgery: ChunkedDecryptor opened a ciphertext that is no genuine seed")
            }
            guard output == genuine.plaintext else {
                throw FuzzFinding("ChunkedDecryptor opened \(genuine.name) to the wrong plaintext")
            }
        }
    }
}

/// The SHA-256 of `bytes`.
func sha256(_ bytes: [UInt8]) throws -> [UInt8] {
    let hash = try StreamingHash(.sha256)
    try hash.update(bytes)
    return try hash.finish()
}

/// The harness itself failed (no temporary file); not a finding about VaultCore.
struct HarnessError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// A blob store holding one blob in memory; reads go through an unlinked temporary file.
///
/// `EncryptedBlob.decrypt` reads through a `FileDescriptor`, so each read gets a fresh
/// descriptor on an anonymous file holding the input; nothing is left on disk.
final class MemoryBlobStore: BlobStore {
    private let bytes: [UInt8]

    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
    }

    func makeWriter(blobID: String) throws -> BlobWriter {
        throw FuzzFinding("the blob reader tried to write a blob")
    }

    func openForReading(blobID: String) throws -> FileDescriptor {
        var template = Array("/tmp/docvault-fuzz-XXXXXX".utf8CString)
        let fd: Int32 = template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return -1 }
            let fd = mkstemp(base)
            if fd >= 0 { unlink(base) }
            return fd
        }
        guard fd >= 0 else { throw HarnessError("mkstemp failed with errno \(errno)") }
        let descriptor = FileDescriptor(rawValue: fd, owned: true)
        try bytes.withUnsafeBytes { try descriptor.write($0) }
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw HarnessError("lseek failed with errno \(errno)") }
        return descriptor
    }

    func size(blobID: String) -> Int? { bytes.count }

    func remove(blobID: String) throws {
        throw FuzzFinding("the blob reader tried to remove a blob")
    }
}
