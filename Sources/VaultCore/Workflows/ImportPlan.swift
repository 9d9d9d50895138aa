import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// One document a bulk import files (or found filed by an earlier run).
public struct ImportItem: Sendable {
    /// The manifest line it comes from (for a folder import, its position in the sorted listing).
    public let line: Int
    /// The path as the manifest wrote it (normalised), relative to the base folder unless absolute.
    public let path: String
    /// The file to read.
    public let source: String
    /// What it is filed with.
    public let metadata: DocumentMetadata
    /// Its size in bytes when the plan was made (0 for a row already imported).
    public let size: Int
    /// The keyed identity of the row (``ImportRowIdentity``).
    let identity: [UInt8]
    /// The reference an earlier run filed it as; nil when it is still to be filed.
    public let importedAs: String?
}

/// What a manifest or folder asks to import, checked: the items and every problem found.
public struct ImportPlan: Sendable {
    /// Every row that passed the checks, in manifest order.
    public let items: [ImportItem]
    /// How many data rows the manifest (or files the folder) holds.
    public let rows: Int
    /// Everything wrong with the manifest, by line; the import refuses to start unless empty.
    public let problems: [CSVProblem]
    /// The encoding the manifest was read in (nil for a folder import).
    public let encoding: ManifestEncoding?

    /// Rows still to be filed.
    public var pending: [ImportItem] { items.filter { $0.importedAs == nil } }
}

/// Where a bulk import's files and metadata come from.
public enum ImportSource: Sendable {
    /// A CSV ledger: one row per document, paths relative to `base`.
    case manifest(path: String, base: String?, encoding: ManifestEncoding?)
    /// Every regular file directly inside `folder`, with the same `metadata`; titles are the file names.
    case folder(String, metadata: DocumentMetadata)
}

extension BulkImport {
    /// Reads and checks everything `source` asks for, after checking the actor may import.
    ///
    /// Nothing is written. Rows an earlier import filed are marked with their reference
    /// and need not have their file any more; every other row's file must be readable.
    public static func plan(_ source: ImportSource, session: Session) throws -> ImportPlan {
        try session.authorize(.import)
        do {
            switch source {
            case .manifest(let path, let base, let encoding):
                return try planManifest(path: path, base: base, encoding: encoding, session: session)
            case .folder(let folder, let metadata):
                return try planFolder(folder, metadata: metadata, session: session)
            }
        } catch {
            var note = AuditNote()
            note.details = ["stage=plan"]
            session.recordFailure(action: .import, target: "", note: note, error: error)
            throw error
        }
    }

    private static func planManifest(path: String, base: String?, encoding: ManifestEncoding?, session: Session)
        throws -> ImportPlan
    {
        guard let data = FileManager.default.contents(atPath: path), !FileSystem.isDirectory(path) else {
            throw VaultError.inputMissing("no such manifest: \(path); give the ledger's CSV file")
        }
        let decoded: (text: String, encoding: ManifestEncoding)
        do {
            decoded = try ManifestDecoding.decode([UInt8](data), as: encoding)
        } catch let failure as ManifestDecodingError {
            let hint =
                failure.encoding == .utf8
                ? "save it as UTF-8 or pass --encoding gb18030 (Excel on Chinese Windows saves GB18030)"
                : "save it as UTF-8 or GB18030"
            throw VaultError.dataError("\(path):\(failure.line): not valid \(failure.encoding.rawValue) text; \(hint)")
        }
        let (records, csvProblems) = CSVReader.records(decoded.text)
        guard let first = records.first else {
            throw VaultError.dataError(
                "\(path) has no header row; the first line names the columns (path, category, year, ...)")
        }
        let (header, headerProblems) = ManifestHeader.parse(first.fields, line: first.line)
        var problems = csvProblems + headerProblems
        let folder = base ?? PathName.parent(path)
        var rows: [(line: Int, path: String, metadata: DocumentMetadata)] = []
        if headerProblems.isEmpty {
            for record in records.dropFirst() {
                let (row, rowProblems) = parseRow(record, header: header)
                problems += rowProblems
                if let row { rows.append((record.line, row.path, row.metadata)) }
            }
        }
        let (items, itemProblems) = try check(rows, base: folder.isEmpty ? "." : folder, session: session)
        problems += itemProblems
        return ImportPlan(
            items: items, rows: records.count - 1, problems: problems.sorted { $0.line < $1.line },
            encoding: decoded.encoding)
    }

