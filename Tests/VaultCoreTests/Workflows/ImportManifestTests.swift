import Foundation
import Testing

@testable import VaultCore

/// The pieces of bulk import that need no vault: decoding, CSV, header mapping, row identity.
@Suite("Import manifest")
struct ImportManifestTests {
    /// "题名,€\n理赔申请书,𠀀\n" in GB18030, with a four-byte sequence (U+20000), from Python's gb18030 codec.
    static let gb18030: [UInt8] = [
        0xCC, 0xE2, 0xC3, 0xFB, 0x2C, 0xA2, 0xE3, 0x0A,
        0xC0, 0xED, 0xC5, 0xE2, 0xC9, 0xEA, 0xC7, 0xEB, 0xCA, 0xE9, 0x2C, 0x95, 0x32, 0x82, 0x36, 0x0A,
    ]

    @Test("GB18030 bytes are detected and decoded, two- and four-byte sequences alike")
    func detectsGB18030() throws {
        let detected = try ManifestDecoding.decode(Self.gb18030, as: nil)
        #expect(detected.encoding == .gb18030)
        #expect(detected.text == "题名,€\n理赔申请书,𠀀\n")
        #expect(try ManifestDecoding.decode(Self.gb18030, as: .gb18030).text == detected.text)
    }

    @Test("Forcing UTF-8 on GB18030 bytes fails at the line of the first bad byte")
    func utf8OnGB18030Fails() throws {
        let body = Array("path,title\n".utf8) + Self.gb18030
        let error = #expect(throws: ManifestDecodingError.self) { try ManifestDecoding.decode(body, as: .utf8) }
        #expect(error == ManifestDecodingError(encoding: .utf8, line: 2))
    }

    @Test("UTF-8 is detected and its byte-order mark dropped; a GB18030 file that is not GB18030 fails")
    func utf8AndBOM() throws {
        let decoded = try ManifestDecoding.decode([0xEF, 0xBB, 0xBF] + Array("题名\n".utf8), as: nil)
        #expect(decoded.encoding == .utf8)
        #expect(decoded.text == "题名\n")
        // 0xFF never starts a GB18030 sequence.
        let error = #expect(throws: ManifestDecodingError.self) {
            try ManifestDecoding.decode([0x61, 0x0A, 0x62, 0x0A, 0xFF, 0x0A], as: .gb18030)
        }
        #expect(error?.line == 3)
        #expect(ManifestEncoding(name: "GBK") == .gb18030)
        #expect(ManifestEncoding(name: "UTF8") == .utf8)
        #expect(ManifestEncoding(name: "latin1") == nil)
    }

    @Test("RFC 4180: quotes, doubled quotes, commas and line breaks inside quotes, CRLF, blank lines")
    func csvRecords() {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n\r\nlast,,\n\"end\""
        let (records, problems) = CSVReader.records(text)
        #expect(problems.isEmpty)
        #expect(
            records == [
                CSVRecord(line: 1, fields: ["a", "b", "c"]),
                CSVRecord(line: 2, fields: ["x, y", "say \"hi\"", "two\r\nlines"]),
                CSVRecord(line: 5, fields: ["last", "", ""]),
                CSVRecord(line: 6, fields: ["end"]),
            ])
    }

    @Test("An unclosed quote and text after a closing quote are problems with their line")
    func csvProblems() {
        let (_, afterQuote) = CSVReader.records("a\n\"x\"y,z\n")
        #expect(afterQuote == [CSVProblem(line: 2, message: "text after a closing quote; quote the whole field")])
        let (_, unclosed) = CSVReader.records("a\nb\n\"open,\nstill\n")
        #expect(unclosed == [CSVProblem(line: 3, message: "a quoted field is not closed before the end of the file")])
    }

    @Test("Chinese and English headers map to the same columns; unknown, repeated and missing ones are problems")
    func headers() {
        let chinese = ["文件路径", "门类", "年度", "类型", "标题", "客户", "客户证件号", "保单号", "案件号", "日期", "备注"]
        let (header, problems) = ManifestHeader.parse(chinese, line: 1)
        #expect(problems.isEmpty)
        #expect(
            header.columns == [
                .path, .category, .year, .type, .title, .customer, .customerID, .policy, .claim, .date, .notes,
            ])
        #expect(
            ManifestHeader.parse([" Path ", "CATEGORY", "Customer-ID", "ｙｅａｒ"], line: 1).header.columns == [
                .path, .category, .customerID, .year,
            ])
        let (_, bad) = ManifestHeader.parse(["path", "colour", "路径"], line: 1)
        #expect(
            bad.map(\.message).map { String($0.prefix(30)) } == [
                "unknown column 'colour'; colum", "column '路径' repeats the path c", "missing required column 'categ",
                "missing required column 'year'",
            ])
    }

    @Test("Rows: categories by code or name, years with 年, spreadsheet dates; every problem of a row is reported")
    func rows() {
        let header = ManifestHeader.parse(["path", "category", "year", "date"], line: 1).header
        let good = BulkImport.parseRow(
            CSVRecord(line: 2, fields: ["a\\b.pdf", "理赔", "2024年", "2024/3/5"]), header: header)
        #expect(good.problems.isEmpty)
        #expect(good.row?.path == "a/b.pdf")
        #expect(good.row?.metadata.category == "CL")
        #expect(good.row?.metadata.year == 2024)
        #expect(good.row?.metadata.docDate == "2024-03-05")
        let bad = BulkImport.parseRow(
            CSVRecord(line: 7, fields: ["", "XX", "20x4", "2024-13-01", "extra"]), header: header)
        #expect(bad.row == nil)
        #expect(
            bad.problems.map(\.message) == [
                "5 fields but the header names 4 columns", "no path (文件路径)", "year '20x4' is not a year",
                "unknown category 'XX'; use one of UW, CL, CU, FI, HR, OT",
                "date '2024-13-01' is not a valid date; write it as YYYY-MM-DD",
            ])
        #expect(bad.problems.allSatisfy { $0.line == 7 })
        let old = BulkImport.parseRow(CSVRecord(line: 3, fields: ["x", "CL", "1800", ""]), header: header)
        #expect(old.problems.map(\.message) == ["year 1800 is outside 1900-2100"])
    }

    @Test("A row's identity ignores spacing, width, path spelling and the header's language, not its values")
    func identity() {
        var metadata = DocumentMetadata(category: "cl", year: 2024)
        metadata.title = "理赔  申请书 "
        var same = DocumentMetadata(category: "CL", year: 2024)
        same.title = "理赔 申请书"
        let canonical = ImportRowIdentity.canonical(path: "./scans\\a.pdf", metadata: metadata)
        #expect(canonical == ImportRowIdentity.canonical(path: "scans//a.pdf", metadata: same))
        #expect(canonical.hasPrefix("import-row-v1\u{1F}scans/a.pdf\u{1F}CL\u{1F}2024\u{1F}\u{1F}理赔 申请书\u{1F}"))
        same.title = "理赔申请书"
        #expect(canonical != ImportRowIdentity.canonical(path: "scans/a.pdf", metadata: same))
        #expect(canonical != ImportRowIdentity.canonical(path: "scans/A.pdf", metadata: metadata))
    }
}
