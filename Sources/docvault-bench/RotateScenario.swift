import Foundation
import VaultCore

/// `key rotate` over a large catalogue of real wrapped data keys, against sqlite3 rewriting the same column.
///
/// The reference is the bare catalogue cost: one `UPDATE documents SET wrapped_data_key = randomblob(60)`
/// in a single transaction by the sqlite3 tool, with no unwrapping, no batching and no checkpoint.
func benchRotate() throws {
    let documents = Int(option("--documents", default: "1000000")) ?? 1_000_000
    let runs = Int(option("--runs", default: "3")) ?? 3
    let (location, admin, env) = try seededCatalogue(
        "rotate", documents: documents, runs: runs, realDataKeys: true)
    var times: [Double] = []
    var peak = 0
    for _ in 1...runs {
        let run = measure([docvault, "key", "rotate"], environment: env)
        guard run.status == 0 else {
            print("failed: key rotate exited \(run.status)")
            exit(1)
        }
        times.append(run.seconds)
        peak = max(peak, run.maxRSSKiB)
    }
    let epochs = try KeyRotation.status(session: admin).epochs.map { "\($0.epoch): \($0.documents) documents" }
    var references: [Double] = []
    for _ in 1...runs {
        let run = measure([
            "/usr/bin/sqlite3", location.catalogPath,
            "PRAGMA secure_delete=ON; UPDATE documents SET wrapped_data_key = randomblob(60);",
        ])
        guard run.status == 0 else {
            print("failed: sqlite3 exited \(run.status)")
            exit(1)
        }
        references.append(run.seconds)
    }
    let rotate = median(times)
    let reference = median(references)
    print(
        String(
            format: "median key rotate      %.2f s  (%.0f documents/s, peak %d MiB)", rotate,
            Double(documents) / rotate, peak / 1024))
    print(
        String(
            format: "median sqlite3 UPDATE  %.2f s  (one transaction, no crypto); ratio %.2f", reference,
            rotate / reference))
    print("data-key-wrap epochs after the runs: \(epochs)")
}
