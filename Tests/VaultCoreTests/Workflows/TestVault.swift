import Foundation
import Testing

@testable import VaultCore

/// A temporary folder of its own for one test, removed when the value is released.
final class TestVaultFolder {
    /// The folder's absolute path.
    let path: String

    /// Creates a fresh, empty folder under the system's temporary directory.
    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = FileSystem.canonical(base) + "/docvault-core-" + UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `bytes` to `name` inside the folder and returns the file's path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8], mode: Int = 0o600) throws -> String {
        let target = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: target)
        return target
    }

    /// Writes the UTF-8 of `text` to `name` inside the folder and returns the file's path.
    @discardableResult
    func write(_ name: String, text: String, mode: Int = 0o600) throws -> String {
        try write(name, Array(text.utf8), mode: mode)
    }
}

/// A freshly created vault in its own temporary folder, with an archivist's session for content work.
///
/// The initial admin holds the role `admin` only, which gives no content access, so
/// the admin adds an `archivist,staff` user with a key file and ``session`` is theirs.
final class TestVault {
    /// The temporary folder holding `vault/`, `keys/` and test inputs.
    let folder: TestVaultFolder
    /// Where the vault and its keys live.
    let location: VaultLocation
    /// What `VaultSetup.create` returned.
    let creation: VaultCreation
    /// The opened vault.
    let vault: Vault
    /// The initial admin's session, opened with the admin's key file.
    let adminSession: Session
    /// The name of the archivist behind ``session``.
    let archivist: String
    /// The archivist's key file.
    let archivistKeyFile: String
    /// The archivist's (`archivist,staff`) session: files, lists, searches, shows and gets.
    let session: Session

