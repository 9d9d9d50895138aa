internal import COpenSSL

/// Cost parameters for scrypt (RFC 7914).
public struct ScryptParameters: Equatable, Sendable {
    /// log2 of the CPU/memory cost N.
    public var logN: Int
    /// Block size r.
    public var r: Int
    /// Parallelisation p.
    public var p: Int

    /// The parameters new password keyslots use: N = 2^17, r = 8, p = 1 (128 MiB).
    public static let standard = ScryptParameters(logN: 17, r: 8, p: 1)

    /// Creates parameters without checking them; see ``validatedForStorage()``.
    public init(logN: Int, r: Int, p: Int) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// Memory scrypt needs for these parameters: 128 · r · (N + p) bytes, plus slack.
    public var memoryBytes: UInt64 {
        128 * UInt64(r) * ((UInt64(1) << UInt64(logN)) + UInt64(p)) + 1 << 20
    }

    /// The most memory (128 · r · N bytes) stored parameters may ask for: 4 GiB.
    public static let maximumMemory = 4 << 30

    /// Accepts parameters read from a stored keyslot only within sane bounds.
    ///
    /// A tampered keyslot could otherwise ask for a weak derivation (tiny N) or for
    /// gigabytes of memory; both are refused: log2 N in 17…22, r in 8…32, p in 1…4,
    /// and 128 · r · N at most ``maximumMemory``.
    public func validatedForStorage() throws -> ScryptParameters {
        guard (17...22).contains(logN) else { throw CryptoError.unacceptableParameters("scrypt log2 N \(logN)") }
        guard (8...32).contains(r) else { throw CryptoError.unacceptableParameters("scrypt r \(r)") }
        guard (1...4).contains(p) else { throw CryptoError.unacceptableParameters("scrypt p \(p)") }
        // Each bound alone still allows 128 · 32 · 2^22 bytes = 16 GiB; a tampered slot must not
        // make a login allocate that, so the memory scrypt needs is bounded too.
        guard 128 * r << logN <= Self.maximumMemory else {
            throw CryptoError.unacceptableParameters("scrypt memory 128·r·N above 4 GiB")
        }
        return self
    }
}

/// The scrypt password-based key derivation function, with an explicit memory limit.
public enum Scrypt {
    /// Derives `length` bytes from `password` and `salt`.
    ///
    /// `parameters` are used as given (tests use small ones); values read from disk go
    /// through ``ScryptParameters/validatedForStorage()`` first. `maxmem` is set to what
    /// the parameters need, so OpenSSL's own 32 MiB default never silently fails.
    public static func derive(password: SecretBytes, salt: [UInt8], parameters: ScryptParameters, length: Int = 32)
        throws -> SecretBytes
    {
        guard (1...40).contains(parameters.logN), parameters.r >= 1, parameters.p >= 1 else {
            throw CryptoError.unacceptableParameters("scrypt parameters")
        }
        guard length > 0 else { throw CryptoError.invalidLength("scrypt output") }
        let output = SecretBytes(zeroedCount: length)
        let placeholder: [UInt8] = [0]
        let ok = output.withUnsafeMutableBytes { out in
            password.withUnsafeBytes { pass in
                salt.withUnsafeBytes { saltBytes in
                    placeholder.withUnsafeBytes { empty in
                        libcrypto.EVP_PBE_scrypt(
                            (pass.baseAddress ?? empty.baseAddress)?.assumingMemoryBound(to: CChar.self), pass.count,
                            (saltBytes.baseAddress ?? empty.baseAddress)?.assumingMemoryBound(to: UInt8.self),
                            saltBytes.count,
                            UInt64(1) << UInt64(parameters.logN), UInt64(parameters.r), UInt64(parameters.p),
                            parameters.memoryBytes,
                            out.bindMemory(to: UInt8.self).baseAddress, out.count) == 1
                    }
                }
            }
        }
        guard ok else { throw CryptoError.library("EVP_PBE_scrypt") }
        return output
    }
}
