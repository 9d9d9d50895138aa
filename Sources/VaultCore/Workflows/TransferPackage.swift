import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Which documents `export` puts in a transfer package.
public enum ExportScope: Sendable, Equatable {
    /// These references.
    case references([String])
    /// Every active document filed under this policy number.
    case policy(String)
    /// Every active document filed under this claim number.
    case claim(String)
    /// Every active document of this category and year.
    case categoryYear(String, Int)
}

/// What an export wrote.
public struct ExportSummary: Sendable {
    /// The package folder, as given.
    public let path: String
    /// The references exported, in order.
    public let references: [String]
    /// The export loans that covered them.
    public let loans: [Int]
    /// Payload bytes (documents and their metadata files).
    public let octets: Int
    /// Payload files.
    public let files: Int
}

/// Transfer packages (移交): documents leave the vault as plaintext in a BagIt bag (RFC 8493).
///
/// Only the borrower of an active, unexpired export loan covering every document
/// may export. The documents, the output folder and the loans are checked in the
/// transaction that logs one `export` entry per document; the entries commit before
/// any plaintext leaves. The bag is written into a temporary sibling folder
/// (mode 0700) and renamed into place at the end; on any failure it is removed and
/// a `failed` entry is logged.
public enum TransferPackage {
    /// Exports the documents of `scope` as a BagIt package at `directory`, which must not exist.
    @discardableResult
    public static func export(
        _ scope: ExportScope, to directory: String, session: Session, progress: ((Int, Int) -> Void)? = nil
    ) throws -> ExportSummary {
        var note = AuditNote()
        note.details = ["output=bag"]
        let ready = try session.perform(.export, target: scopeText(scope), note: note) { note in
            let rows = try resolve(scope, session: session)
            let absolute = try checkedPackagePath(directory, vaultFolder: session.vault.location.vault)
            var documents: [PreparedDocument] = []
            for row in rows {
                var documentNote = AuditNote()
                documentNote.details = ["output=bag"]
                let loan: Int
                do {
                    loan = try LoanAccess.requireLoan(for: row, kind: .export, session: session, note: &documentNote)
                } catch {
                    note.details = documentNote.details + ["ref=\(row.reference)"]
                    note.outcome = documentNote.outcome
                    throw error
                }
                let details = try DocumentDetails.open(row, keys: session.keys)
                let content = try Retrieval.PreparedContent(row, session: session)
                documentNote.details += ["loan=\(loan)", "size=\(row.size)"]
                documents.append(PreparedDocument(row: row, details: details, content: content, loan: loan))
                // One entry per document; the last goes through `perform` itself.
                if documents.count < rows.count {
                    try session.appendAudit(
                        action: Action.export.rawValue, target: row.reference, outcome: .ok, note: documentNote)
                } else {
                    note = documentNote
                    note.target = row.reference
                }
            }
            return (absolute: absolute, documents: documents)
        }
        let total = ready.documents.reduce(0) { $0 + $1.row.size }
        var done = 0
        var current = ready.documents.first
        do {
            let bag = BagWriter(fonds: session.vault.meta.fonds, actor: session.actor.name, date: session.now())
            let temporary = try bag.begin(ready.absolute)
            do {
                for document in ready.documents {
                    current = document
                    try bag.add(document, store: session.vault.blobs) { progress?(done + $0, total) }
                    done += document.row.size
                }
                try bag.finish(loans: Array(Set(ready.documents.map(\.loan))).sorted())
                FaultPoint.reach("export.before-rename")
                try renameFolder(temporary, ready.absolute, given: directory)
                try FileSystem.syncDirectory(PathName.parent(ready.absolute))
            } catch {
                removeTree(temporary)
                guard error is VaultError else {
                    throw VaultError.failure("cannot write \(directory): \(FileSystem.reason(error))")
                }
                throw error
            }
            return ExportSummary(
                path: directory, references: ready.documents.map(\.row.reference),
                loans: Array(Set(ready.documents.map(\.loan))).sorted(), octets: bag.octets, files: bag.files)
        } catch {
            var failure = AuditNote()
            failure.details = ["output=bag"] + (current.map { ["loan=\($0.loan)"] } ?? [])
            session.recordFailure(
                action: .export, target: current?.row.reference ?? scopeText(scope), note: failure, error: error)
            throw error
        }
    }

    /// A document checked and ready to decrypt into the bag.
    struct PreparedDocument {
        let row: DocumentRow
        let details: DocumentDetails
        let content: Retrieval.PreparedContent
        let loan: Int
    }

    /// The scope as the audit target names it before the documents are known.
    static func scopeText(_ scope: ExportScope) -> String {
        switch scope {
        case .references(let references): references.first?.uppercased() ?? ""
        case .policy(let number): "policy:\(number)"
        case .claim(let number): "claim:\(number)"
        case .categoryYear(let category, let year): "\(category.uppercased()):\(year)"
        }
    }

    /// The documents of `scope`: named ones must be active (destroyed → 66); a selection keeps the active ones.
    static func resolve(_ scope: ExportScope, session: Session) throws -> [DocumentRow] {
        let filter: DocumentFilter
        let what: String
        switch scope {
        case .references(let references):
            guard !references.isEmpty else {
                throw VaultError.usage("name the documents: --ref R..., --policy, --claim or --category with --year")
            }
            var found: [DocumentRow] = []
            for reference in references {
                let row = try CatalogQueries.row(reference, session: session)
                guard row.status == "active" else {
                    throw VaultError.inputMissing(
                        Destruction.destroyedMessage(row, database: session.database, "there is nothing to export"))
                }
                if !found.contains(where: { $0.id == row.id }) { found.append(row) }
            }
            return found
        case .policy(let number):
            (filter, what) = (DocumentFilter(policyNo: number), "policy \(number)")
        case .claim(let number):
            (filter, what) = (DocumentFilter(claimNo: number), "claim \(number)")
        case .categoryYear(let category, let year):
            (filter, what) = (DocumentFilter(category: category.uppercased(), year: year), "\(category) \(year)")
        }
        let rows = try DocumentTable.matching(session.database, filter).filter { $0.status == "active" }
        guard !rows.isEmpty else {
            throw VaultError.inputMissing("no active documents are filed under \(what); nothing to export")
        }
        return rows
    }

    /// The absolute package path: outside the vault (64), in an existing folder (66), not existing yet (73).
    static func checkedPackagePath(_ path: String, vaultFolder: String) throws -> String {
        let absolute = try OutputPath.outsideVault(
            path, vaultFolder: vaultFolder, what: "plaintext", choice: "an output")
        var status = stat()
        if lstat(absolute, &status) == 0 {
            throw VaultError.cannotCreate("\(path) already exists; give -o a new folder name")
        }
        return absolute
    }

    /// Renames the finished package into place unless something appeared at `absolute` meanwhile (73).
    ///
    /// `link` cannot move a folder and Glibc does not export `renameat2`, so this checks first;
    /// `rename` itself still refuses a file or a non-empty folder, leaving only an empty folder
    /// created in the moment between the two calls to be replaced.
    static func renameFolder(_ temporary: String, _ absolute: String, given: String) throws {
        var status = stat()
        if lstat(absolute, &status) == 0 {
            throw VaultError.cannotCreate("\(given) appeared while exporting; nothing was written there")
        }
        guard rename(temporary, absolute) == 0 else {
            throw POSIXFailure(operation: "rename", path: absolute, code: errno)
        }
    }

    /// Removes a temporary package folder and everything in it; best effort.
    static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
