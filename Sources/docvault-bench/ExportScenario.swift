import Foundation
import VaultCore

/// `docvault export` of a claim's documents as a BagIt package beside `cp -r` of the same plaintext plus `sync`.
///
/// Both write the same payload bytes to the same disk; docvault also decrypts, checks each
/// document's SHA-256, writes metadata files and manifests, and fsyncs every file.
func benchExport() throws {
    let documents = Int(option("--documents", default: "200")) ?? 200
    let kib = Int(option("--doc-kib", default: "1024")) ?? 1024
    let runs = Int(option("--runs", default: "5")) ?? 5
    let (location, admin) = try freshVault()
    try UserAdministration.add(name: "clerk", roles: [.archivist], credential: .keyFile, session: admin)
    try UserAdministration.add(name: "lender", roles: [.approver], credential: .keyFile, session: admin)
    let clerk = try Session.open(
        vault: admin.vault, userName: "clerk", credential: .keyFile(location.keyFilePath(for: "clerk")))
    let lender = try Session.open(
        vault: admin.vault, userName: "lender", credential: .keyFile(location.keyFilePath(for: "lender")))
    let inputs = work + "/inputs"
    try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
    let block = try SecureRandom.bytes(count: kib << 10)
    var paths: [String] = []
    for index in 0..<documents {
        let path = inputs + "/scan-\(index).bin"
        var content = block
        content[0] = UInt8(index & 0xFF)
        content[1] = UInt8(index >> 8 & 0xFF)
        try Data(content).write(to: URL(fileURLWithPath: path))
        paths.append(path)
    }
    var request = FilingRequest(paths: paths, category: "CL", year: 2024)
    request.claimNo = "C-BENCH"
    _ = try Filing.file(request, session: clerk)
    let loan = try Borrowing.request(
        scope: .claim("C-BENCH"), purpose: "benchmark transfer", days: nil, kind: .export, session: clerk)
    _ = try Borrowing.approve(loan.id, days: nil, session: lender)
    let totalMiB = Double(documents * kib) / 1024
    print("docvault-bench export: \(documents) documents of \(kib) KiB (\(Int(totalMiB)) MiB), \(runs) runs")
    let env = ["DOCVAULT_DIR": location.vault, "DOCVAULT_KEYS": location.keys, "DOCVAULT_USER": "clerk"]
    var exports: [Double] = []
    var copies: [Double] = []
    var peak = 0
    for run in 1...runs {
        let copy = measure(["/bin/sh", "-c", "cp -r '\(inputs)' '\(work)/copy\(run)' && sync"])
        let exported = measure([docvault, "export", "--claim", "C-BENCH", "-o", work + "/bag\(run)"], environment: env)
        guard copy.status == 0, exported.status == 0 else {
            print("run \(run) failed: cp -r \(copy.status), export \(exported.status)")
            exit(1)
        }
        try? FileManager.default.removeItem(atPath: work + "/copy\(run)")
        try? FileManager.default.removeItem(atPath: work + "/bag\(run)")
        copies.append(copy.seconds)
        exports.append(exported.seconds)
        peak = max(peak, exported.maxRSSKiB)
        print(
            String(format: "run %d: cp -r + sync %.2f s, docvault export %.2f s", run, copy.seconds, exported.seconds))
    }
    let reference = median(copies)
    print("")
    print(String(format: "median cp -r + sync      %.2f s  (%.0f MiB/s)", reference, totalMiB / reference))
    printBeside("docvault export", exports, reference: reference, mib: totalMiB, peakKiB: peak)
}
