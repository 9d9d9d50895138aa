/// HKDF (RFC 5869) over HMAC-SHA-256 or HMAC-SHA-512.
///
/// Written over the one-shot HMAC so that `info` has no length limit (OpenSSL 3.0's
/// EVP_PKEY HKDF caps it at 1024 bytes). Intermediate blocks are zeroed after use.
public enum HKDF {
    /// Extract-then-expand: derives `length` bytes from `ikm`, `salt` and `info`.
    public static func deriveKey(
        _ function: HashFunction, inputKey ikm: SecretBytes, salt: [UInt8], info: [UInt8], length: Int
    ) throws -> SecretBytes {
        let prk = try extract(function, inputKey: ikm, salt: salt)
        return try expand(function, pseudoRandomKey: prk, info: info, length: length)
    }

    /// HKDF-Extract: PRK = HMAC(salt, IKM); an empty salt means HashLen zero bytes.
    public static func extract(_ function: HashFunction, inputKey ikm: SecretBytes, salt: [UInt8]) throws
        -> SecretBytes
    {
        let effectiveSalt = salt.isEmpty ? [UInt8](repeating: 0, count: function.outputLength) : salt
        var prk = try effectiveSalt.withUnsafeBytes { saltBytes in
            try ikm.withUnsafeBytes { ikmBytes in try HMAC.authenticate(function, key: saltBytes, message: ikmBytes) }
        }
        defer { secureZero(&prk) }
        return SecretBytes(copying: prk)
    }

    /// HKDF-Expand: OKM = T(1) || T(2) || … truncated to `length` bytes.
    public static func expand(_ function: HashFunction, pseudoRandomKey prk: SecretBytes, info: [UInt8], length: Int)
        throws -> SecretBytes
    {
        let hashLength = function.outputLength
        guard length >= 0, length <= 255 * hashLength else { throw CryptoError.invalidLength("HKDF output") }
        let output = SecretBytes(zeroedCount: length)
        var previous: [UInt8] = []
        var block: [UInt8] = []
        defer {
            secureZero(&previous)
            secureZero(&block)
        }
        var produced = 0
        var counter: UInt8 = 1
        while produced < length {
            block.removeAll(keepingCapacity: true)
            block.append(contentsOf: previous)
            block.append(contentsOf: info)
            block.append(counter)
            secureZero(&previous)
            previous = try prk.withUnsafeBytes { key in
                try block.withUnsafeBytes { message in try HMAC.authenticate(function, key: key, message: message) }
            }
            let take = min(hashLength, length - produced)
            output.withUnsafeMutableBytes { out in
                for index in 0..<take { out[produced + index] = previous[index] }
            }
            produced += take
            counter &+= 1
        }
        return output
    }
}
