import Foundation

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
    /// revoked, returned, denied, destroyed) and is logged with that reason in clear. The get is logged with its loan id in the transaction
    /// that wraps the decryption; `progress` receives bytes done and the document's size.
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
        return try session.perform(.get, target: reference.uppercased(), note: note) { note in
            let row = try CatalogQueries.row(reference, session: session)
            let loan = try LoanAccess.requireLoan(for: row, session: session, note: &note)
            let details = try DocumentDetails.open(row, keys: session.keys)
            note.details.append("loan=\(loan)")
            note.details.append("size=\(row.size)")
            let path = try deliver(row, details: details, to: destination, session: session) {
                progress?($0, row.size)
            }
            return (details, path)
        }
    }

    private static func deliver(
        _ row: DocumentRow, details: DocumentDetails, to destination: OutputDestination, session: Session,
        progress: @escaping (Int) -> Void
    ) throws -> String? {
        let version = UInt32(row.version)
        let dataKey = try session.unwrapDataKey(
            row.wrappedDataKey, epoch: row.keyEpoch, documentUID: row.uid, version: version)
        let binding = BlobBinding(vaultID: session.vault.meta.vaultID, documentUID: row.uid, version: version)
        let expected = try session.keys.open(row.sha256Sealed, field: "sha256", documentUID: row.uid) ?? []
        func decrypt(into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
            do {
                let digest = try EncryptedBlob.decrypt(
                    blobID: row.blobID, store: session.vault.blobs, dataKey: dataKey, binding: binding,
                    plaintextSize: row.size, sink: sink, progress: progress)
                guard constantTimeEquals(digest, expected) else { throw BlobError.digestMismatch }
            } catch let error as BlobError {
                throw integrityError(reference: row.reference, error)
            }
        }
        let path: String
        let overwrite: Bool
        switch destination {
        case .standardOutput:
            let out = FileDescriptor(rawValue: STDOUT_FILENO, owned: false)
            try decrypt { try out.write($0) }
            return nil
        case .file(let given, let replace):
            path = given
            overwrite = replace
        case .originalName(let folder, let replace):
            path = folder + "/" + safeFileName(details)
            overwrite = replace
        }
        try writeAtomically(to: path, overwrite: overwrite, vaultFolder: session.vault.location.vault) { fd in
            var written = 0
            var flushed = 0
            try decrypt { bytes in
                try fd.write(bytes)
                written += bytes.count
                if written - flushed >= FileDescriptor.writebackStep {
                    fd.startWriteback(offset: flushed, length: written - flushed)
                    flushed = written
                }
            }
        }
        return path
    }

    /// The original file name as a plain base name, or the reference when it is unusable.
    static func safeFileName(_ details: DocumentDetails) -> String {
        let base = ((details.fileName ?? "") as NSString).lastPathComponent
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
        // Resolve the folder, not the file: the file does not exist yet, and a symbolic
        // link in the folder path must not lead plaintext into the vault.
        let given = URL(fileURLWithPath: path).standardizedFileURL
        let folder = FileSystem.canonical(given.deletingLastPathComponent().path)
        let absolute = folder == "/" ? "/" + given.lastPathComponent : folder + "/" + given.lastPathComponent
        let vault = FileSystem.canonical(vaultFolder)
        if absolute == vault || absolute.hasPrefix(vault + "/") {
            throw VaultError.usage(
                "refusing to write plaintext inside the vault folder; choose an output outside \(vaultFolder)")
        }
        guard FileSystem.isDirectory(folder) else { throw VaultError.inputMissing("no such folder: \(folder)") }
        if FileSystem.isDirectory(absolute) {
            throw VaultError.usage("\(path) is a directory; give a file name with -o")
        }
        if !overwrite && FileManager.default.fileExists(atPath: absolute) {
            throw VaultError.failure("\(path) already exists; choose another name with -o or pass --force")
        }
        let name = (absolute as NSString).lastPathComponent
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
