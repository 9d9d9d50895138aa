import Foundation
import VaultCore

/// `completeness check` over a large catalogue, against the sqlite3 tool grouping the same rows.
///
/// The catalogue is the retention scenario's mix (every claim its own case file with no types,
/// so every CL and UW case file is listed). The reference is the bare catalogue cost: one
/// `GROUP BY` over the active UW, CL and CU rows that collects each case file's types, with no
/// rule matching and no output formatting.
func benchCompleteness() throws {
    let documents = Int(option("--documents", default: "300000")) ?? 300_000
    let runs = Int(option("--runs", default: "5")) ?? 5
    let (location, _, env) = try seededCatalogue(
        "completeness", documents: documents, runs: runs, user: "checker", role: .auditor)
    let query = """
        SELECT category, COALESCE(claim_no, policy_no, hex(customer_id_index)) AS k, COUNT(*), group_concat(doc_type)
        FROM documents WHERE status = 'active' AND category IN ('UW', 'CL', 'CU') GROUP BY category, k;
        """
    timeBesideSQLite(
        "completeness check", [docvault, "completeness", "check", "--csv"], environment: env,
        catalogue: location.catalogPath,
        query: query, referenceLabel: "sqlite3 GROUP BY", documents: documents, runs: runs)
}
