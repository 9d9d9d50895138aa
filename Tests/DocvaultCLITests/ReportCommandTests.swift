import Foundation
import Testing

/// `report summary` and `report access` end to end: the numbers against a vault built here, the
/// CSV/JSON/HTML shapes, the page in headless Chromium, refusals (77) and bad input (64).
@Suite struct ReportCommandTests {
    /// A time far enough ahead that the loan is overdue and P-2's retention (10 years from 2024-01-01) has run out.
    static let later = ["DOCVAULT_TEST_NOW": "2040-01-01T00:00:00Z"]

    /// The vault the suite reports on, with the references it filed.
    ///
    /// 3 CL 2024 (two of claim C-1, one without a claim number: the incomplete case file),
    /// 2 UW 2023 (P-1 under a legal hold, P-2 terminated 2024-01-01: due at 2040), one loan of
    /// the first claim document to the clerk (overdue at 2040). Completeness requires only the
    /// grouping fields, so the loose claim document is the one incomplete case file.
    static func vault() throws -> (Sandbox, [String]) {
        let sandbox = try Holds.vault()
        var references: [String] = []
        for (index, claim) in ["C-1", "C-1", nil].enumerated() {
            let path = try sandbox.input("claim-\(index).pdf", text: "claim document \(index)")
            references.append(
                try sandbox.fileOne(
                    path,
                    ["--category", "CL", "--year", "2024", "--type", "claim-form"]
                        + (claim.map { ["--claim", $0] } ?? [])
                ))
        }
        for policy in ["P-1", "P-2"] {
            let path = try sandbox.input("\(policy).pdf", text: "policy \(policy)")
            references.append(
                try sandbox.fileOne(
                    path, ["--category", "UW", "--year", "2023", "--policy", policy, "--type", "policy"]))
        }
        for category in ["CL", "UW"] {
            let set = try sandbox.run(
                as: Holds.compliance, ["completeness", "set", "--category", category, "--types", ""])
            try #require(set.status == 0, "\(set)")
        }
        let event = try sandbox.run(["event", "record", "--policy", "P-2", "--terminated", "2024-01-01"])
        try #require(event.status == 0, "\(event)")
        try Holds.place(sandbox, ["--policy", "P-1"])
        try sandbox.lend(references[0])
        return (sandbox, references)
    }

