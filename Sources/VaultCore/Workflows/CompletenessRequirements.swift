/// A catalogue field every document of a case file must carry.
public enum RequiredField: String, CaseIterable, Sendable, Codable {
    case policy
    case claim
    case customerID = "customer-id"

    /// How messages name the field: "claim number".
    public var label: String {
        switch self {
        case .policy: "policy number"
        case .claim: "claim number"
        case .customerID: "customer ID"
        }
    }

    /// Whether `row` has a value for this field.
    func isPresent(in row: NewDocumentRow) -> Bool {
        switch self {
        case .policy: !(row.policyNo ?? "").trimmingSpaces().isEmpty
        case .claim: !(row.claimNo ?? "").trimmingSpaces().isEmpty
        case .customerID: row.customerIDIndex != nil
        }
    }

    /// The names `completeness set --fields` accepts.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// What a complete case file of one category holds: its required document types and fields.
public struct CompletenessRequirements: Sendable, Equatable, Codable {
    /// Category code.
    public let category: String
    /// Document types a case file must hold among its active documents (whole-word match).
    public let types: [String]
    /// Fields each document of the category must carry.
    public let fields: [RequiredField]
    /// When the list was last changed, nil when the category has no requirements.
    public let updatedAt: String?
    /// Who last changed it.
    public let updatedBy: String?

    /// The field that groups the category's documents into case files: claim for CL, policy for UW,
    /// customer ID for CU.
    public var caseFileField: RequiredField? { Self.caseFileFields[category] }

    /// Categories whose documents form case files, with the field that groups them.
    public static let caseFileFields: [String: RequiredField] = ["CL": .claim, "UW": .policy, "CU": .customerID]

    /// The categories with case files, in the order reports list them.
    public static let caseFileCategories = ["UW", "CL", "CU"]

    init(category: String, rows: [CompletenessRuleRow]) {
        let own = rows.filter { $0.category == category }
        self.category = category
        types = own.filter { $0.requirement == "type" }.map(\.name)
        fields = own.filter { $0.requirement == "field" }.compactMap { RequiredField(rawValue: $0.name) }
        let latest = own.max { $0.updatedAt < $1.updatedAt }
        updatedAt = latest?.updatedAt
        updatedBy = latest?.updatedBy
    }
}

/// A change `completeness set` makes: one category's list of required types or fields, replaced whole.
public struct CompletenessChange: Sendable {
    /// Which list a change replaces.
    public enum Kind: String, Sendable {
        case types
        case fields
    }

    /// Category code (UW, CL or CU).
    public var category: String
    /// Which list is replaced.
    public var kind: Kind
    /// The comma-separated names as given; empty for an empty list.
    public var names: String

    /// A change of `category`'s `kind` list to the comma-separated `names`.
    public init(category: String, kind: Kind, names: String) {
        self.category = category
        self.kind = kind
        self.names = names
    }
}
