import FoundationEssentials

/// The `MANIFEST` of a backup folder: what the backup holds and each file's SHA-256.
///
/// UTF-8 text (FileFormat.md, "Backups"): the header line `docvault backup v1`, then
/// `vault`, `fonds`, `created`, `schema` and `audit-head` lines (`key value`), a blank
/// line, and one line per file, `sha256-hex  size  relative/path`, the catalogue first
/// and the blobs sorted by path.
public struct BackupManifest: Sendable, Equatable {
    /// One file the backup holds.
    public struct Entry: Sendable, Equatable {
        /// Lowercase hex SHA-256 of the contents.
        public var sha256: String
        /// Size in bytes.
        public var size: Int
        /// Path relative to the backup folder (`catalog.sqlite` or `blobs/ab/cd/ID.blob`).
        public var path: String

        /// Creates an entry.
        public init(sha256: String, size: Int, path: String) {
            self.sha256 = sha256
            self.size = size
            self.path = path
        }
    }

    /// The first line of every manifest of this format.
    public static let header = "docvault backup v1"
    /// The catalogue's path inside a backup.
    public static let cataloguePath = "catalog.sqlite"

    /// The vault id (32 lowercase hex digits).
    public var vaultID: String
    /// The fonds code.
    public var fonds: String
    /// When the backup's catalogue snapshot was taken (ISO 8601, UTC).
    public var created: String
    /// The catalogue's schema version (`PRAGMA user_version`).
    public var schemaVersion: Int
    /// The last sealed audit entry in the snapshot, `SEQ:MAC`, for `audit verify --anchor`.
    public var auditHead: String
    /// The files: the catalogue first, then blobs sorted by path.
    public var entries: [Entry]

    /// Creates a manifest; `entries` are put in manifest order.
    public init(
        vaultID: String, fonds: String, created: String, schemaVersion: Int, auditHead: String, entries: [Entry]
    ) {
        self.vaultID = vaultID
        self.fonds = fonds
        self.created = created
        self.schemaVersion = schemaVersion
        self.auditHead = auditHead
        self.entries = entries.sorted { a, b in
            if (a.path == Self.cataloguePath) != (b.path == Self.cataloguePath) { return a.path == Self.cataloguePath }
            return a.path < b.path
        }
    }

    /// The entries by path.
    public var byPath: [String: Entry] {
        Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The manifest as text, ending with a newline.
    public var text: String {
        var lines = [
            Self.header, "vault \(vaultID)", "fonds \(fonds)", "created \(created)", "schema \(schemaVersion)",
            "audit-head \(auditHead)", "",
        ]
        lines += entries.map { "\($0.sha256)  \($0.size)  \($0.path)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whether `path` is a relative path a manifest may name: the catalogue or a blob in the vault's layout.
    public static func isValidPath(_ path: String) -> Bool {
        if path == cataloguePath { return true }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0] == "blobs", parts[3].hasSuffix(".blob") else { return false }
        let id = String(parts[3].dropLast(".blob".count))
        guard FileBlobStore.isValidID(id) else { return false }
        return parts[1] == String(id.prefix(2)) && parts[2] == String(id.dropFirst(2).prefix(2))
    }

    /// Parses manifest text; throws a data error naming the first bad line.
    public static func parse(_ text: String) throws -> BackupManifest {
        func bad(_ line: Int, _ what: String) -> VaultError {
            VaultError.dataError("MANIFEST line \(line): \(what); the backup is damaged, make a new one")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard text.hasSuffix("\n"), lines.count >= 8 else {
            throw VaultError.dataError("MANIFEST is truncated; the backup is damaged, make a new one")
        }
        guard lines[0] == header else { throw bad(1, "expected '\(header)'") }
        var fields: [String: String] = [:]
        for (index, key) in ["vault", "fonds", "created", "schema", "audit-head"].enumerated() {
            let line = lines[index + 1]
            guard line.hasPrefix(key + " ") else { throw bad(index + 2, "expected '\(key) …'") }
            fields[key] = String(line.dropFirst(key.count + 1))
        }
        let vaultID = fields["vault"] ?? ""
        guard vaultID.count == 32, [UInt8](hex: vaultID) != nil, vaultID == vaultID.lowercased() else {
            throw bad(2, "the vault id is not 32 hex digits")
        }
        guard let schema = Int(fields["schema"] ?? ""), schema > 0 else { throw bad(5, "the schema is not a number") }
        let head = fields["audit-head"] ?? ""
        guard head == "-" || AuditAnchor(head) != nil else { throw bad(6, "the audit head is not SEQ:MAC") }
        guard lines[6].isEmpty else { throw bad(7, "expected an empty line") }
        var entries: [Entry] = []
        var seen: Set<String> = []
        for (offset, line) in lines.dropFirst(7).dropLast().enumerated() {
            let number = offset + 8
            let parts = line.components(separatedBy: "  ")
            guard parts.count == 3, parts[0].count == 64, [UInt8](hex: parts[0]) != nil,
                parts[0] == parts[0].lowercased(), let size = Int(parts[1]), size >= 0, String(size) == parts[1],
                isValidPath(parts[2])
            else { throw bad(number, "expected 'SHA256  SIZE  PATH'") }
            guard seen.insert(parts[2]).inserted else { throw bad(number, "\(parts[2]) is listed twice") }
            entries.append(Entry(sha256: parts[0], size: size, path: parts[2]))
        }
        guard entries.first?.path == cataloguePath else {
            throw VaultError.dataError("MANIFEST does not list catalog.sqlite first; the backup is damaged")
        }
        let manifest = BackupManifest(
            vaultID: vaultID, fonds: fields["fonds"] ?? "", created: fields["created"] ?? "", schemaVersion: schema,
            auditHead: head, entries: entries)
        guard manifest.entries == entries else {
            throw VaultError.dataError("MANIFEST lines are not sorted by path; the backup is damaged")
        }
        return manifest
    }
}
