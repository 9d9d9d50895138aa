import Foundation
import Testing

/// `list`, `search` and `show`: metadata stored intact and every output format.
@Suite struct ListSearchShowTests {
    static let title = "理赔申请书 \"urgent\", '); DROP TABLE documents; --"
    static let notes = "first line 'quoted'\nsecond line \"double\"\n第三行"
    static let policy = "P-2024-'7'; DELETE FROM documents"
    static let claim = "CLM,\"42\""

    /// A vault with two claims documents: one with awkward metadata, one plain.
    static func populated() throws -> (Sandbox, String, String) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let tricky = try sandbox.input("申请 form.pdf", pseudoRandomBytes(count: 1_500))
        let plain = try sandbox.input("plain.txt", text: "plain text document")
        let first = try sandbox.fileOne(
            tricky,
            [
                "--category", "CL", "--year", "2024", "--type", "理赔", "--title", title, "--customer", "张伟",
                "--customer-id", "11010119900307123x", "--policy", policy, "--claim", claim, "--date", "2024-03-01",
                "--notes", notes,
            ])
        let second = try sandbox.fileOne(
            plain,
            [
                "--category", "CL", "--year", "2024", "--type", "policy", "--customer", "Zhang Wei", "--policy", "P-1",
            ])
        return (sandbox, first, second)
    }

    static func object(_ line: some StringProtocol) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(parsed as? [String: Any])
    }

    @Test func showJSONKeepsMetadataIntact() throws {
        let (sandbox, first, _) = try Self.populated()
        let result = try sandbox.run(["show", first, "--json"])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 1)
        let json = try Self.object(result.stdout)
        #expect(json["reference"] as? String == first)
        #expect(json["title"] as? String == Self.title)
        #expect(json["notes"] as? String == Self.notes)
        #expect(json["customerName"] as? String == "张伟")
        #expect(json["customerID"] as? String == "11010119900307123x")
        #expect(json["policyNo"] as? String == Self.policy)
        #expect(json["claimNo"] as? String == Self.claim)
        #expect(json["type"] as? String == "理赔")
        #expect(json["date"] as? String == "2024-03-01")
        #expect(json["fileName"] as? String == "申请 form.pdf")
        #expect(json["mediaType"] as? String == "application/pdf")
        #expect(json["size"] as? Int == 1_500)
        #expect(json["category"] as? String == "CL")
        #expect(json["year"] as? Int == 2024)
        #expect(json["retention"] as? String == "D10")
        #expect(json["filedBy"] as? String == Sandbox.clerk)
        let expectedDigest = try sha256Hex(pseudoRandomBytes(count: 1_500))
        #expect(json["sha256"] as? String == expectedDigest)
        // The catalogue survived the SQL in the metadata.
        #expect(try sandbox.run(["list", "--json"]).stdout.split(separator: "\n").count == 2)
    }

    @Test func showTextIndentsMultiLineValues() throws {
        let (sandbox, first, _) = try Self.populated()
        let result = try sandbox.run(["show", first])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains("Reference    \(first)"))
        #expect(lines.contains("Title        \(Self.title)"))
        #expect(lines.contains("Customer     张伟"))
        #expect(lines.contains("Notes        first line 'quoted'"))
        #expect(lines.contains("             second line \"double\""))
        #expect(lines.contains("             第三行"))
        #expect(lines.contains("Size         1500 bytes"))
    }

    @Test func listJSONIsOneObjectPerLine() throws {
        let (sandbox, first, second) = try Self.populated()
        let result = try sandbox.run(["list", "--json"])
        #expect(result.status == 0)
        let objects = try result.stdout.split(separator: "\n").map(Self.object)
        #expect(objects.map { $0["reference"] as? String } == [first, second])
        #expect(objects[0]["title"] as? String == Self.title)
        #expect(objects[0]["notes"] as? String == Self.notes)
        #expect(objects[1]["title"] as? String == "plain.txt")
        let filtered = try sandbox.run(["list", "--json", "--type", "policy"])
        #expect(
            try filtered.stdout.split(separator: "\n").map(Self.object).map { $0["reference"] as? String } == [second])
    }

    @Test func listCSVQuotesAndExcelAddsBOM() throws {
        let (sandbox, first, second) = try Self.populated()
        let csv = try sandbox.run(["list", "--csv"])
        #expect(csv.status == 0)
        let expectedTitle = "\"" + Self.title.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let expected =
            "reference,category,year,type,date,title,customer,policy,claim,size\r\n"
            + "\(first),CL,2024,理赔,2024-03-01,\(expectedTitle),张伟,\(Self.policy),\"CLM,\"\"42\"\"\",1500\r\n"
            + "\(second),CL,2024,policy,,plain.txt,Zhang Wei,P-1,,19\r\n"
        #expect(csv.stdout == expected)
        #expect(csv.stdoutData.prefix(3) != Data([0xEF, 0xBB, 0xBF]))
        let excel = try sandbox.run(["list", "--csv", "--excel"])
        #expect(excel.status == 0)
        #expect(excel.stdoutData.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        #expect(excel.stdoutData.dropFirst(3) == csv.stdoutData)
    }

    @Test func tableAlignsColumnsWithChineseText() throws {
        let (sandbox, first, second) = try Self.populated()
        let result = try sandbox.run(["list"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 3)
        #expect(lines[0].hasPrefix("REFERENCE"))
        #expect(lines[0].hasSuffix("TITLE"))
        #expect(lines[1].hasPrefix(first))
        #expect(lines[2].hasPrefix(second))
        // The title is last; its control characters are flattened so a record stays on one line.
        #expect(lines[1].hasSuffix(Self.title))
        #expect(lines[2].hasSuffix("plain.txt"))
        let starts = lines.map(cellStartColumns)
        #expect(starts.allSatisfy { $0.count >= 5 }, "\(starts)")
        for column in 1..<5 {
            #expect(Set(starts.map { $0[column] }).count == 1, "column \(column) starts differ: \(starts)\n\(lines)")
        }
        #expect(lines[1].contains("1.5 KiB"))
        #expect(lines[2].contains("19 B"))
    }

    /// The table streams after a first page of 16 rows: a listing longer than a page prints every row once,
    /// in reference order, aligned on the first page's widths, and logs one entry with its count.
    @Test func longTableStreamsEveryRowAligned() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let paths = try (1...70).map { try sandbox.input("scan-\($0).pdf", text: "page \($0)") }
        let filed = try sandbox.file(paths, ["--category", "OT", "--year", "2023", "--type", "scan"])
        let result = try sandbox.run(["list", "--category", "OT"])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 71)
        #expect(lines[0].hasPrefix("REFERENCE") && lines.dropFirst().allSatisfy { !$0.hasPrefix("REFERENCE") })
        #expect(lines.dropFirst().map { String($0.prefix(while: { $0 != " " })) } == filed)
        let starts = lines.map(cellStartColumns)
        for column in 1..<5 {
            #expect(Set(starts.map { $0[column] }).count == 1, "column \(column) starts differ")
        }
        #expect(lines[70].hasSuffix("scan-70.pdf"))
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.action == "list" && entry.outcome == "ok")
        #expect(entry.details == "category=OT; results=70")
    }

    /// A cell wider than its column after the first page of 16 rows widens that column from its own line on.
    @Test func aWiderCellAfterTheFirstPageWidensItsColumnFromThere() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let narrow = try (1...17).map { try sandbox.input("n-\($0).pdf", text: "page \($0)") }
        let wide = try (1...2).map { try sandbox.input("w-\($0).pdf", text: "wide \($0)") }
        _ = try sandbox.file(narrow, ["--category", "OT", "--year", "2023", "--type", "scan"])
        _ = try sandbox.file(wide, ["--category", "OT", "--year", "2023", "--type", "loss-assessment"])
        let result = try sandbox.run(["list", "--category", "OT"])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 20)
        let starts = lines.map(cellStartColumns)
        // Header and rows 1-17 share the first page's columns; rows 18 and 19 push DATE and what follows right.
        #expect(Set(starts[0...17].map { $0[2] }).count == 1, "\(lines)")
        #expect(starts[18][2] > starts[17][2] && starts[19][2] == starts[18][2], "\(lines)")
        #expect(starts[18][1] == starts[17][1])
        #expect(lines[18].contains("loss-assessment  ") && lines[17].contains("scan  "))
    }

    /// A title moved onto another row fails to open mid-stream: the rows before it are printed, then
    /// one error line and exit 65; the log has the listing's ok entry and a failed one after it.
    @Test func alteredTitleStopsTheTableWithOneErrorLine() throws {
        let (sandbox, first, second) = try Self.populated()
        try Catalogue.execute(
            sandbox.vault + "/catalog.sqlite",
            "UPDATE documents SET title_sealed = (SELECT title_sealed FROM documents WHERE reference = '\(first)') "
                + "WHERE reference = '\(second)';")
        let before = try sandbox.auditLog().last?.seq ?? 0
        let result = try sandbox.run(["list"])
        #expect(result.status == 65, "\(result)")
        #expect(
            result.stderr == "error: a sealed catalogue field failed authentication; the catalogue was altered\n",
            "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines[1].hasPrefix(first), "\(lines)")
        let entries = try sandbox.auditEntries(after: before)
        #expect(entries.map { "\($0.action):\($0.outcome)" } == ["list:ok", "list:failed"])
    }

    @Test func emptyListingSaysSoOnStderr() throws {
        let (sandbox, _, _) = try Self.populated()
        let result = try sandbox.run(["list", "--category", "HR"])
        #expect(result.status == 0)
        #expect(result.stdoutData.isEmpty)
        #expect(result.stderr == "no documents match\n")
        let json = try sandbox.run(["list", "--year", "1990", "--json"])
        #expect(json.status == 0)
        #expect(json.stdoutData.isEmpty)
    }

    @Test(arguments: [
        ["--customer", "张伟"], ["--customer", "  张伟 "], ["--customer-id", "11010119900307123X"],
        ["--customer-id", "110101-19900307-123x"], ["--policy", policy], ["--claim", claim],
        ["--text", "URGENT 理赔申请书"], ["--text", "second LINE"], ["--customer", "张伟", "--year", "2024"],
    ])
    func searchFindsTheTrickyDocument(criteria: [String]) throws {
        let (sandbox, first, _) = try Self.populated()
        let result = try sandbox.run(["search", "--json"] + criteria)
        #expect(result.status == 0, "\(result)")
        let references = try result.stdout.split(separator: "\n").map(Self.object).map { $0["reference"] as? String }
        #expect(references == [first])
    }

    @Test(arguments: [["--customer", "zhang   WEI"], ["--customer", "ZHANG WEI"], ["--policy", "P-1"]])
    func searchFindsThePlainDocument(criteria: [String]) throws {
        let (sandbox, _, second) = try Self.populated()
        let result = try sandbox.run(["search", "--csv"] + criteria)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\r\n")
        #expect(lines.count == 2)
        #expect(lines.last?.hasPrefix(second + ",") == true)
    }

    @Test(arguments: [
        ["--customer", "张"], ["--customer", "Zhang"], ["--text", "urgent missing"], ["--claim", "clm,\"42\""],
        ["--customer", "张伟", "--year", "2023"],
    ])
    func searchWithoutMatchPrintsNothing(criteria: [String]) throws {
        let (sandbox, _, _) = try Self.populated()
        let result = try sandbox.run(["search"] + criteria)
        #expect(result.status == 0)
        #expect(result.stdoutData.isEmpty)
        #expect(result.stderr == "no documents match\n")
    }

    @Test func listingUsageErrors() throws {
        let (sandbox, _, _) = try Self.populated()
        // Only the unknown category is found after login, so only it leaves an audit entry.
        try sandbox.expectNoChange(audit: ["list:failed"]) {
            expectFailure(
                try sandbox.run(["search"]), 64, ["search needs --customer, --customer-id, --policy, --claim or --text"]
            )
            expectFailure(try sandbox.run(["list", "--json", "--csv"]), 64, ["choose one of --json and --csv"])
            expectFailure(try sandbox.run(["list", "--excel"]), 64, ["--excel goes with --csv"])
            expectFailure(try sandbox.run(["list", "--category", "ZZ"]), 64, ["unknown category 'ZZ'"])
            expectFailure(try sandbox.run(["list", "--year", "twenty"]), 64, ["--year needs a whole number"])
            expectFailure(try sandbox.run(["list", "extra"]), 64, ["unexpected argument (not shown"])
        }
    }
}

/// The display columns at which each cell of a table line starts (cells are separated by two or more spaces).
func cellStartColumns(_ line: String) -> [Int] {
    var starts: [Int] = []
    var column = 0
    var spaces = 0
    for character in line {
        if character == " " {
            spaces += 1
        } else {
            if starts.isEmpty || spaces >= 2 { starts.append(column) }
            spaces = 0
        }
        column += displayWidth(character)
    }
    return starts
}

/// Terminal columns of `character`: two for East Asian wide characters, one otherwise.
func displayWidth(_ character: Character) -> Int {
    let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFF00...0xFF60,
    ]
    let value = character.unicodeScalars.first?.value ?? 0
    return wide.contains { $0.contains(value) } ? 2 : 1
}

/// SHA-256 of `data` in lowercase hex, computed by `sha256sum`.
func sha256Hex(_ data: Data) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(data)
    try input.fileHandleForWriting.close()
    let digest = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(String(decoding: digest, as: UTF8.self).prefix(64))
}
