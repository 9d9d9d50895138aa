import Foundation
import VaultCore

/// `docvault backup` of a vault of many documents, full and then incremental, beside `cp -r` + `sync` and `rsync -a`.
func benchBackup() throws {
    let documents = Int(option("--documents", default: "10000")) ?? 10_000
    let sizeKiB = Int(option("--size-kib", default: "100")) ?? 100
    let runs = Int(option("--runs", default: "3")) ?? 3
    let (location, admin) = try freshVault()
    try UserAdministration.add(name: "clerk", roles: [.archivist], credential: .keyFile, session: admin)
    let clerk = try Session.open(
        vault: admin.vault, userName: "clerk", credential: .keyFile(location.keyFilePath(for: "clerk")))
    let start = DispatchTime.now()
    try fileDocuments(documents, from: 0, sizeKiB: sizeKiB, session: clerk)
    let fill = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    let rsync = ["/usr/bin/rsync", "/bin/rsync"].first { FileManager.default.isExecutableFile(atPath: $0) }
    print(
        "docvault-bench backup: \(documents) documents of ~\(sizeKiB) KiB filed in \(String(format: "%.1f", fill)) s; "
            + "\(runs) runs; work folder \(work)")
    if rsync == nil { print("rsync not installed (apt-get install -y rsync); comparing with cp -r only") }
    let env = ["DOCVAULT_DIR": location.vault, "DOCVAULT_KEYS": location.keys, "DOCVAULT_USER": "admin"]
    func shell(_ command: String) -> Measurement { measure(["/bin/sh", "-c", command]) }
    func require(_ run: Measurement, _ what: String) {
        guard run.status == 0 else {
            print("failed: \(what) exited \(run.status)")
            exit(1)
        }
    }
    var full: [Double] = []
    var copy: [Double] = []
    var mirror: [Double] = []
    var verify: [Double] = []
    for run in 1...runs {
        let destination = work + "/backup\(run)"
        let backup = measure([docvault, "backup", destination], environment: env)
        require(backup, "docvault backup")
        let check = measure([docvault, "backup", "verify", destination])
        require(check, "docvault backup verify")
        let cp = shell("cp -r '\(location.vault)' '\(work)/cp\(run)' && sync")
        require(cp, "cp -r")
        try? FileManager.default.removeItem(atPath: work + "/cp\(run)")
        var line = String(
            format: "run %d: docvault backup %.2f s (peak %d MiB), backup verify %.2f s, cp -r + sync %.2f s", run,
            backup.seconds, backup.maxRSSKiB / 1024, check.seconds, cp.seconds)
        if let rsync {
            let copied = shell("\(rsync) -a '\(location.vault)/' '\(work)/rsync\(run)/' && sync")
            require(copied, "rsync -a")
            mirror.append(copied.seconds)
            line += String(format: ", rsync -a + sync %.2f s", copied.seconds)
        }
        if run < runs {
            try? FileManager.default.removeItem(atPath: destination)
            try? FileManager.default.removeItem(atPath: work + "/rsync\(run)")
        }
        full.append(backup.seconds)
        verify.append(check.seconds)
        copy.append(cp.seconds)
        print(line)
    }
    var incremental: [Double] = []
    var rsyncIncremental: [Double] = []
    for run in 1...runs {
        try fileDocuments(100, from: documents + (run - 1) * 100, sizeKiB: sizeKiB, session: clerk)
        let backup = measure([docvault, "backup", work + "/backup\(runs)"], environment: env)
        require(backup, "incremental docvault backup")
        incremental.append(backup.seconds)
        var line = String(format: "incremental run %d (+100 documents): docvault backup %.2f s", run, backup.seconds)
        if let rsync {
            let copied = shell("\(rsync) -a '\(location.vault)/' '\(work)/rsync\(runs)/' && sync")
            require(copied, "incremental rsync -a")
            rsyncIncremental.append(copied.seconds)
            line += String(format: ", rsync -a + sync %.2f s", copied.seconds)
        }
        print(line)
    }
    let base = median(copy)
    print("")
    print(String(format: "median cp -r + sync            %.2f s", base))
    print(
        String(format: "median docvault backup (full)  %.2f s  ratio to cp -r %.2fx", median(full), median(full) / base)
    )
    print(String(format: "median docvault backup verify  %.2f s", median(verify)))
    print(
        String(
            format: "median docvault backup (+100)  %.2f s  ratio to a full cp -r %.3fx", median(incremental),
            median(incremental) / base))
    if !mirror.isEmpty {
        print(String(format: "median rsync -a + sync (full)  %.2f s", median(mirror)))
        print(String(format: "median rsync -a + sync (+100)  %.2f s", median(rsyncIncremental)))
    }
}