    /// Creates a vault with fonds `fonds` and admin `admin`, adds `archivist`, and opens both sessions by key file.
    init(fonds: String = "J001", admin: String = "alice", archivist: String = "archie", password: String? = nil)
        throws
    {
        folder = try TestVaultFolder()
        location = VaultLocation(vault: folder.path + "/vault", keys: folder.path + "/keys")
        creation = try VaultSetup.create(
            at: location, fonds: fonds, admin: admin, password: password.map { SecretBytes(copying: Array($0.utf8)) })
        vault = try Vault.open(location)
        adminSession = try Session.open(vault: vault, userName: admin, credential: .keyFile(creation.keyFilePath))
        self.archivist = archivist
        archivistKeyFile = try #require(
            try UserAdministration.add(
                name: archivist, roles: [.archivist, .staff], credential: .keyFile, session: adminSession))
        session = try Session.open(vault: vault, userName: archivist, credential: .keyFile(archivistKeyFile))
    }

    /// Adds user `name` with `roles` and a key file (as the admin) and opens a session as them.
    func user(_ name: String, roles: [Role]) throws -> Session {
        let path = try #require(
            try UserAdministration.add(name: name, roles: roles, credential: .keyFile, session: adminSession))
        return try Session.open(vault: vault, userName: name, credential: .keyFile(path))
    }

    /// The name of the approver behind ``approver()``.
    let approverName = "pat"
    private var approverSession: Session?

    /// A session of an `approver`-only user, added by the admin (with a key file) on first use.
    func approver() throws -> Session {
        if let approverSession { return approverSession }
        let session = try user(approverName, roles: [.approver])
        approverSession = session
        return session
    }

    /// Gives the archivist an approved loan (default period) covering `references`.
    ///
    /// The archivist requests it and ``approver()`` approves it, as `get` needs for every role.
    @discardableResult
    func lend(_ references: String...) throws -> LoanDetails {
        let request = try Borrowing.request(
            scope: .references(references), purpose: "test access", days: nil, session: session)
        return try Borrowing.approve(request.id, days: nil, session: try approver())
    }

    /// Every audit entry as stored, by sequence number.
    func auditEntries() throws -> [AuditEntry] {
        try database.query("SELECT * FROM audit_log ORDER BY seq").map(AuditEntry.init(row:))
    }

    /// The newest audit entry.
    func lastAudit() throws -> AuditEntry {
        try #require(try auditEntries().last)
    }

    /// The audit entries after sequence number `seq`.
    func auditEntries(after seq: Int) throws -> [AuditEntry] {
        try auditEntries().filter { $0.seq > seq }
    }

    /// The number of audit entries.
    func auditCount() throws -> Int {
        try database.queryOne("SELECT COUNT(*) AS n FROM audit_log")?.int("n") ?? -1
    }

    /// Every row of every table except the audit log, as text: what "nothing changed" compares.
    func catalogueSnapshot() throws -> [String] {
        let tables = try database.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'audit_log' ORDER BY name"
        ).compactMap { $0.string("name") }
        var lines: [String] = []
        for table in tables {
            // Some tables (loan_items) have no rowid, so rows are compared in sorted order instead.
            lines += try database.query("SELECT * FROM \(table)").map { "\(table): \($0.values)" }.sorted()
        }
        return lines
    }

    /// Opens the sealed sensitive details of `entry` with the archivist's keys.
    func openSealed(_ entry: AuditEntry) throws -> String? {
        try entry.sensitiveSealed.map { try session.keys.openAudit($0, seq: entry.seq) }
    }

    /// The catalogue connection of the opened vault.
    var database: Database { vault.database }

    /// Writes an input document `name` with `bytes` outside the vault folder and returns its path.
    func input(_ name: String, _ bytes: [UInt8]) throws -> String {
        try folder.write("inputs/" + name, bytes)
    }

    /// Writes an input document `name` holding the UTF-8 of `text` and returns its path.
    func input(_ name: String, text: String) throws -> String {
        try input(name, Array(text.utf8))
    }

    /// Files `paths` in `category` and `year`, letting `configure` fill in the rest of the request.
    @discardableResult
    func file(
        _ paths: [String], category: String = "CL", year: Int = 2024,
        configure: (inout FilingRequest) -> Void = { _ in }
    ) throws -> [FiledDocument] {
        var request = FilingRequest(paths: paths, category: category, year: year)
        configure(&request)
        return try Filing.file(request, session: session)
    }

    /// Files `paths` as `session` (another actor than the archivist).
    @discardableResult
    func fileAs(_ session: Session, _ paths: [String], category: String = "CL", year: Int = 2024) throws
        -> [FiledDocument]
    {
        try Filing.file(FilingRequest(paths: paths, category: category, year: year), session: session)
    }

    /// Files one document holding `text` and returns its reference.
    func fileText(
        _ text: String, name: String = "doc.txt", category: String = "CL", year: Int = 2024,
        configure: (inout FilingRequest) -> Void = { _ in }
    ) throws -> String {
        let path = try input(UUID().uuidString + "-" + name, text: text)
        let filed = try file([path], category: category, year: year, configure: configure)
        return try #require(filed.first).reference
    }

    /// The raw `documents` row of `reference`.
    func row(_ reference: String) throws -> Row {
        try #require(try database.queryOne("SELECT * FROM documents WHERE reference = ?", [reference]))
    }

    /// The path of the blob file that holds `reference`.
    func blobPath(_ reference: String) throws -> String {
        vault.blobs.path(blobID: try #require(try row(reference).string("blob_id")))
    }

    /// Every committed `.blob` file under the vault's blob folder.
    func blobFiles() -> [String] {
        let root = location.blobsPath
        let all = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []
        return all.filter { $0.hasSuffix(".blob") }.sorted()
    }

    /// The entries of the blob store's temporary folder.
    func temporaryBlobEntries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: location.blobsPath + "/tmp")
    }

    /// The number of rows in `documents`.
    func documentCount() throws -> Int {
        try database.queryOne("SELECT COUNT(*) AS n FROM documents")?.int("n") ?? -1
    }

    /// Decrypts `reference` as `reader` (default: the archivist) into a new file outside the vault; returns it.
    func get(_ reference: String, as reader: Session? = nil) throws -> [UInt8] {
        let output = folder.path + "/out-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: output) }
        try Retrieval.get(reference, to: .file(output, overwrite: false), session: reader ?? session)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
    }

    /// Runs `body`, which must fail with `kind` (exit status `exit`) and a message containing `message`.
    ///
    /// Checks that no table but the audit log changed and that exactly one audit entry was
    /// appended: `action` with `outcome` and exactly `details`. Returns that entry for further checks.
    @discardableResult
    func expectFailure(
        _ kind: VaultError.Kind, exit: Int32, message: String, logged action: String, _ outcome: AuditOutcome,
        details: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) throws -> AuditEntry {
        let before = try catalogueSnapshot()
        let entries = try auditCount()
        let error = #expect(throws: VaultError.self, sourceLocation: sourceLocation) { try body() }
        #expect(error?.kind == kind, "\(error?.message ?? "")", sourceLocation: sourceLocation)
        #expect(error?.exitCode == exit, sourceLocation: sourceLocation)
        #expect(
            error?.message.contains(message) == true, "\(error?.message ?? "no error")", sourceLocation: sourceLocation)
        #expect(try catalogueSnapshot() == before, "the catalogue changed", sourceLocation: sourceLocation)
        let added = try auditEntries().dropFirst(entries)
        #expect(added.count == 1, "\(added.map(\.action))", sourceLocation: sourceLocation)
        let entry = try #require(added.last, sourceLocation: sourceLocation)
        #expect(entry.action == action, sourceLocation: sourceLocation)
        #expect(entry.outcome == outcome, sourceLocation: sourceLocation)
        #expect(entry.details == details, sourceLocation: sourceLocation)
        return entry
    }

    /// Checks that `get` of `reference` as `reader` (default: the archivist) is refused as `expectFailure` does,
    /// writes no output, and is logged as a denied `get` of `reference` with exactly `details`.
    func expectGetRefused(
        _ reference: String, as reader: Session? = nil, kind: VaultError.Kind = .permissionDenied, exit: Int32 = 77,
        message: String, details: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let reader = reader ?? session
        let output = folder.path + "/refused-" + UUID().uuidString
        let entry = try expectFailure(
            kind, exit: exit, message: message, logged: "get", .denied, details: details, sourceLocation: sourceLocation
        ) { try Retrieval.get(reference, to: .file(output, overwrite: false), session: reader) }
        #expect(!FileManager.default.fileExists(atPath: output), sourceLocation: sourceLocation)
        #expect(entry.actor == reader.actor.name, sourceLocation: sourceLocation)
        #expect(entry.target == reference.uppercased(), sourceLocation: sourceLocation)
    }

    /// XORs the byte at `offset` of file `path` with `mask`; a negative offset counts from the end.
    static func flipByte(in path: String, at offset: Int, mask: UInt8 = 0x01) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let index = offset < 0 ? bytes.count + offset : offset
        bytes[index] ^= mask
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// The contents of file `path`, or an empty array when it does not exist.
    static func contents(of path: String) -> [UInt8] {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map { [UInt8]($0) } ?? []
    }

    /// Whether `needle` occurs anywhere in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == first && Array(haystack[index..<(index + needle.count)]) == needle { return true }
            index += 1
        }
        return false
    }

    /// The permission bits of `path`.
    static func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }
}

