import Foundation
import Testing

/// `hold place|release|list|show` end to end: what each prints and records, holds covering
/// documents filed later, separation of duties on release, and what stays out of the vault's bytes.
@Suite struct HoldCommandTests {
    static let customerID = "110105199003071234"

    @Test func policyHoldCoversALaterFilingAndOnlyAnotherApproverReleasesIt() throws {
        let sandbox = try Holds.vault()
        let placed = try sandbox.run(
            as: Holds.dual, ["hold", "place", "--policy", "P-77", "--reason", "Quibblesworth v. Insurer"])
        #expect(placed.status == 0, "\(placed)")
        #expect(
            placed.stdout
                == "Hold 1 placed on policy P-77; covers 0 document(s) now.\n"
                + "To release it, an approver other than you must run: docvault hold release 1 --reason TEXT\n")
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.summary == "hold.place:ok" && entry.actor == Holds.dual && entry.target == "hold:1")
        #expect(entry.details == "scope=policy; subject=P-77; covers=0")
        #expect(entry.hasSealedDetails)

        // Filed under the held policy after the hold: covered.
        let reference = try sandbox.fileOne(
            try sandbox.input("claim.pdf", text: "claim"), ["--category", "CL", "--year", "2024", "--policy", "P-77"])
        let held = try Holds.show(sandbox, 1)
        #expect(held["covers"] as? Int == 1)
        #expect(held["status"] as? String == "in-force")
        #expect(held["reason"] as? String == "Quibblesworth v. Insurer")
        #expect(held["placedBy"] as? String == Holds.dual)
        // `show` names the holds in force on the document.
        let document = try sandbox.run(["show", reference])
        #expect(document.stdout.contains("\nLegal holds  1\n"), "\(document)")
        #expect(try Self.holds(sandbox, reference) == [1])

        try sandbox.expectNoChange(audit: ["hold.release:denied", "hold.release:denied"]) {
            // The placer is refused even though they are an approver.
            expectFailure(
                try sandbox.run(as: Holds.dual, ["hold", "release", "1", "--reason", "mine"]), 77,
                ["you placed hold 1 yourself; another approver must release hold 1"])
            expectFailure(
                try sandbox.run(as: Holds.compliance, ["hold", "release", "1", "--reason", "done"]), 77,
                ["'comp' may not hold.release; it needs the role approver"])
        }

        let released = try sandbox.run(as: Sandbox.lender, ["hold", "release", "1", "--reason", "settled"])
        #expect(released.status == 0, "\(released)")
        #expect(released.stdout == "Hold 1 released; 1 document(s) no longer held by it.\n")
        let shown = try Holds.show(sandbox, 1, as: "auditor")
        #expect(shown["status"] as? String == "released")
        #expect(shown["releasedBy"] as? String == Sandbox.lender)
        #expect(shown["releaseReason"] as? String == "settled")
        let releasedAt = try #require(shown["releasedAt"] as? String)
        let release = try #require(try sandbox.auditLog().last { $0.action == "hold.release" })
        #expect(release.outcome == "ok" && release.actor == Sandbox.lender && release.target == "hold:1")
        #expect(release.details == "scope=policy; subject=P-77; covers=1")
        // No hold is in force any more, so nothing holds the document.
        let list = try sandbox.run(as: Holds.compliance, ["hold", "list"])
        #expect(list.status == 0 && list.stdout.isEmpty && list.stderr == "no holds in force\n", "\(list)")
        #expect(try Self.holds(sandbox, reference) == [])
        #expect(!(try sandbox.run(["show", reference]).stdout.contains("Legal holds")))

        try sandbox.expectNoChange(audit: ["hold.release:failed", "hold.release:failed"]) {
            expectFailure(
                try sandbox.run(as: Sandbox.lender, ["hold", "release", "1", "--reason", "again"]), 1,
                ["hold 1 was already released by \(Sandbox.lender) at \(releasedAt); nothing to release"])
            expectFailure(
                try sandbox.run(as: Sandbox.lender, ["hold", "release", "9", "--reason", "x"]), 66,
                ["no hold 9; 'docvault hold list --all' shows the holds"])
        }
    }

    @Test func claimCustomerAndReferenceHoldsKeepTheCustomerIDOutOfTheVault() throws {
        let sandbox = try Holds.vault()
        let first = try sandbox.fileOne(
            try sandbox.input("kyc.pdf", text: "kyc"),
            ["--category", "CU", "--year", "2023", "--customer-id", Self.customerID])
        let byClaim = try Holds.place(sandbox, ["--claim", "C-5"])
        let placed = try sandbox.run(
            as: Holds.compliance,
            ["hold", "place", "--customer-id", "110105 19900307 1234", "--reason", "Frobisher AML inquiry"])
        #expect(placed.status == 0, "\(placed)")
        let byCustomer = try Holds.number(placeOutput: placed)
        let shown = try Holds.show(sandbox, byCustomer)
        let subject = try #require(shown["subject"] as? String)
        #expect(subject.hasPrefix("customer ") && subject.count == "customer ".count + 8, "\(subject)")
        #expect(placed.stdout.hasPrefix("Hold \(byCustomer) placed on \(subject); covers 1 document(s) now.\n"))
        #expect(shown["covers"] as? Int == 1)
        let byReference = try Holds.place(sandbox, ["--ref", first.lowercased()])
        #expect(try Holds.show(sandbox, byReference)["subject"] as? String == first)

        // Documents filed later for the same claim and customer are covered.
        _ = try sandbox.fileOne(
            try sandbox.input("claim.pdf", text: "claim"),
            ["--category", "CL", "--year", "2024", "--claim", "C-5", "--customer-id", "110105-19900307-1234"])
        #expect(try Holds.show(sandbox, byClaim)["covers"] as? Int == 1)
        #expect(try Holds.show(sandbox, byCustomer)["covers"] as? Int == 2)

        let places = try sandbox.auditLog().filter { $0.action == "hold.place" }
        #expect(
            places.map(\.details) == [
                "scope=claim; subject=C-5; covers=0", "scope=customer; covers=1",
                "scope=document; subject=\(first); covers=1",
            ])
        for row in try sandbox.auditLog() {
            #expect(!row.details.contains("1234") && !row.target.contains("1234"), "\(row)")
        }
        let bytes = Holds.catalogueBytes(sandbox)
        #expect(bytes.range(of: Data("C-5".utf8)) != nil)
        for secret in [Self.customerID, "110105 19900307 1234", "Frobisher", "AML inquiry", "pending litigation"] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is in the catalogue's bytes")
        }
    }

    /// The `holds` of `show REFERENCE --json`; requires success.
    static func holds(_ sandbox: Sandbox, _ reference: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> [Int]?
    {
        let result = try sandbox.run(["show", reference, "--json"])
        try #require(result.status == 0, "show \(reference): \(result)", sourceLocation: sourceLocation)
        let object = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]
        return object?["holds"] as? [Int]
    }

    @Test func listAndShowInEveryFormat() throws {
        let sandbox = try Holds.vault()
        let empty = try sandbox.run(as: "auditor", ["hold", "list", "--all"])
        #expect(empty.status == 0 && empty.stdout.isEmpty && empty.stderr == "no holds\n", "\(empty)")
        let first = try Holds.place(sandbox, ["--policy", "P-1"], reason: "matter one")
        let second = try Holds.place(sandbox, ["--claim", "C-2"], reason: "matter, \"two\"")
        #expect(
            try sandbox.run(as: Sandbox.lender, ["hold", "release", String(first), "--reason", "over"]).status == 0)

        let table = try sandbox.run(as: Sandbox.clerk, ["hold", "list"])
        #expect(table.status == 0, "\(table)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("HOLD  SCOPE  SUBJECT  COVERS  STATUS    REASON") == true, "\(table.stdout)")
        #expect(lines.last?.hasPrefix("\(second)     claim  C-2      0       in-force  matter, \"two\"") == true)

        let json = try sandbox.run(as: "auditor", ["hold", "list", "--all", "--json"])
        #expect(json.status == 0, "\(json)")
        let objects = try json.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.compactMap { $0["id"] as? Int } == [first, second])
        #expect(objects.compactMap { $0["status"] as? String } == ["released", "in-force"])
        #expect(objects.first?["releaseReason"] as? String == "over")
        #expect(objects.last?["releaseReason"] == nil)

        let csv = try sandbox.run(as: Holds.compliance, ["hold", "list", "--all", "--csv", "--excel"])
        #expect(csv.status == 0, "\(csv)")
        #expect(csv.stdoutData.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        let rows = Register.csvRows(String(decoding: csv.stdoutData.dropFirst(3), as: UTF8.self))
        #expect(
            rows.first == [
                "hold", "scope", "subject", "covers", "status", "reason", "placed-by", "placed-at", "released-by",
                "released-at", "release-reason",
            ])
        #expect(rows.count == 3)
        #expect(rows.last?.prefix(7) == ["\(second)", "claim", "C-2", "0", "in-force", "matter, \"two\"", "comp"])
        #expect(rows.dropFirst().first?[8] == Sandbox.lender)
        #expect(rows.dropFirst().first?[10] == "over")

        let text = try sandbox.run(as: Holds.compliance, ["hold", "show", String(first)])
        #expect(text.status == 0, "\(text)")
        let shown = try Holds.show(sandbox, first)
        let placedAt = try #require(shown["placedAt"] as? String)
        let releasedAt = try #require(shown["releasedAt"] as? String)
        #expect(
            text.stdout == """
                Hold           \(first)
                Status         released
                Scope          policy
                Subject        P-1
                Covers         0 document(s) now
                Reason         matter one
                Placed         \(placedAt) by comp
                Released       \(releasedAt) by \(Sandbox.lender)
                Release reason over

                """)
        let audit = try sandbox.auditLog().filter { $0.action == "hold.list" }.map { "\($0.target)|\($0.details)" }
        #expect(audit.prefix(4) == ["|all; results=0", "|results=1", "|all; results=2", "|all; results=2"])
        #expect(audit.suffix(2) == ["hold:\(first)|", "hold:\(first)|"])
    }

    @Test func usageErrorsAndMissingInputsChangeNothing() throws {
        let sandbox = try Holds.vault()
        let hold = try Holds.place(sandbox, ["--policy", "P-1"])
        let cases: [([String], Int32, String, [String])] = [
            (
                ["hold", "place", "--reason", "r"], 64,
                "name what to hold one way: --ref, --policy, --claim or --customer-id", []
            ),
            (
                ["hold", "place", "--policy", "P-1", "--claim", "C-1", "--reason", "r"], 64,
                "name what to hold one way", []
            ),
            (["hold", "place", "--policy", "P-1"], 64, "hold place needs --reason TEXT", []),
            (
                ["hold", "place", "--policy", "P-1", "--reason", "  "], 64, "hold place needs --reason TEXT",
                ["hold.place:failed"]
            ),
            (["hold", "place", "P-1", "--reason", "r"], 64, "unexpected argument", []),
            (
                ["hold", "place", "--ref", "J001-CL-2024-D10-0999", "--reason", "r"], 66,
                "no document with reference J001-CL-2024-D10-0999", ["hold.place:failed"]
            ),
            (["hold", "release", "one", "--reason", "r"], 64, "give exactly one hold number", []),
            (["hold", "release", "--reason", "r"], 64, "give exactly one hold number", []),
            (["hold", "release", String(hold)], 64, "hold release needs --reason TEXT", []),
            (
                ["hold", "release", String(hold), "--reason", ""], 64, "hold release needs --reason TEXT",
                ["hold.release:failed"]
            ),
            (["hold", "show", "x"], 64, "give exactly one hold number", []),
            (["hold", "show", "0"], 64, "give exactly one hold number", []),
            (["hold", "show", "7"], 66, "no hold 7", ["hold.list:failed"]),
            (["hold", "list", "--excel"], 64, "--excel goes with --csv", []),
        ]
        for (arguments, status, message, audit) in cases {
            let user = arguments[1] == "release" ? Sandbox.lender : Holds.compliance
            try sandbox.expectNoChange(audit: audit) {
                expectFailure(try sandbox.run(as: user, arguments), status, [message])
            }
        }
    }

    @Test func aReasonCopiedOntoAnotherHoldIsADataError() throws {
        let sandbox = try Holds.vault()
        try Holds.place(sandbox, ["--policy", "P-1"], reason: "first")
        try Holds.place(sandbox, ["--policy", "P-2"], reason: "second")
        try Catalogue.execute(
            sandbox.vault + "/catalog.sqlite",
            "UPDATE legal_holds SET reason_sealed = (SELECT reason_sealed FROM legal_holds WHERE id = 1) WHERE id = 2;")
        #expect(try Holds.show(sandbox, 1)["reason"] as? String == "first")
        try sandbox.expectNoChange(audit: ["hold.list:failed", "hold.list:failed"]) {
            for arguments in [["hold", "show", "2"], ["hold", "list"]] {
                expectFailure(
                    try sandbox.run(as: "auditor", arguments), 65,
                    ["hold 2's sealed reason failed authentication; the hold register was altered"])
            }
        }
    }
}
