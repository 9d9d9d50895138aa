import FoundationEssentials

/// Whether a customer is a person or an organisation.
public enum CustomerKind: String, Sendable, Codable, CaseIterable {
    /// A natural person, identified by a resident ID or passport number.
    case individual
    /// A company or other organisation, identified by its unified social credit code.
    case corporate
}

/// A customer's personal fields, kept sealed in the register (the ID number also as a blind index).
public struct CustomerFields: Sendable, Equatable, Codable {
    /// Name of the person or company.
    public var name: String?
    /// Resident ID, passport number or unified social credit code.
    public var idNumber: String?
    /// Telephone number.
    public var phone: String?
    /// Postal address.
    public var address: String?
    /// Postal code (six digits in China).
    public var postalCode: String?
    /// A company's legal representative.
    public var legalRepresentative: String?
    /// A company's business scope.
    public var businessScope: String?
    /// A company's registered capital as written, such as `5000万元`.
    public var registeredCapital: String?

    /// No fields.
    public init() {}

    /// The fields in the order they are shown, with the names the history and the CLI use.
    static var all: [(name: String, path: WritableKeyPath<CustomerFields, String?>)] {
        [
            ("name", \.name), ("id_number", \.idNumber), ("phone", \.phone), ("address", \.address),
            ("postal_code", \.postalCode), ("legal_representative", \.legalRepresentative),
            ("business_scope", \.businessScope), ("registered_capital", \.registeredCapital),
        ]
    }

    /// The fields only an organisation has.
    static let corporateOnly: Set<String> = ["legal_representative", "business_scope", "registered_capital"]
}

/// What `customer add` or `customer update` sets; nil leaves a value as it is, an empty text clears it.
public struct CustomerInput: Sendable {
    /// Person or company (required to add; may be corrected by an update).
    public var kind: CustomerKind?
    /// Personal fields to set.
    public var fields = CustomerFields()
    /// `high`, `medium` or `low`.
    public var valueTier: String?
    /// `high`, `medium` or `low`.
    public var riskTier: String?
    /// 0 (none) to 5.
    public var vipLevel: Int?
    /// The user who manages the customer.
    public var accountManager: String?

    /// Nothing set.
    public init() {}
}

/// One customer as the register shows it, with the documents filed under their ID.
public struct CustomerDetails: Sendable, Encodable {
    /// The register number.
    public let number: Int
    /// Person or company.
    public let kind: CustomerKind
    /// The opened personal fields.
    public let fields: CustomerFields
    /// `high`, `medium`, `low` or nil.
    public let valueTier: String?
    /// `high`, `medium`, `low` or nil.
    public let riskTier: String?
    /// 0 to 5.
    public let vipLevel: Int
    /// The managing user, if any.
    public let accountManager: String?
    /// When and by whom the customer was registered and last changed.
    public let createdAt: String
    /// Who registered the customer.
    public let createdBy: String
    /// When the customer was last changed.
    public let updatedAt: String
    /// Who last changed the customer.
    public let updatedBy: String
    /// Documents filed with this customer's ID, oldest first.
    public var documents: [CustomerDocument] = []
}

/// A document of a customer, as `customer show` lists it.
public struct CustomerDocument: Sendable, Encodable {
    /// Reference number.
    public let reference: String
    /// Document type, if given.
    public let type: String?
    /// Document date, if given.
    public let date: String?
    /// Policy number, if given.
    public let policy: String?
    /// Claim number, if given.
    public let claim: String?
    /// `active` or `destroyed`.
    public let status: String

    /// The case file the document belongs to: `claim NO`, `policy NO`, or `customer file`.
    public var caseFile: String {
        if let claim { return "claim \(claim)" }
        if let policy { return "policy \(policy)" }
        return "customer file"
    }
}

/// One line of the customer list: no full ID number, no contact details.
public struct CustomerSummary: Sendable, Encodable {
    /// The register number.
    public let number: Int
    /// Person or company.
    public let kind: CustomerKind
    /// Name.
    public let name: String
    /// The ID number with its middle hidden.
    public let maskedID: String
    /// Value tier.
    public let valueTier: String?
    /// Risk tier.
    public let riskTier: String?
    /// VIP level.
    public let vipLevel: Int
    /// Managing user.
    public let accountManager: String?
}

/// One recorded change to a customer: who, when, and each field's old and new value.
public struct CustomerChange: Sendable, Encodable {
    /// One field's change; nil is "not set".
    public struct Field: Sendable, Codable, Equatable {
        /// Field name (`name`, `phone`, `value_tier`, `account_manager`, ...).
        public let field: String
        /// The value before.
        public let old: String?
        /// The value after.
        public let new: String?
    }

    /// Change number.
    public let id: Int
    /// UTC time.
    public let at: String
    /// The user who made it.
    public let by: String
    /// The fields that changed.
    public let fields: [Field]
}

/// Which customers `customer list` shows.
public struct CustomerFilter: Sendable {
    /// Only customers of this account manager.
    public var accountManager: String?
    /// Only this value tier.
    public var valueTier: String?
    /// Only this risk tier.
    public var riskTier: String?
    /// Only this VIP level or higher.
    public var minimumVIP: Int?

    /// Every customer.
    public init() {}
}
