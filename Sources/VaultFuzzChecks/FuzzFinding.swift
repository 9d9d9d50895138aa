import VaultCore

/// What a check made of one fuzz input when it found nothing wrong.
public enum FuzzOutcome: Equatable, Sendable {
    /// The input was refused, as it should be.
    case rejected
    /// The input was accepted; it is the genuine seed with this name.
    case accepted(String)
}

/// A violated property: the fuzzer must stop and keep the input (crash, forgery, wrong error).
public struct FuzzFinding: Error, CustomStringConvertible {
    /// One line saying which property failed.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The three fuzz targets; each feeds its input to real VaultCore parsing or decryption.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Blob files through `EncryptedBlob.decrypt` and `ChunkedDecryptor`.
    case blob
    /// Key file bytes through `KeyFile.parse`.
    case keyfile
    /// Keyslot fields through `KeyslotCrypto.open` with fixed credentials.
    case keyslot

    /// Runs the target's check on `input`; throws a ``FuzzFinding`` when a property is violated.
    public func check(_ input: [UInt8]) throws -> FuzzOutcome {
        switch self {
        case .blob: try BlobCheck.check(input)
        case .keyfile: try KeyFileCheck.check(input)
        case .keyslot: try KeyslotCheck.check(input)
        }
    }

    /// The genuine seed inputs, by file name; deterministic, so the committed corpus can be regenerated.
    public func seeds() throws -> [(name: String, bytes: [UInt8])] {
        switch self {
        case .blob: try FuzzFixtures.genuineBlobs().map { ($0.name, $0.blob) }
        case .keyfile: KeyFileCheck.genuineKeyFiles()
        case .keyslot: try KeyslotCheck.genuineSlots().map { ($0.name, KeyslotCheck.encode($0.record)) }
        }
    }
}
