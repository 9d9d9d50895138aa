import Foundation
import Testing

/// Lending documents through the borrowing register, as `get` needs an active loan of the reader for every role.
extension Sandbox {
    /// The user `lend` approves loans as: an approver and nothing else, so it never borrows itself.
    static let lender = "lender"

    /// Has the admin add `lender` (role approver, key file) unless this sandbox has it already; requires success.
    ///
    /// `environment` reaches a vault that is not in the default place (`DOCVAULT_DIR`, `DOCVAULT_KEYS`).
    func addLender(environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard !hasLender else { return }
        let result = try run(
            ["user", "add", Self.lender, "--role", "approver", "--key-file"],
            environment: environment.merging(["DOCVAULT_USER": "admin"]) { _, new in new })
        try #require(result.status == 0, "user add \(Self.lender) failed: \(result)", sourceLocation: sourceLocation)
        hasLender = true
    }

    /// Runs `borrow request REFERENCES --purpose PURPOSE` (plus `arguments`) as `borrower`; returns the loan number.
    ///
    /// Requires success and output naming every reference once. `environment` applies to the run
    /// (e.g. `DOCVAULT_PASSWORD` for a borrower without a key file).
    @discardableResult
    func requestLoan(
        _ references: [String], by borrower: String = Sandbox.clerk, purpose: String = "claim review",
        arguments: [String] = [], environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Int {
        let result = try run(
            ["borrow", "request"] + references + ["--purpose", purpose] + arguments,
            environment: environment.merging(["DOCVAULT_USER": borrower]) { _, new in new })
        try #require(
            result.status == 0, "borrow request by \(borrower) failed: \(result)", sourceLocation: sourceLocation)
        return try Self.loanNumber(requestOutput: result, sourceLocation: sourceLocation)
    }

    /// The loan number in the first line of `borrow request` output (`Loan N requested for …`).
    static func loanNumber(requestOutput result: CLIResult, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> Int
    {
        let words = result.stdout.split(separator: "\n").first?.split(separator: " ") ?? []
        let number = words.count > 2 && words[0] == "Loan" && words[2] == "requested" ? Int(words[1]) : nil
        return try #require(number, "no loan number in: \(result)", sourceLocation: sourceLocation)
    }

    /// Lends `references` to `borrower`: they request a loan, `lender` approves it; returns the loan number.
    ///
    /// Both steps run through the real binary and must succeed. `environment` applies to both
    /// runs (vault location); `borrowerEnvironment` only to the request (e.g. a password).
    /// `kind` is the loan kind asked for (`read`, or `export` for transfer packages).
    @discardableResult
    func lend(
        _ references: [String], to borrower: String = Sandbox.clerk, purpose: String = "claim review",
        kind: String = "read", environment: [String: String] = [:], borrowerEnvironment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Int {
        let loan = try requestLoan(
            references, by: borrower, purpose: purpose, arguments: kind == "read" ? [] : ["--kind", kind],
            environment: environment.merging(borrowerEnvironment) { _, new in new }, sourceLocation: sourceLocation)
        try addLender(environment: environment, sourceLocation: sourceLocation)
        let approved = try run(
            ["borrow", "approve", String(loan)],
            environment: environment.merging(["DOCVAULT_USER": Self.lender]) { _, new in new })
        try #require(
            approved.status == 0 && approved.stdout.hasPrefix("Loan \(loan) approved for \(borrower); due "),
            "borrow approve \(loan) failed: \(approved)", sourceLocation: sourceLocation)
        return loan
    }

    /// Lends one reference to `borrower`; see `lend(_:to:purpose:environment:borrowerEnvironment:)`.
    @discardableResult
    func lend(
        _ reference: String, to borrower: String = Sandbox.clerk, purpose: String = "claim review",
        environment: [String: String] = [:], borrowerEnvironment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Int {
        try lend(
            [reference], to: borrower, purpose: purpose, environment: environment,
            borrowerEnvironment: borrowerEnvironment, sourceLocation: sourceLocation)
    }
}
