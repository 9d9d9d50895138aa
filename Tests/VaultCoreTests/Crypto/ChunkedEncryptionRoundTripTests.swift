import Testing

@testable import VaultCore

/// `ChunkedEncryptor` and `ChunkedDecryptor` together: round trips, tampering and framing.
@Suite("Chunked encryption: round trips and tampering")
struct ChunkedEncryptionRoundTripTests {
    private static let chunk = ChunkedEncryption.chunkSize
    private static let sealedChunk = ChunkedEncryption.sealedChunkSize
    private static let header = ChunkedEncryption.headerLength

    private let key: SecretBytes
    private let context = Array("docvault test context".utf8)

    init() throws {
        key = try SecretBytes.random(count: 32)
    }

    /// Encrypts `plaintext` in `pieceSize` pieces under the suite's key and context.
    private func encrypt(_ plaintext: [UInt8], pieceSize: Int = 1_000) throws -> [UInt8] {
        try ChunkedStreaming.encrypt(key: key, context: context, plaintext: plaintext, pieceSize: pieceSize)
    }

    /// Decrypts `ciphertext` in `pieceSize` pieces under `key` (default: the suite's) and `context`.
    private func decrypt(
        _ ciphertext: [UInt8], key: SecretBytes? = nil, context: [UInt8]? = nil, pieceSize: Int = 1_000
    ) -> ChunkedDecryption {
        ChunkedStreaming.decrypt(
            key: key ?? self.key, context: context ?? self.context, ciphertext: ciphertext, pieceSize: pieceSize)
    }

    @Test(
        "round trip and ciphertext length",
        arguments: [0, 1, 16_383, 16_384, 16_385, 32_768, 3 * 1_048_576])
    func roundTrip(length: Int) throws {
        let plaintext = try SecureRandom.bytes(count: length)
        // Uneven pieces: tiny ones for small messages, one over a chunk for the 3 MiB one.
        let pieceSize = length > 100_000 ? 16_385 : 7
        let ciphertext = try encrypt(plaintext, pieceSize: pieceSize)
        #expect(ciphertext.count == ChunkedEncryption.ciphertextLength(plaintextLength: length))
        #expect((ciphertext.count - Self.header) % Self.sealedChunk >= AES256GCM.tagLength)
        for decryptPiece in [1_000, 16_400, length > 100_000 ? 65_536 : 1] {
            let outcome = decrypt(ciphertext, pieceSize: decryptPiece)
            #expect(outcome.error == nil, "piece size \(decryptPiece): \(outcome)")
            #expect(outcome.plaintext == plaintext, "piece size \(decryptPiece)")
        }
    }

    @Test("whole-buffer encryption matches piecewise encryption with the same salt")
    func pieceSizeIndependence() throws {
        let plaintext = try SecureRandom.bytes(count: 40_000)
        let salt = try SecureRandom.bytes(count: ChunkedEncryption.saltLength)
        let whole = try ChunkedStreaming.encrypt(
            key: key, context: context, salt: salt, plaintext: plaintext, pieceSize: plaintext.count)
        for pieceSize in [1, 999, 16_384, 16_385] {
            let pieces = try ChunkedStreaming.encrypt(
                key: key, context: context, salt: salt, plaintext: plaintext, pieceSize: pieceSize)
            #expect(pieces == whole, "piece size \(pieceSize)")
        }
    }

    @Test("each encryption draws a fresh salt, and the header is salt || commitment")
    func freshSalt() throws {
        let first = try ChunkedEncryptor(inputKey: key, context: context)
        let second = try ChunkedEncryptor(inputKey: key, context: context)
        #expect(first.header.count == Self.header)
        #expect(first.header.prefix(ChunkedEncryption.saltLength) != second.header.prefix(ChunkedEncryption.saltLength))
        let derived = try ChunkedEncryption.deriveMessageKeys(
            inputKey: key, salt: Array(first.header.prefix(ChunkedEncryption.saltLength)), context: context)
        #expect(Array(first.header.suffix(ChunkedEncryption.commitmentLength)) == derived.commitment)
    }

    @Test("wrong context or wrong key is refused at the header with commitmentMismatch")
    func wrongKeyOrContext() throws {
        let ciphertext = try encrypt(try SecureRandom.bytes(count: 20_000))
        let wrongContext = decrypt(ciphertext, context: context + [0])
        #expect(wrongContext.cryptoError == .commitmentMismatch)
        #expect(wrongContext.failedInInit)
        let emptyContext = decrypt(ciphertext, context: [])
        #expect(emptyContext.cryptoError == .commitmentMismatch)
        let wrongKey = decrypt(ciphertext, key: try SecretBytes.random(count: 32))
        #expect(wrongKey.cryptoError == .commitmentMismatch)
        #expect(wrongKey.failedInInit)
        #expect(wrongKey.plaintext.isEmpty)
    }

