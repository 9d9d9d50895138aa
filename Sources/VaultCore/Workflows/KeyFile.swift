import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// A user's key file: the secret that opens the user's keyfile keyslot.
///
/// Text, four lines (FileFormat.md, "Key files"):
/// `docvault key file v1`, `vault <32 hex>`, `user <name>`, `secret <64 hex>`.
/// Created with mode 0600; a file group or others can read is refused.
public struct KeyFile {
    /// The first line of every key file.
    static let firstLine = "docvault key file v1"
    /// The vault the key belongs to.
    public let vaultID: [UInt8]
    /// The user the key belongs to.
    public let user: String
    /// The 32-byte secret.
    public let secret: SecretBytes

    /// Writes a new key file at `path` (mode 0600); refuses to replace an existing file.
    static func create(at path: String, vaultID: [UInt8], user: String, secret: SecretBytes) throws {
        var text = Array("\(firstLine)\nvault \(vaultID.hexString)\nuser \(user)\nsecret ".utf8)
        var secretHex = secret.withUnsafeBytes { Array([UInt8]($0).hexString.utf8) }
        text += secretHex
        text.append(0x0A)
        defer {
            secureZero(&secretHex)
            secureZero(&text)
        }
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.createExclusively(path, mode: 0o600)
        } catch let failure as POSIXFailure where failure.code == EEXIST {
            throw VaultError.failure("key file \(path) already exists; move it away or choose another --keys folder")
        }
        try text.withUnsafeBytes { try fd.write($0) }
        try fd.sync()
        try FileSystem.syncDirectory(PathName.parent(path))
    }

    /// Reads and checks the key file at `path`.
    ///
    /// Missing → permission denied (77) naming the file; readable by group or
    /// others → permission denied with the `chmod` that fixes it; malformed → data error (65).
    public static func read(at path: String) throws -> KeyFile {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.openForReading(path)
        } catch let failure as POSIXFailure {
            if failure.code == ENOENT {
                throw VaultError.denied("key file \(path) not found; pass --key-file or set DOCVAULT_KEY_FILE")
            }
            throw VaultError.denied("cannot read key file \(path): \(failure.reason)")
        }
        let info = try fd.status()
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw VaultError.denied("key file \(path) is not a regular file")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw VaultError.denied(
                "key file \(path) is readable by other users; run: chmod 600 \(path)")
        }
        guard info.st_size <= 4096 else { throw VaultError.dataError("key file \(path) is damaged (too large)") }
        var raw = [UInt8](repeating: 0, count: Int(info.st_size))
        defer { secureZero(&raw) }
        let count = try raw.withUnsafeMutableBytes { try fd.readFully(into: $0) }
        guard let parsed = parse(Array(raw[0..<count])) else {
            throw VaultError.dataError("key file \(path) is damaged; restore it from your backup copy")
        }
        return parsed
    }

    /// Parses key file bytes; nil when they are not a well-formed key file.
    ///
    /// ``read(at:)`` calls this after its file checks; `package` so the fuzz harness can call it on raw bytes.
    package static func parse(_ raw: [UInt8]) -> KeyFile? {
        let lines = raw.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        guard lines.count >= 4, String(decoding: lines[0], as: UTF8.self) == firstLine else { return nil }
        func value(_ line: [UInt8], _ key: String) -> [UInt8]? {
            let prefix = Array((key + " ").utf8)
            guard line.starts(with: prefix) else { return nil }
            return Array(line[prefix.count...])
        }
        guard let vaultHex = value(lines[1], "vault"),
            let vaultID = [UInt8](hex: String(decoding: vaultHex, as: UTF8.self)),
            vaultID.count == 16,
            let userBytes = value(lines[2], "user"), !userBytes.isEmpty,
            var secretHex = value(lines[3], "secret"), secretHex.count == 64
        else { return nil }
        defer { secureZero(&secretHex) }
        guard var secretBytes = [UInt8](hex: String(decoding: secretHex, as: UTF8.self)) else { return nil }
        defer { secureZero(&secretBytes) }
        for line in lines[4...] where !line.isEmpty { return nil }
        return KeyFile(
            vaultID: vaultID, user: String(decoding: userBytes, as: UTF8.self),
            secret: SecretBytes(copying: secretBytes))
    }
}
