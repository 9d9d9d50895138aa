/// Constants and key derivation of C2SP chunked encryption with AES-256-GCM and HKDF-SHA-512.
///
/// Specified at c2sp.org/chunked-encryption ("Cobblestone-256"): a message is cut into
/// 16 KiB chunks, the last always shorter (possibly empty); each chunk is sealed with
/// AES-256-GCM under a key and base nonce derived with HKDF-SHA-512 Expand from the
/// input key, a random 24-byte salt and the caller's context, which also yields a
/// 32-byte key commitment. Ciphertext = salt || commitment || sealed chunks.
public enum ChunkedEncryption {
    /// Plaintext bytes in every chunk but the last.
    public static let chunkSize = 16_384
    /// Sealed length of a full chunk.
    public static let sealedChunkSize = chunkSize + AES256GCM.tagLength
    /// Random salt length.
    public static let saltLength = 24
    /// Key commitment length.
    public static let commitmentLength = 32
    /// Salt plus commitment.
    public static let headerLength = saltLength + commitmentLength
    /// Chunks allowed in one message (2^38, 4 PiB).
    public static let maximumChunkCount: UInt64 = 1 << 38
    /// The AEAD's name in the IANA registry, part of the HKDF info.
    public static let aeadName = "AEAD_AES_256_GCM"

    /// The ciphertext length of a message of `plaintextLength` bytes.
    public static func ciphertextLength(plaintextLength: Int) -> Int {
        let fullChunks = plaintextLength / chunkSize
        let rest = plaintextLength % chunkSize
        return headerLength + fullChunks * sealedChunkSize + rest + AES256GCM.tagLength
    }

    /// Derives the AEAD key, base nonce and commitment for one message.
    static func deriveMessageKeys(inputKey: SecretBytes, salt: [UInt8], context: [UInt8]) throws -> (
        key: SecretBytes, baseNonce: [UInt8], commitment: [UInt8]
    ) {
        guard inputKey.count == AES256GCM.keyLength else { throw CryptoError.invalidLength("chunked-encryption key") }
        guard salt.count == saltLength else { throw CryptoError.invalidLength("chunked-encryption salt") }
        var info = Array("c2sp.org/chunked-encryption@v1+\(aeadName)".utf8)
        info.append(0)
        info.append(contentsOf: salt)
        info.append(contentsOf: context)
        let total = AES256GCM.keyLength + AES256GCM.nonceLength + commitmentLength
        let okm = try HKDF.expand(.sha512, pseudoRandomKey: inputKey, info: info, length: total)
        let key = okm.slice(0..<AES256GCM.keyLength)
        let nonceEnd = AES256GCM.keyLength + AES256GCM.nonceLength
        let baseNonce = okm.withUnsafeBytes { [UInt8]($0[AES256GCM.keyLength..<nonceEnd]) }
        let commitment = okm.withUnsafeBytes { [UInt8]($0[nonceEnd..<total]) }
        return (key, baseNonce, commitment)
    }

    /// Writes the nonce of chunk `index` (base nonce XOR big-endian counter) into `nonce`.
    static func chunkNonce(base: [UInt8], index: UInt64, into nonce: inout [UInt8]) {
        for position in 0..<AES256GCM.nonceLength {
            let shift = AES256GCM.nonceLength - 1 - position
            let counterByte: UInt8 = shift < 8 ? UInt8(truncatingIfNeeded: index >> UInt64(shift * 8)) : 0
            nonce[position] = base[position] ^ counterByte
        }
    }
}

/// Streaming encryption into C2SP chunks with constant memory (one chunk buffer).
public final class ChunkedEncryptor {
    /// The 56 bytes that start the ciphertext: salt || commitment.
    public let header: [UInt8]
    private let cipher: AES256GCM
    private let baseNonce: [UInt8]
    private var nonce = [UInt8](repeating: 0, count: AES256GCM.nonceLength)
    private var chunkIndex: UInt64 = 0
    private let plainBuffer: UnsafeMutableRawBufferPointer
    private var buffered = 0
    private let sealedBuffer: UnsafeMutableRawBufferPointer
    private var finished = false

