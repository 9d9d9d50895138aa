import Foundation
import Testing

@testable import VaultCore

/// Completeness rules: grouping into case files, whole-word type matching, loose documents,
/// filters, changes by compliance only, and the filing warning.
@Suite("Completeness: rules, check, filing warnings")
struct CompletenessTests {
    static let customerID = "110105199003071234"

    /// Files one CL document of `type` under claim `claim` (none when nil).
    @discardableResult
    static func claimDocument(_ test: TestVault, _ type: String, claim: String?, year: Int = 2024) throws -> String {
        try test.fileText(type, year: year) {
            $0.docType = type
            $0.claimNo = claim
        }
    }

    /// The error `body` throws, as a `VaultError`.
    static func error(_ body: () throws -> Void) -> VaultError? {
        do {
            try body()
            return nil
        } catch {
            return error as? VaultError
        }
    }

    @Test("A claim missing its payment voucher lacks exactly that; a payment-voucher-2024 completes it")
    func claimMissingPaymentVoucher() throws {
        let test = try TestVault()
        var references: [String] = []
        for type in ["claim-form", "loss-assessment", "id-copy"] {
            references.append(try Self.claimDocument(test, type, claim: "C-1"))
        }
        // "voucher" alone is not a payment voucher: the whole phrase must appear.
        references.append(try Self.claimDocument(test, "voucher", claim: "C-1"))
        let auditor = try test.user("audrey", roles: [.auditor])
        let before = try Completeness.check(session: auditor)
        #expect(before.checked == 1)
        #expect(
            before.incomplete == [
                IncompleteCaseFile(
                    category: "CL", caseFile: "C-1", documents: 4, references: references, lacks: ["payment-voucher"])
            ])
        let entry = try test.lastAudit()
        #expect(entry.action == "completeness.check" && entry.actor == "audrey" && entry.outcome == .ok)
        #expect(entry.details == "case-files=1; incomplete=1")

