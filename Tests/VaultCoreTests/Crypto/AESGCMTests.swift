import Testing

@testable import VaultCore

/// `AES256GCM`: Wycheproof vectors, the 16-byte tag rule, nonce length and the sealed-blob layout.
@Suite("AES-256-GCM")
struct AESGCMTests {
    /// Seals `plaintext` with the raw buffer API and returns ciphertext and tag.
    private func seal(_ cipher: AES256GCM, nonce: [UInt8], plaintext: [UInt8], aad: [UInt8], tagLength: Int = 16)
        throws -> (ciphertext: [UInt8], tag: [UInt8])
    {
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var tag = [UInt8](repeating: 0, count: tagLength)
        try nonce.withUnsafeBytes { n in
            try plaintext.withUnsafeBytes { p in
                try aad.withUnsafeBytes { a in
                    try ciphertext.withUnsafeMutableBytes { c in
                        try tag.withUnsafeMutableBytes { t in
                            try cipher.seal(nonce: n, plaintext: p, aad: a, output: c, tag: t)
                        }
                    }
                }
            }
        }
        return (ciphertext, tag)
    }

    /// Opens with the raw buffer API and returns the plaintext.
    private func open(_ cipher: AES256GCM, nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8], aad: [UInt8])
        throws -> [UInt8]
    {
        var output = [UInt8](repeating: 0, count: ciphertext.count)
        try nonce.withUnsafeBytes { n in
            try ciphertext.withUnsafeBytes { c in
                try tag.withUnsafeBytes { t in
                    try aad.withUnsafeBytes { a in
                        try output.withUnsafeMutableBytes { o in
                            try cipher.open(nonce: n, ciphertext: c, tag: t, aad: a, output: o)
                        }
                    }
                }
            }
        }
        return output
    }

    private let key = SecretBytes(copying: Array(0..<32))
    private let nonce: [UInt8] = Array(100..<112)
    private let message = Array("attack at dawn, bring the documents".utf8)
    private let aad = Array("header".utf8)

    @Test("Wycheproof vectors with 96-bit IV, 256-bit key and 128-bit tag")
    func wycheproof() throws {
        let file = try AESGCMVectorFile.load()
        #expect(file.numberOfTests == 316)
        let groups = file.testGroups.filter { $0.ivSize == 96 && $0.keySize == 256 && $0.tagSize == 128 }
        var valid = 0
        var invalid = 0
        for group in groups {
            for vector in group.tests {
                let cipher = try AES256GCM(key: SecretBytes(copying: try Hex.decode(vector.key)))
                let iv = try Hex.decode(vector.iv)
                let aad = try Hex.decode(vector.aad)
                let msg = try Hex.decode(vector.msg)
                let ct = try Hex.decode(vector.ct)
                let tag = try Hex.decode(vector.tag)
                switch vector.result {
                case .valid:
                    let sealed = try seal(cipher, nonce: iv, plaintext: msg, aad: aad)
                    #expect(sealed.ciphertext == ct, "tcId \(vector.tcId)")
                    #expect(sealed.tag == tag, "tcId \(vector.tcId)")
                    let opened = try open(cipher, nonce: iv, ciphertext: ct, tag: tag, aad: aad)
                    #expect(opened == msg, "tcId \(vector.tcId)")
                    // The nonce || ct || tag layout of the convenience API.
                    #expect(try cipher.seal(msg, nonce: iv, aad: aad) == iv + ct + tag, "tcId \(vector.tcId)")
                    #expect(try cipher.open(iv + ct + tag, aad: aad) == msg, "tcId \(vector.tcId)")
                    valid += 1
                case .invalid, .acceptable:
                    #expect(vector.result == .invalid, "tcId \(vector.tcId)")
                    #expect(throws: CryptoError.authenticationFailed, "tcId \(vector.tcId)") {
                        try open(cipher, nonce: iv, ciphertext: ct, tag: tag, aad: aad)
                    }
                    #expect(throws: CryptoError.authenticationFailed, "tcId \(vector.tcId)") {
                        try cipher.open(iv + ct + tag, aad: aad)
                    }
                    invalid += 1
                }
            }
        }
        // The file's 96-bit, AES-256 group holds 39 valid and 27 invalid (modified-tag) vectors.
        #expect(valid == 39)
        #expect(invalid == 27)
        #expect(valid + invalid == groups.reduce(0) { $0 + $1.tests.count })
        #expect(valid + invalid > 0)
    }

    @Test("AES-128 and AES-192 keys are refused, so those Wycheproof groups are skipped")
    func otherKeySizes() throws {
        let file = try AESGCMVectorFile.load()
        #expect(file.testGroups.contains { $0.keySize != 256 }, "the file has groups this wrapper cannot run")
        for length in [0, 16, 24, 31, 33] {
            #expect(throws: CryptoError.invalidLength("AES-256-GCM key")) {
                try AES256GCM(key: SecretBytes(zeroedCount: length))
            }
        }
    }

    @Test("opening with a truncated 15- or 12-byte tag is refused", arguments: [15, 12, 8, 4, 0, 17])
    func truncatedTag(length: Int) throws {
        let cipher = try AES256GCM(key: key)
        let sealed = try seal(cipher, nonce: nonce, plaintext: message, aad: aad)
        let tag = length <= 16 ? Array(sealed.tag.prefix(length)) : sealed.tag + [0]
        #expect(throws: CryptoError.invalidLength("AES-GCM tag")) {
            try open(cipher, nonce: nonce, ciphertext: sealed.ciphertext, tag: tag, aad: aad)
        }
    }

    @Test("sealing into a tag buffer that is not 16 bytes is refused", arguments: [0, 4, 12, 15, 17, 32])
    func sealTagLength(length: Int) throws {
        let cipher = try AES256GCM(key: key)
        #expect(throws: CryptoError.invalidLength("AES-GCM tag")) {
            try seal(cipher, nonce: nonce, plaintext: message, aad: aad, tagLength: length)
        }
    }

    @Test("nonces that are not 12 bytes are refused", arguments: [0, 8, 11, 13, 16])
    func nonceLength(length: Int) throws {
        let cipher = try AES256GCM(key: key)
        let badNonce = [UInt8](repeating: 7, count: length)
        let sealed = try seal(cipher, nonce: nonce, plaintext: message, aad: aad)
        #expect(throws: CryptoError.invalidLength("AES-GCM nonce")) {
            try seal(cipher, nonce: badNonce, plaintext: message, aad: aad)
        }
        #expect(throws: CryptoError.invalidLength("AES-GCM nonce")) {
            try open(cipher, nonce: badNonce, ciphertext: sealed.ciphertext, tag: sealed.tag, aad: aad)
        }
        // The nonce || ct || tag API must refuse it too, before copying it into the output.
        #expect(throws: CryptoError.invalidLength("AES-GCM nonce")) {
            try cipher.seal(message, nonce: badNonce, aad: aad)
        }
        #expect(throws: CryptoError.invalidLength("AES-GCM nonce")) {
            try cipher.seal([], nonce: badNonce + [UInt8](repeating: 0, count: 40), aad: [])
        }
    }

    @Test("an output buffer of the wrong size is refused")
    func outputLength() throws {
        let cipher = try AES256GCM(key: key)
        let sealed = try seal(cipher, nonce: nonce, plaintext: message, aad: aad)
        var output = [UInt8](repeating: 0, count: message.count - 1)
        #expect(throws: CryptoError.invalidLength("AES-GCM output")) {
            try nonce.withUnsafeBytes { n in
                try sealed.ciphertext.withUnsafeBytes { c in
                    try sealed.tag.withUnsafeBytes { t in
                        try aad.withUnsafeBytes { a in
                            try output.withUnsafeMutableBytes { o in
                                try cipher.open(nonce: n, ciphertext: c, tag: t, aad: a, output: o)
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("seal(_:aad:) uses a fresh nonce and round-trips through open and openSecret")
    func convenienceRoundTrip() throws {
        let cipher = try AES256GCM(key: key)
        let first = try cipher.seal(message, aad: aad)
        let second = try cipher.seal(message, aad: aad)
        #expect(first.count == AES256GCM.nonceLength + message.count + AES256GCM.tagLength)
        #expect(first.prefix(AES256GCM.nonceLength) != second.prefix(AES256GCM.nonceLength))
        #expect(try cipher.open(first, aad: aad) == message)
        #expect(try cipher.openSecret(second, aad: aad) == SecretBytes(copying: message))
        #expect(try cipher.open(try cipher.seal([], aad: []), aad: []).isEmpty)
    }

    @Test("wrong key, wrong AAD, modified bytes and short blobs fail authentication")
    func authenticationFailures() throws {
        let cipher = try AES256GCM(key: key)
        let sealed = try cipher.seal(message, aad: aad)
        let otherKey = try AES256GCM(key: SecretBytes(copying: Array(1...32)))
        #expect(throws: CryptoError.authenticationFailed) { try otherKey.open(sealed, aad: aad) }
        #expect(throws: CryptoError.authenticationFailed) { try cipher.open(sealed, aad: aad + [0]) }
        #expect(throws: CryptoError.authenticationFailed) { try cipher.open(sealed, aad: []) }
        for index in [0, AES256GCM.nonceLength, sealed.count - 1] {
            var modified = sealed
            modified[index] ^= 0x01
            #expect(throws: CryptoError.authenticationFailed) { try cipher.open(modified, aad: aad) }
        }
        #expect(throws: CryptoError.authenticationFailed) { try cipher.open(Array(sealed.prefix(27)), aad: aad) }
        // A blob cut by one byte has a 15-byte tag in effect; it must not verify.
        #expect(throws: CryptoError.authenticationFailed) { try cipher.open(Array(sealed.dropLast()), aad: aad) }
    }

    @Test("a failed open zeroes the output buffer")
    func failedOpenZeroes() throws {
        let cipher = try AES256GCM(key: key)
        var sealed = try seal(cipher, nonce: nonce, plaintext: message, aad: aad)
        sealed.tag[0] ^= 1
        var output = [UInt8](repeating: 0xaa, count: message.count)
        #expect(throws: CryptoError.authenticationFailed) {
            try nonce.withUnsafeBytes { n in
                try sealed.ciphertext.withUnsafeBytes { c in
                    try sealed.tag.withUnsafeBytes { t in
                        try aad.withUnsafeBytes { a in
                            try output.withUnsafeMutableBytes { o in
                                try cipher.open(nonce: n, ciphertext: c, tag: t, aad: a, output: o)
                            }
                        }
                    }
                }
            }
        }
        #expect(output.allSatisfy { $0 == 0 })
    }

    @Test("one instance seals and opens many messages in turn")
    func reuse() throws {
        let cipher = try AES256GCM(key: key)
        for length in [0, 1, 15, 16, 17, 1_000] {
            let plaintext = [UInt8](repeating: UInt8(length & 0xff), count: length)
            let sealed = try cipher.seal(plaintext, aad: aad)
            #expect(try cipher.open(sealed, aad: aad) == plaintext)
        }
    }
}