    /// Prepares to encrypt one message under `inputKey` (32 bytes) and `context`.
    ///
    /// `salt` is for test vectors only; production callers let it be drawn at random.
    public init(inputKey: SecretBytes, context: [UInt8], salt: [UInt8]? = nil) throws {
        let salt = try salt ?? SecureRandom.bytes(count: ChunkedEncryption.saltLength)
        let derived = try ChunkedEncryption.deriveMessageKeys(inputKey: inputKey, salt: salt, context: context)
        cipher = try AES256GCM(key: derived.key)
        baseNonce = derived.baseNonce
        header = salt + derived.commitment
        plainBuffer = .allocate(byteCount: ChunkedEncryption.chunkSize, alignment: 16)
        sealedBuffer = .allocate(byteCount: ChunkedEncryption.sealedChunkSize, alignment: 16)
    }

    deinit {
        plainBuffer.initializeMemory(as: UInt8.self, repeating: 0)
        plainBuffer.deallocate()
        sealedBuffer.deallocate()
    }

    /// Encrypts `plaintext`, passing each completed sealed chunk to `emit`.
    public func update(
        _ plaintext: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        precondition(!finished, "ChunkedEncryptor used after finish")
        var offset = 0
        while offset < plaintext.count {
            if buffered == 0 && plaintext.count - offset >= ChunkedEncryption.chunkSize {
                let range = offset..<(offset + ChunkedEncryption.chunkSize)
                try sealChunk(UnsafeRawBufferPointer(rebasing: plaintext[range]), emit: emit)
                offset += ChunkedEncryption.chunkSize
                continue
            }
            let take = min(ChunkedEncryption.chunkSize - buffered, plaintext.count - offset)
            UnsafeMutableRawBufferPointer(rebasing: plainBuffer[buffered..<(buffered + take)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: plaintext[offset..<(offset + take)]))
            buffered += take
            offset += take
            if buffered == ChunkedEncryption.chunkSize {
                try sealChunk(UnsafeRawBufferPointer(plainBuffer), emit: emit)
                buffered = 0
            }
        }
    }

    /// Seals the final short (possibly empty) chunk and passes it to `emit`.
    public func finish(emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        precondition(!finished, "ChunkedEncryptor finished twice")
        try sealChunk(UnsafeRawBufferPointer(rebasing: plainBuffer[0..<buffered]), emit: emit)
        buffered = 0
        finished = true
    }

    private func sealChunk(_ chunk: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard chunkIndex < ChunkedEncryption.maximumChunkCount else { throw CryptoError.messageTooLong }
        ChunkedEncryption.chunkNonce(base: baseNonce, index: chunkIndex, into: &nonce)
        let count = chunk.count
        try nonce.withUnsafeBytes { nonceBytes in
            try cipher.seal(
                nonce: nonceBytes, plaintext: chunk, aad: UnsafeRawBufferPointer(start: nil, count: 0),
                output: UnsafeMutableRawBufferPointer(rebasing: sealedBuffer[0..<count]),
                tag: UnsafeMutableRawBufferPointer(rebasing: sealedBuffer[count..<(count + AES256GCM.tagLength)]))
        }
        chunkIndex += 1
        try emit(UnsafeRawBufferPointer(rebasing: sealedBuffer[0..<(count + AES256GCM.tagLength)]))
    }
}

/// Streaming decryption of C2SP chunks that releases only authenticated plaintext.
///
/// The commitment is checked in `init`, before any chunk is touched. A full sealed
/// chunk is held back until more bytes arrive, because only `finish` can tell whether
/// it was followed by the mandatory short final chunk. After any failure every later
/// call fails too.
public final class ChunkedDecryptor {
    private let cipher: AES256GCM
    private let baseNonce: [UInt8]
    private var nonce = [UInt8](repeating: 0, count: AES256GCM.nonceLength)
    private var chunkIndex: UInt64 = 0
    private let sealedBuffer: UnsafeMutableRawBufferPointer
    private var buffered = 0
    private let plainBuffer: UnsafeMutableRawBufferPointer
    private var failure: CryptoError?
    private var finished = false

