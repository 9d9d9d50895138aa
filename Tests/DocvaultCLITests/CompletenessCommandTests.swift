import Foundation
import Testing

/// `completeness rules|set|check` and the filing warning end to end: what each prints, the exit
/// codes of refusals, and that a refused change leaves the vault as it was.
@Suite struct CompletenessCommandTests {
    static let compliance = "comp"

    /// A vault with the clerk (archivist, staff) and a compliance-only user.
    static func vault() throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addUser(compliance, roles: "compliance")
        return sandbox
    }

    /// Files one document of `type` with `arguments` and returns its reference; requires success.
    @discardableResult
    static func file(_ sandbox: Sandbox, _ type: String, _ arguments: [String]) throws -> String {
        try sandbox.fileOne(try sandbox.input("\(UUID().uuidString).pdf", text: type), ["--type", type] + arguments)
    }

    /// The JSON objects of `result`, one per line.
    static func objects(_ result: CLIResult) throws -> [[String: Any]] {
        try result.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func claimMissingItsPaymentVoucherIsListedUntilOneIsFiled() throws {
        let sandbox = try Self.vault()
        let claim = ["--category", "CL", "--year", "2024", "--claim", "C-1"]
        for type in ["claim-form", "loss-assessment", "id-copy"] { try Self.file(sandbox, type, claim) }
        let uw = ["--category", "UW", "--year", "2023", "--policy", "P-9"]
        for type in ["application", "policy"] { try Self.file(sandbox, type, uw) }
        // A claim document without a claim number: filed, with a one-line warning naming the rule.
        let loose = try sandbox.run(
            ["file", try sandbox.input("loose.pdf", text: "x"), "--category", "CL", "--year", "2024"])
        #expect(loose.status == 0, "\(loose)")
        #expect(loose.stdout.hasPrefix("J001-CL-2024-D10-0004  "))
        #expect(loose.stderr == "warning: J001-CL-2024-D10-0004 has no claim number (completeness rules for CL)\n")

        let check = try sandbox.run(["completeness", "check"])
        #expect(check.status == 0, "\(check)")
        #expect(
            check.stdout == """
                CATEGORY  CASE FILE              DOCUMENTS  LACKS
                UW        P-9                    2          lacks id-copy
                CL        C-1                    3          lacks payment-voucher
                CL        J001-CL-2024-D10-0004  1          lacks claim number

                """)
        #expect(check.stderr == "3 of 3 case files are incomplete\n")
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.summary == "completeness.check:ok" && entry.actor == Sandbox.clerk)
        #expect(entry.details == "case-files=3; incomplete=3")

        // Filters, as an auditor, in JSON and CSV.
        try sandbox.addUser("aud", roles: "auditor")
        let json = try sandbox.run(as: "aud", ["completeness", "check", "--category", "cl", "--json"])
        #expect(json.status == 0 && json.stderr.isEmpty, "\(json)")
        let objects = try Self.objects(json)
        #expect(objects.map { $0["caseFile"] as? String } == ["C-1", "J001-CL-2024-D10-0004"])
        #expect(objects.first?["lacks"] as? [String] == ["payment-voucher"])
        #expect(objects.first?["documents"] as? Int == 3)
        #expect(
            objects.first?["references"] as? [String] == [
                "J001-CL-2024-D10-0001", "J001-CL-2024-D10-0002", "J001-CL-2024-D10-0003",
            ])
        let csv = try sandbox.run(as: "aud", ["completeness", "check", "--year", "2023", "--csv", "--excel"])
        #expect(csv.status == 0 && csv.stderr.isEmpty, "\(csv)")
        #expect(csv.stdout == "\u{FEFF}category,case file,documents,lacks\r\nUW,P-9,2,id-copy\r\n")

        // A payment voucher whose type has more words still satisfies the rule.
        try Self.file(sandbox, "payment-voucher-2024", claim)
        let after = try sandbox.run(["completeness", "check", "--category", "CL", "--csv"])
        #expect(after.stdout == "category,case file,documents,lacks\r\nCL,J001-CL-2024-D10-0004,1,claim number\r\n")
        try Self.file(sandbox, "id-copy", uw)
        let complete = try sandbox.run(["completeness", "check", "--category", "UW"])
        #expect(complete.status == 0 && complete.stdout == "all 1 case files are complete\n" && complete.stderr.isEmpty)
    }

    @Test func complianceChangesTheRulesOthersAreRefusedWithNothingChanged() throws {
        let sandbox = try Self.vault()
        try Self.file(sandbox, "claim-form", ["--category", "CL", "--year", "2024", "--claim", "C-2"])
        let rules = try sandbox.run(["completeness", "rules"])
        #expect(rules.status == 0, "\(rules)")
        let lines = rules.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("CATEGORY  TYPES") == true)
        #expect(lines.count == 4)
        #expect(lines[2].hasPrefix("CL        claim-form, loss-assessment, payment-voucher, id-copy  claim  "))

        try sandbox.expectNoChange(audit: ["completeness.set:denied"]) {
            expectFailure(
                try sandbox.run(["completeness", "set", "--category", "CL", "--types", "claim-form"]), 77,
                ["'clerk' may not completeness.set; it needs the role compliance"])
        }
        let refusals: [([String], String)] = [
            (["--types", "claim-form,,id-copy"], "--types has an empty name"),
            (["--types", "claim/form"], "type 'claim/form' may hold only letters, digits"),
            (["--fields", "claim,phone"], "unknown field 'phone'; use policy, claim, customer-id"),
        ]
        for (arguments, message) in refusals {
            try sandbox.expectNoChange(audit: ["completeness.set:failed"]) {
                expectFailure(
                    try sandbox.run(as: Self.compliance, ["completeness", "set", "--category", "CL"] + arguments), 64,
                    [message])
            }
        }
        try sandbox.expectNoChange {
            expectFailure(
                try sandbox.run(as: Self.compliance, ["completeness", "set", "--category", "CL"]), 64,
                ["give exactly one of --types and --fields"])
            expectFailure(
                try sandbox.run(as: Self.compliance, ["completeness", "set", "--types", "x"]), 64,
                ["completeness set needs --category (UW, CL or CU)"])
            expectFailure(
                try sandbox.run(as: Self.compliance, ["completeness", "check", "--json", "--csv"]), 64,
                ["choose one of --json and --csv"])
        }

        let set = try sandbox.run(
            as: Self.compliance, ["completeness", "set", "--category", "cl", "--types", "claim-form"])
        #expect(set.status == 0 && set.stdout == "CL now requires types: claim-form\n" && set.stderr.isEmpty, "\(set)")
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.summary == "completeness.set:ok" && entry.target == "completeness:CL")
        #expect(entry.details == "types=claim-form,loss-assessment,payment-voucher,id-copy->claim-form")
        let check = try sandbox.run(as: Self.compliance, ["completeness", "check", "--category", "CL"])
        #expect(check.stdout == "all 1 case files are complete\n", "\(check)")

        let none = try sandbox.run(as: Self.compliance, ["completeness", "set", "--category", "UW", "--types", ""])
        #expect(none.stdout == "UW now requires types: none\n", "\(none)")
        let json = try Self.objects(try sandbox.run(["completeness", "rules", "--json"]))
        #expect(json.map { $0["category"] as? String } == ["UW", "CL", "CU"])
        #expect(json[0]["types"] as? [String] == [])
        #expect(json[0]["fields"] as? [String] == ["policy"])
        // An emptied list leaves no row to carry who changed it: the audit log has that.
        #expect(json[0]["updatedBy"] as? String == "docvault")
        #expect(json[1]["types"] as? [String] == ["claim-form"])
        #expect(json[1]["updatedBy"] as? String == Self.compliance)
    }
}
