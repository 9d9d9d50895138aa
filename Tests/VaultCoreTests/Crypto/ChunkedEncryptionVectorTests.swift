import Testing

@testable import VaultCore

extension ChunkedEncryptionVector: CustomTestStringConvertible {
    var testDescription: String { "tcId \(tcId): \(comment)" }
}

/// The 35 Wycheproof C2SP chunked-encryption vectors (Cobblestone-256).
@Suite("Chunked encryption: Wycheproof vectors")
struct ChunkedEncryptionVectorTests {
    /// Piece sizes used to feed ciphertext to the decryptor, chosen by `tcId` to exercise buffering.
    private static let pieceSizes = [1_000, 7, 16_400, 1, 4_096, 16_401, 65_536, 16_399, 33]

    /// The piece size for `vector`; the multi-megabyte vectors avoid tiny pieces to stay fast in debug.
    private static func pieceSize(for vector: ChunkedEncryptionVector, ciphertextLength: Int) -> Int {
        let size = pieceSizes[vector.tcId % pieceSizes.count]
        return ciphertextLength > 100_000 ? max(size, 1_000) : size
    }

    /// The error the decryptor must report once the header is accepted.
    ///
    /// C2SP marks the end of a message only by its short final chunk, so a body whose last
    /// piece is shorter than a tag (or is a full chunk) is `.truncated`, and any other bad
    /// body, including one cut in the middle of a chunk, can only fail authentication.
    private static func expectedBodyError(ciphertextLength: Int) -> CryptoError {
        let rest = (ciphertextLength - ChunkedEncryption.headerLength) % ChunkedEncryption.sealedChunkSize
        return rest < AES256GCM.tagLength ? .truncated : .authenticationFailed
    }

    @Test("the file holds 35 vectors in one AES-256-GCM / SHA-512 group")
    func fileShape() throws {
        let file = try ChunkedEncryptionVectorFile.load()
        #expect(file.numberOfTests == 35)
        #expect(file.allTests.count == 35)
        #expect(file.testGroups.allSatisfy { $0.aead == ChunkedEncryption.aeadName && $0.sha == "SHA-512" })
        #expect(Set(file.allTests.map(\.tcId)).count == 35)
    }

    @Test("vector", arguments: try ChunkedEncryptionVectorFile.load().allTests)
    func vector(_ vector: ChunkedEncryptionVector) throws {
        let ciphertext = try vector.ciphertext()
        let key = SecretBytes(copying: try Hex.decode(vector.key))
        let context = try Hex.decode(vector.ctx)
        let pieceSize = Self.pieceSize(for: vector, ciphertextLength: ciphertext.count)
        let outcome = ChunkedStreaming.decrypt(
            key: key, context: context, ciphertext: ciphertext, pieceSize: pieceSize)

        switch vector.result {
        case .valid:
            if let error = outcome.error { Issue.record("valid vector failed: \(error)") }
            let length = try #require(vector.msgLength)
            #expect(outcome.plaintext.count == length)
            let digest = try StreamingHash.digest(.sha512, outcome.plaintext)
            #expect(Hex.encode(digest) == vector.msgSha512)
        case .invalid, .acceptable:
            #expect(vector.result == .invalid, "this file has no acceptable vectors")
            guard let error = outcome.error else {
                Issue.record("invalid vector was accepted (\(outcome.plaintext.count) bytes of plaintext)")
                return
            }
            try checkInvalid(vector, outcome: outcome, error: error, ciphertextLength: ciphertext.count)
        }
    }

