internal import COpenSSL

#if canImport(Glibc)
    import Glibc
#endif

/// Key material that zeroes itself when released and compares in constant time.
///
/// The bytes live in one heap allocation owned by this class and are wiped with
/// `explicit_bzero` (which the optimiser may not drop) in `deinit`. There is no accessor that returns an `Array`;
/// callers borrow the bytes through `withUnsafeBytes` for the duration of a call.
public final class SecretBytes: @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer

    /// The number of secret bytes.
    public var count: Int { storage.count }

    /// Allocates `count` zero bytes.
    public init(zeroedCount count: Int) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 0), alignment: 16)
        if count > 0 { storage.initializeMemory(as: UInt8.self, repeating: 0) }
    }

    /// Copies `bytes` into a new secret; the caller remains responsible for the source.
    public convenience init<Bytes: Collection>(copying bytes: Bytes) where Bytes.Element == UInt8 {
        self.init(zeroedCount: bytes.count)
        for (index, byte) in bytes.enumerated() { storage[index] = byte }
    }

    /// Returns `count` bytes from the operating system's secure random source.
    public static func random(count: Int) throws -> SecretBytes {
        let secret = SecretBytes(zeroedCount: count)
        try secret.withUnsafeMutableBytes { try SecureRandom.fill($0) }
        return secret
    }

    deinit {
        if let base = storage.baseAddress { explicit_bzero(base, storage.count) }
        storage.deallocate()
    }

    /// Lends the bytes read-only for the duration of `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(storage))
    }

    /// Lends the bytes for writing for the duration of `body`.
    public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(storage)
    }

    /// Compares two secrets in time that depends only on their lengths.
    public func constantTimeEquals(_ other: SecretBytes) -> Bool {
        guard count == other.count else { return false }
        if count == 0 { return true }
        return withUnsafeBytes { mine in
            other.withUnsafeBytes { theirs in
                libcrypto.CRYPTO_memcmp(mine.baseAddress, theirs.baseAddress, mine.count) == 0
            }
        }
    }

    /// Returns a new secret holding `range` of this one.
    public func slice(_ range: Range<Int>) -> SecretBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        let part = SecretBytes(zeroedCount: range.count)
        part.withUnsafeMutableBytes { target in
            withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[range]))
            }
        }
        return part
    }
}

extension SecretBytes: Equatable {
    /// Constant-time equality; see ``constantTimeEquals(_:)``.
    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        lhs.constantTimeEquals(rhs)
    }
}

/// Compares two byte sequences in time that depends only on their lengths.
public func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    if lhs.isEmpty { return true }
    return lhs.withUnsafeBytes { a in
        rhs.withUnsafeBytes { b in libcrypto.CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 }
    }
}

/// Overwrites an array's bytes with zeros in a way the optimiser keeps.
public func secureZero(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buffer in
        if let base = buffer.baseAddress { explicit_bzero(base, buffer.count) }
    }
}