    @Test("modified salt or commitment is refused with commitmentMismatch", arguments: [0, 23, 24, 55])
    func modifiedHeader(index: Int) throws {
        var ciphertext = try encrypt(try SecureRandom.bytes(count: 100))
        ciphertext[index] ^= 0x40
        #expect(decrypt(ciphertext).cryptoError == .commitmentMismatch)
    }

    @Test("bad header length or key length is refused at init")
    func badHeaderOrKey() throws {
        let ciphertext = try encrypt([1, 2, 3])
        for length in [0, 24, 55] {
            #expect(throws: CryptoError.truncated) {
                try ChunkedDecryptor(inputKey: key, context: context, header: Array(ciphertext.prefix(length)))
            }
        }
        #expect(throws: CryptoError.truncated) {
            try ChunkedDecryptor(inputKey: key, context: context, header: Array(ciphertext.prefix(57)))
        }
        for keyLength in [0, 16, 31, 33, 64] {
            let badKey = SecretBytes(zeroedCount: keyLength)
            #expect(throws: CryptoError.invalidLength("chunked-encryption key")) {
                try ChunkedDecryptor(inputKey: badKey, context: context, header: Array(ciphertext.prefix(56)))
            }
            #expect(throws: CryptoError.invalidLength("chunked-encryption key")) {
                try ChunkedEncryptor(inputKey: badKey, context: context)
            }
        }
        #expect(throws: CryptoError.invalidLength("chunked-encryption salt")) {
            try ChunkedEncryptor(inputKey: key, context: context, salt: [UInt8](repeating: 0, count: 23))
        }
    }

    @Test(
        "one flipped byte fails authentication and releases no plaintext of its chunk",
        arguments: [(0, 0), (0, 16_399), (1, 5), (1, 16_384), (2, 0), (2, 7_247)])
    func flippedByte(chunkIndex: Int, offset: Int) throws {
        // 40 000 bytes: two full chunks and a short final chunk of 7 232 bytes (7 248 sealed).
        let plaintext = try SecureRandom.bytes(count: 40_000)
        var ciphertext = try encrypt(plaintext)
        let position = Self.header + chunkIndex * Self.sealedChunk + offset
        try #require(position < ciphertext.count)
        ciphertext[position] ^= 0x01
        let outcome = decrypt(ciphertext, pieceSize: 4_096)
        #expect(outcome.cryptoError == .authenticationFailed)
        #expect(outcome.keptFailing)
        // Exactly the chunks before the damaged one were released, and they are correct.
        #expect(outcome.plaintext.count == chunkIndex * Self.chunk)
        #expect(outcome.plaintext == Array(plaintext.prefix(chunkIndex * Self.chunk)))
    }

    @Test("dropping the final chunk is reported as truncated", arguments: [32_768, 40_000, 16_384])
    func droppedFinalChunk(length: Int) throws {
        let plaintext = try SecureRandom.bytes(count: length)
        let ciphertext = try encrypt(plaintext)
        let fullChunks = length / Self.chunk
        let withoutFinal = Array(ciphertext.prefix(Self.header + fullChunks * Self.sealedChunk))
        let outcome = decrypt(withoutFinal)
        #expect(outcome.cryptoError == .truncated)
        #expect(outcome.keptFailing)
        // The last full chunk is held back until a following chunk proves it is not the end.
        #expect(outcome.plaintext == Array(plaintext.prefix((fullChunks - 1) * Self.chunk)))
    }

    @Test("cutting the message anywhere makes it fail")
    func truncatedAnywhere() throws {
        // One full chunk and a short final chunk of 3 616 bytes (3 632 sealed).
        let plaintext = try SecureRandom.bytes(count: 20_000)
        let ciphertext = try encrypt(plaintext)
        for cut in [1, 15, 16, 17, 100, 3_631, 3_632, 3_633, ciphertext.count - Self.header - 1] {
            let outcome = decrypt(Array(ciphertext.dropLast(cut)))
            #expect(outcome.error != nil, "cut \(cut) bytes")
            // At most the full first chunk escapes, and only once bytes after it prove it is not the end.
            let released = cut < 3_632 ? Self.chunk : 0
            #expect(outcome.plaintext == Array(plaintext.prefix(released)), "cut \(cut) bytes")
        }
        #expect(decrypt(Array(ciphertext.prefix(Self.header))).cryptoError == .truncated)
    }

    @Test("appending bytes makes decryption fail", arguments: [1, 15, 16, 17, 16_400, 20_000])
    func appendedBytes(count: Int) throws {
        let plaintext = try SecureRandom.bytes(count: 20_000)
        let ciphertext = try encrypt(plaintext)
        let outcome = decrypt(ciphertext + [UInt8](repeating: 0xa5, count: count))
        #expect(outcome.error != nil)
        // The short final chunk is never released, since it no longer ends the message.
        #expect(outcome.plaintext.count <= Self.chunk)
    }

    @Test("appending a validly sealed extra chunk makes decryption fail")
    func appendedChunk() throws {
        let ciphertext = try encrypt(try SecureRandom.bytes(count: 100))
        let other = try encrypt(try SecureRandom.bytes(count: 100))
        let outcome = decrypt(ciphertext + other.suffix(from: Self.header))
        #expect(outcome.cryptoError == .authenticationFailed)
        #expect(outcome.plaintext.isEmpty)
    }

    @Test("swapping or duplicating chunks fails authentication")
    func reorderedChunks() throws {
        let plaintext = try SecureRandom.bytes(count: 40_000)
        let ciphertext = try encrypt(plaintext)
        let c0 = ciphertext[Self.header..<(Self.header + Self.sealedChunk)]
        let c1 = ciphertext[(Self.header + Self.sealedChunk)..<(Self.header + 2 * Self.sealedChunk)]
        let final = ciphertext[(Self.header + 2 * Self.sealedChunk)...]
        let head = ciphertext.prefix(Self.header)

        let swapped = Array(head + c1 + c0 + final)
        let swappedOutcome = decrypt(swapped)
        #expect(swappedOutcome.cryptoError == .authenticationFailed)
        #expect(swappedOutcome.plaintext.isEmpty)

        let duplicated = Array(head + c0 + c0 + final)
        let duplicatedOutcome = decrypt(duplicated)
        #expect(duplicatedOutcome.cryptoError == .authenticationFailed)
        #expect(duplicatedOutcome.plaintext == Array(plaintext.prefix(Self.chunk)))

        let finalFirst = Array(head + final + c0 + c1)
        #expect(decrypt(finalFirst).error != nil)
    }

    @Test("a ciphertext from another message with the same key does not splice in")
    func splicedChunks() throws {
        let a = try encrypt(try SecureRandom.bytes(count: 20_000))
        let b = try encrypt(try SecureRandom.bytes(count: 20_000))
        // Header of a, chunks of b: the commitment passes but b's chunks are under another derived key.
        let spliced = Array(a.prefix(Self.header) + b.suffix(from: Self.header))
        let outcome = decrypt(spliced)
        #expect(outcome.cryptoError == .authenticationFailed)
        #expect(outcome.plaintext.isEmpty)
    }

    @Test("ciphertextLength follows the chunk layout")
    func ciphertextLength() {
        #expect(ChunkedEncryption.ciphertextLength(plaintextLength: 0) == 56 + 16)
        #expect(ChunkedEncryption.ciphertextLength(plaintextLength: 1) == 56 + 17)
        #expect(ChunkedEncryption.ciphertextLength(plaintextLength: 16_383) == 56 + 16_399)
        #expect(ChunkedEncryption.ciphertextLength(plaintextLength: 16_384) == 56 + 16_400 + 16)
        #expect(ChunkedEncryption.ciphertextLength(plaintextLength: 16_385) == 56 + 16_400 + 17)
        #expect(ChunkedEncryption.ciphertextLength(plaintextLength: 32_768) == 56 + 2 * 16_400 + 16)
    }

    @Test("chunk nonces XOR a big-endian counter into the last eight bytes of the base nonce")
    func chunkNonce() {
        let base: [UInt8] = [0xff, 0xee, 0xdd, 0xcc, 0, 0, 0, 0, 0, 0, 0, 0]
        var nonce = [UInt8](repeating: 0, count: 12)
        ChunkedEncryption.chunkNonce(base: base, index: 0, into: &nonce)
        #expect(nonce == base)
        ChunkedEncryption.chunkNonce(base: base, index: 0x0102, into: &nonce)
        #expect(nonce == [0xff, 0xee, 0xdd, 0xcc, 0, 0, 0, 0, 0, 0, 0x01, 0x02])
        ChunkedEncryption.chunkNonce(base: base, index: 0x0102_0304_0506_0708, into: &nonce)
        #expect(nonce == [0xff, 0xee, 0xdd, 0xcc, 1, 2, 3, 4, 5, 6, 7, 8])
    }
}
