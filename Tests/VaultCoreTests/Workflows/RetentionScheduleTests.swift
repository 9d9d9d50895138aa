import Foundation
import Testing

@testable import VaultCore

/// The retention rule engine on its own: rule choice, every trigger, cut-off, periods, floors and edge dates.
@Suite("Retention schedule")
struct RetentionScheduleTests {
    /// The defaults of DESIGN.md section 5, written out here rather than read from the schema.
    static let defaults: [RetentionRule] = [
        RetentionRule(category: "UW", docType: nil, period: .years(10), shortTermYears: 5, trigger: .policyTerminated),
        RetentionRule(category: "CL", docType: nil, period: .years(10), trigger: .claimAndPolicy),
        RetentionRule(category: "CU", docType: nil, period: .years(5), trigger: .relationshipEnded),
        RetentionRule(category: "FI", docType: nil, period: .years(30), trigger: .fiscalYearEnd),
        RetentionRule(category: "FI", docType: "report", period: .years(10), trigger: .fiscalYearEnd),
        RetentionRule(category: "FI", docType: "statement", period: .years(10), trigger: .fiscalYearEnd),
        RetentionRule(category: "FI", docType: "annual-report", period: .permanent, trigger: .fiscalYearEnd),
        RetentionRule(category: "HR", docType: nil, period: .years(2), trigger: .contractEnded),
        RetentionRule(category: "OT", docType: nil, period: .years(10), trigger: .filed),
    ]

    static func event(_ kind: BusinessEventKind, _ subject: String, _ date: String, term: Int? = nil) -> BusinessEvent {
        BusinessEvent(
            kind: kind, subject: subject, date: CivilDate(date)!, termMonths: term, recordedAt: "", recordedBy: "")
    }

    static func date(_ text: String) -> CivilDate { CivilDate(text)! }

    static func evaluate(
        _ document: RetentionDocument, events: [BusinessEvent] = [], rules: [RetentionRule] = defaults,
        floor: RetentionPeriod? = nil, asOf: String = "2100-01-01"
    ) -> RetentionEvaluation {
        RetentionSchedule(rules: rules, events: events).evaluate(document, floor: floor, asOf: date(asOf))
    }

    @Test("Adding years: 29 February lands on 1 March in a common year, never earlier")
    func leapDays() {
        #expect(Self.date("2024-02-29").adding(years: 10) == Self.date("2034-03-01"))
        #expect(Self.date("2024-02-29").adding(years: 4) == Self.date("2028-02-29"))
        #expect(Self.date("2024-02-28").adding(years: 10) == Self.date("2034-02-28"))
        #expect(Self.date("2023-12-31").adding(years: 1) == Self.date("2024-12-31"))
        #expect(Self.date("2100-02-28").description == "2100-02-28")
        #expect(CivilDate("2100-02-29") == nil, "2100 is not a leap year")
        #expect(CivilDate("2024-02-29T23:59:59Z") == Self.date("2024-02-29"), "a stored time's date")
    }

    @Test("Filed on 29 February + 10 years is due on 1 March, not on 28 February")
    func filedOnLeapDay() {
        let document = RetentionDocument(category: "OT", year: 2024, filedAt: "2024-02-29T10:00:00Z")
        let before = Self.evaluate(document, asOf: "2034-02-28")
        #expect(before.triggerDate == Self.date("2024-02-29"))
        #expect(before.verdict == .notYetDue(Self.date("2034-03-01")))
        #expect(Self.evaluate(document, asOf: "2034-03-01").verdict == .due(Self.date("2034-03-01")))
        #expect(before.triggerText == "filed on 2024-02-29")
    }

    @Test("Year-end cut-off moves 1 January and 31 December alike to 31 December")
    func yearEndCutoff() {
        let rule = RetentionRule(category: "OT", docType: nil, period: .years(3), trigger: .filed, yearEndCutoff: true)
        for filed in ["2024-01-01T00:00:00Z", "2024-12-31T23:59:59Z"] {
            let result = Self.evaluate(
                RetentionDocument(category: "OT", year: 2024, filedAt: filed), rules: [rule], asOf: "2027-12-30")
            #expect(result.triggerDate == Self.date("2024-12-31"))
            #expect(result.verdict == .notYetDue(Self.date("2027-12-31")))
            #expect(result.triggerText.hasSuffix("; cut off to the end of the year: 2024-12-31"))
        }
        let leap = RetentionRule(
            category: "OT", docType: nil, period: .years(1), trigger: .documentDate, yearEndCutoff: true)
        let result = Self.evaluate(
            RetentionDocument(category: "OT", year: 2024, docDate: "2024-02-29"), rules: [leap], asOf: "2025-12-31")
        #expect(result.verdict == .due(Self.date("2025-12-31")))
    }

