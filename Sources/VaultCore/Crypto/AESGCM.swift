internal import COpenSSL

#if canImport(Glibc)
    import Glibc
#endif

/// AES-256-GCM with 96-bit nonces and full 16-byte tags only.
///
/// OpenSSL accepts tags shorter than 16 bytes when the caller asks for them;
/// this wrapper refuses every other length before OpenSSL sees it. One instance
/// keeps the expanded key in two OpenSSL contexts so that sealing many chunks
/// does not re-derive the key schedule. Instances are not thread-safe.
public final class AES256GCM {
    /// Key length in bytes.
    public static let keyLength = 32
    /// Nonce length in bytes.
    public static let nonceLength = 12
    /// Tag length in bytes; no other length is accepted.
    public static let tagLength = 16

    private let encryptContext: OpaquePointer
    private let decryptContext: OpaquePointer

    /// Prepares a cipher for `key`, which must be 32 bytes.
    public init(key: SecretBytes) throws {
        guard key.count == Self.keyLength else { throw CryptoError.invalidLength("AES-256-GCM key") }
        guard let enc = libcrypto.EVP_CIPHER_CTX_new() else { throw CryptoError.library("EVP_CIPHER_CTX_new") }
        guard let dec = libcrypto.EVP_CIPHER_CTX_new() else {
            libcrypto.EVP_CIPHER_CTX_free(enc)
            throw CryptoError.library("EVP_CIPHER_CTX_new")
        }
        encryptContext = enc
        decryptContext = dec
        let ok = key.withUnsafeBytes { keyBytes -> Bool in
            let keyPointer = keyBytes.bindMemory(to: UInt8.self).baseAddress
            return libcrypto.EVP_EncryptInit_ex(enc, libcrypto.EVP_aes_256_gcm(), nil, nil, nil) == 1
                && libcrypto.EVP_CIPHER_CTX_ctrl(enc, EVP_CTRL_GCM_SET_IVLEN, Int32(Self.nonceLength), nil) == 1
                && libcrypto.EVP_EncryptInit_ex(enc, nil, nil, keyPointer, nil) == 1
                && libcrypto.EVP_DecryptInit_ex(dec, libcrypto.EVP_aes_256_gcm(), nil, nil, nil) == 1
                && libcrypto.EVP_CIPHER_CTX_ctrl(dec, EVP_CTRL_GCM_SET_IVLEN, Int32(Self.nonceLength), nil) == 1
                && libcrypto.EVP_DecryptInit_ex(dec, nil, nil, keyPointer, nil) == 1
        }
        guard ok else { throw CryptoError.library("EVP_CipherInit_ex") }
    }

    deinit {
        libcrypto.EVP_CIPHER_CTX_free(encryptContext)
        libcrypto.EVP_CIPHER_CTX_free(decryptContext)
    }

