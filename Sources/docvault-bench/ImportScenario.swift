import Foundation
import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

/// `docvault import` of a ledger of `--documents` files of `--size-kib` KiB into a fresh vault each run,
/// beside `cp -r` of the same folder followed by `sync`, in the same run.
///
/// Prints each run, then the medians, the ratio (target: at most 2x) and docvault's peak memory.
func benchImport() throws {
    let documents = Int(option("--documents", default: "10000")) ?? 10_000
    let sizeKiB = Int(option("--size-kib", default: "100")) ?? 100
    let runs = Int(option("--runs", default: "3")) ?? 3
    let scans = work + "/scans"
    try FileManager.default.createDirectory(atPath: scans, withIntermediateDirectories: true)
    var ledger = "path,category,year,type,title,policy\n"
    var block = [UInt8](repeating: 0, count: sizeKiB * 1024)
    for index in 0..<documents {
        // Different bytes in every file, so no file system or cache can share them.
        for offset in stride(from: 0, to: block.count, by: 8) {
            var word = UInt64(index) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(offset) &* 0xBF58_476D_1CE4_E5B9
            withUnsafeBytes(of: &word) { bytes in
                for byte in 0..<min(8, block.count - offset) { block[offset + byte] = bytes[byte] }
            }
        }
        let name = "scan-\(index).pdf"
        try Data(block).write(to: URL(fileURLWithPath: scans + "/" + name))
        ledger += "\(name),CL,2024,claim-form,理赔材料 \(index),P-\(index % 997)\n"
    }
    let manifest = scans + "/ledger.csv"
    try ledger.write(toFile: manifest, atomically: true, encoding: .utf8)
    sync()
    let mib = Double(documents * sizeKiB) / 1024
    print(
        "docvault-bench import: \(documents) files of \(sizeKiB) KiB (\(String(format: "%.0f", mib)) MiB) "
            + "from a ledger, \(runs) runs; work folder \(work)")
    var imports: [Double] = []
    var copies: [Double] = []
    var peak = 0
    for run in 1...runs {
        let location = VaultLocation(vault: work + "/vault\(run)", keys: work + "/keys\(run)")
        let created = try VaultSetup.create(at: location, fonds: "J001", admin: "admin")
        let admin = try Session.open(
            vault: try Vault.open(location), userName: created.admin, credential: .keyFile(created.keyFilePath))
        try UserAdministration.add(name: "clerk", roles: [.archivist], credential: .keyFile, session: admin)
        let env = ["DOCVAULT_DIR": location.vault, "DOCVAULT_KEYS": location.keys, "DOCVAULT_USER": "clerk"]
        sync()
        let imported = measure([docvault, "import", manifest], environment: env)
        let copied = measure(["/bin/sh", "-c", "cp -r '\(scans)' '\(work)/copy\(run)' && sync"])
        guard imported.status == 0, copied.status == 0 else {
            print("failed: docvault import exited \(imported.status), cp -r exited \(copied.status)")
            exit(1)
        }
        imports.append(imported.seconds)
        copies.append(copied.seconds)
        peak = max(peak, imported.maxRSSKiB)
        print(
            String(
                format: "run %d: docvault import %.2f s (peak %d MiB), cp -r + sync %.2f s", run, imported.seconds,
                imported.maxRSSKiB / 1024, copied.seconds))
        try? FileManager.default.removeItem(atPath: location.vault)
        try? FileManager.default.removeItem(atPath: location.keys)
        try? FileManager.default.removeItem(atPath: work + "/copy\(run)")
    }
    print(
        String(
            format: "median cp -r + sync        %.2f s  (%.0f MiB/s)", median(copies), mib / median(copies)))
    printBeside("docvault import", imports, reference: median(copies), mib: mib, peakKiB: peak)
    print(
        String(
            format: "import: %.0f documents/s; target ratio <= 2.00x: %@", Double(documents) / median(imports),
            median(imports) / median(copies) <= 2 ? "met" : "missed"))
}
