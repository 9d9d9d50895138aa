import Foundation
import VaultCore

/// `verify --full` (decrypt every chunk, compare the sealed SHA-256) beside `openssl dgst -sha256` of the same blobs.
///
/// Both read the same blob files from the page cache, so the ratio is the cost of decrypting
/// and checking over hashing alone. The structural `verify` (no decryption) is timed too.
func benchVerify() throws {
    let documents = Int(option("--documents", default: "200")) ?? 200
    let kib = Int(option("--doc-kib", default: "5120")) ?? 5120
    let runs = Int(option("--runs", default: "5")) ?? 5
    let (location, admin) = try freshVault()
    try UserAdministration.add(name: "clerk", roles: [.archivist], credential: .keyFile, session: admin)
    let clerk = try Session.open(
        vault: admin.vault, userName: "clerk", credential: .keyFile(location.keyFilePath(for: "clerk")))
    let inputs = work + "/inputs"
    try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
    let block = try SecureRandom.bytes(count: kib << 10)
    for index in 0..<documents {
        let path = inputs + "/scan-\(index).bin"
        var content = block
        content[0] = UInt8(index & 0xFF)
        content[1] = UInt8(index >> 8 & 0xFF)
        try Data(content).write(to: URL(fileURLWithPath: path))
        _ = try Filing.file(FilingRequest(paths: [path], category: "OT", year: 2024), session: clerk)
        try FileManager.default.removeItem(atPath: path)
    }
    let blobs = (FileManager.default.enumerator(atPath: location.blobsPath)?.allObjects as? [String] ?? [])
        .filter { $0.hasSuffix(".blob") }.map { location.blobsPath + "/" + $0 }
    let totalMiB = Double(documents * kib) / 1024
    print("docvault-bench verify: \(documents) documents of \(kib) KiB (\(Int(totalMiB)) MiB), \(runs) runs")
    let env = ["DOCVAULT_DIR": location.vault, "DOCVAULT_KEYS": location.keys, "DOCVAULT_USER": "admin"]
    var full: [Double] = []
    var quick: [Double] = []
    var dgst: [Double] = []
    var peak = 0
    for run in 1...runs {
        let hashed = measure(["/usr/bin/openssl", "dgst", "-sha256"] + blobs)
        let checked = measure([docvault, "verify", "--full"], environment: env)
        let structural = measure([docvault, "verify"], environment: env)
        guard hashed.status == 0, checked.status == 0, structural.status == 0 else {
            print(
                "run \(run) failed: openssl \(hashed.status), verify --full \(checked.status), verify \(structural.status)"
            )
            exit(1)
        }
        dgst.append(hashed.seconds)
        full.append(checked.seconds)
        quick.append(structural.seconds)
        peak = max(peak, checked.maxRSSKiB)
        print(
            String(
                format: "run %d: openssl dgst -sha256 %.2f s, verify --full %.2f s, verify %.2f s", run,
                hashed.seconds, checked.seconds, structural.seconds))
    }
    let reference = median(dgst)
    print("")
    print(String(format: "median openssl dgst -sha256  %.2f s  (%.0f MiB/s)", reference, totalMiB / reference))
    printBeside("verify --full", full, reference: reference, mib: totalMiB, peakKiB: peak)
    print(String(format: "median verify (structural)   %.2f s", median(quick)))
}
