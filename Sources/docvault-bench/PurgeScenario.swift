import Foundation
import VaultCore

/// `purge execute` of one approved batch of real documents (filed, encrypted, with blobs), timed as a child process.
func benchPurge() throws {
    let documents = Int(option("--documents", default: "10000")) ?? 10_000
    let (location, admin) = try freshVault()
    for (name, role) in [("clerk", Role.archivist), ("officer", .compliance), ("approver", .approver)] {
        try UserAdministration.add(name: name, roles: [role], credential: .keyFile, session: admin)
    }
    func session(_ name: String) throws -> Session {
        try Session.open(vault: admin.vault, userName: name, credential: .keyFile(location.keyFilePath(for: name)))
    }
    let clerk = try session("clerk")
    let inputs = work + "/inputs"
    try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
    let start = DispatchTime.now()
    var filed = 0
    while filed < documents {
        let count = min(500, documents - filed)
        var paths: [String] = []
        for i in filed..<(filed + count) {
            let path = inputs + "/doc-\(i).txt"
            // Every size differs, so filing's same-content check finds no candidates to open.
            let text = "document \(i) of the purge benchmark\n" + String(repeating: ".", count: i)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        _ = try Filing.file(FilingRequest(paths: paths, category: "OT", year: 2024), session: clerk)
        for path in paths { try FileManager.default.removeItem(atPath: path) }
        filed += count
    }
    let fill = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    let batch = try Destruction.propose(asOf: "2100-01-01", category: "OT", session: try session("officer"))
    _ = try Destruction.approve(batch.id, session: try session("approver"))
    print(
        "docvault-bench purge: \(documents) documents filed in \(String(format: "%.1f", fill)) s; "
            + "batch \(batch.id) of \(batch.items.count) approved")
    let env = ["DOCVAULT_DIR": location.vault, "DOCVAULT_KEYS": location.keys, "DOCVAULT_USER": "officer"]
    let run = measure([docvault, "purge", "execute", String(batch.id)], environment: env)
    guard run.status == 0 else {
        print("failed: purge execute exited \(run.status)")
        exit(1)
    }
    let left = (FileManager.default.enumerator(atPath: location.blobsPath)?.allObjects as? [String] ?? [])
        .filter { $0.hasSuffix(".blob") }.count
    print(
        String(
            format: "purge execute          %.2f s  (%.0f documents/s, peak %d MiB); blobs left: %d (the register's 2)",
            run.seconds, Double(documents) / run.seconds, run.maxRSSKiB / 1024, left))
}
