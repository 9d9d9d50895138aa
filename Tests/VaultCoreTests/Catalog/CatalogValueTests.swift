import Foundation
import Testing

@testable import VaultCore

/// Unit tests of the catalogue's value rules: categories, reference numbers, dates, names and blind-index input.
@Suite("Catalogue values")
struct CatalogValueTests {
    @Test("Non-finance categories keep their default retention whatever the type")
    func defaultRetention() throws {
        let expected: [String: RetentionCode] = [
            "UW": .years10, "CL": .years10, "CU": .years5, "HR": .years5, "OT": .years10,
        ]
        for (code, retention) in expected {
            let category = try #require(Category.named(code))
            #expect(category.retentionCode(forType: nil) == retention)
            #expect(category.retentionCode(forType: "annual-report") == retention)
        }
        #expect(Category.defaults.map(\.code) == ["UW", "CL", "CU", "FI", "HR", "OT"])
    }

    @Test(
        "Finance retention depends on the document type",
        arguments: [
            ("annual-report", RetentionCode.permanent), ("Annual Report", .permanent),
            ("quarterly-report", .years10), ("bank-statement", .years10), ("voucher", .years30),
            ("ledger", .years30),
            // Whole words, as the default retention rules match types: the code agrees with the schedule.
            ("annual_report", .permanent), ("annual-statement", .years10), ("reporting-ledger", .years30),
            ("annual-accounts", .years30),
        ])
    func financeRetention(type: String, expected: RetentionCode) throws {
        let finance = try #require(Category.named("FI"))
        #expect(finance.retentionCode(forType: type) == expected)
    }

    @Test("A finance document without a type gets the category default of 30 years")
    func financeWithoutType() throws {
        #expect(try #require(Category.named("fi")).retentionCode(forType: nil) == .years30)
    }

    @Test("Category look-up ignores case and refuses unknown codes")
    func categoryLookup() {
        #expect(Category.named("cl")?.code == "CL")
        #expect(Category.named("Hr")?.name == "personnel")
        #expect(Category.named("XX") == nil)
        #expect(Category.named("") == nil)
    }

