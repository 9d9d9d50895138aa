import Foundation
import Testing

@testable import VaultCore

/// Retention and event workflows on a real vault: rule changes and their floors, events and corrections,
/// the due listing and explanations, each checked for permission, validation and logging.
@Suite("Retention workflows")
struct RetentionWorkflowTests {
    /// A test vault with a compliance officer.
    static func vault() throws -> (TestVault, Session) {
        let test = try TestVault()
        return (test, try test.user("connie", roles: [.compliance]))
    }

    /// Places a hold on `subject` by SQL, as the hold commands are built elsewhere; returns its id.
    @discardableResult
    static func hold(_ test: TestVault, scope: String = "document", _ subject: String) throws -> Int {
        try test.database.run(
            """
            INSERT INTO legal_holds (scope, subject, reason_sealed, placed_by, placed_at)
            VALUES (?, ?, X'00', 'connie', '2026-01-01T00:00:00Z')
            """, [scope, subject])
        return try #require(try test.database.queryOne("SELECT MAX(id) AS id FROM legal_holds")).int("id")
    }

    /// The floors as `document id: years` (nil years for permanent).
    static func floors(_ test: TestVault) throws -> [Int: Int?] {
        var floors: [Int: Int?] = [:]
        for row in try test.database.query("SELECT document_id, years FROM retention_floors") {
            // updateValue, because assigning a nil `Int?` through the subscript would remove the key.
            floors.updateValue(row["years"].integer.map { Int($0) }, forKey: row.int("document_id"))
        }
        return floors
    }

    static func change(
        _ category: String, type: String? = nil, _ period: RetentionPeriod, _ trigger: String = "filed"
    ) -> RetentionRuleChange {
        RetentionRuleChange(category: category, docType: type, period: period, trigger: trigger)
    }

