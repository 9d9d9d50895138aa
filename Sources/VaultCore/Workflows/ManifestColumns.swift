import FoundationEssentials

/// A column of an import manifest, named in English or as a Chinese ledger names it.
public enum ManifestColumn: String, CaseIterable, Sendable {
    case path
    case category
    case year
    case type
    case title
    case customer
    case customerID = "customer_id"
    case policy
    case claim
    case contract
    case date
    case notes

    /// Columns every manifest must have.
    public static let required: [ManifestColumn] = [.path, .category, .year]

    /// The Chinese header a ledger uses for this column (the first of ``aliases`` in Chinese).
    public var chineseName: String {
        switch self {
        case .path: "文件路径"
        case .category: "门类"
        case .year: "年度"
        case .type: "文件类型"
        case .title: "题名"
        case .customer: "客户名称"
        case .customerID: "证件号码"
        case .policy: "保单号"
        case .claim: "赔案号"
        case .contract: "合同号"
        case .date: "文件日期"
        case .notes: "备注"
        }
    }

    /// Every header accepted for this column, normalised as ``normalize(_:)`` does.
    var aliases: [String] {
        switch self {
        case .path: ["path", "file", "file_path", "文件路径", "路径", "文件"]
        case .category: ["category", "门类", "类别"]
        case .year: ["year", "年度", "年份"]
        case .type: ["type", "doc_type", "document_type", "文件类型", "类型"]
        case .title: ["title", "题名", "标题"]
        case .customer: ["customer", "customer_name", "客户名称", "客户"]
        case .customerID: ["customer_id", "证件号码", "客户证件号", "证件号"]
        case .policy: ["policy", "policy_no", "保单号"]
        case .claim: ["claim", "claim_no", "赔案号", "案件号"]
        case .contract: ["contract", "contract_no", "合同号", "劳动合同号"]
        case .date: ["date", "doc_date", "文件日期", "日期"]
        case .notes: ["notes", "note", "备注"]
        }
    }

    /// The column a header names, or nil; case, width, spaces and hyphens in the header do not matter.
    public static func named(_ header: String) -> ManifestColumn? {
        let key = normalize(header)
        return allCases.first { $0.aliases.contains(key) }
    }

    /// A header as compared: NFKC (full-width letters become ASCII), lowercase, spaces and hyphens as `_`.
    static func normalize(_ header: String) -> String {
        let folded = UnicodeNormalization.nfkc(header).trimmingSpaces().lowercased()
        return String(folded.map { $0 == " " || $0 == "-" ? "_" : $0 })
    }

    /// How `unknown column` errors list the accepted headers.
    static var accepted: String {
        allCases.map { "\($0.rawValue) (\($0.chineseName))" }.joined(separator: ", ")
    }
}

/// The header row of a manifest mapped to columns.
public struct ManifestHeader: Sendable {
    /// The column of each field position; nil where the header was not understood.
    public let columns: [ManifestColumn?]

    /// Maps `fields` (the first record) to columns; unknown, repeated and missing columns are problems of `line`.
    public static func parse(_ fields: [String], line: Int) -> (header: ManifestHeader, problems: [CSVProblem]) {
        var problems: [CSVProblem] = []
        var columns: [ManifestColumn?] = []
        var seen: Set<ManifestColumn> = []
        for name in fields {
            let trimmed = name.trimmingSpaces()
            guard let column = ManifestColumn.named(trimmed) else {
                problems.append(
                    CSVProblem(
                        line: line, message: "unknown column '\(trimmed)'; columns are \(ManifestColumn.accepted)"))
                columns.append(nil)
                continue
            }
            if seen.contains(column) {
                problems.append(
                    CSVProblem(line: line, message: "column '\(trimmed)' repeats the \(column.rawValue) column"))
                columns.append(nil)
                continue
            }
            seen.insert(column)
            columns.append(column)
        }
        for column in ManifestColumn.required where !seen.contains(column) {
            problems.append(
                CSVProblem(
                    line: line,
                    message: "missing required column '\(column.rawValue)' (\(column.chineseName))"))
        }
        return (ManifestHeader(columns: columns), problems)
    }

    /// The trimmed values of `fields` by column; empty values are left out.
    public func values(_ fields: [String]) -> [ManifestColumn: String] {
        var values: [ManifestColumn: String] = [:]
        for (index, field) in fields.enumerated() where index < columns.count {
            guard let column = columns[index] else { continue }
            let value = field.trimmingSpacesAndNewlines()
            if !value.isEmpty { values[column] = value }
        }
        return values
    }
}
