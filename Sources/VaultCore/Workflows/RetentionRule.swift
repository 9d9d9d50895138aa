/// The event that starts a retention period (FileFormat.md, "Retention and holds").
public enum RetentionTrigger: String, CaseIterable, Sendable, Codable {
    /// The filing date.
    case filed
    /// The document's own date.
    case documentDate = "document-date"
    /// 31 December of the document's year.
    case fiscalYearEnd = "fiscal-year-end"
    /// The policy's termination, a recorded business event.
    case policyTerminated = "policy-terminated"
    /// The claim's closing, a recorded business event.
    case claimClosed = "claim-closed"
    /// The later of claim closed and policy terminated (claim closed alone without a policy number).
    case claimAndPolicy = "claim-and-policy"
    /// The end of the customer relationship, a recorded business event.
    case relationshipEnded = "relationship-ended"
    /// The end of a labour contract, a recorded business event.
    case contractEnded = "contract-ended"

    /// Whether the trigger depends on a policy's termination (and so may use the short-term period).
    public var involvesPolicy: Bool { self == .policyTerminated || self == .claimAndPolicy }

    /// The accepted names, for usage messages.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// How long a document is kept: a number of years, or for ever.
public enum RetentionPeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Kept this many calendar years after the trigger date.
    case years(Int)
    /// Never destroyed.
    case permanent

    /// The stored form: `years`, NULL for permanent.
    init(storedYears: Int?) {
        self = storedYears.map(RetentionPeriod.years) ?? .permanent
    }

    /// The stored form: the years, nil for permanent.
    var storedYears: Int? {
        if case .years(let years) = self { return years }
        return nil
    }

    /// `10 y` or `permanent`.
    public var description: String {
        switch self {
        case .years(let years): "\(years) y"
        case .permanent: "permanent"
        }
    }

    public static func < (lhs: RetentionPeriod, rhs: RetentionPeriod) -> Bool {
        switch (lhs, rhs) {
        case (.years(let a), .years(let b)): a < b
        case (.years, .permanent): true
        default: false
        }
    }
}

/// One rule of the retention schedule: a category, optionally narrowed by document type.
public struct RetentionRule: Sendable, Equatable {
    /// Category code.
    public let category: String
    /// Hyphen-separated words a document type must contain as a run; nil for the category's rule.
    public let docType: String?
    /// The period.
    public let period: RetentionPeriod
    /// The period when the policy term was at most 12 months (policy triggers only).
    public let shortTermYears: Int?
    /// What starts the period.
    public let trigger: RetentionTrigger
    /// Whether the trigger date moves to 31 December of its year.
    public let yearEndCutoff: Bool
    /// The legal source, as text.
    public let basis: String
    /// When the rule was last set (UTC).
    public let updatedAt: String
    /// Who last set it (`docvault` for the defaults).
    public let updatedBy: String

    /// A rule from its parts.
    public init(
        category: String, docType: String?, period: RetentionPeriod, shortTermYears: Int? = nil,
        trigger: RetentionTrigger, yearEndCutoff: Bool = false, basis: String = "", updatedAt: String = "",
        updatedBy: String = ""
    ) {
        self.category = category
        self.docType = docType
        self.period = period
        self.shortTermYears = shortTermYears
        self.trigger = trigger
        self.yearEndCutoff = yearEndCutoff
        self.basis = basis
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }

    /// `10 y`, `permanent`, or `10 y (5 y if term ≤ 12 months)`.
    public var periodText: String {
        guard let shortTermYears, case .years = period else { return period.description }
        return "\(period) (\(shortTermYears) y if term ≤ 12 months)"
    }

    /// `CL` or `FI/annual-report`: how messages and the audit log name the rule.
    public var scope: String { category + (docType.map { "/\($0)" } ?? "") }

    /// The words of a document type: lower-cased, split on `-`, `_` and spaces.
    public static func words(_ type: String) -> [Substring] { DocumentType.words(type) }

    /// A type as rules store it: its words joined by `-`; nil when it has no words.
    public static func normalizedType(_ type: String) -> String? {
        let words = words(type)
        return words.isEmpty ? nil : words.joined(separator: "-")
    }

    /// Whether this type-narrowed rule's words appear as a contiguous run in `documentType`'s words.
    func matches(documentType: String?) -> Bool {
        guard let docType else { return true }
        return DocumentType.contains(documentType, phrase: docType)
    }

    /// The rule for a document of `category` and `documentType`: the longest matching type rule, else the category's.
    ///
    /// FI `annual-report` takes the `annual-report` rule over `report`; `voucher` takes the category rule.
    public static func select(from rules: [RetentionRule], category: String, documentType: String?) -> RetentionRule? {
        let candidates = rules.filter { $0.category == category && $0.docType != nil }
            .filter { $0.matches(documentType: documentType) }
        let best = candidates.max { a, b in
            let (wa, wb) = (words(a.docType ?? "").count, words(b.docType ?? "").count)
            return wa != wb ? wa < wb : (a.docType ?? "") > (b.docType ?? "")
        }
        return best ?? rules.first { $0.category == category && $0.docType == nil }
    }

    /// Why this rule applies to a document: the category's rule, or the type words it matched.
    func reason(documentType: String?) -> String {
        guard let docType else {
            return documentType.map { "the category's rule; no type rule matches '\($0)'" }
                ?? "the category's rule; the document has no type"
        }
        return "type '\(documentType ?? "")' contains '\(docType)'"
    }
}