    @Test("init installs the defaults; rules are readable by every role")
    func defaults() throws {
        let (test, _) = try Self.vault()
        let rules = try RetentionAdministration.rules(session: test.session)
        #expect(
            rules.map(\.scope) == [
                "CL", "CU", "FI", "FI/annual-report", "FI/report", "FI/statement", "HR", "OT",
                "OT/destruction-register", "UW",
            ])
        let uw = try #require(rules.last)
        #expect(uw.periodText == "10 y (5 y if term ≤ 12 months)")
        #expect(uw.trigger == .policyTerminated && uw.basis == "Insurance Law art. 87")
        #expect(try test.lastAudit().details == "results=10")
    }

    @Test("A rule change is logged with old and new values; a new type rule with its values")
    func setLogsOldAndNew() throws {
        let (test, compliance) = try Self.vault()
        var change = Self.change("ot", .years(5))
        change.basis = "board decision 2026-3"
        change.yearEndCutoff = true
        let update = try RetentionAdministration.set(change, session: compliance)
        #expect(update.previous?.period == .years(10))
        #expect(update.rule.yearEndCutoff && update.rule.updatedBy == "connie")
        let entry = try test.lastAudit()
        #expect(entry.action == "retention.set" && entry.target == "retention:OT" && entry.outcome == .ok)
        #expect(
            entry.details
                == "rule=OT; years=10->5; short-term-years=none->none; trigger=filed->filed; cutoff=no->yes; "
                + "basis=company policy->board decision 2026-3; protected=0")
        try RetentionAdministration.set(
            Self.change("FI", type: "Tax Return", .permanent, "fiscal-year-end"), session: compliance)
        #expect(
            try test.lastAudit().details
                == "rule=FI/tax-return; created; years=permanent; short-term-years=none; trigger=fiscal-year-end; "
                + "cutoff=no; basis=; protected=0")
        // Not given again: basis and cut-off stay.
        try RetentionAdministration.set(Self.change("OT", .years(6)), session: compliance)
        let ot = try #require(try RetentionAdministration.rules(session: compliance).first { $0.scope == "OT" })
        #expect(ot.basis == "board decision 2026-3" && ot.yearEndCutoff && ot.period == .years(6))
    }

    @Test(
        "Invalid changes are usage errors that change nothing",
        arguments: [
            (change("XX", .years(5)), "unknown category 'XX'"),
            (change("OT", .years(5), "destroyed"), "unknown trigger 'destroyed'; use one of filed, document-date"),
            (change("OT", .years(0)), "--years must be between 1 and 200"),
            (change("OT", .years(201)), "--years must be between 1 and 200"),
            (change("OT", type: " - ", .years(5)), "--type ' - ' has no words"),
        ])
    func setValidation(change: RetentionRuleChange, message: String) throws {
        let (test, compliance) = try Self.vault()
        try test.expectFailure(
            .usage, exit: 64, message: message, logged: "retention.set", .failed,
            details: ""
        ) { try RetentionAdministration.set(change, session: compliance) }
    }

    @Test("Short-term periods only for policy triggers and never longer than the period")
    func shortTermValidation() throws {
        let (test, compliance) = try Self.vault()
        var filed = Self.change("OT", .years(10))
        filed.shortTermYears = 5
        try test.expectFailure(
            .usage, exit: 64, message: "--short-term-years applies only to the policy-terminated and claim-and-policy",
            logged: "retention.set", .failed, details: ""
        ) { try RetentionAdministration.set(filed, session: compliance) }
        var longer = Self.change("UW", .years(4), "policy-terminated")
        longer.shortTermYears = 5
        try test.expectFailure(
            .usage, exit: 64, message: "--short-term-years must be between 1 and the rule's --years",
            logged: "retention.set", .failed, details: ""
        ) { try RetentionAdministration.set(longer, session: compliance) }
    }

    @Test("Only compliance sets rules; only archivists record events")
    func permissions() throws {
        let (test, compliance) = try Self.vault()
        try test.expectFailure(
            .permissionDenied, exit: 77, message: "'archie' may not retention.set; it needs the role compliance",
            logged: "retention.set", .denied,
            details: "reason='archie' may not retention.set; it needs the role compliance"
        ) { try RetentionAdministration.set(Self.change("OT", .years(5)), session: test.session) }
        try test.expectFailure(
            .permissionDenied, exit: 77, message: "'connie' may not event.record; it needs the role archivist",
            logged: "event.record", .denied,
            details: "reason='connie' may not event.record; it needs the role archivist"
        ) { try BusinessEventRecording.record(.claim("C-1"), date: "2024-01-01", session: compliance) }
    }

    @Test("Shortening a rule writes a floor for held documents only, keeping longer floors")
    func floorsForHeldDocuments() throws {
        let (test, compliance) = try Self.vault()
        let held = try test.fileText("minutes 1", category: "OT") { $0.docType = "board-minutes" }
        let free = try test.fileText("minutes 2", category: "OT") { $0.docType = "board-minutes" }
        let heldID = try test.row(held).int("id")
        try Self.hold(test, held)
        #expect(
            try test.database.queryOne("SELECT COUNT(*) AS n FROM documents WHERE reference = ?", [free])?.int("n") == 1
        )

        let shorter = try RetentionAdministration.set(Self.change("OT", .years(5)), session: compliance)
        #expect(shorter.protected == 1)
        #expect(try Self.floors(test) == [heldID: 10])
        #expect(try test.lastAudit().details.hasSuffix("protected=1"))
        // Shorter again: the longer floor stays.
        try RetentionAdministration.set(Self.change("OT", .years(3)), session: compliance)
        #expect(try Self.floors(test) == [heldID: 10])
        // Longer: nothing to protect.
        #expect(try RetentionAdministration.set(Self.change("OT", .years(20)), session: compliance).protected == 0)
        #expect(try Self.floors(test) == [heldID: 10])
        // A new type rule that is shorter than the category's rule protects too, with the period it had.
        let narrow = try RetentionAdministration.set(Self.change("OT", type: "minutes", .years(2)), session: compliance)
        #expect(narrow.protected == 1)
        #expect(try Self.floors(test) == [heldID: 20])
        let explained = try RetentionReport.explain(held, asOf: "2030-01-01", session: compliance)
        #expect(explained.period == .years(20) && explained.floor == .years(20))
        #expect(explained.holds.count == 1)
    }

    @Test("Permanent becoming years leaves a permanent floor on held documents")
    func permanentFloor() throws {
        let (test, compliance) = try Self.vault()
        let report = try test.fileText("annual 2019", category: "FI", year: 2019) { $0.docType = "annual-report" }
        try Self.hold(test, scope: "policy", "none")  // a hold on something else protects nothing
        #expect(
            try RetentionAdministration.set(
                Self.change("FI", type: "annual-report", .years(30), "fiscal-year-end"), session: compliance
            ).protected == 0)
        try RetentionAdministration.set(
            Self.change("FI", type: "annual-report", .permanent, "fiscal-year-end"), session: compliance)
        try Self.hold(test, report)
        let update = try RetentionAdministration.set(
            Self.change("FI", type: "annual-report", .years(10), "fiscal-year-end"), session: compliance)
        #expect(update.protected == 1)
        #expect(try Self.floors(test) == [try test.row(report).int("id"): nil])
        #expect(try RetentionReport.explain(report, asOf: "2099-01-01", session: compliance).verdict == .permanent)
    }

    @Test("Events: recording, correction logged old->new, validation, and the customer ID never stored")
    func events() throws {
        let (test, _) = try Self.vault()
        let first = try BusinessEventRecording.record(
            .policy("P-1", termMonths: 12), date: "2024-01-31", session: test.session)
        #expect(first.correctedFrom == nil && first.event.termMonths == 12)
        #expect(try test.lastAudit().target == "policy:P-1")
        #expect(try test.lastAudit().details == "kind=policy-terminated; date=2024-01-31; term-months=12")
        let second = try BusinessEventRecording.record(
            .policy("P-1", termMonths: nil), date: "2024-02-29", session: test.session)
        #expect(second.correctedFrom == "2024-01-31")
        #expect(
            try test.lastAudit().details
                == "kind=policy-terminated; date=2024-01-31->2024-02-29; term-months=12->none; correction")
        let tomorrow = CivilDate(Date().addingTimeInterval(86_400 * 2)).description
        try test.expectFailure(
            .usage, exit: 64, message: "is in the future; record an event once it has happened",
            logged: "event.record", .failed, details: ""
        ) { try BusinessEventRecording.record(.claim("C-1"), date: tomorrow, session: test.session) }
        for bad in ["2023-02-29", "2024-1-05", "yesterday"] {
            try test.expectFailure(
                .usage, exit: 64, message: "date '\(bad)' is not a valid date; write it as YYYY-MM-DD",
                logged: "event.record", .failed, details: ""
            ) { try BusinessEventRecording.record(.claim("C-1"), date: bad, session: test.session) }
        }
        try test.expectFailure(
            .usage, exit: 64, message: "--term-months must be between 1 and 1200", logged: "event.record", .failed,
            details: ""
        ) {
            try BusinessEventRecording.record(.policy("P-2", termMonths: 0), date: "2024-01-01", session: test.session)
        }

        let customerID = "110105199003071234"
        let reference = try test.fileText("kyc", category: "CU", year: 2019) { $0.customerID = customerID }
        try BusinessEventRecording.record(.customerID(customerID), date: "2020-02-29", session: test.session)
        let index = try #require(try test.row(reference).bytes("customer_id_index")).hexString
        let listed = try BusinessEventRecording.list(session: test.session)
        #expect(listed.map(\.subject) == ["P-1", "customer \(index.prefix(8))"])
        #expect(try test.lastAudit().details == "results=2")
        let explained = try RetentionReport.explain(reference, asOf: "2025-03-01", session: test.session)
        #expect(explained.verdict == .due(CivilDate("2025-03-01")!))
        for path in [test.location.catalogPath, test.location.catalogPath + "-wal"] {
            let bytes = TestVault.contents(of: path)
            #expect(!TestVault.contains(bytes, Array(customerID.utf8)), "\(path) holds the customer ID in clear")
        }
        #expect(
            try test.auditEntries().allSatisfy { !$0.details.contains(customerID) && !$0.target.contains(customerID) })
    }

    @Test("Due on the due date, not the day before; held and on-loan documents are listed and marked")
    func dueListing() throws {
        let (test, compliance) = try Self.vault()
        let held = try test.fileText("a") {
            $0.policyNo = "P-1"
            $0.claimNo = "C-1"
        }
        let lent = try test.fileText("b") { $0.claimNo = "C-2" }
        let waiting = try test.fileText("c") { $0.claimNo = "C-3" }
        let other = try test.fileText("d", category: "HR") { $0.contractNo = "H-1" }
        try BusinessEventRecording.record(.claim("C-1"), date: "2014-03-01", session: test.session)
        try BusinessEventRecording.record(.policy("P-1", termMonths: nil), date: "2014-05-02", session: test.session)
        try BusinessEventRecording.record(.claim("C-2"), date: "2014-05-01", session: test.session)
        try BusinessEventRecording.record(.contract("H-1"), date: "2022-04-01", session: test.session)
        let hold = try Self.hold(test, scope: "claim", "C-1")
        let loan = try test.lend(lent)

        let before = try RetentionReport.due(asOf: "2024-04-30", category: nil, session: compliance)
        #expect(before.items.map(\.reference) == [other])
        let onTheDay = try RetentionReport.due(asOf: "2024-05-01", category: nil, session: compliance)
        #expect(onTheDay.items.map(\.reference) == [other, lent])
        let later = try RetentionReport.due(asOf: "2024-05-02", category: nil, session: compliance)
        #expect(later.items.map(\.reference) == [other, lent, held])
        #expect(later.items.map(\.status) == ["due", "on-loan", "held"])
        #expect(later.items[1].loans == [loan.id] && later.items[2].holds == [hold])
        #expect(later.items.map { $0.dueDate.description } == ["2024-04-01", "2024-05-01", "2024-05-02"])
        #expect(
            later.items.map(\.rule) == [
                "2 y after contract-ended", "10 y after claim-and-policy", "10 y after claim-and-policy",
            ])
        #expect(later.items.map { $0.triggerDate.description } == ["2022-04-01", "2014-05-01", "2014-05-02"])
        #expect(!later.items.contains { $0.reference == waiting })
        #expect(try test.lastAudit().details == "as-of=2024-05-02; category=all; results=3")
        let claims = try RetentionReport.due(asOf: "2024-05-02", category: "cl", session: compliance)
        #expect(claims.items.count == 2)
        #expect(try test.lastAudit().details == "as-of=2024-05-02; category=CL; results=2")

        let explained = try RetentionReport.explain(waiting, asOf: nil, session: compliance)
        #expect(explained.facts.last == "verdict: not due: no claim-closed event recorded for claim C-3")
        let heldFacts = try RetentionReport.explain(held, asOf: "2024-05-02", session: compliance).facts
        #expect(heldFacts.suffix(2) == ["verdict: due since 2024-05-02", "held by hold \(hold)"])
        #expect(try test.lastAudit().details == "as-of=2024-05-02; verdict=due")
    }

    @Test("Unknown references, categories and dates are refused and logged")
    func refusals() throws {
        let (test, compliance) = try Self.vault()
        try test.expectFailure(
            .inputMissing, exit: 66, message: "no document with reference J001-OT-2024-D10-0099",
            logged: "retention.explain", .failed, details: "as-of=\(CivilDate(Date()))"
        ) { _ = try RetentionReport.explain("J001-OT-2024-D10-0099", asOf: nil, session: compliance) }
        #expect(throws: VaultError.usage("--as-of '2024-02-30' is not a valid date; write it as YYYY-MM-DD")) {
            try RetentionReport.due(asOf: "2024-02-30", category: nil, session: compliance)
        }
        #expect(throws: VaultError.usage("unknown category 'ZZ'; use one of UW, CL, CU, FI, HR, OT")) {
            try RetentionReport.due(asOf: nil, category: "ZZ", session: compliance)
        }
    }
}
