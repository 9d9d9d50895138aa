import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Active documents of one category and year: how many, and their plaintext size in bytes.
public struct HoldingsCell: Sendable, Codable, Equatable {
    /// Category code.
    public let category: String
    /// The documents' year.
    public let year: Int
    /// How many active documents.
    public let documents: Int
    /// Their plaintext size in bytes.
    public let bytes: Int

    /// A cell; tests build reports by hand to check the renderers.
    public init(category: String, year: Int, documents: Int, bytes: Int) {
        self.category = category
        self.year = year
        self.documents = documents
        self.bytes = bytes
    }
}

/// A row of a one-dimensional breakdown (per category, per year, per status): a label and its numbers.
public struct SummaryLine: Sendable, Codable, Equatable {
    /// What is counted, such as `CL`, `2024` or `overdue`.
    public let label: String
    /// How many.
    public let count: Int
    /// Plaintext bytes, where sizes apply.
    public let bytes: Int?

    /// A line.
    public init(label: String, count: Int, bytes: Int? = nil) {
        self.label = label
        self.count = count
        self.bytes = bytes
    }
}

/// What `report summary` tells management: holdings, loans, destruction, holds and completeness, as counts.
///
/// Built from plain catalogue columns only; no sealed field is opened.
public struct SummaryReport: Sendable, Codable, Equatable {
    /// The fonds code of the vault.
    public let fonds: String
    /// When the report was made (ISO 8601, UTC).
    public let generatedAt: String
    /// The year the report is limited to, or nil for every year.
    public let year: Int?
    /// Active documents by category and year, in category then year order.
    public let holdings: [HoldingsCell]
    /// Loans by derived status: `requested`, `active`, `overdue` (all years: loans have no year).
    public let loans: [SummaryLine]
    /// Documents whose retention has run out, by status: `due`, `held`, `on-loan`.
    public let destruction: [SummaryLine]
    /// Legal holds in force by scope: `document`, `policy`, `claim`, `customer` (all years).
    public let holds: [SummaryLine]
    /// How many case files (and loose documents) the completeness check looked at.
    public let caseFilesChecked: Int
    /// Incomplete case files by category: `UW`, `CL`, `CU`.
    public let incompleteCaseFiles: [SummaryLine]

    /// A report from its parts; ``SummaryReport/make(year:html:session:)`` is the usual way to get one.
    public init(
        fonds: String, generatedAt: String, year: Int?, holdings: [HoldingsCell], loans: [SummaryLine],
        destruction: [SummaryLine], holds: [SummaryLine], caseFilesChecked: Int, incompleteCaseFiles: [SummaryLine]
    ) {
        self.fonds = fonds
        self.generatedAt = generatedAt
        self.year = year
        self.holdings = holdings
        self.loans = loans
        self.destruction = destruction
        self.holds = holds
        self.caseFilesChecked = caseFilesChecked
        self.incompleteCaseFiles = incompleteCaseFiles
    }

    private enum CodingKeys: String, CodingKey {
        case fonds, generatedAt, year, holdings, loans, destruction, holds, caseFilesChecked, incompleteCaseFiles
    }

    /// Encodes every key, `year` as null when the report covers every year, so the JSON's keys never vary.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fonds, forKey: .fonds)
        try container.encode(generatedAt, forKey: .generatedAt)
        try container.encode(year, forKey: .year)
        try container.encode(holdings, forKey: .holdings)
        try container.encode(loans, forKey: .loans)
        try container.encode(destruction, forKey: .destruction)
        try container.encode(holds, forKey: .holds)
        try container.encode(caseFilesChecked, forKey: .caseFilesChecked)
        try container.encode(incompleteCaseFiles, forKey: .incompleteCaseFiles)
    }

    /// Holdings summed per category, in category order.
    public var byCategory: [SummaryLine] { sum(by: \.category) }

    /// Holdings summed per year, oldest first.
    public var byYear: [SummaryLine] { sum(by: { String($0.year) }) }

    /// Every active document counted, and their bytes.
    public var total: SummaryLine {
        SummaryLine(
            label: "total", count: holdings.reduce(0) { $0 + $1.documents },
            bytes: holdings.reduce(0) { $0 + $1.bytes })
    }

    private func sum(by key: (HoldingsCell) -> String) -> [SummaryLine] {
        var order: [String] = []
        var counts: [String: (Int, Int)] = [:]
        for cell in holdings {
            let label = key(cell)
            if counts[label] == nil { order.append(label) }
            let (count, bytes) = counts[label] ?? (0, 0)
            counts[label] = (count + cell.documents, bytes + cell.bytes)
        }
        return order.sorted().map { SummaryLine(label: $0, count: counts[$0]?.0 ?? 0, bytes: counts[$0]?.1 ?? 0) }
    }
}

/// Where `report summary --html` writes its page, and whether it may replace a file there.
public struct ReportFile: Sendable {
    /// The path as given.
    public let path: String
    /// Replace an existing file (`--force`).
    public let overwrite: Bool
    /// The page's heading (`--title`); nil for ``SummaryReportHTML/defaultTitle``.
    public let title: String?

    /// A destination.
    public init(path: String, overwrite: Bool, title: String? = nil) {
        self.path = path
        self.overwrite = overwrite
        self.title = title
    }
}

extension SummaryReport {
    /// The years `--year` accepts: those the catalogue can hold.
    public static let years = 1900...2100

