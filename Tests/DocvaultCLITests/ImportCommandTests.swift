import Foundation
import Testing

/// `docvault import`: ledgers in GB18030 and UTF-8, refusals by line, resuming after a kill, folders, permissions.
@Suite struct ImportCommandTests {
    /// The Chinese header a ledger exported on Chinese Windows would have.
    static let chineseHeader = "文件路径,门类,年度,文件类型,题名,客户名称,证件号码,保单号,赔案号,文件日期,备注"

    /// A vault with the clerk (archivist) as the default actor.
    static func vault() throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        return sandbox
    }

    /// `text` encoded as GB18030 by Python's codec, so the bytes are really GB18030 and not UTF-8.
    static func gb18030(_ text: String, in sandbox: Sandbox) throws -> Data {
        let source = try sandbox.input("ledger-utf8.txt", text: text)
        let target = sandbox.inputs + "/ledger-gb18030.bin"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import sys; open(sys.argv[2], 'wb').write(open(sys.argv[1], encoding='utf-8').read().encode('gb18030'))",
            source, target,
        ]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 could not encode GB18030")
        let data = try Data(contentsOf: URL(fileURLWithPath: target))
        try #require(String(data: data, encoding: .utf8) == nil, "the GB18030 bytes must not be valid UTF-8")
        return data
    }

    /// Writes `count` 1 KiB scans `scans/scan-N.pdf` under the inputs folder; returns their contents.
    static func scans(_ count: Int, in sandbox: Sandbox, seed: UInt64 = 1) throws -> [Data] {
        try FileManager.default.createDirectory(atPath: sandbox.inputs + "/scans", withIntermediateDirectories: true)
        return try (1...count).map { index in
            let content = pseudoRandomBytes(count: 1024, seed: seed &+ UInt64(index))
            try sandbox.input("scans/scan-\(index).pdf", content)
            return content
        }
    }

    /// A ledger row filing `scans/scan-N.pdf` with a Chinese title, customer and notes.
    static func row(_ index: Int) -> String {
        "scans/scan-\(index).pdf,CL,2024,claim-form,理赔申请书 第\(index)号,张三\(index),11010119900307\(1000 + index),"
            + "P-\(index),C-\(index),2024/3/\(index % 28 + 1),备注：第\(index)页"
    }

    /// How many documents the catalogue holds.
    static func documentCount(_ sandbox: Sandbox) throws -> Int {
        Int(
            try Catalogue.rows(sandbox.vault + "/catalog.sqlite", "SELECT COUNT(*) FROM documents;")?.first?.first ?? ""
        )
            ?? -1
    }

    @Test func gb18030LedgerOfAThousandRowsWithChineseHeaders() throws {
        let sandbox = try Self.vault()
        _ = try Self.scans(1_000, in: sandbox)
        let text = ([Self.chineseHeader] + (1...1_000).map(Self.row)).joined(separator: "\r\n") + "\r\n"
        let ledger = try sandbox.input("台账.csv", try Self.gb18030(text, in: sandbox))
        let imported = try sandbox.run(["import", ledger])
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout.hasPrefix("imported 1000 document(s), skipped 0 already imported; 1000.0 KiB in "))
        #expect(imported.stderr.isEmpty, "no progress bar when stderr is not a terminal: \(imported.stderr)")
        #expect(try Self.documentCount(sandbox) == 1_000)
        let items = try Catalogue.rows(
            sandbox.vault + "/catalog.sqlite",
            "SELECT MIN(item_no), MAX(item_no), COUNT(DISTINCT item_no) FROM documents;")
        #expect(items == [["1", "1000", "1000"]])
        // Each batch of 64 shares one random blob folder: 1,000 documents make 16 folders (15 if two
        // batches drew the same one), not about 1,000.
        let folders = try Catalogue.rows(
            sandbox.vault + "/catalog.sqlite", "SELECT COUNT(DISTINCT substr(blob_id, 1, 4)) FROM documents;")
        #expect(["15", "16"].contains(folders?.first?.first ?? ""), "\(String(describing: folders))")
        // Rows are filed in ledger order, so line N+1 (row N) is item N; its Chinese fields round-trip.
        for index in [1, 500, 1_000] {
            let reference = "J001-CL-2024-D10-" + String(format: "%04d", index)
            let shown = try sandbox.run(["show", reference, "--json"])
            #expect(shown.status == 0, "\(shown)")
            #expect(shown.stdout.contains("\"title\":\"理赔申请书 第\(index)号\""), "\(shown.stdout)")
            #expect(shown.stdout.contains("\"customerName\":\"张三\(index)\""), "\(shown.stdout)")
            #expect(shown.stdout.contains("\"notes\":\"备注：第\(index)页\""), "\(shown.stdout)")
            #expect(shown.stdout.contains("\"date\":\"2024-03-\(String(format: "%02d", index % 28 + 1))\""))
        }
        // Naming the encoding reads the same rows: every one is recognised as already imported.
        let again = try sandbox.run(["import", ledger, "--encoding", "gb18030"])
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.hasPrefix("imported 0 document(s), skipped 1000 already imported; 0 B in "))
        #expect(try Self.documentCount(sandbox) == 1_000)
        // Forcing UTF-8 fails on the header line, files nothing and leaves one failed entry.
        try sandbox.expectNoChange(audit: ["import:failed"]) {
            expectFailure(
                try sandbox.run(["import", ledger, "--encoding", "utf-8"]), 65,
                ["台账.csv:1: not valid utf-8 text; save it as UTF-8 or pass --encoding gb18030"])
        }
    }

    @Test func killedBetweenBatchesThenResumedFilesEveryRowOnce() throws {
        let sandbox = try Self.vault()
        try sandbox.addLender()
        let contents = try Self.scans(40, in: sandbox, seed: 77)
        let ledger = try sandbox.input(
            "ledger.csv",
            text: (["path,category,year,title"] + (1...40).map { "scans/scan-\($0).pdf,CL,2024,scan \($0)" })
                .joined(separator: "\n"))
        let command = ["import", ledger, "--batch-size", "8", "--report", sandbox.root + "/report.csv"]
        let ledgerCheck = CrashLedger()
        // Killed right after the second batch committed: 16 rows filed. The pipeline may have begun the
        // third batch's blobs (at most its eight), which verify --repair removes; no row is half-made.
        let first = try sandbox.runKilled(at: "import.batch-committed:2", command)
        #expect(first.wasKilled, "\(first)")
        let afterFirst = try sandbox.expectIntact(ledgerCheck, adopt: .contentAmong(contents), "after the first kill")
        #expect(try Self.documentCount(sandbox) == 16)
        #expect(afterFirst.adopted.count == 16 && afterFirst.orphans + afterFirst.partials <= 8, "\(afterFirst)")
        // Killed again before the next run's second batch commits: its eight blobs, synced, are orphans for
        // verify --repair, beside what the pipeline began of the batch after it.
        let second = try sandbox.runKilled(at: "import.before-commit:2", command)
        #expect(second.wasKilled, "\(second)")
        let afterSecond = try sandbox.expectIntact(ledgerCheck, adopt: .contentAmong(contents), "after the second kill")
        #expect(try Self.documentCount(sandbox) == 24)
        #expect(afterSecond.adopted.count == 8, "\(afterSecond)")
        #expect(afterSecond.orphans >= 8 && afterSecond.orphans + afterSecond.partials <= 16, "\(afterSecond)")
        // The third run files the remaining 16 and skips the 24.
        let third = try sandbox.run(Array(command))
        #expect(third.status == 0, "\(third)")
        #expect(third.stdout.hasPrefix("imported 16 document(s), skipped 24 already imported; "), "\(third)")
        let final = try sandbox.expectIntact(ledgerCheck, adopt: .contentAmong(contents), "after the resumed import")
        #expect(final.orphans == 0 && final.partials == 0)
        #expect(ledgerCheck.references.count == 40)
        #expect(Set(ledgerCheck.contents.values) == Set(contents))
        let report = try String(contentsOfFile: sandbox.root + "/report.csv", encoding: .utf8)
        let lines = report.split(separator: "\r\n").map(String.init)
        #expect(lines.first == "line,path,reference,status")
        #expect(lines.count == 41)
        for index in 1...40 {
            let status = index <= 24 ? "skipped" : "filed"
            #expect(
                lines[index]
                    == "\(index + 1),scans/scan-\(index).pdf,J001-CL-2024-D10-\(String(format: "%04d", index)),\(status)"
            )
        }
        let imports = try sandbox.auditLog().filter { $0.action == "import" }
        #expect(imports.map(\.outcome) == ["ok"])
        #expect(imports.first?.details == "rows=40; filed=16; skipped=24; bytes=16384")
    }

    /// A file size limit hit part-way keeps the batches already committed, says how many, and a re-run files the rest.
    @Test func aFullDiskPartWayKeepsTheCommittedBatchesAndSaysHowMany() throws {
        let sandbox = try Self.vault()
        _ = try Self.scans(19, in: sandbox, seed: 31)
        // Row 20 is a 3 MiB scan: its blob passes the 2 MiB limit, the catalogue's log does not.
        _ = try sandbox.input("scans/scan-20.pdf", pseudoRandomBytes(count: 3 << 20, seed: 32))
        let ledger = try sandbox.input(
            "ledger.csv",
            text: (["path,category,year,title"] + (1...20).map { "scans/scan-\($0).pdf,CL,2024,scan \($0)" })
                .joined(separator: "\n"))
        let last = try sandbox.auditLog().last?.seq ?? 0
        let result = try FullDiskTests.runLimited(
            sandbox, blocks: (2 << 20) / 512, ["import", ledger, "--batch-size", "8"])
        expectFailure(result, 74, [])
        #expect(
            result.stderr
                == "error: the disk is full (or a file size limit was hit) while writing the blob; 16 of 20 "
                + "document(s) were filed; free space on the vault's disk and import again to file the rest\n",
            "\(result)")
        #expect(result.stdoutData.isEmpty)
        // The two batches before the failing one are filed; the third left no row, blob or partial.
        #expect(try Self.documentCount(sandbox) == 16)
        let entries = try sandbox.auditEntries(after: last)
        #expect(entries.map(\.summary) == Array(repeating: "file:ok", count: 16) + ["import:failed"], "\(entries)")
        let verified = try sandbox.run(["verify"], environment: ["DOCVAULT_USER": "admin"])
        #expect(verified.status == 0 && verified.stdout.hasSuffix(": 0 problem(s)\n"), "\(verified)")
        // Without the limit the same ledger files the other four.
        let again = try sandbox.run(["import", ledger, "--batch-size", "8"])
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.hasPrefix("imported 4 document(s), skipped 16 already imported; "), "\(again)")
    }

    @Test func manifestWithErrorsOnSeveralLinesFilesNothing() throws {
        let sandbox = try Self.vault()
        _ = try Self.scans(3, in: sandbox)
        let ledger = try sandbox.input(
            "bad.csv",
            text: """
                path,category,year,date
                scans/scan-1.pdf,CL,20x4,2024-01-01
                scans/missing.pdf,CL,2024,
                scans/scan-2.pdf,XX,2024,2024-02-30
                scans/scan-3.pdf,CL,2024,
                scans/scan-3.pdf,CL,2024,

                """)
        let folder = (ledger as NSString).deletingLastPathComponent
        try sandbox.expectNoChange(audit: ["import:failed"]) {
            let result = try sandbox.run(["import", ledger])
            #expect(result.status == 65)
            #expect(result.stdout.isEmpty)
            #expect(
                result.stderr.split(separator: "\n").map(String.init) == [
                    "\(ledger):2: year '20x4' is not a year",
                    "\(ledger):3: file 'scans/missing.pdf' not found in \(folder)",
                    "\(ledger):4: unknown category 'XX'; use one of UW, CL, CU, FI, HR, OT",
                    "\(ledger):4: date '2024-02-30' is not a valid date; write it as YYYY-MM-DD",
                    "\(ledger):6: duplicate row: the same as line 5",
                    "error: \(ledger): 5 problem(s) on 4 line(s); nothing was filed; fix the manifest and import again",
                ])
        }
        #expect(try sandbox.auditLog().last?.details == "rows=5; problems=5")
        // Header problems: an unknown column and a missing required one, both on line 1.
        let header = try sandbox.input("header.csv", text: "路径,年度,colour\nscans/scan-1.pdf,2024,red\n")
        try sandbox.expectNoChange(audit: ["import:failed"]) {
            let result = try sandbox.run(["import", header])
            #expect(result.status == 65)
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(lines.count == 3, "\(result)")
            #expect(lines.first?.hasPrefix("\(header):1: unknown column 'colour'; columns are path (文件路径), ") == true)
            #expect(lines.dropFirst().first == "\(header):1: missing required column 'category' (门类)")
        }
        #expect(try Self.documentCount(sandbox) == 0)
    }

    @Test func utf8WithBOMQuotedFieldsBaseDryRunAndReport() throws {
        let sandbox = try Self.vault()
        let elsewhere = sandbox.root + "/archive"
        try FileManager.default.createDirectory(atPath: elsewhere + "/2023", withIntermediateDirectories: true)
        try Data("policy scan".utf8).write(to: URL(fileURLWithPath: elsewhere + "/2023/policy.pdf"))
        try Data("claim scan".utf8).write(to: URL(fileURLWithPath: elsewhere + "/2023/claim.tif"))
        let text =
            "\u{FEFF}Path,Category,Year,Title,Notes,Policy\r\n"
            + "2023\\policy.pdf,UW,2023,\"Policy, renewal \"\"A\"\"\",\"line one\r\nline two\",P-1\r\n"
            + "2023/claim.tif,理赔,2023,Claim form,,\r\n"
        let ledger = try sandbox.input("ledger.csv", text: text)
        try sandbox.expectNoChange {
            let dry = try sandbox.run(["import", ledger, "--base", elsewhere, "--dry-run"])
            #expect(dry.status == 0, "\(dry)")
            #expect(
                dry.stdout.split(separator: "\n").map(String.init) == [
                    "line 2: would file UW 2023  2023/policy.pdf  Policy, renewal \"A\"",
                    "line 4: would file CL 2023  2023/claim.tif  Claim form",
                    "dry run: 2 document(s) to file (21 B), 0 already imported; nothing was filed",
                ])
        }
        // Without --base the paths are relative to the manifest's folder, where they are not.
        try sandbox.expectNoChange(audit: ["import:failed"]) {
            let result = try sandbox.run(["import", ledger])
            #expect(result.status == 65)
            let folder = (ledger as NSString).deletingLastPathComponent
            #expect(result.stderr.contains("\(ledger):2: file '2023/policy.pdf' not found in \(folder)"), "\(result)")
        }
        let report = sandbox.root + "/report.csv"
        let imported = try sandbox.run(["import", ledger, "--base", elsewhere, "--report", report])
        #expect(imported.status == 0, "\(imported)")
        #expect(
            try String(contentsOfFile: report, encoding: .utf8)
                == "line,path,reference,status\r\n2,2023/policy.pdf,J001-UW-2023-D10-0001,filed\r\n"
                + "4,2023/claim.tif,J001-CL-2023-D10-0001,filed\r\n")
        let shown = try sandbox.run(["show", "J001-UW-2023-D10-0001", "--json"])
        #expect(shown.stdout.contains("\"title\":\"Policy, renewal \\\"A\\\"\""), "\(shown)")
        #expect(shown.stdout.contains("\"notes\":\"line one\\r\\nline two\""), "\(shown)")
        #expect(shown.stdout.contains("\"policyNo\":\"P-1\""), "\(shown)")
        // A dry run now lists both as imported.
        let dry = try sandbox.run(["import", ledger, "--base", elsewhere, "--dry-run"])
        #expect(dry.stdout.contains("line 2: already imported as J001-UW-2023-D10-0001  2023/policy.pdf"), "\(dry)")
        #expect(dry.stdout.hasSuffix("dry run: 0 document(s) to file (0 B), 2 already imported; nothing was filed\n"))
    }

    @Test func folderOfScansTitledByFileName() throws {
        let sandbox = try Self.vault()
        let folder = sandbox.root + "/scans"
        try FileManager.default.createDirectory(atPath: folder + "/subfolder", withIntermediateDirectories: true)
        for name in ["投保单 001.pdf", "b.tif", "c", ".hidden"] {
            try Data(name.utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        let command = ["import", "--folder", folder, "--category", "UW", "--year", "2022", "--type", "application"]
        let first = try sandbox.run(command + ["--report", sandbox.root + "/r.csv"])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.hasPrefix("imported 3 document(s), skipped 0 already imported; "))
        #expect(
            try String(contentsOfFile: sandbox.root + "/r.csv", encoding: .utf8)
                == "line,path,reference,status\r\n1,b.tif,J001-UW-2022-D10-0001,filed\r\n"
                + "2,c,J001-UW-2022-D10-0002,filed\r\n3,投保单 001.pdf,J001-UW-2022-D10-0003,filed\r\n")
        let shown = try sandbox.run(["show", "J001-UW-2022-D10-0003", "--json"])
        #expect(shown.stdout.contains("\"title\":\"投保单 001\""), "\(shown)")
        #expect(shown.stdout.contains("\"type\":\"application\""), "\(shown)")
        let again = try sandbox.run(command)
        #expect(again.stdout.hasPrefix("imported 0 document(s), skipped 3 already imported; "), "\(again)")
        #expect(try Self.documentCount(sandbox) == 3)
    }

    @Test func staffAndAuditorAreDeniedAndLogged() throws {
        let sandbox = try Self.vault()
        try sandbox.addUser("carol", roles: "staff")
        try sandbox.addUser("audrey", roles: "auditor")
        _ = try Self.scans(1, in: sandbox)
        let ledger = try sandbox.input("ledger.csv", text: "path,category,year\nscans/scan-1.pdf,CL,2024\n")
        for user in ["carol", "audrey"] {
            try sandbox.expectNoChange(audit: ["import:denied"]) {
                expectFailure(
                    try sandbox.run(as: user, ["import", ledger]), 77,
                    ["'\(user)' may not import; it needs the role archivist"])
            }
            #expect(try sandbox.auditLog().last?.actor == user)
        }
    }

    @Test func usageErrorsAndAMissingManifest() throws {
        let sandbox = try Self.vault()
        let reports = sandbox.root + "/reports"
        try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
        let cases: [([String], Int32, String)] = [
            (["import"], 64, "import needs one MANIFEST.csv, or --folder DIR --category CAT --year YYYY"),
            (["import", "a.csv", "--category", "CL"], 64, "--category goes with --folder"),
            (["import", "--folder", "x", "--year", "2024"], 64, "import --folder needs --category"),
            (["import", "a.csv", "--encoding", "latin1"], 64, "unknown encoding 'latin1'; use utf-8 or gb18030"),
            (["import", "a.csv", "--batch-size", "0"], 64, "--batch-size needs a whole number above 0"),
            // The report names the ledger's paths: never inside the vault, checked before anything is filed.
            (
                ["import", "a.csv", "--report", sandbox.vault + "/blobs/report.csv"], 64,
                "refusing to write the import report inside the vault folder; choose a file outside",
            ),
            (["import", "a.csv", "--report", sandbox.root + "/no/such/report.csv"], 66, "no such folder: "),
            (["import", "a.csv", "--report", reports], 73, "is a folder; give --report a file name"),
        ]
        for (arguments, status, message) in cases {
            try sandbox.expectNoChange {
                expectFailure(try sandbox.run(arguments), status, [message])
            }
        }
        try sandbox.expectNoChange(audit: ["import:failed"]) {
            expectFailure(try sandbox.run(["import", "nowhere.csv"]), 66, ["no such manifest: nowhere.csv"])
        }
        try sandbox.expectNoChange(audit: ["import:failed"]) {
            expectFailure(
                try sandbox.run(["import", "--folder", "nowhere", "--category", "CL", "--year", "2024"]), 66,
                ["no such folder: nowhere"])
        }
    }
}
