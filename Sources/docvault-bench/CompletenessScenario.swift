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
    var times: [Double] = []
    var reference: [Double] = []
    var peak = 0
    for _ in 1...runs {
        let run = measure([docvault, "completeness", "check", "--csv"], environment: env)
        let sqlite = measure(["/usr/bin/env", "sqlite3", location.catalogPath, query])
        guard run.status == 0, sqlite.status == 0 else {
            print("failed: completeness check exited \(run.status), sqlite3 \(sqlite.status)")
            exit(1)
        }
        times.append(run.seconds)
        reference.append(sqlite.seconds)
        peak = max(peak, run.maxRSSKiB)
    }
    print(
        String(
            format: "median completeness check  %.2f s  (%.0f documents/s, peak %d MiB)", median(times),
            Double(documents) / median(times), peak / 1024))
    print(
        String(
            format: "median sqlite3 GROUP BY    %.2f s  ratio %.1f", median(reference),
            median(times) / max(median(reference), 0.001)))
}
