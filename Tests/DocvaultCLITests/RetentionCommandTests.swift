import Foundation
import Testing

/// `retention rules|set|due|explain` and filing with a contract number, end to end through the binary.
@Suite struct RetentionCommandTests {
    /// The compliance officer every sandbox here has.
    static let officer = "connie"

    /// A vault with the clerk (archivist) and a compliance officer.
    static func sandbox() throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addUser(officer, roles: "compliance")
        return sandbox
    }

    static func object(_ line: some StringProtocol) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// Places a hold on `subject` with `sqlite3`, as the hold commands are built on another branch.
    static func hold(_ sandbox: Sandbox, scope: String = "document", _ subject: String) throws {
        try Catalogue.execute(
            sandbox.vault + "/catalog.sqlite",
            """
            INSERT INTO legal_holds (scope, subject, reason_sealed, placed_by, placed_at)
            VALUES ('\(scope)', '\(subject)', X'00', 'connie', '2026-01-01T00:00:00Z');
            """)
    }

    @Test func fileStoresTheContractNumberAndShowPrintsIt() throws {
        let sandbox = try Self.sandbox()
        let reference = try sandbox.fileOne(
            try sandbox.input("contract.pdf", text: "labour contract"),
            ["--category", "HR", "--year", "2020", "--contract", "LC-2020-17"])
        let text = try sandbox.run(["show", reference])
        #expect(text.status == 0)
        #expect(text.stdout.contains("\nContract     LC-2020-17\n"), "\(text)")
        let json = try Self.object(try sandbox.run(["show", reference, "--json"]).stdout)
        #expect(json["contractNo"] as? String == "LC-2020-17")
        let stored = try Catalogue.rows(
            sandbox.vault + "/catalog.sqlite", "SELECT contract_no FROM documents WHERE reference = '\(reference)';")
        #expect(stored == [["LC-2020-17"]])
    }

    @Test func rulesListTheDefaults() throws {
        let sandbox = try Self.sandbox()
        let table = try sandbox.run(["retention", "rules"])
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("CATEGORY  TYPE") == true)
        #expect(lines.count == 11)
        #expect(lines.contains { $0.hasPrefix("UW") && $0.contains("10 y (5 y if term ≤ 12 months)") })
        #expect(lines.contains { $0.hasPrefix("FI        annual-report         permanent") })
        #expect(lines.contains { $0.hasPrefix("OT        destruction-register  permanent") })
        let json = try sandbox.run(["retention", "rules", "--json"]).stdout.split(separator: "\n").map(Self.object)
        let hr = try #require(json.first { $0["category"] as? String == "HR" })
        #expect(hr["years"] as? Int == 2)
        #expect(hr["trigger"] as? String == "contract-ended")
        #expect(hr["basis"] as? String == "Labour Contract Law art. 50")
    }

    @Test func setReplacesARuleAndLogsOldAndNew() throws {
        let sandbox = try Self.sandbox()
        let result = try sandbox.run(
            as: Self.officer,
            [
                "retention", "set", "ot", "--years", "7", "--trigger", "document-date", "--basis", "policy 2026",
                "--cutoff",
            ])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "Rule OT replaced: 7 y after document-date.\n")
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.action == "retention.set" && entry.actor == Self.officer && entry.target == "retention:OT")
        #expect(
            entry.details
                == "rule=OT; years=10->7; short-term-years=none->none; trigger=filed->document-date; cutoff=no->yes; "
                + "basis=company policy->policy 2026; protected=0")
        let rules = try sandbox.run(["retention", "rules"]).stdout
        #expect(rules.contains("OT        -                     7 y"))
        let created = try sandbox.run(
            as: Self.officer,
            ["retention", "set", "FI", "--type", "tax-return", "--permanent", "--trigger", "fiscal-year-end"])
        #expect(created.stdout == "Rule FI/tax-return created: permanent after fiscal-year-end.\n")
    }

    /// Usage errors of `retention set`: those caught before the vault opens leave no audit entry.
    static let setUsageErrors: [([String], String, [String])] = [
        (
            ["OT", "--years", "5", "--permanent", "--trigger", "filed"],
            "give exactly one of --years N and --permanent", []
        ),
        (["OT", "--trigger", "filed"], "give exactly one of --years N and --permanent", []),
        (["OT", "--years", "5"], "retention set needs --trigger", []),
        (["--years", "5", "--trigger", "filed"], "retention set needs exactly one CATEGORY", []),
        (["OT", "--years", "five", "--trigger", "filed"], "--years needs a whole number, not 'five'", []),
        (["OT", "--years", "5", "--trigger", "filed", "--cutoff", "--no-cutoff"], "at most one of --cutoff", []),
        (["XX", "--years", "5", "--trigger", "filed"], "unknown category 'XX'", ["retention.set:failed"]),
        (["OT", "--years", "5", "--trigger", "shredded"], "unknown trigger 'shredded'", ["retention.set:failed"]),
        (["OT", "--years", "0", "--trigger", "filed"], "--years must be between 1 and 200", ["retention.set:failed"]),
        (
            ["OT", "--years", "201", "--trigger", "filed"], "--years must be between 1 and 200",
            ["retention.set:failed"]
        ),
    ]

    @Test(arguments: setUsageErrors)
    func setUsageErrorsChangeNothing(arguments: [String], message: String, audit: [String]) throws {
        let sandbox = try Self.sandbox()
        try sandbox.expectNoChange(audit: audit) {
            expectFailure(try sandbox.run(as: Self.officer, ["retention", "set"] + arguments), 64, [message])
        }
    }

    @Test func onlyComplianceSetsRules() throws {
        let sandbox = try Self.sandbox()
        try sandbox.expectNoChange(audit: ["retention.set:denied"]) {
            expectFailure(
                try sandbox.run(["retention", "set", "OT", "--years", "1", "--trigger", "filed"]), 77,
                ["'clerk' may not retention.set; it needs the role compliance"])
        }
    }

    @Test func shorteningARuleKeepsHeldDocumentsAtTheirOldPeriod() throws {
        let sandbox = try Self.sandbox()
        let held = try sandbox.fileOne(try sandbox.input("a.txt", text: "a"), ["--category", "OT", "--year", "2010"])
        let free = try sandbox.fileOne(try sandbox.input("b.txt", text: "b"), ["--category", "OT", "--year", "2010"])
        try Self.hold(sandbox, held)
        let result = try sandbox.run(
            as: Self.officer, ["retention", "set", "OT", "--years", "3", "--trigger", "filed"])
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("1 held document(s) keep their old, longer period.\n"), "\(result)")
        let floors = try Catalogue.rows(
            sandbox.vault + "/catalog.sqlite",
            "SELECT d.reference, f.years, f.set_by FROM retention_floors f JOIN documents d ON d.id = f.document_id;")
        #expect(floors == [[held, "10", Self.officer]])
        let asOf = "2099-01-01"
        let due = try sandbox.run(as: Self.officer, ["retention", "due", "--as-of", asOf, "--json"])
        let items = try due.stdout.split(separator: "\n").map(Self.object)
        #expect(items.map { $0["reference"] as? String } == [free, held])
        #expect(items.map { $0["rule"] as? String } == ["3 y after filed", "10 y after filed"])
        let explained = try sandbox.run(as: Self.officer, ["retention", "explain", held, "--as-of", asOf])
        #expect(explained.stdout.contains("period: 10 y (floor 10 y"), "\(explained)")
        #expect(explained.stdout.hasSuffix("held by hold 1\n"))
    }

    @Test func dueOnTheDueDateNotTheDayBefore() throws {
        let sandbox = try Self.sandbox()
        let document = try sandbox.fileOne(
            try sandbox.input("c.txt", text: "c"), ["--category", "HR", "--year", "2020", "--contract", "LC-1"])
        #expect(try sandbox.run(["event", "record", "--contract", "LC-1", "--ended", "2020-02-29"]).status == 0)
        let before = try sandbox.run(as: Self.officer, ["retention", "due", "--as-of", "2022-02-28"])
        #expect(before.status == 0 && before.stdout.isEmpty)
        #expect(before.stderr.hasSuffix("nothing is due on 2022-02-28\n"))
        let onTheDay = try sandbox.run(as: Self.officer, ["retention", "due", "--as-of", "2022-03-01"])
        let lines = onTheDay.stdout.split(separator: "\n")
        #expect(lines.count == 2, "\(onTheDay)")
        #expect(
            lines.first
                == "REFERENCE             CATEGORY  YEAR  TYPE  RULE                      TRIGGER-DATE  DUE-DATE    STATUS"
        )
        #expect(
            lines.last == "\(document)  HR        2020        2 y after contract-ended  2020-02-29    2022-03-01  due")
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.action == "retention.due" && entry.details == "as-of=2022-03-01; category=all; results=1")
        let explained = try sandbox.run(as: Self.officer, ["retention", "explain", document, "--as-of", "2022-02-28"])
        #expect(explained.stdout.hasSuffix("due date: 2022-03-01\nverdict: not due until 2022-03-01\n"))
    }

    @Test func dueListsHeldAndLentDocumentsMarked() throws {
        let sandbox = try Self.sandbox()
        let lent = try sandbox.fileOne(try sandbox.input("l.txt", text: "l"), ["--category", "OT", "--year", "2001"])
        let held = try sandbox.fileOne(
            try sandbox.input("h.txt", text: "h"), ["--category", "CL", "--year", "2001", "--claim", "C-9"])
        let waiting = try sandbox.fileOne(
            try sandbox.input("w.txt", text: "w"), ["--category", "CL", "--year", "2001", "--claim", "C-10"])
        #expect(try sandbox.run(["event", "record", "--claim", "C-9", "--closed", "2001-06-30"]).status == 0)
        try Self.hold(sandbox, scope: "claim", "C-9")
        let loan = try sandbox.lend(lent)
        let csv = try sandbox.run(as: Self.officer, ["retention", "due", "--as-of", "2099-12-31", "--csv"])
        let rows = csv.stdout.split(separator: "\r\n")
        #expect(rows.first == "reference,category,year,type,rule,trigger-date,due-date,status")
        #expect(rows.count == 3, "\(csv)")
        #expect(rows.contains { $0.hasPrefix(held) && $0.hasSuffix(",2001-06-30,2011-06-30,held 1") })
        #expect(rows.contains { $0.hasPrefix(lent) && $0.hasSuffix(",on-loan \(loan)") })
        #expect(!csv.stdout.contains(waiting))
        let json = try sandbox.run(
            as: Self.officer, ["retention", "due", "--as-of", "2099-12-31", "--category", "CL", "--json"])
        let item = try Self.object(try #require(json.stdout.split(separator: "\n").first))
        #expect(item["status"] as? String == "held" && item["holds"] as? [Int] == [1])
        #expect(json.stdout.split(separator: "\n").count == 1)
        let explained = try sandbox.run(["retention", "explain", waiting])
        #expect(explained.stdout.hasSuffix("verdict: not due: no claim-closed event recorded for claim C-10\n"))
        let lentExplained = try sandbox.run(["retention", "explain", lent, "--as-of", "2099-12-31"])
        #expect(lentExplained.stdout.contains("\nverdict: due since "), "\(lentExplained)")
        #expect(lentExplained.stdout.hasSuffix("\non loan \(loan)\n"))
    }

    @Test func refusalsOfDueAndExplainChangeNothing() throws {
        let sandbox = try Self.sandbox()
        try sandbox.expectNoChange(audit: ["retention.explain:failed"]) {
            expectFailure(
                try sandbox.run(as: Self.officer, ["retention", "explain", "J001-OT-2024-D10-0042"]), 66,
                ["no document with reference J001-OT-2024-D10-0042"])
        }
        try sandbox.expectNoChange {
            expectFailure(
                try sandbox.run(as: Self.officer, ["retention", "due", "--as-of", "2024-02-30"]), 64,
                ["--as-of '2024-02-30' is not a valid date; write it as YYYY-MM-DD"])
            expectFailure(
                try sandbox.run(as: Self.officer, ["retention", "due", "--category", "ZZ"]), 64,
                ["unknown category 'ZZ'"])
            expectFailure(
                try sandbox.run(as: Self.officer, ["retention", "due", "--json", "--csv"]), 64,
                ["choose one of --json and --csv"])
            expectFailure(
                try sandbox.run(as: Self.officer, ["retention", "explain"]), 64,
                ["retention explain needs exactly one REFERENCE"])
        }
        try sandbox.addUser("sam", roles: "staff")
        try sandbox.expectNoChange(audit: ["retention.due:denied"]) {
            expectFailure(
                try sandbox.run(as: "sam", ["retention", "due"]), 77,
                ["'sam' may not retention.due; it needs the role archivist, compliance, auditor"])
        }
    }
}

/// The retention and event groups' help, where a long subcommand name must not run into its abstract.
@Suite struct RetentionHelpTests {
    @Test func groupHelpKeepsNamesApartFromAbstracts() throws {
        let sandbox = try Sandbox()
        let retention = try sandbox.run(["retention", "--help"])
        #expect(retention.status == 0)
        #expect(retention.stdout.contains("\n  retention explain  Why one document is or is not due for destruction."))
        let bare = try sandbox.run(["event"])
        #expect(bare.status == 64)
        #expect(bare.stderr.contains("\n  event record"))
        #expect(sandbox.names().isEmpty)
    }
}
