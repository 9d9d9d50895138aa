import Foundation
import VaultCore

/// `report summary --html` over a large catalogue, against the sqlite3 tool running the bare counting queries.
///
/// The catalogue is the retention scenario's mix. The summary does the holdings GROUP BY, the
/// `retention due` pass over every active document and the completeness grouping, then writes the
/// page; the reference is sqlite3 running the holdings GROUP BY and the completeness GROUP BY over
/// the same rows, with no retention rules, no case-file logic and no page.
func benchReport() throws {
    let documents = Int(option("--documents", default: "300000")) ?? 300_000
    let runs = Int(option("--runs", default: "5")) ?? 5
    let (location, _, env) = try seededCatalogue(
        "report", documents: documents, runs: runs, user: "reporter", role: .auditor)
    let page = work + "/summary.html"
    let query = """
        SELECT category, year, COUNT(*), SUM(size) FROM documents WHERE status = 'active' GROUP BY category, year;
        SELECT category, COALESCE(claim_no, policy_no, hex(customer_id_index)) AS k, COUNT(*), group_concat(doc_type)
        FROM documents WHERE status = 'active' AND category IN ('UW', 'CL', 'CU') GROUP BY category, k;
        """
    timeBesideSQLite(
        "report summary --html", [docvault, "report", "summary", "--html", page, "--force"], environment: env,
        catalogue: location.catalogPath,
        query: query, referenceLabel: "sqlite3 GROUP BYs", documents: documents, runs: runs)
}