/// Fixed instants for loan tests: whole seconds, so stored ISO 8601 times compare exactly.
enum TestTime {
    /// 2030-01-01T00:00:00Z, far from the real clock so nothing depends on when the tests run.
    static let start = Date(timeIntervalSince1970: 1_893_456_000)
    /// One day in seconds, as due dates count them.
    static let day: TimeInterval = 86_400

    /// `days` days (and `seconds` more) after ``start``.
    static func after(days: Double, seconds: TimeInterval = 0) -> Date {
        start.addingTimeInterval(days * day + seconds)
    }
}

extension Session {
    /// Stops this session's clock at `date`, as `Session.clock` allows tests to.
    func freeze(at date: Date) {
        clock = { date }
    }
}

extension TestVault {
    /// The stored `loans` row of loan `id`.
    func loanRow(_ id: Int) throws -> LoanRow {
        try #require(try LoanTable.find(database, id: id))
    }

    /// Asks for a loan of `references` as `borrower` (default: the archivist).
    @discardableResult
    func request(
        _ references: [String], as borrower: Session? = nil, purpose: String = "claim review", days: Int? = nil
    ) throws -> LoanDetails {
        try Borrowing.request(
            scope: .references(references), purpose: purpose, days: days, session: borrower ?? session)
    }
}

/// A fresh temporary folder with a created blob store in its `blobs/`; the folder is removed with the fixture.
struct BlobStoreFixture {
    let folder: TestVaultFolder
    let store: FileBlobStore

    init() throws {
        folder = try TestVaultFolder()
        store = FileBlobStore(root: folder.path + "/blobs")
        try store.create()
    }

    /// The store's folder of partial blobs.
    var temporaryFolder: String { folder.path + "/blobs/tmp" }
}
