import Foundation
import Testing

@testable import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

/// Tests of encrypting documents into blobs and every way reading one back can fail.
@Suite("EncryptedBlob")
struct EncryptedBlobTests {
    /// A blob store, a data key and a binding for one test.
    private final class Fixture {
        let blobs: BlobStoreFixture
        let dataKey: SecretBytes
        let binding: BlobBinding
        var folder: TestVaultFolder { blobs.folder }
        var store: FileBlobStore { blobs.store }

        init() throws {
            blobs = try BlobStoreFixture()
            dataKey = try SecretBytes.random(count: 32)
            binding = BlobBinding(
                vaultID: try SecureRandom.bytes(count: 16), documentUID: try SecureRandom.bytes(count: 16), version: 1)
        }

        /// Encrypts `plaintext` from a temporary file into a new blob; returns its id.
        func encrypt(_ plaintext: [UInt8]) throws -> String {
            let source = try FileDescriptor.openForReading(try folder.write("plain-\(UUID().uuidString)", plaintext))
            return try encrypt(from: source, expecting: plaintext)
        }

        /// Encrypts what `source` yields into a new blob and checks the reported size and digest.
        func encrypt(from source: FileDescriptor, expecting plaintext: [UInt8]) throws -> String {
            let id = try FileBlobStore.newID()
            let writer = try store.makeWriter(blobID: id)
            let result = try EncryptedBlob.encrypt(from: source, dataKey: dataKey, binding: binding, to: writer)
            try writer.commit()
            #expect(result.size == plaintext.count)
            #expect(result.sha256 == (try StreamingHash.digest(.sha256, plaintext)))
            #expect(store.size(blobID: id) == BlobFormat.blobLength(plaintextLength: plaintext.count))
            return id
        }

        /// Decrypts blob `id`, returning everything the sink received and the error, if any.
        func decrypt(
            _ id: String, size: Int, key: SecretBytes? = nil, binding other: BlobBinding? = nil
        ) -> (emitted: [UInt8], digest: [UInt8]?, error: BlobError?) {
            var emitted: [UInt8] = []
            do {
                let digest = try EncryptedBlob.decrypt(
                    blobID: id, store: store, dataKey: key ?? dataKey, binding: other ?? binding, plaintextSize: size,
                    sink: { emitted += $0 })
                return (emitted, digest, nil)
            } catch let error as BlobError {
                return (emitted, nil, error)
            } catch {
                Issue.record("unexpected error \(error)")
                return (emitted, nil, nil)
            }
        }
    }