    /// Checks `header` (salt || commitment) against `inputKey` and `context`.
    ///
    /// Throws ``CryptoError/truncated`` for a short header, ``CryptoError/invalidLength(_:)``
    /// for a key that is not 32 bytes and ``CryptoError/commitmentMismatch`` for a wrong
    /// key, context, salt or commitment.
    public init(inputKey: SecretBytes, context: [UInt8], header: [UInt8]) throws {
        guard header.count == ChunkedEncryption.headerLength else { throw CryptoError.truncated }
        let salt = Array(header[0..<ChunkedEncryption.saltLength])
        let stored = Array(header[ChunkedEncryption.saltLength...])
        let derived = try ChunkedEncryption.deriveMessageKeys(inputKey: inputKey, salt: salt, context: context)
        guard constantTimeEquals(derived.commitment, stored) else { throw CryptoError.commitmentMismatch }
        cipher = try AES256GCM(key: derived.key)
        baseNonce = derived.baseNonce
        sealedBuffer = .allocate(byteCount: ChunkedEncryption.sealedChunkSize, alignment: 16)
        plainBuffer = .allocate(byteCount: ChunkedEncryption.chunkSize, alignment: 16)
    }

    deinit {
        plainBuffer.initializeMemory(as: UInt8.self, repeating: 0)
        plainBuffer.deallocate()
        sealedBuffer.deallocate()
    }

    /// Consumes `ciphertext` (the bytes after the header), emitting each authenticated full chunk.
    public func update(_ ciphertext: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        if let failure { throw failure }
        precondition(!finished, "ChunkedDecryptor used after finish")
        var offset = 0
        while offset < ciphertext.count {
            if buffered == ChunkedEncryption.sealedChunkSize {
                // More bytes follow, so the held chunk is not the final one.
                try openChunk(UnsafeRawBufferPointer(sealedBuffer), emit: emit)
                buffered = 0
            }
            let take = min(ChunkedEncryption.sealedChunkSize - buffered, ciphertext.count - offset)
            UnsafeMutableRawBufferPointer(rebasing: sealedBuffer[buffered..<(buffered + take)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: ciphertext[offset..<(offset + take)]))
            buffered += take
            offset += take
        }
    }

    /// Authenticates and emits the final short chunk; throws if the message was cut or extended.
    public func finish(emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        if let failure { throw failure }
        precondition(!finished, "ChunkedDecryptor finished twice")
        guard buffered >= AES256GCM.tagLength, buffered < ChunkedEncryption.sealedChunkSize else {
            failure = .truncated
            throw CryptoError.truncated
        }
        try openChunk(UnsafeRawBufferPointer(rebasing: sealedBuffer[0..<buffered]), emit: emit)
        buffered = 0
        finished = true
    }

    private func openChunk(_ sealed: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard chunkIndex < ChunkedEncryption.maximumChunkCount else {
            failure = .messageTooLong
            throw CryptoError.messageTooLong
        }
        ChunkedEncryption.chunkNonce(base: baseNonce, index: chunkIndex, into: &nonce)
        let count = sealed.count - AES256GCM.tagLength
        let output = UnsafeMutableRawBufferPointer(rebasing: plainBuffer[0..<count])
        do {
            try nonce.withUnsafeBytes { nonceBytes in
                try cipher.open(
                    nonce: nonceBytes, ciphertext: UnsafeRawBufferPointer(rebasing: sealed[0..<count]),
                    tag: UnsafeRawBufferPointer(rebasing: sealed[count...]),
                    aad: UnsafeRawBufferPointer(start: nil, count: 0), output: output)
            }
        } catch {
            failure = .authenticationFailed
            throw error
        }
        chunkIndex += 1
        try emit(UnsafeRawBufferPointer(output))
    }
}
