internal import COpenSSL

/// The hash functions the vault uses.
public enum HashFunction: Sendable {
    case sha256
    case sha512

    /// Output length in bytes.
    public var outputLength: Int {
        switch self {
        case .sha256: 32
        case .sha512: 64
        }
    }

    var evp: OpaquePointer? {
        switch self {
        case .sha256: libcrypto.EVP_sha256()
        case .sha512: libcrypto.EVP_sha512()
        }
    }
}

/// An incremental SHA-2 hash over a stream of bytes.
public final class StreamingHash {
    private let context: OpaquePointer
    /// The function this hasher computes.
    public let function: HashFunction

    /// Starts a new hash computation.
    public init(_ function: HashFunction) throws {
        guard let ctx = libcrypto.EVP_MD_CTX_new() else { throw CryptoError.library("EVP_MD_CTX_new") }
        guard libcrypto.EVP_DigestInit_ex(ctx, function.evp, nil) == 1 else {
            libcrypto.EVP_MD_CTX_free(ctx)
            throw CryptoError.library("EVP_DigestInit_ex")
        }
        self.context = ctx
        self.function = function
    }

    deinit { libcrypto.EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the hash.
    public func update(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        guard libcrypto.EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1 else {
            throw CryptoError.library("EVP_DigestUpdate")
        }
    }

    /// Adds `bytes` to the hash.
    public func update(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try update($0) }
    }

    /// Returns the digest; the hasher must not be used afterwards.
    public func finish() throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: function.outputLength)
        var length: UInt32 = 0
        guard libcrypto.EVP_DigestFinal_ex(context, &out, &length) == 1 else {
            throw CryptoError.library("EVP_DigestFinal_ex")
        }
        return out
    }

    /// Hashes `bytes` in one call.
    public static func digest(_ function: HashFunction, _ bytes: [UInt8]) throws -> [UInt8] {
        let hasher = try StreamingHash(function)
        try hasher.update(bytes)
        return try hasher.finish()
    }
}

/// HMAC over SHA-256 or SHA-512.
public enum HMAC {
    /// Computes HMAC(`key`, `message`) with `function`.
    public static func authenticate(
        _ function: HashFunction, key: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer
    ) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: function.outputLength)
        var length: UInt32 = 0
        // OpenSSL wants non-null pointers even for an empty key or message.
        let placeholder: [UInt8] = [0]
        let result = placeholder.withUnsafeBytes { placeholderBytes in
            out.withUnsafeMutableBufferPointer { outBuffer in
                libcrypto.HMAC(
                    function.evp, key.baseAddress ?? placeholderBytes.baseAddress, Int32(key.count),
                    (message.baseAddress ?? placeholderBytes.baseAddress)?.assumingMemoryBound(to: UInt8.self),
                    message.count,
                    outBuffer.baseAddress, &length)
            }
        }
        guard result != nil, Int(length) == function.outputLength else { throw CryptoError.library("HMAC") }
        return out
    }

    /// Computes HMAC(`key`, `message`) with `function`.
    public static func authenticate(_ function: HashFunction, key: SecretBytes, message: [UInt8]) throws -> [UInt8] {
        try key.withUnsafeBytes { k in
            try message.withUnsafeBytes { m in try authenticate(function, key: k, message: m) }
        }
    }
}
