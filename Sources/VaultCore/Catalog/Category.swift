/// A retention class of DA/T 22-2015 references: permanent, 30, 10 or 5 years.
public enum RetentionCode: String, CaseIterable, Sendable, Codable {
    case permanent = "Y"
    case years30 = "D30"
    case years10 = "D10"
    case years5 = "D5"
}

/// A catalogue category with its default retention (DESIGN.md section 5).
public struct Category: Sendable, Equatable {
    /// Two-letter code used in reference numbers.
    public let code: String
    /// English name.
    public let name: String
    /// Retention code printed in reference numbers.
    public let retentionCode: RetentionCode
    /// The default rule in words.
    public let rule: String
    /// The event that starts the retention period.
    public let trigger: String
    /// The statute or policy the rule rests on.
    public let basis: String

    /// The six categories every vault starts with.
    public static let defaults: [Category] = [
        Category(
            code: "UW", name: "underwriting", retentionCode: .years10,
            rule: "10 years (5 where the policy term is at most 1 year)", trigger: "policy terminated",
            basis: "Insurance Law art. 87"),
        Category(
            code: "CL", name: "claims", retentionCode: .years10, rule: "10 years",
            trigger: "later of claim closed and policy terminated", basis: "Insurance Law arts. 87, 26"),
        Category(
            code: "CU", name: "customer files", retentionCode: .years5, rule: "5 years",
            trigger: "customer relationship ended", basis: "anti-money-laundering rules"),
        Category(
            code: "FI", name: "finance", retentionCode: .years30,
            rule: "vouchers and ledgers 30 years; periodic reports, bank statements 10 years; annual reports permanent",
            trigger: "end of fiscal year", basis: "Accounting Archives Measures 2015"),
        Category(
            code: "HR", name: "personnel", retentionCode: .years5,
            rule: "2 years after the contract ended (filed under D5, the shortest class)",
            trigger: "contract ended", basis: "Labour Contract Law art. 50"),
        Category(
            code: "OT", name: "other", retentionCode: .years10, rule: "10 years", trigger: "filing date",
            basis: "company policy"),
    ]

    /// Looks a category up by code, case-insensitively.
    public static func named(_ code: String) -> Category? {
        defaults.first { $0.code == code.uppercased() }
    }

    /// The retention code for a document of this category and type.
    ///
    /// Finance documents differ by type: annual reports are permanent, periodic
    /// reports and bank statements 10 years, everything else (vouchers, ledgers) 30.
    /// Types are matched by words, as the default retention rules match them, so the
    /// code in a reference agrees with the schedule (`annual-statement` is D10, not Y).
    public func retentionCode(forType type: String?) -> RetentionCode {
        if code == "OT" && DocumentType.contains(type, phrase: "destruction-register") { return .permanent }
        guard code == "FI" else { return retentionCode }
        if DocumentType.contains(type, phrase: "annual-report") { return .permanent }
        if DocumentType.contains(type, phrase: "report") || DocumentType.contains(type, phrase: "statement") {
            return .years10
        }
        return .years30
    }
}
