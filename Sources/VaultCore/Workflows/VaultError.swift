/// A failure a user can act on: one line of text and the sysexits code the command exits with.
///
/// Messages never contain a secret or a customer's data; they name what to do next.
public struct VaultError: Error, Equatable, CustomStringConvertible {
    /// The class of failure, which fixes the exit code.
    public enum Kind: Sendable, Equatable {
        /// Something went wrong that is none of the below (exit 1).
        case failure
        /// The command was used incorrectly (exit 64).
        case usage
        /// Stored data failed an integrity or authentication check (exit 65).
        case dataError
        /// An input file, vault or record does not exist (exit 66).
        case inputMissing
        /// An output (a destination folder, a vault) cannot be created or would overwrite something (exit 73).
        case cannotCreate
        /// Reading or writing failed at the operating-system level: a full disk, an I/O error (exit 74).
        case ioError
        /// The vault is busy with work that excludes this command; try again later (exit 75).
        case temporaryFailure
        /// The actor may not do this or could not be authenticated (exit 77).
        case permissionDenied
    }

    /// The class of failure.
    public let kind: Kind
    /// The one-line message.
    public let message: String

    /// Creates an error of `kind` with `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The process exit code (sysexits.h).
    public var exitCode: Int32 {
        switch kind {
        case .failure: 1
        case .usage: 64
        case .dataError: 65
        case .inputMissing: 66
        case .cannotCreate: 73
        case .ioError: 74
        case .temporaryFailure: 75
        case .permissionDenied: 77
        }
    }

    /// The message.
    public var description: String { message }

    static func usage(_ message: String) -> VaultError { VaultError(.usage, message) }
    static func failure(_ message: String) -> VaultError { VaultError(.failure, message) }
    static func dataError(_ message: String) -> VaultError { VaultError(.dataError, message) }
    static func inputMissing(_ message: String) -> VaultError { VaultError(.inputMissing, message) }
    static func cannotCreate(_ message: String) -> VaultError { VaultError(.cannotCreate, message) }
    static func ioError(_ message: String) -> VaultError { VaultError(.ioError, message) }
    static func temporaryFailure(_ message: String) -> VaultError { VaultError(.temporaryFailure, message) }
    static func denied(_ message: String) -> VaultError { VaultError(.permissionDenied, message) }
}
