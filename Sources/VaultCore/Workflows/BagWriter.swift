import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Writes one BagIt 1.0 bag (RFC 8493) into a temporary folder: payload, manifests and tag files.
final class BagWriter {
    private let fonds: String
    private let actor: String
    private let date: Date
    private var temporary = ""
    /// `<sha256 hex>  data/...` lines of the payload manifest, in the order written.
    private var manifest: [String] = []
    /// Payload bytes written so far.
    private(set) var octets = 0
    /// Payload files written so far.
    private(set) var files = 0

    init(fonds: String, actor: String, date: Date) {
        self.fonds = fonds
        self.actor = actor
        self.date = date
    }

    /// Creates `<absolute>.partial-<random>` (mode 0700) with its `data` folder; returns its path.
    func begin(_ absolute: String) throws -> String {
        temporary = "\(absolute).partial-\(try SecureRandom.bytes(count: 6).hexString)"
        try FileSystem.makeDirectory(temporary, mode: 0o700)
        try FileSystem.makeDirectory(temporary + "/data", mode: 0o700)
        return temporary
    }

    /// Decrypts one document into `data/<reference>/` with its `metadata.json`; the digest must match the sealed one.
    func add(
        _ document: TransferPackage.PreparedDocument, store: BlobStore, progress: @escaping (Int) -> Void
    ) throws {
        let reference = document.row.reference
        let folder = "data/\(reference)"
        try FileSystem.makeDirectory(temporary + "/" + folder, mode: 0o700)
        var name = Retrieval.safeFileName(document.details)
        if name == "metadata.json" { name = "\(reference)-metadata.json" }
        let fd = try FileDescriptor.createExclusively("\(temporary)/\(folder)/\(name)", mode: 0o600)
        let digest: [UInt8]
        do {
            digest = try EncryptedBlob.decrypt(
                blobID: document.row.blobID, store: store, dataKey: document.content.dataKey,
                binding: document.content.binding, plaintextSize: document.row.size, sink: { try fd.write($0) },
                progress: progress)
            guard constantTimeEquals(digest, document.content.expected) else { throw BlobError.digestMismatch }
        } catch let error as BlobError {
            throw Retrieval.integrityError(reference: reference, error)
        }
        try fd.sync()
        record("\(folder)/\(name)", digest: digest, size: document.row.size)
        let metadata = try Self.metadata(document.details)
        try write("\(folder)/metadata.json", metadata)
        record("\(folder)/metadata.json", digest: try StreamingHash.digest(.sha256, metadata), size: metadata.count)
        try FileSystem.syncDirectory(temporary + "/" + folder)
    }

    /// Writes bag-info.txt, bagit.txt and both manifests, and syncs the folder.
    func finish(loans: [Int]) throws {
        let day = String(Timestamp.format(date).prefix(10))
        var info = ["Source-Organization: \(Self.tagValue(fonds))", "Bagging-Date: \(day)"]
        info += loans.map { "External-Identifier: loan \($0)" }
        info += ["Contact-Name: \(Self.tagValue(actor))", "Payload-Oxum: \(octets).\(files)"]
        let tagFiles: [(String, [UInt8])] = [
            ("bagit.txt", Array("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8)),
            ("bag-info.txt", Self.lines(info)),
            ("manifest-sha256.txt", Self.lines(manifest)),
        ]
        var tags: [String] = []
        for (name, bytes) in tagFiles {
            try write(name, bytes)
            tags.append("\(try StreamingHash.digest(.sha256, bytes).hexString)  \(name)")
        }
        try write("tagmanifest-sha256.txt", Self.lines(tags))
        try FileSystem.syncDirectory(temporary + "/data")
        try FileSystem.syncDirectory(temporary)
    }

    /// `lines` as UTF-8, each ended by LF.
    static func lines(_ lines: [String]) -> [UInt8] {
        Array(lines.map { $0 + "\n" }.joined().utf8)
    }

    private func record(_ path: String, digest: [UInt8], size: Int) {
        manifest.append("\(digest.hexString)  \(Self.manifestPath(path))")
        octets += size
        files += 1
    }

    private func write(_ relative: String, _ bytes: [UInt8]) throws {
        let fd = try FileDescriptor.createExclusively(temporary + "/" + relative, mode: 0o600)
        try bytes.withUnsafeBytes { try fd.write($0) }
        try fd.sync()
    }

    /// A manifest path with CR, LF and % percent-encoded, as RFC 8493 section 2.1.3 asks.
    static func manifestPath(_ path: String) -> String {
        path.replacingEvery("%", with: "%25").replacingEvery("\n", with: "%0A")
            .replacingEvery("\r", with: "%0D")
    }

    /// A tag value on one line.
    static func tagValue(_ text: String) -> String {
        text.replacingEvery("\r", with: " ").replacingEvery("\n", with: " ")
    }

    /// The document's `metadata.json`: catalogue fields without customer name or ID.
    static func metadata(_ details: DocumentDetails) throws -> [UInt8] {
        let fields = ExportMetadata(
            reference: details.reference, category: details.category, year: details.year, type: details.type,
            date: details.date, title: details.title, policy: details.policyNo, claim: details.claimNo,
            mediaType: details.mediaType, size: details.size, sha256: details.sha256, filedAt: details.filedAt,
            filedBy: details.filedBy)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(fields)) + [0x0A]
    }
}

/// The fields of a package's `metadata.json`; customer name and ID stay in the vault.
struct ExportMetadata: Encodable {
    let reference: String
    let category: String
    let year: Int
    let type: String?
    let date: String?
    let title: String?
    let policy: String?
    let claim: String?
    let mediaType: String
    let size: Int
    let sha256: String
    let filedAt: String
    let filedBy: String

    enum CodingKeys: String, CodingKey {
        case reference, category, year, type, date, title, policy, claim
        case mediaType = "media_type"
        case size, sha256
        case filedAt = "filed_at"
        case filedBy = "filed_by"
    }
}
