import Foundation
import VaultCore

/// `retention due` over a large catalogue: one pass over the documents, events and holds loaded first.
func benchRetention() throws {
    let documents = Int(option("--documents", default: "1000000")) ?? 1_000_000
    let runs = Int(option("--runs", default: "5")) ?? 5
    let (location, admin, env) = try seededCatalogue(
        "retention", documents: documents, runs: runs, user: "officer", role: .compliance)
    var times: [Double] = []
    var peak = 0
    for _ in 1...runs {
        let run = measure([docvault, "retention", "due", "--as-of", "2026-01-01", "--csv"], environment: env)
        guard run.status == 0 else {
            print("failed: retention due exited \(run.status)")
            exit(1)
        }
        times.append(run.seconds)
        peak = max(peak, run.maxRSSKiB)
    }
    let officer = try Session.open(
        vault: admin.vault, userName: "officer", credential: .keyFile(location.keyFilePath(for: "officer")))
    let inProcessStart = DispatchTime.now()
    let due = try RetentionReport.due(asOf: "2026-01-01", category: nil, session: officer).items
    let inProcess = Double(DispatchTime.now().uptimeNanoseconds - inProcessStart.uptimeNanoseconds) / 1e9
    let held = due.filter { $0.status == "held" }.count
    print(
        String(
            format: "median retention due   %.2f s  (%.0f documents/s, peak %d MiB)", median(times),
            Double(documents) / median(times), peak / 1024))
    print(
        "due on 2026-01-01: \(due.count) of \(documents) documents (\(held) held); "
            + "the evaluation alone, in process: \(String(format: "%.2f", inProcess)) s")
}
