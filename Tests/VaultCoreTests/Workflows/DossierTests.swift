import Foundation
import Testing

@testable import VaultCore

/// `Dossier.show`: a case file's table of contents by policy, claim or customer ID.
@Suite("Dossier: case file table of contents")
struct DossierTests {
    @Test("Entries come in document-date order (filing date when none), titles opened, reference breaks ties")
    func orderAndFields() throws {
        let test = try TestVault()
        test.session.freeze(at: TestTime.start)
        let late = try test.fileText("late") {
            $0.claimNo = "C-5"
            $0.docDate = "2031-02-01"
            $0.docType = "payment-voucher"
            $0.title = "赔款支付凭证"
        }
        let undated = try test.fileText("undated") { $0.claimNo = "C-5" }
        let early = try test.fileText("early-one") {
            $0.claimNo = "C-5"
            $0.docDate = "2029-12-31"
        }
        let sameDay = try test.fileText("early-two") {
            $0.claimNo = "C-5"
            $0.docDate = "2029-12-31"
        }
        _ = try test.fileText("other") { $0.claimNo = "C-6" }
        let entries = try Dossier.show(.claim(" C-5 "), session: test.session)
        #expect(entries.map(\.reference) == [early, sameDay, undated, late])
        #expect(entries.map(\.date) == ["2029-12-31", "2029-12-31", "2030-01-01", "2031-02-01"])
        #expect(
            entries.last
                == DossierEntry(
                    reference: late, category: "CL", type: "payment-voucher", date: "2031-02-01", title: "赔款支付凭证",
                    size: 4, status: "active"))
        let entry = try test.lastAudit()
        #expect(entry.action == "dossier.show" && entry.target == "claim:C-5" && entry.details == "results=4")
    }

    @Test("A policy's case file spans categories; a customer's is found by ID written with spaces and hyphens")
    func policyAndCustomer() throws {
        let test = try TestVault()
        let claim = try test.fileText("c") {
            $0.policyNo = "P-1"
            $0.customerID = "110105199003071234"
        }
        let policy = try test.fileText("u", category: "UW") { $0.policyNo = "P-1" }
        #expect(Set(try Dossier.show(.policy("P-1"), session: test.session).map(\.reference)) == [claim, policy])
        let customer = try Dossier.show(.customerID("110105-1990 0307-1234"), session: test.session)
        #expect(customer.map(\.reference) == [claim])
        let entry = try test.lastAudit()
        #expect(entry.target == "customer" && entry.details == "results=1")
        #expect(entry.sensitiveSealed != nil)
        let stored = try test.database.query("SELECT * FROM audit_log").map { "\($0.values)" }.joined()
        #expect(!stored.contains("110105"))
    }

    @Test("Unknown numbers are 66 with the number named (a customer ID is not echoed), and logged as failed")
    func unknown() throws {
        let test = try TestVault()
        let cases: [(DossierSelector, String)] = [
            (.claim("C-404"), "no documents filed under claim C-404; 'docvault search' finds them"),
            (.policy("P-404"), "no documents filed under policy P-404; 'docvault search' finds them"),
            (
                .customerID("110105199003071234"),
                "no documents filed under that customer ID; check the number or try 'docvault search --customer'"
            ),
            (
                .customerID("  "),
                "no documents filed under that customer ID; check the number or try 'docvault search --customer'"
            ),
        ]
        for (selector, message) in cases {
            var caught: VaultError?
            do { _ = try Dossier.show(selector, session: test.session) } catch { caught = error as? VaultError }
            #expect(caught?.exitCode == 66)
            #expect(caught?.message == message)
            #expect(try test.lastAudit().outcome == .failed)
        }
    }

    @Test("A destroyed document stays in its case file's contents as destroyed, with no title, and stops counting")
    func destroyedDocument() throws {
        let test = try TestVault()
        let kept = try test.fileText("kept") {
            $0.claimNo = "C-9"
            $0.docType = "claim-form"
            $0.docDate = "2024-01-01"
        }
        let shredded = try test.fileText("gone") {
            $0.claimNo = "C-9"
            $0.docType = "payment-voucher"
            $0.docDate = "2024-02-01"
        }
        #expect(
            try Completeness.check(category: "CL", session: test.session).incomplete.first?.lacks == [
                "loss-assessment", "id-copy",
            ])
        // The tombstone destruction leaves (FileFormat.md, "Destruction"): no key, no sealed fields.
        try test.database.run(
            """
            UPDATE documents SET status = 'destroyed', wrapped_data_key = X'', title_sealed = NULL,
                file_name_sealed = NULL, sha256_sealed = X'' WHERE reference = ?
            """, [shredded])
        let entries = try Dossier.show(.claim("C-9"), session: test.session)
        #expect(entries.map(\.reference) == [kept, shredded])
        #expect(entries.map(\.status) == ["active", "destroyed"])
        #expect(entries.last?.title == nil)
        // Only active documents meet a required type.
        #expect(
            try Completeness.check(category: "CL", session: test.session).incomplete.first?.lacks == [
                "loss-assessment", "payment-voucher", "id-copy",
            ])
    }
}
