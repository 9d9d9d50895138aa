import Foundation
import Testing

@testable import VaultCore

/// The summary's aggregation and its audit entry, the access report's counts, and the HTML page's escaping and charts.
@Suite("Reports")
struct ReportTests {
    /// A vault with 3 CL 2024 documents (5, 6 and 7 bytes), 2 UW 2023 documents (10 bytes each) and one loan.
    static func vault() throws -> (TestVault, reference: String) {
        let test = try TestVault()
        let first = try test.fileText("claim", configure: { $0.claimNo = "C-1" })
        _ = try test.fileText("claim2", configure: { $0.claimNo = "C-1" })
        _ = try test.fileText("claim-3")
        _ = try test.fileText("0123456789", category: "UW", year: 2023, configure: { $0.policyNo = "P-1" })
        _ = try test.fileText("9876543210", category: "UW", year: 2023, configure: { $0.policyNo = "P-2" })
        try test.lend(first)
        return (test, first)
    }

    @Test("Holdings are counted per category and year, loans by derived status, in one report.summary entry")
    func aggregation() throws {
        let (test, _) = try Self.vault()
        let compliance = try test.user("carol", roles: [.compliance])
        _ = try LegalHolds.place(.policy("P-1"), reason: "lawsuit", session: compliance)
        let before = try test.auditCount()
        let report = try SummaryReport.make(year: nil, session: compliance)
        #expect(
            report.holdings == [
                HoldingsCell(category: "CL", year: 2024, documents: 3, bytes: 18),
                HoldingsCell(category: "UW", year: 2023, documents: 2, bytes: 20),
            ])
        #expect(report.total == SummaryLine(label: "total", count: 5, bytes: 38))
        #expect(report.byYear.map(\.label) == ["2023", "2024"])
        #expect(report.loans.map(\.count) == [0, 1, 0], "requested, active, overdue")
        #expect(report.holds.first { $0.label == "policy" }?.count == 1)
        #expect(report.destruction.allSatisfy { $0.count == 0 }, "no trigger recorded: nothing due")
        #expect(report.fonds == "J001")
        let added = try test.auditEntries().filter { $0.seq > before }
        #expect(added.map(\.action) == ["report.summary"])
        #expect(added.first?.outcome == .ok)
        #expect(added.first?.details == "year=all; documents=5")
        #expect(added.first?.sensitiveSealed == nil)