    /// Encrypts `plaintext` into `output` (same length) and writes the 16-byte tag into `tag`.
    public func seal(
        nonce: UnsafeRawBufferPointer,
        plaintext: UnsafeRawBufferPointer,
        aad: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer,
        tag: UnsafeMutableRawBufferPointer
    ) throws {
        guard nonce.count == Self.nonceLength else { throw CryptoError.invalidLength("AES-GCM nonce") }
        guard tag.count == Self.tagLength else { throw CryptoError.invalidLength("AES-GCM tag") }
        guard output.count == plaintext.count, plaintext.count < Int(Int32.max) else {
            throw CryptoError.invalidLength("AES-GCM output")
        }
        let ctx = encryptContext
        var length: Int32 = 0
        guard libcrypto.EVP_EncryptInit_ex(ctx, nil, nil, nil, nonce.bindMemory(to: UInt8.self).baseAddress) == 1 else {
            throw CryptoError.library("EVP_EncryptInit_ex")
        }
        if aad.count > 0 {
            guard
                libcrypto.EVP_EncryptUpdate(
                    ctx, nil, &length, aad.bindMemory(to: UInt8.self).baseAddress, Int32(aad.count))
                    == 1
            else { throw CryptoError.library("EVP_EncryptUpdate") }
        }
        if plaintext.count > 0 {
            guard
                libcrypto.EVP_EncryptUpdate(
                    ctx, output.bindMemory(to: UInt8.self).baseAddress, &length,
                    plaintext.bindMemory(to: UInt8.self).baseAddress, Int32(plaintext.count)) == 1
            else { throw CryptoError.library("EVP_EncryptUpdate") }
        }
        // GCM's final step emits no bytes; OpenSSL still wants a valid pointer.
        var scratch = [UInt8](repeating: 0, count: 16)
        guard libcrypto.EVP_EncryptFinal_ex(ctx, &scratch, &length) == 1 else {
            throw CryptoError.library("EVP_EncryptFinal_ex")
        }
        guard libcrypto.EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagLength), tag.baseAddress) == 1
        else {
            throw CryptoError.library("EVP_CTRL_GCM_GET_TAG")
        }
    }

    /// Decrypts `ciphertext` into `output` after checking `tag`; on failure `output` is zeroed.
    public func open(
        nonce: UnsafeRawBufferPointer,
        ciphertext: UnsafeRawBufferPointer,
        tag: UnsafeRawBufferPointer,
        aad: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) throws {
        guard nonce.count == Self.nonceLength else { throw CryptoError.invalidLength("AES-GCM nonce") }
        // Exactly 16 bytes: a shorter tag would let a forger succeed with far fewer guesses.
        guard tag.count == Self.tagLength else { throw CryptoError.invalidLength("AES-GCM tag") }
        guard output.count == ciphertext.count, ciphertext.count < Int(Int32.max) else {
            throw CryptoError.invalidLength("AES-GCM output")
        }
        let ctx = decryptContext
        var length: Int32 = 0
        guard libcrypto.EVP_DecryptInit_ex(ctx, nil, nil, nil, nonce.bindMemory(to: UInt8.self).baseAddress) == 1 else {
            throw CryptoError.library("EVP_DecryptInit_ex")
        }
        if aad.count > 0 {
            guard
                libcrypto.EVP_DecryptUpdate(
                    ctx, nil, &length, aad.bindMemory(to: UInt8.self).baseAddress, Int32(aad.count))
                    == 1
            else { throw CryptoError.library("EVP_DecryptUpdate") }
        }
        if ciphertext.count > 0 {
            guard
                libcrypto.EVP_DecryptUpdate(
                    ctx, output.bindMemory(to: UInt8.self).baseAddress, &length,
                    ciphertext.bindMemory(to: UInt8.self).baseAddress, Int32(ciphertext.count)) == 1
            else { throw CryptoError.library("EVP_DecryptUpdate") }
        }
        var tagCopy = [UInt8](tag)
        guard libcrypto.EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagLength), &tagCopy) == 1 else {
            throw CryptoError.library("EVP_CTRL_GCM_SET_TAG")
        }
        // GCM's final step emits no bytes; it only compares the tag.
        var scratch = [UInt8](repeating: 0, count: 16)
        let verified = libcrypto.EVP_DecryptFinal_ex(ctx, &scratch, &length) > 0
        guard verified else {
            if let base = output.baseAddress { explicit_bzero(base, output.count) }
            throw CryptoError.authenticationFailed
        }
    }

    /// Seals `plaintext` with a fresh random nonce and returns `nonce || ciphertext || tag`.
    public func seal(_ plaintext: some Collection<UInt8>, aad: [UInt8]) throws -> [UInt8] {
        let nonce = try SecureRandom.bytes(count: Self.nonceLength)
        return try seal(plaintext, nonce: nonce, aad: aad)
    }

    /// Seals `plaintext` with `nonce` and returns `nonce || ciphertext || tag`.
    public func seal(_ plaintext: some Collection<UInt8>, nonce: [UInt8], aad: [UInt8]) throws -> [UInt8] {
        // Checked before the nonce is copied into `out`: a longer one would overrun its slot.
        guard nonce.count == Self.nonceLength else { throw CryptoError.invalidLength("AES-GCM nonce") }
        var input = [UInt8](plaintext)
        defer { secureZero(&input) }
        var out = [UInt8](repeating: 0, count: Self.nonceLength + input.count + Self.tagLength)
        let n = Self.nonceLength
        let pc = input.count
        try out.withUnsafeMutableBytes { outBuffer in
            try input.withUnsafeBytes { inBuffer in
                try nonce.withUnsafeBytes { nonceBuffer in
                    try aad.withUnsafeBytes { aadBuffer in
                        UnsafeMutableRawBufferPointer(rebasing: outBuffer[0..<n]).copyMemory(from: nonceBuffer)
                        try seal(
                            nonce: nonceBuffer, plaintext: inBuffer, aad: aadBuffer,
                            output: UnsafeMutableRawBufferPointer(rebasing: outBuffer[n..<(n + pc)]),
                            tag: UnsafeMutableRawBufferPointer(rebasing: outBuffer[(n + pc)...]))
                    }
                }
            }
        }
        return out
    }

    /// Opens `nonce || ciphertext || tag` as produced by ``seal(_:aad:)`` into a secret.
    public func openSecret(_ sealed: [UInt8], aad: [UInt8]) throws -> SecretBytes {
        let n = Self.nonceLength
        let t = Self.tagLength
        guard sealed.count >= n + t else { throw CryptoError.authenticationFailed }
        let plainCount = sealed.count - n - t
        let secret = SecretBytes(zeroedCount: plainCount)
        try secret.withUnsafeMutableBytes { outBuffer in
            try sealed.withUnsafeBytes { s in
                try aad.withUnsafeBytes { aadBuffer in
                    try open(
                        nonce: UnsafeRawBufferPointer(rebasing: s[0..<n]),
                        ciphertext: UnsafeRawBufferPointer(rebasing: s[n..<(n + plainCount)]),
                        tag: UnsafeRawBufferPointer(rebasing: s[(n + plainCount)...]),
                        aad: aadBuffer, output: outBuffer)
                }
            }
        }
        return secret
    }

    /// Opens `nonce || ciphertext || tag` as produced by ``seal(_:aad:)`` into plain bytes.
    public func open(_ sealed: [UInt8], aad: [UInt8]) throws -> [UInt8] {
        let secret = try openSecret(sealed, aad: aad)
        return secret.withUnsafeBytes { [UInt8]($0) }
    }
}