    /// Deterministic sample bytes of `count` length.
    private static func sample(_ count: Int, seed: UInt8 = 3) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
    }

    @Test(
        "Blobs round-trip from a temporary file at chunk boundaries",
        arguments: [0, 1, 16_383, 16_384, 16_385, 40_000])
    func roundTripFile(size: Int) throws {
        let fixture = try Fixture()
        let plaintext = Self.sample(size)
        let id = try fixture.encrypt(plaintext)
        let result = fixture.decrypt(id, size: size)
        #expect(result.error == nil)
        #expect(result.emitted == plaintext)
        #expect(result.digest == (try StreamingHash.digest(.sha256, plaintext)))
        #expect(Array(TestVault.contents(of: fixture.store.path(blobID: id)).prefix(8)) == BlobFormat.header)
    }

    @Test(
        "Large blobs round-trip across the 1 MiB blocks and the hand-over to direct writes",
        arguments: [(1 << 20) - 1, 1 << 20, (1 << 20) + 1, 2 << 20, (9 << 20) + 12_345])
    func roundTripLarge(size: Int) throws {
        let fixture = try Fixture()
        let plaintext = Self.sample(size, seed: 5)
        let id = try fixture.encrypt(plaintext)
        let result = fixture.decrypt(id, size: size)
        #expect(result.error == nil)
        #expect(result.emitted == plaintext)
    }

    @Test("Blobs round-trip from a pipe")
    func roundTripPipe() throws {
        let fixture = try Fixture()
        let plaintext = Self.sample(5_000, seed: 9)
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let writeEnd = FileDescriptor(rawValue: ends[1], owned: false)
        try plaintext.withUnsafeBytes { try writeEnd.write($0) }
        close(ends[1])
        let id = try fixture.encrypt(from: FileDescriptor(rawValue: ends[0], owned: true), expecting: plaintext)
        #expect(fixture.decrypt(id, size: plaintext.count).emitted == plaintext)
    }

    @Test("The ciphertext does not contain the plaintext")
    func ciphertextHidesPlaintext() throws {
        let fixture = try Fixture()
        let plaintext = Array("Policy 4711 claim for water damage, Mr Bartholomew Quince".utf8)
        let id = try fixture.encrypt(plaintext)
        let stored = TestVault.contents(of: fixture.store.path(blobID: id))
        #expect(!TestVault.contains(stored, Array("Bartholomew".utf8)))
    }

    @Test("A blob one byte short is reported as truncated")
    func truncated() throws {
        let fixture = try Fixture()
        let id = try fixture.encrypt(Self.sample(1_000))
        let path = fixture.store.path(blobID: id)
        #expect(truncate(path, off_t(BlobFormat.blobLength(plaintextLength: 1_000) - 1)) == 0)
        let result = fixture.decrypt(id, size: 1_000)
        #expect(result.error == .truncated)
        #expect(result.emitted.isEmpty)
    }

    @Test("A blob with an extra byte is reported as trailing data")
    func trailingData() throws {
        let fixture = try Fixture()
        let id = try fixture.encrypt(Self.sample(1_000))
        let path = fixture.store.path(blobID: id)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data([0]))
        try handle.close()
        let result = fixture.decrypt(id, size: 1_000)
        #expect(result.error == .trailingData)
        #expect(result.emitted.isEmpty)
    }

    @Test("A catalogued size that disagrees with the blob is caught before decryption")
    func wrongCataloguedSize() throws {
        let fixture = try Fixture()
        let id = try fixture.encrypt(Self.sample(1_000))
        #expect(fixture.decrypt(id, size: 999).error == .trailingData)
        #expect(fixture.decrypt(id, size: 1_001).error == .truncated)
    }

    @Test("Another document id, version, vault or key is a wrong binding, before any plaintext")
    func wrongBinding() throws {
        let fixture = try Fixture()
        let id = try fixture.encrypt(Self.sample(20_000))
        var otherDocument = fixture.binding
        otherDocument.documentUID = try SecureRandom.bytes(count: 16)
        var otherVersion = fixture.binding
        otherVersion.version = 2
        var otherVault = fixture.binding
        otherVault.vaultID = try SecureRandom.bytes(count: 16)
        for binding in [otherDocument, otherVersion, otherVault] {
            let result = fixture.decrypt(id, size: 20_000, binding: binding)
            #expect(result.error == .wrongBinding)
            #expect(result.emitted.isEmpty)
        }
        let result = fixture.decrypt(id, size: 20_000, key: try SecretBytes.random(count: 32))
        #expect(result.error == .wrongBinding)
        #expect(result.emitted.isEmpty)
    }

    @Test("A flipped commitment or salt byte is a wrong binding")
    func alteredHeader() throws {
        for offset in [8, 8 + 24, 8 + 55] {
            let fixture = try Fixture()
            let id = try fixture.encrypt(Self.sample(100))
            try TestVault.flipByte(in: fixture.store.path(blobID: id), at: offset)
            let result = fixture.decrypt(id, size: 100)
            #expect(result.error == .wrongBinding, "offset \(offset)")
            #expect(result.emitted.isEmpty)
        }
    }

    @Test("A flipped ciphertext or tag byte of a single-chunk blob emits no plaintext")
    func corruptedSingleChunk() throws {
        let headerLength = BlobFormat.header.count + ChunkedEncryption.headerLength
        for offset in [headerLength, headerLength + 50, -1] {
            let fixture = try Fixture()
            let id = try fixture.encrypt(Self.sample(100))
            try TestVault.flipByte(in: fixture.store.path(blobID: id), at: offset, mask: 0x80)
            let result = fixture.decrypt(id, size: 100)
            #expect(result.error == .corrupted, "offset \(offset)")
            #expect(result.emitted.isEmpty, "offset \(offset)")
        }
    }

    @Test("A flipped byte in a later chunk of a large blob is corrupted, and no bad chunk is emitted")
    func corruptedLaterChunk() throws {
        let fixture = try Fixture()
        let plaintext = Self.sample(40_000)
        let id = try fixture.encrypt(plaintext)
        try TestVault.flipByte(in: fixture.store.path(blobID: id), at: -100)
        let result = fixture.decrypt(id, size: plaintext.count)
        #expect(result.error == .corrupted)
        #expect(result.emitted.count < plaintext.count)
        #expect(result.emitted == Array(plaintext.prefix(result.emitted.count)))
    }

    @Test("A missing blob is reported as missing")
    func missing() throws {
        let fixture = try Fixture()
        let result = fixture.decrypt("0123456789abcdef0123456789abcdef", size: 10)
        #expect(result.error == .missing)
    }

    @Test("A blob of another format version or suite has an unknown header")
    func unknownHeader() throws {
        for offset in [0, 6, 7] {
            let fixture = try Fixture()
            let id = try fixture.encrypt(Self.sample(100))
            try TestVault.flipByte(in: fixture.store.path(blobID: id), at: offset, mask: 0x02)
            let result = fixture.decrypt(id, size: 100)
            #expect(result.error == .unknownHeader, "offset \(offset)")
            #expect(result.emitted.isEmpty)
        }
    }

    @Test("The blob context binds vault, document and big-endian version")
    func context() {
        let binding = BlobBinding(
            vaultID: [UInt8](repeating: 1, count: 16), documentUID: [UInt8](repeating: 2, count: 16), version: 258)
        let context = BlobFormat.context(for: binding)
        let label = Array("docvault/v1/blob".utf8) + [0]
        #expect(
            context == label + [UInt8](repeating: 1, count: 16) + [UInt8](repeating: 2, count: 16) + [0, 0, 1, 2]
                + BlobFormat.header)
        #expect(BlobFormat.header == Array("DVBLOB".utf8) + [1, 1])
        #expect(bigEndianBytes(UInt64(0x0102_0304_0506_0708)) == [1, 2, 3, 4, 5, 6, 7, 8])
    }
}
