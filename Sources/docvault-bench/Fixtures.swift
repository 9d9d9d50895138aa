import Foundation
import VaultCore

/// A new vault in the work folder and its admin's session, the start of every catalogue scenario.
func freshVault() throws -> (VaultLocation, Session) {
    let location = VaultLocation(vault: work + "/vault", keys: work + "/keys")
    _ = try VaultSetup.create(at: location, fonds: "J001", admin: "admin")
    let admin = try Session.open(
        vault: try Vault.open(location), userName: "admin", credential: .keyFile(location.keyFilePath(for: "admin")))
    return (location, admin)
}

/// A fresh vault with `documents` synthetic rows (``BenchmarkSupport/fillDocuments``) and the environment
/// that runs `docvault` as `user` (added with `role` unless it is the admin); prints how long seeding took.
func seededCatalogue(
    _ scenario: String, documents: Int, runs: Int, user: String = "admin", role: Role = .admin,
    realDataKeys: Bool = false
) throws -> (location: VaultLocation, admin: Session, environment: [String: String]) {
    let (location, admin) = try freshVault()
    if user != "admin" {
        try UserAdministration.add(name: user, roles: [role], credential: .keyFile, session: admin)
    }
    let start = DispatchTime.now()
    try BenchmarkSupport.fillDocuments(session: admin, count: documents, realDataKeys: realDataKeys)
    let fill = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    print(
        "docvault-bench \(scenario): \(documents) documents catalogued in \(String(format: "%.1f", fill)) s, "
            + "\(runs) runs")
    return (location, admin, ["DOCVAULT_DIR": location.vault, "DOCVAULT_KEYS": location.keys, "DOCVAULT_USER": user])
}

/// One summary line: `label`'s median, its throughput over `mib` MiB, and its ratio to the reference median.
func printBeside(_ label: String, _ times: [Double], reference: Double, mib: Double, peakKiB: Int) {
    print(
        String(
            format: "median %@ %.2f s  (%.0f MiB/s)  ratio %.2fx  (peak %d MiB)",
            label.padding(toLength: 22, withPad: " ", startingAt: 0), median(times), mib / median(times),
            median(times) / reference, peakKiB / 1024))
}

/// Files `count` documents of about `sizeKiB` KiB each (sizes differ by a byte so filing finds no duplicates).
func fileDocuments(_ count: Int, from first: Int, sizeKiB: Int, session: Session) throws {
    let inputs = work + "/inputs"
    try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
    let block = try SecureRandom.bytes(count: sizeKiB * 1024 + count + first)
    var filed = 0
    while filed < count {
        let batch = min(500, count - filed)
        var paths: [String] = []
        for i in (first + filed)..<(first + filed + batch) {
            let path = inputs + "/doc-\(i).bin"
            var bytes = Array(block[0..<(sizeKiB * 1024 + i % 4096)])
            bytes[0] = UInt8(i & 0xFF)
            bytes[1] = UInt8((i >> 8) & 0xFF)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        _ = try Filing.file(FilingRequest(paths: paths, category: "OT", year: 2024), session: session)
        for path in paths { try FileManager.default.removeItem(atPath: path) }
        filed += batch
    }
}

/// Times `arguments` and the sqlite3 tool running `query` on `catalogue`, `runs` times each, and prints
/// both medians, docvault's rate over `documents`, its peak memory and the ratio; stops on a failure.
func timeBesideSQLite(
    _ label: String, _ arguments: [String], environment: [String: String], catalogue: String, query: String,
    referenceLabel: String, documents: Int, runs: Int
) {
    var times: [Double] = []
    var reference: [Double] = []
    var peak = 0
    for _ in 1...runs {
        let run = measure(arguments, environment: environment)
        let sqlite = measure(["/usr/bin/env", "sqlite3", catalogue, query])
        guard run.status == 0, sqlite.status == 0 else {
            print("failed: \(label) exited \(run.status), sqlite3 \(sqlite.status)")
            exit(1)
        }
        times.append(run.seconds)
        reference.append(sqlite.seconds)
        peak = max(peak, run.maxRSSKiB)
    }
    let width = max(label.count, referenceLabel.count) + 2
    print(
        String(
            format: "median %@%.2f s  (%.0f documents/s, peak %d MiB)",
            label.padding(toLength: width, withPad: " ", startingAt: 0),
            median(times), Double(documents) / median(times), peak / 1024))
    print(
        String(
            format: "median %@%.2f s  ratio %.1f", referenceLabel.padding(toLength: width, withPad: " ", startingAt: 0),
            median(reference), median(times) / max(median(reference), 0.001)))
}
