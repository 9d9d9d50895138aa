internal import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG, seeded by the operating system.
public enum SecureRandom {
    /// Fills `buffer` with random bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        guard libcrypto.RAND_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1 else {
            throw CryptoError.randomUnavailable
        }
    }

    /// Returns `count` random bytes (for salts, nonces and identifiers, not keys).
    public static func bytes(count: Int) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        try result.withUnsafeMutableBytes { try fill($0) }
        return result
    }
}
