import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Where `get` writes a decrypted document.
public enum OutputDestination: Sendable {
    /// A file, written through a temporary file beside it and renamed after the last chunk authenticates.
    case file(String, overwrite: Bool)
    /// The document's original file name (reduced to a safe base name) in `folder`.
    case originalName(inFolder: String, overwrite: Bool)
    /// Standard output; only authenticated chunks are written.
    case standardOutput
}

/// Retrieving documents: unwrap the data key, check the blob, stream authenticated plaintext out.
public enum Retrieval {
    /// Decrypts document `reference` to `destination` and returns its details and where it went.
    ///
    /// A blob that is missing, truncated, extended, swapped with another document's or
    /// altered in any byte fails with one data error (65) and leaves no output file.
    /// Only the borrower of an active, unexpired loan that covers the document may
    /// get it, whatever their role; a refusal names why (no loan, pending, expired,
    /// revoked, returned, denied, destroyed) and is logged with that reason in clear.
    /// The loan, the output, the data key and the blob's length, header and commitment
    /// are checked in the transaction that logs the get with its loan id; that entry
    /// commits before any plaintext leaves. A chunk that then fails authentication adds
    /// a `failed` entry. `progress` receives bytes done and the document's size.
    @discardableResult
    public static func get(
        _ reference: String, to destination: OutputDestination, session: Session,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> (details: DocumentDetails, path: String?) {
        var note = AuditNote()
        if case .standardOutput = destination {
            note.details = ["output=stdout"]
        } else {
            note.details = ["output=file"]
        }
        let target = reference.uppercased()
        // Everything that can be checked without plaintext is checked inside the transaction that logs
        // the access, so a refusal leaves one `failed` entry; the entry commits before any plaintext
        // leaves, and the (long) decryption runs outside the transaction, so filers are not kept waiting.
        let ready = try session.perform(.get, target: target, note: note) { note in
            let row = try CatalogQueries.row(reference, session: session)
            let loan = try LoanAccess.requireLoan(for: row, session: session, note: &note)
            let details = try DocumentDetails.open(row, keys: session.keys)
            note.details.append("loan=\(loan)")
            note.details.append("size=\(row.size)")
            let output = try PreparedOutput(destination, details: details, vaultFolder: session.vault.location.vault)
            let content = try PreparedContent(row, session: session)
            note.target = row.reference
            return (row: row, details: details, output: output, content: content, note: note)
        }
        do {
            let path = try deliver(ready.row, content: ready.content, to: ready.output, store: session.vault.blobs) {
                progress?($0, ready.row.size)
            }
            return (ready.details, path)
        } catch {
            session.recordFailure(action: .get, target: ready.row.reference, note: ready.note, error: error)
            throw error
        }
    }

    /// A document's data key and expected digest, its blob checked up to the first chunk.
    struct PreparedContent {
        let dataKey: SecretBytes
        let binding: BlobBinding
        let expected: [UInt8]

        init(_ row: DocumentRow, session: Session) throws {
            let version = UInt32(row.version)
            dataKey = try session.unwrapDataKey(
                row.wrappedDataKey, epoch: row.keyEpoch, documentUID: row.uid, version: version)
            binding = BlobBinding(vaultID: session.vault.meta.vaultID, documentUID: row.uid, version: version)
            expected = try session.keys.open(row.sha256Sealed, field: "sha256", documentUID: row.uid) ?? []
            do {
                try EncryptedBlob.checkHeader(
                    blobID: row.blobID, store: session.vault.blobs, dataKey: dataKey, binding: binding,
                    plaintextSize: row.size)
            } catch let error as BlobError {
                throw integrityError(reference: row.reference, error)
            }
        }
    }

    /// Where the plaintext goes, checked before access is logged: standard output or a file path.
    struct PreparedOutput {
        /// The absolute path to write, nil for standard output.
        let path: String?
        /// The path as given, for messages.
        let given: String
        let overwrite: Bool

        init(_ destination: OutputDestination, details: DocumentDetails, vaultFolder: String) throws {
            switch destination {
            case .standardOutput:
                path = nil
                given = "-"
                overwrite = false
                return
            case .file(let name, let replace):
                given = name
                overwrite = replace
            case .originalName(let folder, let replace):
                given = folder + "/" + safeFileName(details)
                overwrite = replace
            }
            path = try checkedOutputPath(given, overwrite: overwrite, vaultFolder: vaultFolder)
        }
    }

    private static func deliver(
        _ row: DocumentRow, content: PreparedContent, to output: PreparedOutput, store: BlobStore,
        progress: @escaping (Int) -> Void
    ) throws -> String? {
        func decrypt(into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
            do {
                let digest = try EncryptedBlob.decrypt(
                    blobID: row.blobID, store: store, dataKey: content.dataKey, binding: content.binding,
                    plaintextSize: row.size, sink: sink, progress: progress)
                guard constantTimeEquals(digest, content.expected) else { throw BlobError.digestMismatch }
            } catch let error as BlobError {
                throw integrityError(reference: row.reference, error)
            }
        }
        guard let path = output.path else {
            let out = FileDescriptor(rawValue: STDOUT_FILENO, owned: false)
            try decrypt { try out.write($0) }
            return nil
        }
        try writeChecked(path, given: output.given, overwrite: output.overwrite) { fd in
            var writeback = WritebackWindow()
            try decrypt { bytes in
                try fd.write(bytes)
                writeback.wrote(bytes.count, to: fd)
            }
        }
        return output.given
    }

    /// The original file name as a plain base name, or the reference when it is unusable.
    static func safeFileName(_ details: DocumentDetails) -> String {
        let base = PathName.last(details.fileName ?? "")
        return base.isEmpty || base.hasPrefix(".") ? details.reference : base
    }

    /// One opaque message for every way a blob can fail; the internal cause stays out of the user's view.
    static func integrityError(reference: String, _ error: BlobError) -> VaultError {
        if error == .missing {
            return VaultError.dataError("the stored blob of \(reference) is missing; restore it from a backup")
        }
        return VaultError.dataError(
            "the stored blob of \(reference) failed authentication (altered, truncated or replaced); restore it from a backup"
        )
    }

    /// Writes through `<dir>/.<name>.partial-<random>` (mode 0600), fsyncs and renames into place.
    static func writeAtomically(
        to path: String, overwrite: Bool, vaultFolder: String, body: (FileDescriptor) throws -> Void
    ) throws {
        let absolute = try checkedOutputPath(path, overwrite: overwrite, vaultFolder: vaultFolder)
        try writeChecked(absolute, given: path, overwrite: overwrite, body: body)
    }

    /// The absolute output path for `path`, refused when it is inside the vault, a folder, or exists without `overwrite`.
    static func checkedOutputPath(_ path: String, overwrite: Bool, vaultFolder: String) throws -> String {
        let absolute = try OutputPath.outsideVault(
            path, vaultFolder: vaultFolder, what: "plaintext", choice: "an output")
        if FileSystem.isDirectory(absolute) {
            throw VaultError.usage("\(path) is a directory; give a file name with -o")
        }
        if !overwrite && FileManager.default.fileExists(atPath: absolute) {
            throw VaultError.failure("\(path) already exists; choose another name with -o or pass --force")
        }
        return absolute
    }

    /// Writes `absolute` (already checked) through a temporary file beside it; `given` names it in messages.
    static func writeChecked(
        _ absolute: String, given path: String, overwrite: Bool, body: (FileDescriptor) throws -> Void
    ) throws {
        let folder = PathName.parent(absolute)
        let name = PathName.last(absolute)
        let temporary = "\(folder)/.\(name).partial-\(try SecureRandom.bytes(count: 6).hexString)"
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.createExclusively(temporary, mode: 0o600)
        } catch let failure as POSIXFailure {
            throw VaultError.failure("cannot write in \(folder): \(failure.reason.lowercased())")
        }
        do {
            try body(fd)
            try fd.sync()
            if overwrite {
                guard rename(temporary, absolute) == 0 else {
                    throw POSIXFailure(operation: "rename", path: absolute, code: errno)
                }
            } else {
                try FileSystem.renameNoReplace(temporary, absolute)
            }
            try FileSystem.syncDirectory(folder)
        } catch {
            unlink(temporary)
            if let failure = error as? POSIXFailure {
                throw VaultError.failure("cannot write \(path): \(failure.reason.lowercased())")
            }
            throw error
        }
    }
}