        // A later clock makes the loan overdue; --year keeps only that year's holdings.
        compliance.clock = { Date().addingTimeInterval(400 * 86_400) }
        let later = try SummaryReport.make(year: 2023, session: compliance)
        #expect(later.loans.map(\.count) == [0, 0, 1])
        #expect(later.holdings == [HoldingsCell(category: "UW", year: 2023, documents: 2, bytes: 20)])
        #expect(later.year == 2023)
    }

    @Test("A year outside 1900-2100 is a usage error before anything is logged")
    func yearOutOfRange() throws {
        let (test, _) = try Self.vault()
        let auditor = try test.user("audrey", roles: [.auditor])
        let before = try test.auditCount()
        for year in [1899, 2101] {
            #expect(throws: VaultError.self) { try SummaryReport.make(year: year, session: auditor) }
            do {
                _ = try SummaryReport.make(year: year, session: auditor)
            } catch let error as VaultError {
                #expect(error.kind == .usage)
                #expect(error.message.contains("1900 to 2100"))
            }
        }
        #expect(try test.auditCount() == before)
    }

    @Test("The summary is refused to the archivist, with one denied entry")
    func refusedRole() throws {
        let (test, _) = try Self.vault()
        let before = try test.auditCount()
        do {
            _ = try SummaryReport.make(year: nil, session: test.session)
            Issue.record("the archivist ran report summary")
        } catch let error as VaultError {
            #expect(error.kind == .permissionDenied)
        }
        let added = try test.auditEntries().filter { $0.seq > before }
        #expect(added.map(\.action) == ["report.summary"])
        #expect(added.first?.outcome == .denied)
    }

    @Test("The access report lists gets and refusals of one document and counts them per category")
    func accessByReference() throws {
        let (test, reference) = try Self.vault()
        let output = test.folder.path + "/out.txt"
        try Retrieval.get(reference, to: .file(output, overwrite: false), session: test.session)
        let other = try #require(
            try test.database.queryOne("SELECT reference FROM documents WHERE category = 'UW' ORDER BY id")?
                .string("reference"))
        #expect(throws: VaultError.self) {
            try Retrieval.get(other, to: .file(output + "2", overwrite: false), session: test.session)
        }
        let auditor = try test.user("audrey", roles: [.auditor])
        let byReference = try AccessReport.make(.reference(reference.lowercased()), since: nil, session: auditor)
        #expect(byReference.entries.map(\.action) == ["get"])
        #expect(byReference.entries.first?.outcome == "ok")
        #expect(byReference.perCategory == [AccessCount(category: "CL", ok: 1, denied: 0, failed: 0)])
        let byUser = try AccessReport.make(.user(test.archivist), since: nil, session: auditor)
        #expect(byUser.entries.map(\.outcome) == ["ok", "denied"])
        #expect(byUser.entries.last?.details.contains("refused=no-loan") == true)
        #expect(
            byUser.perCategory == [
                AccessCount(category: "CL", ok: 1, denied: 0, failed: 0),
                AccessCount(category: "UW", ok: 0, denied: 1, failed: 0),
            ])
        let future = try AccessReport.make(.category("uw"), since: "2100-01-01", session: auditor)
        #expect(future.entries.isEmpty)
        #expect(try test.lastAudit().action == "report.access")
        #expect(try test.lastAudit().target == "category:UW")
    }

    @Test("HTML escaping covers markup, quotes and control characters")
    func escaping() {
        #expect(
            HTMLText.escape("<script>alert(\"x\")</script> & 'y'")
                == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;")
        #expect(HTMLText.escape("年度\u{1B}报告\n") == "年度 报告\n")
        #expect(HTMLText.escape("") == "")
    }

    @Test("A hostile fonds and title end up as text; the page has no script and no outside resource")
    func hostilePage() {
        let hostile = "<script>alert('x')</script><img src=http://evil.example/x.png>"
        let report = SummaryReport(
            fonds: hostile, generatedAt: "2026-01-01T00:00:00Z", year: nil,
            holdings: [HoldingsCell(category: "CL", year: 2024, documents: 3, bytes: 2048)],
            loans: [SummaryLine(label: "overdue", count: 1)], destruction: [], holds: [], caseFilesChecked: 0,
            incompleteCaseFiles: [])
        let page = SummaryReportHTML.page(report, title: "\"><svg onload=alert(1)>")
        #expect(!page.lowercased().contains("<script"))
        #expect(!page.contains("<img"))
        // Apart from the fonds shown as text, no URL at all: no resource, not even an SVG namespace.
        let rest = page.replacingOccurrences(of: HTMLText.escape(hostile), with: "")
        #expect(!rest.contains("http"))
        #expect(!rest.contains("url("))
        #expect(!rest.contains("src="))
        #expect(!page.contains("<svg onload"))
        #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(page.contains("&quot;&gt;&lt;svg onload=alert(1)&gt;"))
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<meta charset=\"utf-8\">"))
        #expect(page.contains("@media print"))
        #expect(page.contains("2.0 KiB"))
    }

    @Test("Bars are scaled to the largest value; zero draws no bar; an empty chart says none")
    func barChart() {
        let svg = SVGBarChart(caption: "c", bars: [("a", 4), ("b", 2), ("z", 0)]).svg
        #expect(svg.contains("width=\"440\" height=\"18\""), "the largest bar fills the area")
        #expect(svg.contains("width=\"220\" height=\"18\""), "half the value, half the length")
        #expect(svg.contains("width=\"0\" height=\"18\""))
        #expect(svg.components(separatedBy: "<rect").count - 1 == 3)
        #expect(svg.hasPrefix("<svg class=\"chart\" role=\"img\""))
        #expect(SVGBarChart(caption: "c", bars: []).svg.contains(">none</text>"))
    }
}
