import Foundation
import Testing

/// The customer register: add, update, show, list, history and reassign, run as a user would.
@Suite struct CustomerCommandTests {
    /// A valid resident ID number (its check digit is X) and a valid unified social credit code.
    static let residentID = "11010519491231002X"
    static let creditCode = "91350100M000100Y43"

    /// A vault with the clerk (archivist, staff), two account managers and an auditor.
    static func vault() throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addUser("zhou", roles: "staff")
        try sandbox.addUser("sun", roles: "staff")
        try sandbox.addUser("audrey", roles: "auditor")
        return sandbox
    }

    /// Registers the individual 张三 managed by zhou; returns the register number.
    @discardableResult
    static func addZhang(_ sandbox: Sandbox) throws -> Int {
        let result = try sandbox.run([
            "customer", "add", "--kind", "individual", "--name", "张三", "--id-number", "110105-19491231-002x",
            "--phone", "138 0013 8000", "--postal-code", "100020", "--value-tier", "high", "--manager", "zhou",
        ])
        try #require(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("Registered customer "))
        return try #require(Int(result.stdout.split(separator: " ")[2].prefix { $0.isNumber }))
    }

    @Test func addShowAndCaseFiles() throws {
        let sandbox = try Self.vault()
        let number = try Self.addZhang(sandbox)
        let company = try sandbox.run([
            "customer", "add", "--kind", "corporate", "--name", "某某保险代理有限公司", "--id-number", Self.creditCode,
            "--legal-rep", "王五", "--business-scope", "保险代理", "--registered-capital", "5000万元", "--vip", "4",
        ])
        #expect(company.status == 0, "\(company)")
        // Documents filed with the same ID (written differently) are the customer's case files.
        let kyc = try sandbox.fileOne(
            try sandbox.input("kyc.pdf", text: "kyc"),
            [
                "--category", "CU", "--year", "2024", "--customer-id", Self.residentID, "--type", "kyc", "--date",
                "2024-03-01",
            ])
        let claim = try sandbox.fileOne(
            try sandbox.input("claim.pdf", text: "claim"),
            [
                "--category", "CL", "--year", "2024", "--customer-id", "110105 19491231 002X", "--claim", "C-7",
                "--type", "claim-form", "--date", "2024-01-15",
            ])
        _ = try sandbox.fileOne(
            try sandbox.input("other.pdf", text: "other"),
            ["--category", "CU", "--year", "2024", "--customer-id", "X9999999"])
        let shown = try sandbox.run(["customer", "show", String(number)])
        #expect(shown.status == 0, "\(shown)")
        for text in [
            "张三", Self.residentID, "138 0013 8000", "100020", "high", "zhou", "claim C-7 (1), customer file (1)",
        ] {
            #expect(shown.stdout.contains(text), "show lists \(text): \(shown.stdout)")
        }
        // In date order: the claim form (January) before the KYC file (March); another customer's document is not listed.
        let claimLine = try #require(shown.stdout.range(of: claim))
        let kycLine = try #require(shown.stdout.range(of: kyc))
        #expect(claimLine.lowerBound < kycLine.lowerBound)
        #expect(!shown.stdout.contains("X9999999"))
        // Found by ID number too, and as JSON.
        let json = try sandbox.run(["customer", "show", "110105194912310 02x", "--json"])
        #expect(json.status == 0, "\(json)")
        let object = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        #expect(object["number"] as? Int == number)
        #expect((object["documents"] as? [[String: Any]])?.count == 2)
        let corporate = try sandbox.run(["customer", "show", Self.creditCode])
        #expect(corporate.stdout.contains("王五") && corporate.stdout.contains("5000万元"))
        #expect(corporate.stdout.contains("No documents filed with this customer's ID."))
        // Each show is logged against the register number, never the ID number.
        let shows = try sandbox.auditLog().filter { $0.action == "customer.show" }
        #expect(shows.map(\.target) == ["customer:\(number)", "customer:\(number)", "customer:2"])
        #expect(!(try sandbox.auditLog()).contains { $0.details.contains(Self.residentID) })
    }

    @Test func personalFieldsAreSealedInTheCatalogue() throws {
        let sandbox = try Self.vault()
        try Self.addZhang(sandbox)
        let updated = try sandbox.run(["customer", "update", "1", "--address", "北京市朝阳区建国路88号"])
        #expect(updated.status == 0, "\(updated)")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: sandbox.vault + "/catalog.sqlite"))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: sandbox.vault + "/catalog.sqlite-wal")) { bytes += wal }
        for secret in ["张三", Self.residentID, "110105", "138 0013 8000", "100020", "建国路"] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is stored in clear")
        }
    }

    @Test func updateKeepsOldAndNewValues() throws {
        let sandbox = try Self.vault()
        let number = try Self.addZhang(sandbox)
        #expect(
            try sandbox.run(["customer", "update", "1", "--phone", "", "--risk-tier", "Medium", "--vip", "2"]).status
                == 0)
        #expect(try sandbox.run(["customer", "update", Self.residentID, "--name", "张三丰"]).status == 0)
        let history = try sandbox.run(as: "audrey", ["customer", "history", String(number), "--json"])
        #expect(history.status == 0, "\(history)")
        let changes = try history.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(changes.count == 3)
        #expect(changes.map { $0["by"] as? String } == ["clerk", "clerk", "clerk"])
        func fields(_ change: [String: Any]) -> [String: [String?]] {
            var result: [String: [String?]] = [:]
            for field in change["fields"] as? [[String: Any]] ?? [] {
                result[field["field"] as? String ?? ""] = [field["old"] as? String, field["new"] as? String]
            }
            return result
        }
        #expect(fields(changes[0])["name"] == [nil, "张三"])
        #expect(fields(changes[0])["account_manager"] == [nil, "zhou"])
        #expect(
            fields(changes[1]) == [
                "phone": ["138 0013 8000", nil], "risk_tier": [nil, "medium"], "vip_level": ["0", "2"],
            ])
        #expect(fields(changes[2]) == ["name": ["张三", "张三丰"]])
        let text = try sandbox.run(["customer", "history", "1"])
        #expect(text.stdout.contains("    name: 张三 -> 张三丰"))
        #expect(text.stdout.contains("    phone: 138 0013 8000 -> -"))
        // The audit entries name the fields that changed, never their values.
        let updates = try sandbox.auditLog().filter { $0.action == "customer.update" }
        #expect(updates.map(\.details) == ["fields=phone,risk_tier,vip_level", "fields=name"])
    }

    @Test func reassignOnOffboarding() throws {
        let sandbox = try Self.vault()
        try Self.addZhang(sandbox)
        #expect(
            try sandbox.run([
                "customer", "add", "--kind", "individual", "--name", "李四", "--id-number", "G12345678",
                "--manager", "zhou",
            ]).status == 0)
        #expect(
            try sandbox.run([
                "customer", "add", "--kind", "individual", "--name", "王五", "--id-number", "G87654321",
                "--manager", "sun",
            ]).status == 0)
        // Disabling zhou warns that customers are left with nobody.
        let disabled = try sandbox.run(as: "admin", ["user", "disable", "zhou"])
        #expect(disabled.status == 0)
        #expect(disabled.stderr.contains("'zhou' still manages 2 customer(s)"))
        // A disabled colleague cannot take them over.
        try sandbox.expectNoChange(audit: ["customer.reassign:failed"]) {
            expectFailure(
                try sandbox.run(as: "admin", ["customer", "reassign", "--from", "sun", "--to", "zhou"]), 64,
                ["user 'zhou' is disabled"])
        }
        let moved = try sandbox.run(as: "admin", ["customer", "reassign", "--from", "zhou", "--to", "sun"])
        #expect(moved.status == 0, "\(moved)")
        #expect(moved.stdout == "Moved 2 customer(s) from 'zhou' to 'sun': 1, 2.\n")
        let listed = try sandbox.run(["customer", "list", "--manager", "sun", "--csv"])
        #expect(listed.stdout.split(whereSeparator: \.isNewline).count == 4, "\(listed)")
        #expect(try sandbox.run(["customer", "list", "--manager", "zhou"]).stderr == "no customers match\n")
        let history = try sandbox.run(["customer", "history", "1"])
        #expect(history.stdout.contains("admin\n    account_manager: zhou -> sun"))
        let entry = try #require(try sandbox.auditLog().last { $0.action == "customer.reassign" && $0.outcome == "ok" })
        #expect(entry.target == "user:zhou" && entry.details == "to=sun; customers=2")
        // Nobody left: a second run moves nothing and says so.
        let again = try sandbox.run(as: "admin", ["customer", "reassign", "--from", "zhou", "--to", "sun"])
        #expect(again.stdout == "'zhou' manages no customers; nothing moved.\n")
    }

    @Test func listMasksIDNumbersAndFilters() throws {
        let sandbox = try Self.vault()
        try Self.addZhang(sandbox)
        #expect(
            try sandbox.run([
                "customer", "add", "--kind", "corporate", "--name", "公司", "--id-number", Self.creditCode,
                "--value-tier", "low", "--vip", "5",
            ]).status == 0)
        let all = try sandbox.run(as: "zhou", ["customer", "list"])
        #expect(all.status == 0)
        #expect(all.stdout.contains("110***********002X") && all.stdout.contains("913***********0Y43"))
        #expect(!all.stdout.contains(Self.residentID) && !all.stdout.contains("138"))
        let vip = try sandbox.run(["customer", "list", "--vip", "3", "--json"])
        #expect(vip.stdout.split(separator: "\n").count == 1 && vip.stdout.contains("公司"))
        let high = try sandbox.run(["customer", "list", "--value-tier", "HIGH"])
        #expect(high.stdout.contains("张三") && !high.stdout.contains("公司"))
    }

    @Test(
        arguments: [
            (
                ["--kind", "individual", "--name", "A", "--id-number", "110105194912310021"], 64,
                "fails its check digit"
            ),
            (
                ["--kind", "corporate", "--name", "A", "--id-number", "91350100M000100Y44"], 64,
                "fails its check character"
            ),
            (["--name", "A", "--id-number", "G1234567"], 64, "customer add needs --kind individual|corporate"),
            (["--kind", "individual", "--id-number", "G1234567"], 64, "customer add needs --name"),
            (["--kind", "individual", "--name", "A"], 64, "customer add needs --id-number"),
            (
                ["--kind", "individual", "--name", "A", "--id-number", "G1"], 64,
                "an ID number has 5 to 32 letters and digits"
            ),
            (
                ["--kind", "individual", "--name", "A", "--id-number", "G1234567", "--legal-rep", "B"], 64,
                "legal representative is kept for corporate customers only"
            ),
            (
                ["--kind", "individual", "--name", "A", "--id-number", "G1234567", "--postal-code", "1000"], 64,
                "a postal code has six digits"
            ),
            (
                ["--kind", "individual", "--name", "A", "--id-number", "G1234567", "--phone", "call me"], 64,
                "a phone number has 5 to 20 digits"
            ),
            (
                ["--kind", "individual", "--name", "A", "--id-number", "G1234567", "--value-tier", "gold"], 64,
                "a tier is high, medium or low, not 'gold'"
            ),
            (
                ["--kind", "individual", "--name", "A", "--id-number", "G1234567", "--vip", "6"], 64,
                "a VIP level is 0 (none) to 5"
            ),
            (
                ["--kind", "individual", "--name", "A", "--id-number", "G1234567", "--manager", "nobody"], 66,
                "no user 'nobody' in this vault"
            ),
            (
                ["--kind", "individual", "--name", "B", "--id-number", "110105 19491231 002X"], 1,
                "customer 1 already has ID number 110***********002X; 'docvault customer update 1' changes it"
            ),
        ] as [([String], Int32, String)])
    func badInputChangesNothing(arguments: [String], status: Int32, message: String) throws {
        let sandbox = try Self.vault()
        try Self.addZhang(sandbox)
        try sandbox.expectNoChange(audit: ["customer.add:failed"]) {
            expectFailure(try sandbox.run(["customer", "add"] + arguments), status, [message])
        }
    }

    @Test func badUpdatesChangeNothing() throws {
        let sandbox = try Self.vault()
        try Self.addZhang(sandbox)
        #expect(
            try sandbox.run(["customer", "add", "--kind", "individual", "--name", "李四", "--id-number", "G12345678"])
                .status == 0)
        try sandbox.expectNoChange(audit: [
            "customer.update:failed", "customer.update:failed", "customer.update:failed",
        ]) {
            expectFailure(
                try sandbox.run(["customer", "update", "1", "--value-tier", "high"]), 64,
                ["nothing to change: the values given are the ones customer 1 has"])
            expectFailure(
                try sandbox.run(["customer", "update", "2", "--id-number", Self.residentID]), 1,
                ["customer 1 already has that ID number; nothing was changed"])
            expectFailure(
                try sandbox.run(["customer", "update", "1", "--name", ""]), 64, ["a customer's name cannot be empty"])
        }
        try sandbox.expectNoChange(audit: ["customer.show:failed", "customer.show:failed"]) {
            expectFailure(try sandbox.run(["customer", "show", "9"]), 66, ["no customer 9; 'docvault customer list'"])
            expectFailure(
                try sandbox.run(["customer", "show", "G00000000"]), 66, ["no customer with ID number G00**0000"])
        }
        try sandbox.expectNoChange {
            expectFailure(try sandbox.run(["customer", "show"]), 64, ["customer show needs one CUSTOMER"])
            expectFailure(
                try sandbox.run(["customer", "add", "--kind", "person", "--name", "A", "--id-number", "G1234567"]), 64,
                ["--kind is individual or corporate, not 'person'"])
            expectFailure(try sandbox.run(["customer", "reassign", "--from", "zhou"]), 64, ["--to"])
        }
        try sandbox.expectNoChange(
            audit: [
                "customer.reassign:failed", "customer.reassign:failed", "customer.reassign:failed",
                "customer.list:failed",
            ]
        ) {
            expectFailure(
                try sandbox.run(["customer", "reassign", "--from", "ghost", "--to", "sun"]), 66,
                ["no user 'ghost' in this vault"])
            expectFailure(
                try sandbox.run(["customer", "reassign", "--from", "zhou", "--to", "zhou"]), 64,
                ["--from and --to name the same user; name a colleague"])
            expectFailure(
                try sandbox.run(["customer", "reassign", "--from", "zhou", "--to", "ghost"]), 66,
                ["no user 'ghost' in this vault"])
            expectFailure(
                try sandbox.run(["customer", "list", "--value-tier", "gold"]), 64,
                ["a tier is high, medium or low, not 'gold'"])
        }
    }
}
