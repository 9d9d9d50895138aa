import Foundation
import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

/// The suite's `import` row: `docvault import` of a ledger of 10,000 files of 100 KiB (1,000 under
/// `--quick`; `--import-documents N`, `--size-kib N` change them) into a fresh vault each run,
/// beside `cp -r` of the same folder followed by `sync`, in the same run; target at most 2x.
func benchImportSlot(_ settings: SuiteSettings) throws -> [SuiteRow] {
    let documents = Int(option("--import-documents", default: settings.quick ? "1000" : "10000")) ?? 10_000
    let sizeKiB = Int(option("--size-kib", default: "100")) ?? 100
    let found = try measureImport(documents: documents, sizeKiB: sizeKiB, runs: settings.runs)
    return [
        row(
            "import \(countLabel(documents)) x \(sizeKiB) KiB", found.imports,
            references: [("cp -r + sync", found.copies)], targets: [.atMost(2, times: "cp -r + sync")])
    ]
}

/// Writes `documents` distinct files and a ledger naming them, then measures `runs` imports, each into a
/// fresh vault, and as many `cp -r` + `sync` of the same folder; prints each run.
func measureImport(documents: Int, sizeKiB: Int, runs: Int) throws -> (imports: [Measurement], copies: [Double]) {
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
    print("  \(documents) files of \(sizeKiB) KiB (\(documents * sizeKiB / 1024) MiB) from a ledger, \(runs) runs")
    var imports: [Measurement] = []
    var copies: [Double] = []
    // Each run writes about twice the data (the vault and the copy). Removing them between runs made the
    // next run's inodes slow: ext4 without a journal skips every inode freed in the last 30 s or so
    // (`recently_deleted`), and whichever tool ran first after the removal paid for it. So the outputs
    // stay until the last run when the disk has room for them all.
    let keepOutputs = freeBytes(work) > Int64(runs) * Int64(documents * sizeKiB) * 1024 * 3 + (1 << 30)
    if !keepOutputs { print("  (too little free space to keep every run's output: each run removes the one before)") }
    var outputs: [String] = []
    for run in 1...runs {
        let location = VaultLocation(vault: work + "/vault\(run)", keys: work + "/keys\(run)")
        let created = try VaultSetup.create(at: location, fonds: "J001", admin: "admin")
        let admin = try Session.open(
            vault: try Vault.open(location), userName: created.admin, credential: .keyFile(created.keyFilePath))
        try UserAdministration.add(name: "clerk", roles: [.archivist], credential: .keyFile, session: admin)
        let env = ["DOCVAULT_DIR": location.vault, "DOCVAULT_KEYS": location.keys, "DOCVAULT_USER": "clerk"]
        sync()
        let prime = primeSize(forWriting: documents * sizeKiB / 1024)
        let importRun = { measure([docvault, "import", manifest], environment: env, primeMiB: prime) }
        let copyRun = {
            measure(["/bin/sh", "-c", "cp -r '\(scans)' '\(work)/copy\(run)' && sync"], primeMiB: prime)
        }
        // Alternate which tool goes first, so neither always finds the other's leftovers.
        let imported: Measurement
        let copied: Measurement
        if run % 2 == 1 {
            imported = importRun()
            copied = copyRun()
        } else {
            copied = copyRun()
            imported = importRun()
        }
        guard imported.status == 0, copied.status == 0 else {
            print("failed: docvault import exited \(imported.status), cp -r exited \(copied.status)")
            exit(1)
        }
        imports.append(imported)
        copies.append(copied.seconds)
        print(
            String(
                format: "  run %d: docvault import %.2f s (peak %d MiB), cp -r + sync %.2f s", run, imported.seconds,
                imported.maxRSSKiB / 1024, copied.seconds))
        outputs += [location.vault, location.keys, work + "/copy\(run)"]
        if !keepOutputs {
            for output in outputs { try? FileManager.default.removeItem(atPath: output) }
            outputs = []
        }
    }
    for output in outputs { try? FileManager.default.removeItem(atPath: output) }
    return (imports, copies)
}

/// Bytes free to an unprivileged user on the file system holding `path`; 0 when unknown.
func freeBytes(_ path: String) -> Int64 {
    var info = statvfs()
    guard statvfs(path, &info) == 0 else { return 0 }
    return Int64(info.f_bavail) * Int64(info.f_frsize)
}