        try Self.claimDocument(test, "payment-voucher-2024", claim: "C-1")
        let after = try Completeness.check(session: auditor)
        #expect(after.checked == 1)
        #expect(after.incomplete.isEmpty)
    }

    @Test("Policies, customers and loose documents: each grouped by its own field, lacks listed in rule order")
    func groupingPerCategory() throws {
        let test = try TestVault()
        let application = try test.fileText("a", category: "UW", year: 2023) {
            $0.docType = "application"
            $0.policyNo = "P-9"
        }
        let policy = try test.fileText("p", category: "UW", year: 2023) {
            $0.docType = "policy-schedule"
            $0.policyNo = "P-9"
        }
        let loose = try Self.claimDocument(test, "claim-form", claim: nil)
        // Two documents of the same customer, the ID written two ways, form one case file.
        let first = try test.fileText("c1", category: "CU") { $0.customerID = "110105 19900307 1234" }
        let second = try test.fileText("c2", category: "CU") { $0.customerID = Self.customerID.lowercased() }
        let noCustomer = try test.fileText("c3", category: "CU")
        let report = try Completeness.check(session: test.session)
        #expect(report.checked == 4)
        #expect(
            report.incomplete == [
                IncompleteCaseFile(
                    category: "UW", caseFile: "P-9", documents: 2, references: [application, policy], lacks: ["id-copy"]
                ),
                IncompleteCaseFile(
                    category: "CL", caseFile: loose, documents: 1, references: [loose], lacks: ["claim number"]),
                IncompleteCaseFile(
                    category: "CU", caseFile: noCustomer, documents: 1, references: [noCustomer],
                    lacks: ["customer ID"]),
            ])
        // The customers' case file is complete (CU requires no types); give it one and it shows masked.
        let compliance = try test.user("carol", roles: [.compliance])
        try Completeness.set(CompletenessChange(category: "cu", kind: .types, names: "kyc-form"), session: compliance)
        let customers = try Completeness.check(category: "CU", session: test.session).incomplete
        #expect(customers.first?.caseFile == "110***********1234")
        #expect(customers.first?.references == [first, second])
        #expect(customers.first?.lacks == ["kyc-form"])
        // No customer ID in clear in the catalogue's audit entries.
        for entry in try test.auditEntries() {
            #expect(!entry.details.contains("1234") && !entry.target.contains("1234"), "\(entry)")
        }
    }

    @Test("--category and --year narrow the case files; a case file counts for every year it has a document")
    func filters() throws {
        let test = try TestVault()
        try Self.claimDocument(test, "claim-form", claim: "C-OLD", year: 2022)
        try Self.claimDocument(test, "claim-form", claim: "C-SPAN", year: 2022)
        try Self.claimDocument(test, "id-copy", claim: "C-SPAN", year: 2024)
        _ = try test.fileText("u", category: "UW", year: 2024) { $0.policyNo = "P-1" }
        let in2024 = try Completeness.check(year: 2024, session: test.session)
        #expect(in2024.incomplete.map(\.caseFile) == ["P-1", "C-SPAN"])
        #expect(in2024.incomplete.last?.lacks == ["loss-assessment", "payment-voucher"])
        let claims2022 = try Completeness.check(category: "cl", year: 2022, session: test.session)
        #expect(claims2022.checked == 2)
        #expect(claims2022.incomplete.map(\.caseFile) == ["C-OLD", "C-SPAN"])
        #expect(
            try Completeness.check(year: 1999, session: test.session) == CompletenessReport(checked: 0, incomplete: []))
        let wrong = Self.error { _ = try Completeness.check(category: "FI", session: test.session) }
        #expect(wrong?.exitCode == 64)
        #expect(wrong?.message == "completeness applies to case files: use --category UW, CL, CU")
    }

    @Test("A required field some documents lack is counted per case file")
    func requiredFieldOnSomeDocuments() throws {
        let test = try TestVault()
        let compliance = try test.user("carol", roles: [.compliance])
        try Completeness.set(CompletenessChange(category: "CL", kind: .types, names: ""), session: compliance)
        try Completeness.set(
            CompletenessChange(category: "CL", kind: .fields, names: "claim, policy"), session: compliance)
        _ = try test.fileText("a") {
            $0.claimNo = "C-2"
            $0.policyNo = "P-2"
        }
        try Self.claimDocument(test, "x", claim: "C-2")
        try Self.claimDocument(test, "y", claim: "C-2")
        let report = try Completeness.check(session: test.session)
        #expect(report.incomplete.map(\.lacks) == [["policy number on 2 documents"]])
    }

    @Test("Compliance replaces a list, logged old->new; names are normalised and repeats dropped")
    func setReplacesAndLogs() throws {
        let test = try TestVault()
        let compliance = try test.user("carol", roles: [.compliance])
        let rules = try Completeness.set(
            CompletenessChange(category: "cl", kind: .types, names: " Claim Form, payment_voucher,claim-form "),
            session: compliance)
        #expect(rules.category == "CL")
        #expect(rules.types == ["claim-form", "payment-voucher"])
        #expect(rules.fields == [.claim])
        #expect(rules.updatedBy == "carol")
        let entry = try test.lastAudit()
        #expect(entry.action == "completeness.set" && entry.target == "completeness:CL" && entry.outcome == .ok)
        #expect(entry.details == "types=claim-form,loss-assessment,payment-voucher,id-copy->claim-form,payment-voucher")
        let listed = try Completeness.rules(session: test.session)
        #expect(listed.map(\.category) == ["UW", "CL", "CU"])
        #expect(listed[1].types == ["claim-form", "payment-voucher"])
        #expect(listed[0].types == ["application", "policy", "id-copy"] && listed[0].fields == [.policy])
        #expect(listed[2].types.isEmpty && listed[2].fields == [.customerID])
    }

    @Test(
        "Bad names, categories and roles are refused with nothing changed",
        arguments: [
            (
                "CL", CompletenessChange.Kind.types, "claim-form,,id-copy", 64,
                "--types has an empty name; give types such as claim-form,id-copy (or \"\" for none)"
            ),
            ("CL", .types, "claim/form", 64, "type 'claim/form' may hold only letters, digits, '-', '_' and spaces"),
            ("CL", .fields, "claim,phone", 64, "unknown field 'phone'; use policy, claim, customer-id"),
            ("FI", .types, "ledger", 64, "completeness rules apply to case files: use category UW, CL, CU"),
        ])
    func setRefusals(category: String, kind: CompletenessChange.Kind, names: String, code: Int32, message: String)
        throws
    {
        let test = try TestVault()
        let compliance = try test.user("carol", roles: [.compliance])
        let before = try test.catalogueSnapshot()
        let error = Self.error {
            try Completeness.set(CompletenessChange(category: category, kind: kind, names: names), session: compliance)
        }
        #expect(error?.exitCode == code)
        #expect(error?.message == message)
        #expect(try test.catalogueSnapshot() == before)
        #expect(try test.lastAudit().outcome == .failed)
    }

    @Test("An archivist may not change the rules: denied, logged, nothing changed")
    func archivistDenied() throws {
        let test = try TestVault()
        let before = try test.catalogueSnapshot()
        let error = Self.error {
            try Completeness.set(CompletenessChange(category: "CL", kind: .types, names: ""), session: test.session)
        }
        #expect(error?.exitCode == 77)
        #expect(try test.catalogueSnapshot() == before)
        let entry = try test.lastAudit()
        #expect(entry.action == "completeness.set" && entry.outcome == .denied && entry.actor == "archie")
    }

    @Test("Filing warns once per missing required field, in the words the CLI prints")
    func filingWarnings() throws {
        let test = try TestVault()
        let path = try test.input("w.txt", text: "w")
        let claim = try test.file([path]) { $0.policyNo = "P-1" }
        #expect(claim.map(\.warnings) == [["\(claim[0].reference) has no claim number (completeness rules for CL)"]])
        let complete = try test.file([path]) { $0.claimNo = "C-1" }
        #expect(complete[0].warnings.isEmpty)
        let underwriting = try test.file([path, path], category: "UW")
        #expect(
            underwriting.map(\.warnings)
                == underwriting.map {
                    ["\($0.reference) has no policy number (completeness rules for UW)"]
                })
        let finance = try test.file([path], category: "FI")
        #expect(finance[0].warnings.isEmpty)
        let compliance = try test.user("carol", roles: [.compliance])
        try Completeness.set(
            CompletenessChange(category: "CL", kind: .fields, names: "claim,customer-id"), session: compliance)
        let both = try test.file([path])
        #expect(
            both[0].warnings == [
                "\(both[0].reference) has no claim number (completeness rules for CL)",
                "\(both[0].reference) has no customer ID (completeness rules for CL)",
            ])
    }
}