    /// Counts the archive for `year` (every year when nil), optionally writing the HTML page; one `report.summary` entry.
    ///
    /// Holdings are one GROUP BY over the active documents; due-for-destruction, holds,
    /// loans and completeness reuse the queries of `retention due`, `hold list`, the
    /// borrowing register and `completeness check` without their audit entries. The
    /// page is written inside the logged transaction, so a refused or failed write
    /// leaves a `failed` entry and no file.
    public static func make(year: Int?, html: ReportFile? = nil, session: Session) throws -> SummaryReport {
        if let year, !years.contains(year) {
            throw VaultError.usage("--year \(year) is out of range; give a year from 1900 to 2100")
        }
        var note = AuditNote()
        note.details = ["year=\(year.map(String.init) ?? "all")"]
        if html != nil { note.details.append("output=html") }
        return try session.perform(.reportSummary, note: note) { note in
            let destination = try html.map { try checkedOutput($0, vaultFolder: session.vault.location.vault) }
            let report = try count(year: year, session: session)
            note.details.append("documents=\(report.total.count)")
            if let html, let destination {
                try write(
                    SummaryReportHTML.page(report, title: html.title ?? SummaryReportHTML.defaultTitle),
                    to: destination, given: html)
            }
            return report
        }
    }

    static func count(year: Int?, session: Session) throws -> SummaryReport {
        let db = session.database
        let yearFilter = year == nil ? "" : " AND year = ?"
        let holdings = try db.query(
            """
            SELECT category, year, COUNT(*) AS documents, COALESCE(SUM(size), 0) AS bytes FROM documents
            WHERE status = 'active'\(yearFilter) GROUP BY category, year ORDER BY category, year
            """, year.map { [$0] } ?? []
        ).map {
            HoldingsCell(
                category: $0.string("category") ?? "", year: $0.int("year"), documents: $0.int("documents"),
                bytes: $0.int("bytes"))
        }
        let now = session.now()
        var loans = ["requested": 0, "active": 0, "overdue": 0]
        for loan in try LoanTable.all(db, requester: nil, statuses: ["requested", "active"]) {
            loans[LoanAccess.status(of: loan, at: now), default: 0] += 1
        }
        var destruction = ["due": 0, "held": 0, "on-loan": 0]
        for item in try RetentionReport.dueItems(on: CivilDate(now), category: nil, database: db)
        where year == nil || item.year == year {
            destruction[item.status, default: 0] += 1
        }
        var holds = ["document": 0, "policy": 0, "claim": 0, "customer": 0]
        for row in try db.query(
            "SELECT scope, COUNT(*) AS holds FROM legal_holds WHERE released_at IS NULL GROUP BY scope")
        {
            holds[row.string("scope") ?? "", default: 0] += row.int("holds")
        }
        let completeness = try Completeness.findIncomplete(year: year, labelled: false, session: session)
        let incomplete = CompletenessRequirements.caseFileCategories.map { code in
            SummaryLine(label: code, count: completeness.incomplete.filter { $0.category == code }.count)
        }
        func lines(_ counts: [String: Int], _ order: [String]) -> [SummaryLine] {
            order.map { SummaryLine(label: $0, count: counts[$0] ?? 0) }
        }
        return SummaryReport(
            fonds: session.vault.meta.fonds, generatedAt: Timestamp.format(now), year: year, holdings: holdings,
            loans: lines(loans, ["requested", "active", "overdue"]),
            destruction: lines(destruction, ["due", "held", "on-loan"]),
            holds: lines(holds, ["document", "policy", "claim", "customer"]),
            caseFilesChecked: completeness.checked, incompleteCaseFiles: incomplete)
    }

    /// The absolute path to write: outside the vault folder (64), in an existing folder (66), new unless overwriting (73).
    static func checkedOutput(_ file: ReportFile, vaultFolder: String) throws -> String {
        let absolute = try OutputPath.outsideVault(
            file.path, vaultFolder: vaultFolder, what: "the report", choice: "a file")
        if FileSystem.isDirectory(absolute) {
            throw VaultError.cannotCreate("\(file.path) is a folder; give --html a file name")
        }
        var status = stat()
        if !file.overwrite && lstat(absolute, &status) == 0 {
            throw VaultError.cannotCreate("\(file.path) already exists; choose another name or add --force")
        }
        return absolute
    }

    /// Writes `page` beside `absolute`, syncs it, then renames it into place (without replacing unless overwriting).
    private static func write(_ page: String, to absolute: String, given file: ReportFile) throws {
        let folder = PathName.parent(absolute)
        let temporary = folder + "/.docvault-report-" + UUID().uuidString
        do {
            let descriptor = try FileDescriptor.createExclusively(temporary, mode: 0o644)
            try Array(page.utf8).withUnsafeBytes { try descriptor.write($0) }
            try descriptor.sync()
            if file.overwrite {
                guard rename(temporary, absolute) == 0 else {
                    throw POSIXFailure(operation: "rename", path: absolute, code: errno)
                }
            } else {
                do {
                    try FileSystem.renameNoReplace(temporary, absolute)
                } catch let failure as POSIXFailure where failure.code == EEXIST {
                    throw VaultError.cannotCreate("\(file.path) appeared while the report was written; nothing written")
                }
            }
            try FileSystem.syncDirectory(folder)
        } catch {
            unlink(temporary)
            throw error
        }
    }
}
