import FoundationEssentials
import VaultCore

/// The demo's report steps: the management summary as an HTML page in the scratch folder, and who read a document.
///
/// `auditor` runs both reports; the page goes to `work` (the demo's scratch folder), never into the vault.
func demoReports(auditor: Session, reference: String, work: String, step: (String) -> Void) throws {
    let page = work + "/summary.html"
    step("10b. docvault report summary --html \(page)  (counts for management: tables, bar charts, no scripts)")
    let summary = try SummaryReport.make(year: nil, html: ReportFile(path: page, overwrite: true), session: auditor)
    let size = FileSystem.size(page) ?? 0
    Console.out(
        "\(summary.total.count) active documents in \(summary.byCategory.count) categories; "
            + summary.loans.map { "\($0.count) \($0.label)" }.joined(separator: ", ") + " loans; wrote \(size) bytes")
    step("10c. docvault report access --ref \(reference)  (who read it and when, refusals included)")
    let access = try AccessReport.make(.reference(reference), since: nil, session: auditor)
    for entry in access.entries {
        Console.out("#\(entry.seq) \(entry.actor) \(entry.action) \(entry.outcome) \(entry.details)")
    }
    for count in access.perCategory {
        Console.out("\(count.category): \(count.ok) ok, \(count.denied) denied, \(count.failed) failed")
    }
}
