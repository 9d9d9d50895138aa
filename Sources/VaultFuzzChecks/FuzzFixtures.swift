import VaultCore

/// The fixed keys, binding and genuine blobs every blob check uses.
///
/// Everything is deterministic (fixed key, fixed salts, fixed plaintext), so
/// `docvault-fuzz seeds` always writes the same corpus and the oracle can tell
/// the genuine blobs from everything else by comparing bytes.
enum FuzzFixtures {
    /// The data key the blob target decrypts with.
    static let dataKeyBytes: [UInt8] = (0..<32).map { UInt8($0) }
    /// What the genuine blobs are bound to.
    static let binding = BlobBinding(
        vaultID: (0..<16).map { UInt8(0xA0 + $0) }, documentUID: (0..<16).map { UInt8(0x50 + $0) }, version: 1)
    /// Plaintext sizes of the genuine blobs: empty, one byte, exactly one chunk, one chunk and a byte.
    static let plaintextSizes = [0, 1, ChunkedEncryption.chunkSize, ChunkedEncryption.chunkSize + 1]

    /// A genuine blob with its plaintext.
    struct GenuineBlob {
        let name: String
        let plaintext: [UInt8]
        let blob: [UInt8]
    }

    /// The deterministic plaintext of `size` bytes.
    static func plaintext(size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    }

    /// The genuine blobs: the blob header, then C2SP chunks under the data key with a fixed salt each.
    ///
    /// This is the layout `EncryptedBlob.encrypt` writes (FileFormat.md, "Blob files");
    /// `FuzzCorpusReplayTests` checks that the real reader accepts each one.
    static func genuineBlobs() throws -> [GenuineBlob] {
        try plaintextSizes.enumerated().map { index, size in
            let plain = plaintext(size: size)
            let encryptor = try ChunkedEncryptor(
                inputKey: SecretBytes(copying: dataKeyBytes), context: BlobFormat.context(for: binding),
                salt: [UInt8](repeating: UInt8(index + 1), count: ChunkedEncryption.saltLength))
            var blob = BlobFormat.header + encryptor.header
            try plain.withUnsafeBytes { bytes in try encryptor.update(bytes) { blob += $0 } }
            try encryptor.finish { blob += $0 }
            return GenuineBlob(name: "genuine-\(size)", plaintext: plain, blob: blob)
        }
    }

    /// The genuine blobs, made once per process.
    static let genuine: [GenuineBlob] = {
        do { return try genuineBlobs() } catch { fatalError("cannot make the genuine fuzz blobs: \(error)") }
    }()
}
