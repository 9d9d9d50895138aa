@testable import VaultCore

/// What a streaming chunked decryption produced before it finished or stopped.
struct ChunkedDecryption {
    /// Every plaintext byte the decryptor emitted, in order.
    var plaintext: [UInt8] = []
    /// The error that stopped decryption, if any.
    var error: (any Error)?
    /// Whether the error came from `ChunkedDecryptor.init` (the header check).
    var failedInInit = false
    /// Whether a further `finish` after the error threw again (meaningless without an error).
    var keptFailing = false

    /// The error as a `CryptoError`, if it is one.
    var cryptoError: CryptoError? { error as? CryptoError }
}

extension ChunkedDecryption: CustomStringConvertible {
    /// A summary that leaves out the plaintext, which can be megabytes long.
    var description: String {
        "ChunkedDecryption(\(plaintext.count) plaintext bytes, error: \(error.map { "\($0)" } ?? "none"), "
            + "failedInInit: \(failedInInit), keptFailing: \(keptFailing))"
    }
}

/// Drives `ChunkedEncryptor` and `ChunkedDecryptor` over whole buffers in pieces of a chosen size.
enum ChunkedStreaming {
    /// Decrypts `ciphertext` (header included), feeding the body to `update` in `pieceSize` pieces.
    ///
    /// A ciphertext shorter than the header is passed to `init` whole, so the decryptor sees the short header.
    static func decrypt(key: SecretBytes, context: [UInt8], ciphertext: [UInt8], pieceSize: Int)
        -> ChunkedDecryption
    {
        precondition(pieceSize > 0)
        var result = ChunkedDecryption()
        let headerEnd = min(ChunkedEncryption.headerLength, ciphertext.count)
        let decryptor: ChunkedDecryptor
        do {
            decryptor = try ChunkedDecryptor(inputKey: key, context: context, header: Array(ciphertext[0..<headerEnd]))
        } catch {
            result.error = error
            result.failedInInit = true
            return result
        }
        do {
            try ciphertext.withUnsafeBytes { all in
                var offset = headerEnd
                while offset < all.count {
                    let end = min(offset + pieceSize, all.count)
                    try decryptor.update(UnsafeRawBufferPointer(rebasing: all[offset..<end])) {
                        result.plaintext.append(contentsOf: $0)
                    }
                    offset = end
                }
            }
            try decryptor.finish { result.plaintext.append(contentsOf: $0) }
        } catch {
            result.error = error
            do {
                try decryptor.finish { result.plaintext.append(contentsOf: $0) }
            } catch {
                result.keptFailing = true
            }
        }
        return result
    }

    /// Encrypts `plaintext`, feeding it to `update` in `pieceSize` pieces, and returns header plus chunks.
    static func encrypt(
        key: SecretBytes, context: [UInt8], salt: [UInt8]? = nil, plaintext: [UInt8], pieceSize: Int
    ) throws -> [UInt8] {
        precondition(pieceSize > 0)
        let encryptor = try ChunkedEncryptor(inputKey: key, context: context, salt: salt)
        var output = encryptor.header
        try plaintext.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(offset + pieceSize, all.count)
                try encryptor.update(UnsafeRawBufferPointer(rebasing: all[offset..<end])) {
                    output.append(contentsOf: $0)
                }
                offset = end
            }
        }
        try encryptor.finish { output.append(contentsOf: $0) }
        return output
    }
}