    @Test("Reference numbers pad the item to four digits and print the retention code")
    func referenceFormatting() {
        #expect(
            ReferenceNumber(fonds: "J001", category: "CL", year: 2024, retention: .years10, item: 1).description
                == "J001-CL-2024-D10-0001")
        #expect(
            ReferenceNumber(fonds: "A", category: "FI", year: 1999, retention: .permanent, item: 987).description
                == "A-FI-1999-Y-0987")
        #expect(
            ReferenceNumber(fonds: "Z9", category: "HR", year: 2100, retention: .years5, item: 12_345).description
                == "Z9-HR-2100-D5-12345")
        #expect(
            ReferenceNumber(fonds: "J001", category: "FI", year: 2024, retention: .years30, item: 9999).description
                == "J001-FI-2024-D30-9999")
    }

    @Test("Fonds codes are 1 to 8 uppercase ASCII letters or digits")
    func fondsCodes() {
        for good in ["J001", "A", "12345678", "ABCDEFGH", "Z9"] {
            #expect(ReferenceNumber.isValidFonds(good), "\(good)")
        }
        for bad in ["", "j001", "J-01", "J 01", "123456789", "J\u{FF10}01", "\u{00C9}1"] {
            #expect(!ReferenceNumber.isValidFonds(bad), "\(bad)")
        }
    }

    @Test("Dates are real calendar days in 1900-2100 written YYYY-MM-DD")
    func validDates() {
        for good in ["2024-02-29", "2000-02-29", "1900-01-01", "2100-12-31", "2023-04-30", "2023-01-31"] {
            #expect(Timestamp.isValidDate(good), "\(good)")
        }
        for bad in [
            "2023-02-29", "1900-02-29", "2100-02-29", "1899-12-31", "2101-01-01", "2023-04-31", "2023-13-01",
            "2023-00-10", "2023-01-00", "2023-1-01", "2023-01-1", "20230101", "2023/01/01", "", "abcd-ef-gh",
            "2023-01-01T00:00:00Z",
        ] {
            #expect(!Timestamp.isValidDate(bad), "\(bad)")
        }
    }

    @Test("Dates with a sign in a field are refused")
    func signedDateFields() {
        for bad in ["2024-+1-15", "2024-01-+5", "+202-01-15"] {
            #expect(!Timestamp.isValidDate(bad), "\(bad)")
        }
    }

    @Test("Timestamps are UTC ISO 8601 with second precision")
    func timestampShape() {
        let now = Timestamp.now()
        #expect(now.utf8.count == 20)
        #expect(now.hasSuffix("Z"))
        #expect(Timestamp.isValidDate(String(now.prefix(10))))
    }

    @Test("Times format and parse as UTC seconds, truncating fractions")
    func timestampRoundTrip() {
        let cases: [(TimeInterval, String)] = [
            (0, "1970-01-01T00:00:00Z"), (951_782_400, "2000-02-29T00:00:00Z"),
            (1_795_537_951.999, "2026-11-24T16:32:31Z"), (4_133_980_799, "2100-12-31T23:59:59Z"),
        ]
        for (seconds, text) in cases {
            #expect(Timestamp.format(Date(timeIntervalSince1970: seconds)) == text)
            #expect(Timestamp.parse(text) == Date(timeIntervalSince1970: seconds.rounded(.down)))
        }
        let malformed = [
            "2026-11-24T10:32:31", "2026-11-24 10:32:31Z", "2026-11-24T10:32:31+08:00", "2026-02-30T00:00:00Z", "",
        ]
        for bad in malformed {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
    }

    @Test("Sizes read as B below 1 KiB, then one decimal rounded as %.1f rounds")
    func byteCounts() {
        #expect(ByteCount.text(0) == "0 B")
        #expect(ByteCount.text(1023) == "1023 B")
        #expect(ByteCount.text(1024) == "1.0 KiB")
        #expect(ByteCount.text(1536) == "1.5 KiB")
        #expect(ByteCount.text(1 << 30) == "1.0 GiB")
        #expect(ByteCount.text(1_048_575) == "1024.0 KiB")
        let units = ["KiB", "MiB", "GiB", "TiB"]
        for bytes in stride(from: 1024, to: 50_000_000_000, by: 7_919_333) + [1126, 1177, 10_188, 104_806_400] {
            var value = Double(bytes) / 1024
            var unit = 0
            while value >= 1024 && unit < 3 {
                value /= 1024
                unit += 1
            }
            #expect(ByteCount.text(bytes) == String(format: "%.1f %@", value, units[unit]), "\(bytes)")
        }
    }

    @Test("Customer names normalise case, compatibility forms and whitespace")
    func normalizeNames() {
        #expect(BlindIndex.normalize("  Wang   XIAO\tMing \n", field: "customer_name") == "wang xiao ming")
        #expect(BlindIndex.normalize("\u{FF37}ang", field: "customer_name") == "wang")
        #expect(BlindIndex.normalize("Jose\u{0301}", field: "customer_name") == "jos\u{00E9}")
        #expect(BlindIndex.normalize("   ", field: "customer_name").isEmpty)
    }

    @Test("Customer IDs normalise to uppercase ASCII without spaces or hyphens")
    func normalizeCustomerIDs() {
        #expect(BlindIndex.normalize("110105-1990 0307-123x", field: "customer_id") == "11010519900307123X")
        #expect(
            BlindIndex.normalize(
                "\u{FF11}\u{FF11}\u{FF10}\u{FF11}\u{FF10}\u{FF15}\u{FF0D}\u{FF58}", field: "customer_id")
                == "110105X")
        #expect(BlindIndex.normalize("a\u{3000}b", field: "customer_id") == "AB")
    }

    @Test("ASCII skips the NFKC mapping and gives what the mapping would: blind indexes already stored stay valid")
    func asciiNormalisesAsBefore() {
        // Every printable ASCII character, control characters, and typical names and numbers.
        let printable = String(String.UnicodeScalarView((0x20...0x7E).compactMap(Unicode.Scalar.init)))
        let samples = [
            printable, "\t\n\r\u{0B}\u{0C}\u{1F}\u{7F}", "  Jonas  SILVA 54 ", "900027626", "P-2000004", "ab-12 x",
        ]
        for sample in samples {
            for field in ["customer_name", "customer_id"] {
                let mapped = sample.precomposedStringWithCompatibilityMapping
                let expected =
                    field == "customer_id"
                    ? String(
                        mapped.uppercased().unicodeScalars.filter {
                            $0 != " " && $0 != "-" && !$0.properties.isWhitespace
                        })
                    : mapped.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
                #expect(BlindIndex.normalize(sample, field: field) == expected, "\(field): \(sample.debugDescription)")
            }
        }
    }

    @Test("User names start with a lowercase letter and use a-z, 0-9, '.', '_', '-' up to 32 bytes")
    func userNames() {
        for good in ["alice", "a", "bob.smith", "c_d-e9", "a" + String(repeating: "b", count: 31)] {
            #expect(UserRecord.isValidName(good), "\(good)")
        }
        for bad in [
            "", "Alice", "1alice", ".alice", "-a", "al ice", "al/ice", "al\u{00E9}",
            "a" + String(repeating: "b", count: 32),
        ] {
            #expect(!UserRecord.isValidName(bad), "\(bad)")
        }
    }

    @Test("Media types come from the extension, case-insensitively")
    func mediaTypes() {
        #expect(MediaType.guess(fileName: "scan.PDF") == "application/pdf")
        #expect(MediaType.guess(fileName: "a.tiff") == "image/tiff")
        #expect(MediaType.guess(fileName: "noext") == "application/octet-stream")
    }
}