    /// Checks which error an invalid vector raised, where, and what plaintext escaped first.
    private func checkInvalid(
        _ vector: ChunkedEncryptionVector, outcome: ChunkedDecryption, error: any Error, ciphertextLength: Int
    ) throws {
        let cryptoError = try #require(error as? CryptoError, "unexpected error type: \(error)")
        if vector.has("HeaderFailure") {
            #expect(outcome.failedInInit, "header failures must be caught before any chunk")
            #expect(outcome.plaintext.isEmpty)
            if vector.has("InvalidKeySize") {
                guard case .invalidLength = cryptoError else {
                    Issue.record("expected .invalidLength, got \(cryptoError)")
                    return
                }
            } else if vector.has("Truncation") {
                #expect(cryptoError == .truncated)
            } else {
                // WrongKey, WrongContext, or a modified salt or commitment.
                #expect(vector.has("WrongKey") || vector.has("WrongContext") || vector.has("ModifiedCiphertext"))
                #expect(cryptoError == .commitmentMismatch)
            }
            return
        }
        #expect(!outcome.failedInInit, "the header of this vector is valid")
        #expect(outcome.keptFailing, "a failed decryptor must keep failing")
        #expect(cryptoError == Self.expectedBodyError(ciphertextLength: ciphertextLength))
        if vector.has("Truncation") && vector.tcId != 32 {
            // tcId 32 is cut mid-chunk, which reads as a short final chunk with a bad tag.
            #expect(cryptoError == .truncated)
        }
        // Only whole authenticated chunks may escape, and no more than the valid prefix.
        #expect(outcome.plaintext.count % ChunkedEncryption.chunkSize == 0)
        if vector.has("PartialPlaintext") {
            let prefixLength = try #require(vector.msgLength)
            #expect(outcome.plaintext.count <= prefixLength)
            if outcome.plaintext.count == prefixLength, let expected = vector.msgSha512 {
                #expect(Hex.encode(try StreamingHash.digest(.sha512, outcome.plaintext)) == expected)
            }
        } else {
            #expect(outcome.plaintext.isEmpty, "no plaintext may escape from this vector")
        }
    }

    @Test("derived AEAD key and base nonce match", arguments: try ChunkedEncryptionVectorFile.load().allTests)
    func derivedKeys(_ vector: ChunkedEncryptionVector) throws {
        guard let aeadKey = vector.aeadKey, let baseNonce = vector.baseNonce else {
            #expect(vector.has("HeaderFailure"), "only header-failure vectors omit aeadKey")
            return
        }
        let ciphertext = try vector.ciphertext()
        try #require(ciphertext.count >= ChunkedEncryption.saltLength)
        let derived = try ChunkedEncryption.deriveMessageKeys(
            inputKey: SecretBytes(copying: try Hex.decode(vector.key)),
            salt: Array(ciphertext[0..<ChunkedEncryption.saltLength]),
            context: try Hex.decode(vector.ctx))
        #expect(derived.key == SecretBytes(copying: try Hex.decode(aeadKey)))
        #expect(Hex.encode(derived.baseNonce) == baseNonce)
        if ciphertext.count >= ChunkedEncryption.headerLength {
            #expect(Hex.encode(derived.commitment) == Hex.encode(ciphertext[24..<56]))
        }
    }

    @Test(
        "re-encryption with the vector's salt reproduces the ciphertext",
        arguments: try ChunkedEncryptionVectorFile.load().allTests.filter { $0.result == .valid })
    func reEncryption(_ vector: ChunkedEncryptionVector) throws {
        #expect(vector.aeadKey != nil && vector.baseNonce != nil)
        let ciphertext = try vector.ciphertext()
        let key = SecretBytes(copying: try Hex.decode(vector.key))
        let context = try Hex.decode(vector.ctx)
        let decrypted = ChunkedStreaming.decrypt(
            key: key, context: context, ciphertext: ciphertext, pieceSize: 65_536)
        try #require(decrypted.error == nil)
        let salt = Array(ciphertext[0..<ChunkedEncryption.saltLength])
        // Uneven plaintext pieces: one byte for small messages, just over a chunk for large ones.
        let pieceSize = decrypted.plaintext.count > 100_000 ? 16_385 : 1
        let reEncrypted = try ChunkedStreaming.encrypt(
            key: key, context: context, salt: salt, plaintext: decrypted.plaintext, pieceSize: pieceSize)
        #expect(reEncrypted.count == ciphertext.count)
        #expect(reEncrypted == ciphertext)
        #expect(ChunkedEncryption.ciphertextLength(plaintextLength: decrypted.plaintext.count) == ciphertext.count)
    }
}