    /// The one JSON object `result` printed.
    static func object(_ result: CLIResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any], "\(result)")
    }

    /// `label: count` of a JSON section (an array of `{label, count}`).
    static func counts(_ value: Any?) -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in value as? [[String: Any]] ?? [] {
            if let label = line["label"] as? String, let count = line["count"] as? Int { counts[label] = count }
        }
        return counts
    }

    @Test func summaryNumbersMatchTheVault() throws {
        let (sandbox, _) = try Self.vault()
        let before = try sandbox.auditLog().last?.seq ?? 0
        let json = try sandbox.run(
            ["report", "summary", "--json"], environment: Self.later.merging(["DOCVAULT_USER": "auditor"]) { $1 })
        #expect(json.status == 0, "\(json)")
        #expect(json.stdout.split(separator: "\n").count == 1, "one JSON object")
        let report = try Self.object(json)
        #expect(
            Set(report.keys) == [
                "fonds", "generatedAt", "year", "holdings", "loans", "destruction", "holds", "caseFilesChecked",
                "incompleteCaseFiles",
            ])
        #expect(report["year"] is NSNull, "year is null, not missing, for every year")
        #expect(report["fonds"] as? String == "J001")
        #expect(report["generatedAt"] as? String == "2040-01-01T00:00:00Z")
        let holdings = try #require(report["holdings"] as? [[String: Any]])
        #expect(holdings.map { $0["category"] as? String } == ["CL", "UW"])
        #expect(holdings.map { $0["year"] as? Int } == [2024, 2023])
        #expect(holdings.map { $0["documents"] as? Int } == [3, 2])
        #expect(holdings.map { $0["bytes"] as? Int } == [48, 20], "3 × 16 and 2 × 10 plaintext bytes")
        #expect(Self.counts(report["loans"]) == ["requested": 0, "active": 0, "overdue": 1])
        #expect(Self.counts(report["destruction"]) == ["due": 1, "held": 0, "on-loan": 0])
        #expect(Self.counts(report["holds"]) == ["document": 0, "policy": 1, "claim": 0, "customer": 0])
        #expect(Self.counts(report["incompleteCaseFiles"]) == ["UW": 0, "CL": 1, "CU": 0])
        #expect(report["caseFilesChecked"] as? Int == 4, "C-1, the loose claim document, P-1, P-2")
        let added = try sandbox.auditEntries(after: before)
        #expect(added.map(\.summary) == ["report.summary:ok"])
        #expect(added.first?.actor == "auditor")
        #expect(added.first?.details == "year=all; documents=5")

        // Today the loan is still active and nothing is due.
        let table = try sandbox.run(as: Holds.compliance, ["report", "summary"])
        #expect(table.status == 0, "\(table)")
        let lines = table.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("Fonds J001, all years, as of ") == true)
        #expect(lines.contains("CL        2024  3          48 B"))
        #expect(lines.contains("UW        2023  2          20 B"))
        #expect(lines.contains("total           5          68 B"))
        #expect(lines.contains("Loans: 0 requested, 1 active, 0 overdue"))
        #expect(lines.contains("Due for destruction: 0 due, 0 held, 0 on-loan"))
        #expect(lines.contains("Legal holds in force: 0 document, 1 policy, 0 claim, 0 customer"))
        #expect(lines.contains("Incomplete case files: 1 of 4 checked (0 UW, 1 CL, 0 CU)"))
    }

    @Test func csvIsOneFlatRFC4180TableAndYearNarrowsIt() throws {
        let (sandbox, _) = try Self.vault()
        let result = try sandbox.run(
            ["report", "summary", "--year", "2023", "--csv", "--excel"],
            environment: Self.later.merging(["DOCVAULT_USER": Holds.compliance]) { $1 })
        #expect(result.status == 0, "\(result)")
        let expected = [
            "\u{FEFF}section,item,year,count,bytes", "holdings,UW,2023,2,20", "loans,requested,,0,",
            "loans,active,,0,", "loans,overdue,,1,", "destruction,due,,1,", "destruction,held,,0,",
            "destruction,on-loan,,0,", "holds,document,,0,", "holds,policy,,1,", "holds,claim,,0,",
            "holds,customer,,0,", "incomplete-case-files,UW,,0,", "incomplete-case-files,CL,,0,",
            "incomplete-case-files,CU,,0,", "case-files,checked,,2,",
        ]
        #expect(result.stdout == expected.joined(separator: "\r\n") + "\r\n")
        #expect(try sandbox.auditLog().last?.details == "year=2023; documents=2")
    }

    @Test func htmlPageIsWrittenOutsideTheVaultEscapedAndNeverOverwrittenSilently() throws {
        let (sandbox, _) = try Self.vault()
        let page = sandbox.work + "/summary.html"
        let hostile = "<script>alert(1)</script> 年度报告 & \"x\""
        let written = try sandbox.run(
            as: Holds.compliance, ["report", "summary", "--html", page, "--title", hostile])
        #expect(written.status == 0, "\(written)")
        #expect(written.stdout == "wrote \(page) (5 documents)\n")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("http"), "no resource from elsewhere")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; 年度报告 &amp; &quot;x&quot; — J001"))
        #expect(html.components(separatedBy: "<svg ").count - 1 == 6, "charts: category, year, four sections")
        #expect(html.contains("<td>CL</td><td>claims</td><td class=\"n\">3</td>"))
        #expect(try sandbox.auditLog().last?.details == "year=all; output=html; documents=5")

        // An existing file is refused (73) and left as it was; --force replaces it.
        try sandbox.expectNoChange(audit: ["report.summary:failed"]) {
            expectFailure(
                try sandbox.run(as: Holds.compliance, ["report", "summary", "--html", page]), 73,
                ["summary.html already exists; choose another name or add --force"])
        }
        let forced = try sandbox.run(as: Holds.compliance, ["report", "summary", "--html", page, "--force"])
        #expect(forced.status == 0, "\(forced)")
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("档案统计报表 Archive summary — J001"))

        // Inside the vault folder: refused (64) whatever the name, nothing written there.
        for inside in [sandbox.vault + "/summary.html", sandbox.vault + "/blobs/../report.html"] {
            try sandbox.expectNoChange(audit: ["report.summary:failed"]) {
                expectFailure(
                    try sandbox.run(as: Holds.compliance, ["report", "summary", "--html", inside]), 64,
                    ["refusing to write the report inside the vault folder"])
            }
        }
        try sandbox.expectNoChange(audit: ["report.summary:failed"]) {
            expectFailure(
                try sandbox.run(as: Holds.compliance, ["report", "summary", "--html", sandbox.work + "/no/such.html"]),
                66, ["no such folder"])
        }
        #expect(sandbox.names().filter { $0.hasPrefix(".docvault-report-") }.isEmpty, "no temporary file left")
    }

    /// The Chromium binary, or nil when it is not installed (the rendering test is then skipped).
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed; .ci/run installs it"))
    func chromiumRendersThePage() throws {
        let (sandbox, _) = try Self.vault()
        let page = sandbox.root + "/summary.html"
        let written = try sandbox.run(as: "auditor", ["report", "summary", "--html", page])
        try #require(written.status == 0, "\(written)")
        let chromium = try #require(Self.chromium)
        let common = [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(sandbox.root)/chromium-profile",
        ]
        let dom = try Self.capture(chromium, common + ["--dump-dom", "file://\(page)"])
        #expect(dom.contains("Holdings per category"), "the rendered DOM: \(dom.prefix(300))")
        #expect(dom.contains("馆藏（按门类）"))
        #expect(dom.contains("<svg class=\"chart\""))
        #expect(dom.contains("<td>UW</td><td>underwriting</td><td class=\"n\">2</td>"))
        let shot = sandbox.root + "/summary.png"
        _ = try Self.capture(
            chromium, common + ["--screenshot=\(shot)", "--window-size=1200,1800", "file://\(page)"])
        let png = try Data(contentsOf: URL(fileURLWithPath: shot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a PNG")
        #expect(png.count > 20_000, "a page with tables and charts, not a blank image: \(png.count) bytes")
        // IHDR: width and height, big-endian, at bytes 16 and 20.
        let dimension = { (offset: Int) in png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(png.count > 24 && dimension(16) == 1200 && dimension(20) == 1800)
    }

    /// Runs `tool` with `arguments`, returning its stdout; fails after 60 s.
    static func capture(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) \(arguments) exited \(process.terminationStatus)")
        return String(decoding: data, as: UTF8.self)
    }

    @Test func accessReportByReferenceUserAndCategory() throws {
        let (sandbox, references) = try Self.vault()
        #expect(try sandbox.run(["get", references[0], "-o", "-"]).status == 0)
        // Gets without a loan, by the clerk and by the compliance officer: both denied, both reported.
        expectFailure(try sandbox.run(["get", references[1], "-o", "-"]), 77, ["no loan of yours covers"])
        expectFailure(try sandbox.run(as: Holds.compliance, ["get", references[3], "-o", "-"]), 77, ["no loan"])
        #expect(try sandbox.run(["search", "--claim", "C-1"]).status == 0)

        let before = try sandbox.auditLog().last?.seq ?? 0
        let byRef = try sandbox.run(as: "auditor", ["report", "access", "--ref", references[1].lowercased(), "--json"])
        #expect(byRef.status == 0, "\(byRef)")
        let refReport = try Self.object(byRef)
        let refEntries = try #require(refReport["entries"] as? [[String: Any]])
        #expect(refEntries.map { $0["actor"] as? String } == ["clerk"])
        #expect(refEntries.first?["action"] as? String == "get")
        #expect(refEntries.first?["outcome"] as? String == "denied")
        #expect((refEntries.first?["details"] as? String)?.contains("refused=no-loan") == true)
        let perCategory = try #require(refReport["perCategory"] as? [[String: Any]])
        #expect(perCategory.count == 1)
        #expect(perCategory.first?["category"] as? String == "CL")
        #expect(perCategory.first?["denied"] as? Int == 1)
        #expect(perCategory.first?["total"] as? Int == 1)
        let added = try sandbox.auditEntries(after: before)
        #expect(added.map(\.summary) == ["report.access:ok"])
        #expect(added.first?.target == references[1])
        #expect(added.first?.details == "by=ref; results=1")

        let userJSON = try Self.object(
            try sandbox.run(as: "auditor", ["report", "access", "--user", "clerk", "--json"]))
        let userEntries = try #require(userJSON["entries"] as? [[String: Any]])
        #expect(userEntries.map { $0["action"] as? String } == ["get", "get", "search"])
        #expect(userEntries.allSatisfy { $0.count == 8 }, "every entry has every key")
        #expect(userEntries.last?["category"] is NSNull, "a search names no document: category null")

        let byUser = try sandbox.run(as: "auditor", ["report", "access", "--user", "clerk"])
        #expect(byUser.status == 0, "\(byUser)")
        let rows = byUser.stdout.split(separator: "\n").map(String.init)
        #expect(rows.first?.hasPrefix("SEQ  AT") == true)
        let userRows = rows.filter { $0.contains(" clerk ") }
        #expect(userRows.count == 3, "ok get, denied get, search: \(byUser.stdout)")
        #expect(userRows.map { $0.contains(" get ") || $0.contains(" search ") } == [true, true, true])
        #expect(rows.contains { $0.hasPrefix("CL ") && $0.hasSuffix("1   1       0       2") }, "\(byUser.stdout)")
        #expect(rows.contains { $0.hasPrefix("-  ") && $0.hasSuffix("1   0       0       1") }, "\(byUser.stdout)")

        let byCategory = try sandbox.run(as: "admin", ["report", "access", "--category", "uw", "--csv"])
        #expect(byCategory.status == 0, "\(byCategory)")
        let csv = byCategory.stdout.components(separatedBy: "\r\n")
        #expect(csv.first == "seq,at,actor,action,target,category,outcome,details")
        #expect(csv.count == 3, "header, the compliance officer's denied get, the final line end: \(csv)")
        #expect(csv[1].contains(",comp,get,\(references[3]),UW,denied,"))

        let none = try sandbox.run(as: "auditor", ["report", "access", "--category", "CL", "--since", "2100-01-01"])
        #expect(none.status == 0)
        #expect(none.stdout.isEmpty)
        #expect(none.stderr == "no accesses match\n")
    }

    @Test func rolesWithoutReportsAreRefusedAndLogged() throws {
        let (sandbox, references) = try Self.vault()
        for (user, arguments, action) in [
            ("clerk", ["report", "summary"], "report.summary"),
            ("lender", ["report", "summary", "--json"], "report.summary"),
            ("clerk", ["report", "access", "--user", "clerk"], "report.access"),
            ("lender", ["report", "access", "--ref", references[0]], "report.access"),
        ] {
            try sandbox.expectNoChange(audit: ["\(action):denied"]) {
                expectFailure(
                    try sandbox.run(as: user, arguments), 77, ["'\(user)' may not \(action); it needs the role"])
            }
        }
        let page = sandbox.work + "/denied.html"
        expectFailure(
            try sandbox.run(as: "clerk", ["report", "summary", "--html", page]), 77, ["may not report.summary"])
        #expect(!FileManager.default.fileExists(atPath: page))
    }

    @Test func badInputIsOneUsageLine() throws {
        let (sandbox, references) = try Self.vault()
        // Refused before the vault is opened or before the logged work starts: nothing logged.
        let unlogged: [([String], String)] = [
            (["report", "summary", "--year", "3000"], "--year 3000 is out of range; give a year from 1900 to 2100"),
            (["report", "summary", "--year", "1899"], "give a year from 1900 to 2100"),
            (["report", "summary", "--year", "last"], "--year needs a whole number, not 'last'"),
            (["report", "summary", "--json", "--csv"], "choose one of --json and --csv"),
            (["report", "summary", "--html", "x.html", "--json"], "choose one of --json, --csv and --html"),
            (["report", "summary", "--force"], "--force and --title go with --html FILE"),
            (["report", "summary", "--bogus"], "unknown option '--bogus'"),
            (["report", "summary", "extra"], "unexpected argument"),
            (["report", "access"], "name what to report on one way: --ref, --user or --category"),
            (["report", "access", "--ref", references[0], "--user", "clerk"], "name what to report on one way"),
            (["report", "access", "--user", "clerk", "--since", "yesterday"], "--since 'yesterday' is not a date"),
            (["report", "access", "--user", "clerk", "--excel"], "--excel goes with --csv"),
        ]
        for (arguments, message) in unlogged {
            try sandbox.expectNoChange {
                expectFailure(try sandbox.run(as: "auditor", arguments), 64, [message])
            }
        }
        try sandbox.expectNoChange(audit: ["report.access:failed"]) {
            expectFailure(
                try sandbox.run(as: "auditor", ["report", "access", "--category", "XX"]), 64,
                ["unknown category 'XX'; use one of UW, CL, CU, FI, HR, OT"])
        }
        try sandbox.expectNoChange(audit: ["report.access:failed"]) {
            expectFailure(
                try sandbox.run(as: "auditor", ["report", "access", "--ref", "J001-CL-2024-D10-0999"]), 66,
                ["no document with reference J001-CL-2024-D10-0999"])
        }
        try sandbox.expectNoChange(audit: ["report.access:failed"]) {
            expectFailure(
                try sandbox.run(as: "auditor", ["report", "access", "--user", "nobody"]), 66, ["no user 'nobody'"])
        }
    }
}