    @Test("Document date: missing means not due, present counts from it")
    func documentDate() {
        let rule = RetentionRule(category: "OT", docType: nil, period: .years(7), trigger: .documentDate)
        let missing = Self.evaluate(RetentionDocument(category: "OT", year: 2020), rules: [rule])
        #expect(missing.verdict == .noTrigger("no document date"))
        #expect(missing.dueDate == nil)
        let dated = Self.evaluate(
            RetentionDocument(category: "OT", year: 2020, docDate: "2020-06-15"), rules: [rule], asOf: "2027-06-14")
        #expect(dated.verdict == .notYetDue(Self.date("2027-06-15")))
    }

    @Test("Fiscal year end is 31 December of the document's year; FI types choose their rule by words")
    func financeTypes() {
        func result(_ type: String?) -> RetentionEvaluation {
            Self.evaluate(RetentionDocument(category: "FI", year: 2020, docType: type), asOf: "2031-01-01")
        }
        #expect(result("annual-report").verdict == .permanent)
        #expect(result("Annual Report").verdict == .permanent, "case and spaces do not matter")
        #expect(result("annual-report").rule?.docType == "annual-report")
        #expect(result("monthly-report").rule?.docType == "report")
        #expect(result("monthly_report").verdict == .due(Self.date("2030-12-31")))
        #expect(result("bank-statement").rule?.docType == "statement")
        #expect(result("voucher").rule?.docType == nil)
        #expect(result("voucher").verdict == .notYetDue(Self.date("2050-12-31")))
        #expect(result("reporting-ledger").rule?.docType == nil, "words match whole, not as substrings")
        #expect(result(nil).rule?.docType == nil)
        #expect(result("voucher").triggerText == "end of fiscal year 2020: 2020-12-31")
        #expect(result("monthly-report").ruleReason == "type 'monthly-report' contains 'report'")
        #expect(result("voucher").ruleReason == "the category's rule; no type rule matches 'voucher'")
    }