    private static func planFolder(_ folder: String, metadata: DocumentMetadata, session: Session) throws
        -> ImportPlan
    {
        guard FileSystem.isDirectory(folder) else {
            throw VaultError.inputMissing("no such folder: \(folder); give the folder of scans to import")
        }
        _ = try metadata.validated()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().filter { name in
            var info = stat()
            return !name.hasPrefix(".") && stat(folder + "/" + name, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        }
        let rows = names.enumerated().map { index, name in
            var item = metadata
            item.title = PathName.deletingExtension(name)
            return (line: index + 1, path: name, metadata: item)
        }
        let (items, problems) = try check(rows, base: folder, session: session)
        return ImportPlan(items: items, rows: names.count, problems: problems, encoding: nil)
    }

    /// Reads one data record into a path and metadata, or the problems that stop it.
    static func parseRow(_ record: CSVRecord, header: ManifestHeader) -> (
        row: (path: String, metadata: DocumentMetadata)?, problems: [CSVProblem]
    ) {
        var problems: [CSVProblem] = []
        func problem(_ message: String) { problems.append(CSVProblem(line: record.line, message: message)) }
        if record.fields.count > header.columns.count {
            problem("\(record.fields.count) fields but the header names \(header.columns.count) columns")
        }
        let values = header.values(record.fields)
        for column in ManifestColumn.required where values[column] == nil {
            problem("no \(column.rawValue) (\(column.chineseName))")
        }
        var year: Int?
        if let text = values[.year] {
            let digits = text.hasSuffix("年") ? String(text.dropLast()) : text
            year = digits.allSatisfy(\.isASCII) ? Int(digits) : nil
            if year == nil { problem("year '\(text)' is not a year") }
        }
        var category: String?
        if let text = values[.category] {
            category = categoryCode(text)
            if category == nil {
                problem(
                    "unknown category '\(text)'; use one of \(Category.defaults.map(\.code).joined(separator: ", "))")
            }
        }
        let date = values[.date].map(normalizeDate)
        if let date, !Timestamp.isValidDate(date) {
            problem("date '\(values[.date] ?? date)' is not a valid date; write it as YYYY-MM-DD")
        }
        guard problems.isEmpty, let path = values[.path], let category, let year else { return (nil, problems) }
        var metadata = DocumentMetadata(category: category, year: year)
        metadata.docType = values[.type]
        metadata.title = values[.title]
        metadata.customerName = values[.customer]
        metadata.customerID = values[.customerID]
        metadata.policyNo = values[.policy]
        metadata.claimNo = values[.claim]
        metadata.contractNo = values[.contract]
        metadata.docDate = date
        metadata.notes = values[.notes]
        do {
            _ = try metadata.validated()
        } catch let error as VaultError {
            problem(error.message)
            return (nil, problems)
        } catch {
            problem("\(error)")
            return (nil, problems)
        }
        return ((ImportRowIdentity.normalizePath(path), metadata), problems)
    }

    /// Computes each row's identity, finds duplicates and rows already imported, and checks the files still to file.
    private static func check(
        _ rows: [(line: Int, path: String, metadata: DocumentMetadata)], base: String, session: Session
    ) throws -> (items: [ImportItem], problems: [CSVProblem]) {
        var items: [ImportItem] = []
        var problems: [CSVProblem] = []
        var firstLine: [[UInt8]: Int] = [:]
        for row in rows {
            let identity = try session.keys.importRowKey(
                ImportRowIdentity.canonical(path: row.path, metadata: row.metadata))
            if let earlier = firstLine[identity] {
                problems.append(CSVProblem(line: row.line, message: "duplicate row: the same as line \(earlier)"))
                continue
            }
            firstLine[identity] = row.line
            let source = row.path.hasPrefix("/") ? row.path : base + "/" + row.path
            let reference = try ImportRowTable.reference(session.database, key: identity)
            var size = 0
            if reference == nil {
                var info = stat()
                if stat(source, &info) != 0 {
                    problems.append(CSVProblem(line: row.line, message: "file '\(row.path)' not found in \(base)"))
                    continue
                }
                guard info.st_mode & S_IFMT == S_IFREG else {
                    problems.append(CSVProblem(line: row.line, message: "'\(row.path)' is not a regular file"))
                    continue
                }
                guard access(source, R_OK) == 0 else {
                    problems.append(CSVProblem(line: row.line, message: "cannot read '\(row.path)': permission denied"))
                    continue
                }
                size = Int(info.st_size)
            }
            items.append(
                ImportItem(
                    line: row.line, path: row.path, source: source, metadata: row.metadata, size: size,
                    identity: identity, importedAs: reference))
        }
        return (items, problems)
    }

    /// The category code for a ledger's value: the code, the English name or the Chinese name.
    static func categoryCode(_ text: String) -> String? {
        let chinese = ["承保": "UW", "理赔": "CL", "客户": "CU", "财务": "FI", "会计": "FI", "人事": "HR", "其他": "OT"]
        if let code = chinese[text] { return code }
        return Category.defaults.first { $0.code == text.uppercased() || $0.name == text.lowercased() }?.code
    }

    /// `2024/3/5`, `2024.3.5` and `2024-3-5` (as spreadsheets export dates) as `2024-03-05`; anything else unchanged.
    static func normalizeDate(_ text: String) -> String {
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" }).map(String.init)
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2]), parts[1].count <= 2, parts[2].count <= 2
        else { return text }
        return "\(year.zeroPadded(4))-\(month.zeroPadded(2))-\(day.zeroPadded(2))"
    }
}
