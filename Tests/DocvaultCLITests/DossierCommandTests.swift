import Foundation
import Testing

/// `dossier show` end to end: the case file's documents in date order, JSON, customer IDs
/// written any way, and refusals that change nothing.
@Suite struct DossierCommandTests {
    @Test func claimDossierInDateOrderAsTableAndJSON() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let claim = ["--category", "CL", "--year", "2024", "--claim", "C-7"]
        let voucher = try sandbox.fileOne(
            try sandbox.input("v.pdf", text: "voucher"),
            claim + ["--type", "payment-voucher", "--date", "2024-05-02", "--title", "赔款支付凭证"])
        let form = try sandbox.fileOne(
            try sandbox.input("f.pdf", text: "form"), claim + ["--type", "claim-form", "--date", "2024-01-15"])
        let undated = try sandbox.fileOne(try sandbox.input("u.pdf", text: "undated"), claim)
        _ = try sandbox.fileOne(try sandbox.input("o.pdf", text: "other"), ["--category", "CL", "--year", "2024"])
        let filedOn = try #require(
            try Catalogue.rows(sandbox.vault + "/catalog.sqlite", "SELECT substr(filed_at, 1, 10) FROM documents")?
                .first?.first)

        let table = try sandbox.run(["dossier", "show", "--claim", "C-7"])
        #expect(table.status == 0 && table.stderr.isEmpty, "\(table)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.first?.split(separator: " ", omittingEmptySubsequences: true) == [
                "REFERENCE", "TYPE", "DATE", "TITLE", "SIZE", "STATUS",
            ])
        #expect(lines.dropFirst().map { String($0.prefix(21)) } == [form, voucher, undated])
        #expect(
            lines[2].split(separator: " ", omittingEmptySubsequences: true) == [
                Substring(voucher), "payment-voucher", "2024-05-02", "赔款支付凭证", "7", "B", "active",
            ])

        let json = try sandbox.run(["dossier", "show", "--claim", "C-7", "--json"])
        let objects = try json.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["reference"] as? String } == [form, voucher, undated])
        #expect(objects.map { $0["date"] as? String } == ["2024-01-15", "2024-05-02", filedOn])
        #expect(objects[1]["title"] as? String == "赔款支付凭证")
        #expect(objects[1]["type"] as? String == "payment-voucher")
        #expect(objects[1]["size"] as? Int == 7)
        #expect(objects[1]["status"] as? String == "active")
        #expect(objects[2]["title"] as? String == "u.pdf")
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.summary == "dossier.show:ok" && entry.target == "claim:C-7" && entry.details == "results=3")

        try sandbox.expectNoChange(audit: ["dossier.show:failed"]) {
            expectFailure(
                try sandbox.run(["dossier", "show", "--claim", "C-404"]), 66,
                ["no documents filed under claim C-404; 'docvault search' finds them"])
        }
        try sandbox.expectNoChange {
            expectFailure(
                try sandbox.run(["dossier", "show"]), 64,
                ["dossier show needs exactly one of --policy, --claim and --customer-id"])
            expectFailure(
                try sandbox.run(["dossier", "show", "--claim", "C-7", "--policy", "P-1"]), 64,
                ["dossier show needs exactly one of --policy, --claim and --customer-id"])
        }
    }

    @Test func customerDossierByIDWrittenWithSpacesAndHyphens() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let id = "110105199003071234"
        let reference = try sandbox.fileOne(
            try sandbox.input("k.pdf", text: "kyc"), ["--category", "CU", "--year", "2024", "--customer-id", id])
        let result = try sandbox.run(["dossier", "show", "--customer-id", "110105 1990-0307 1234", "--json"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\"reference\":\"\(reference)\""))
        #expect(result.stdout.split(separator: "\n").count == 1)
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.summary == "dossier.show:ok" && entry.target == "customer" && entry.hasSealedDetails)
        #expect(!entry.details.contains("1234"))
        try sandbox.expectNoChange(audit: ["dossier.show:failed"]) {
            expectFailure(
                try sandbox.run(["dossier", "show", "--customer-id", "110105199003079999"]), 66,
                ["no documents filed under that customer ID"])
        }
        let refused = try sandbox.run(["dossier", "show", "--customer-id", "110105199003079999"])
        #expect(!refused.stderr.contains("9999"))
    }
}