    @Test("Policy terminated: missing number, missing event, and the short-term period for terms of 12 months")
    func policyTerminated() {
        let policy = RetentionDocument(category: "UW", year: 2020, policyNo: "P-1")
        #expect(
            Self.evaluate(RetentionDocument(category: "UW", year: 2020)).verdict
                == .noTrigger("no policy number on the document"))
        #expect(
            Self.evaluate(policy).verdict == .noTrigger("no policy-terminated event recorded for policy P-1"))
        let short = Self.evaluate(
            policy, events: [Self.event(.policyTerminated, "P-1", "2021-03-31", term: 12)], asOf: "2026-03-30")
        #expect(short.period == .years(5) && short.shortTerm)
        #expect(short.verdict == .notYetDue(Self.date("2026-03-31")))
        let long = Self.evaluate(policy, events: [Self.event(.policyTerminated, "P-1", "2021-03-31", term: 13)])
        #expect(long.period == .years(10) && !long.shortTerm)
        let unknownTerm = Self.evaluate(policy, events: [Self.event(.policyTerminated, "P-1", "2021-03-31")])
        #expect(unknownTerm.dueDate == Self.date("2031-03-31"), "no recorded term: the full period")
        let other = Self.evaluate(policy, events: [Self.event(.policyTerminated, "P-2", "2021-03-31")])
        #expect(other.verdict == .noTrigger("no policy-terminated event recorded for policy P-1"))
    }

    @Test("Claim and policy: the later of the two, the claim alone without a policy, not due while either is missing")
    func claimAndPolicy() {
        let both = RetentionDocument(category: "CL", year: 2020, policyNo: "P-1", claimNo: "C-1")
        let claimLater = [
            Self.event(.claimClosed, "C-1", "2022-05-01"), Self.event(.policyTerminated, "P-1", "2021-01-01"),
        ]
        #expect(Self.evaluate(both, events: claimLater).triggerDate == Self.date("2022-05-01"))
        let policyLater = [
            Self.event(.claimClosed, "C-1", "2022-05-01"), Self.event(.policyTerminated, "P-1", "2023-02-01"),
        ]
        let later = Self.evaluate(both, events: policyLater, asOf: "2033-02-01")
        #expect(later.verdict == .due(Self.date("2033-02-01")))
        #expect(later.triggerText.hasPrefix("later of claim C-1 closed on 2022-05-01 and policy P-1 terminated"))
        #expect(
            Self.evaluate(both, events: [Self.event(.claimClosed, "C-1", "2022-05-01")]).verdict
                == .noTrigger("no policy-terminated event recorded for policy P-1"))
        #expect(
            Self.evaluate(both, events: [Self.event(.policyTerminated, "P-1", "2022-05-01")]).verdict
                == .noTrigger("no claim-closed event recorded for claim C-1"))
        let claimOnly = RetentionDocument(category: "CL", year: 2020, claimNo: "C-1")
        let alone = Self.evaluate(claimOnly, events: claimLater, asOf: "2032-04-30")
        #expect(alone.verdict == .notYetDue(Self.date("2032-05-01")))
        #expect(alone.triggerText.contains("no policy number, so the claim alone"))
        #expect(
            Self.evaluate(RetentionDocument(category: "CL", year: 2020, policyNo: "P-1"), events: claimLater).verdict
                == .noTrigger("no claim number on the document"))
    }

    @Test("Relationship ended: by the customer's index, never the ID; contract ended by contract number")
    func relationshipAndContract() {
        let index = String(repeating: "ab", count: 32)
        let customer = RetentionDocument(category: "CU", year: 2019, customerIndex: index)
        #expect(
            Self.evaluate(RetentionDocument(category: "CU", year: 2019)).verdict
                == .noTrigger("no customer ID on the document"))
        #expect(
            Self.evaluate(customer).verdict
                == .noTrigger("no relationship-ended event recorded for customer abababab"))
        #expect(
            Self.evaluate(customer, events: [Self.event(.relationshipEnded, index, "2020-02-29")], asOf: "2025-03-01")
                .verdict == .due(Self.date("2025-03-01")))
        let contract = RetentionDocument(category: "HR", year: 2019, contractNo: "H-7")
        #expect(
            Self.evaluate(RetentionDocument(category: "HR", year: 2019)).verdict
                == .noTrigger("no contract number on the document"))
        #expect(Self.evaluate(contract).verdict == .noTrigger("no contract-ended event recorded for contract H-7"))
        #expect(
            Self.evaluate(contract, events: [Self.event(.contractEnded, "H-7", "2023-06-30")], asOf: "2025-06-29")
                .verdict == .notYetDue(Self.date("2025-06-30")))
    }

    @Test("Claim closed alone, and a category without a rule")
    func claimClosedAndNoRule() {
        let rule = RetentionRule(category: "CL", docType: nil, period: .years(3), trigger: .claimClosed)
        let document = RetentionDocument(category: "CL", year: 2020, claimNo: "C-9")
        #expect(
            Self.evaluate(document, events: [Self.event(.claimClosed, "C-9", "2020-01-01")], rules: [rule])
                .verdict == .due(Self.date("2023-01-01")))
        let none = Self.evaluate(document, rules: [])
        #expect(none.rule == nil)
        #expect(none.verdict == .noTrigger("no retention rule for category CL; compliance sets one"))
    }

    @Test("Permanent wins over missing events; floors raise a period but never lower it")
    func permanentAndFloors() {
        let permanent = RetentionRule(category: "HR", docType: nil, period: .permanent, trigger: .contractEnded)
        #expect(
            Self.evaluate(RetentionDocument(category: "HR", year: 2020, contractNo: "H-1"), rules: [permanent])
                .verdict == .permanent)
        let filed = RetentionDocument(category: "OT", year: 2020, filedAt: "2020-01-15T00:00:00Z")
        let five = RetentionRule(category: "OT", docType: nil, period: .years(5), trigger: .filed)
        let raised = Self.evaluate(filed, rules: [five], floor: .years(10), asOf: "2026-01-01")
        #expect(raised.period == .years(10))
        #expect(raised.verdict == .notYetDue(Self.date("2030-01-15")))
        #expect(raised.facts.contains { $0.hasPrefix("period: 10 y (floor 10 y") })
        #expect(Self.evaluate(filed, rules: [five], floor: .permanent).verdict == .permanent)
        #expect(Self.evaluate(filed, rules: [five], floor: .years(2)).period == .years(5))
        #expect(RetentionPeriod.years(200) < .permanent)
    }

    @Test("The facts end with the verdict, then holds and loans")
    func facts() {
        var result = Self.evaluate(
            RetentionDocument(reference: "R", category: "OT", year: 2020, filedAt: "2020-01-15T00:00:00Z"),
            asOf: "2030-01-15")
        result.holds = [4]
        result.loans = [9]
        #expect(result.status == "held")
        #expect(
            result.facts == [
                "rule: OT 10 y after filed (the category's rule; the document has no type)",
                "trigger: filed on 2020-01-15", "period: 10 y", "due date: 2030-01-15",
                "verdict: due since 2030-01-15", "held by hold 4", "on loan 9",
            ])
        result.holds = []
        #expect(result.status == "on-loan")
    }
}
