/// Failures of the cryptographic layer.
///
/// Callers above the workflow layer never show these cases to users one by one:
/// an authentication failure, a truncated blob and a wrong key all surface as one
/// opaque "stored data failed authentication" message, while tests and logs for
/// developers can tell them apart.
public enum CryptoError: Error, Equatable, Sendable {
    /// The operating system's random source failed.
    case randomUnavailable
    /// A key, nonce or tag had the wrong length for the algorithm.
    case invalidLength(String)
    /// An AEAD tag did not verify: wrong key, wrong associated data or modified bytes.
    case authenticationFailed
    /// The C2SP key commitment did not match: wrong key or wrong context.
    case commitmentMismatch
    /// The ciphertext ended before its short final chunk.
    case truncated
    /// Bytes follow the short final chunk.
    case trailingData
    /// The message would exceed the maximum number of chunks.
    case messageTooLong
    /// A key-derivation parameter was outside the accepted bounds.
    case unacceptableParameters(String)
    /// OpenSSL reported an internal failure in the named operation.
    case library(String)
}
