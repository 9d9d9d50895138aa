import Foundation
import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

/// docvault-bench: measures filing and getting a large file against `dd … conv=fsync` in the same run.
///
/// Usage: swift run -c release docvault-bench [--size-mib N] [--runs N] [--dir DIR]
/// Reports wall-clock medians, ratios to dd, and the peak resident memory of each docvault run.

struct Measurement {
    let seconds: Double
    let maxRSSKiB: Int
    let status: Int32
}

/// Runs `arguments` as a child process (stdout/stderr to /dev/null) and measures wall time and peak memory.
///
/// Peak memory comes from GNU time (`/usr/bin/time -f %M`, Debian package `time`):
/// wait4's ru_maxrss of a posix_spawn child also counts the parent's memory shared
/// before exec, which overstated docvault's peak by the bench's own size.
func measure(_ arguments: [String], environment: [String: String] = [:]) -> Measurement {
    let useTime = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
    let rssFile = work + "/rss-\(UUID().uuidString)"
    let command = useTime ? ["/usr/bin/time", "-f", "%M", "-o", rssFile] + arguments : arguments
    let start = DispatchTime.now()
    guard let pid = spawn(command, environment: environment) else {
        return Measurement(seconds: 0, maxRSSKiB: 0, status: -1)
    }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    var peak = usage.ru_maxrss
    if useTime, let text = try? String(contentsOfFile: rssFile, encoding: .utf8),
        let kib = text.split(separator: "\n").compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) }).last
    {
        peak = kib
    }
    try? FileManager.default.removeItem(atPath: rssFile)
    return Measurement(seconds: elapsed, maxRSSKiB: peak, status: (status >> 8) & 0xFF)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func option(_ name: String, default value: String) -> String {
    let args = CommandLine.arguments
    if let index = args.firstIndex(of: name), index + 1 < args.count { return args[index + 1] }
    return value
}

let mode = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("-") && Int($0) == nil } ?? "file-get"
let base = option("--dir", default: FileManager.default.currentDirectoryPath)
let binaryFolder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let docvault = binaryFolder.appendingPathComponent("docvault").path
guard FileManager.default.isExecutableFile(atPath: docvault) else {
    FileHandle.standardError.write(Data("docvault-bench: build docvault first (swift build -c release)\n".utf8))
    exit(1)
}
let work = base + "/.docvault-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: work) }

switch mode {
case "file-get": try benchFileGet()
case "audit": try benchAudit()
case "retention": try benchRetention()
case "purge": try benchPurge()
case "verify": try benchVerify()
case "concurrent-file": try benchConcurrentFile()
case "rotate": try benchRotate()
case "backup": try benchBackup()
case "completeness": try benchCompleteness()
case "export": try benchExport()
case "report": try benchReport()
case "import": try benchImport()
default:
    print(
        "usage: docvault-bench [file-get|audit|retention|purge|verify|concurrent-file|rotate|backup|completeness|export|"
            + "report] "
            + "[--size-mib N] "
            + "[--size-kib N] [--runs N] [--entries N] [--documents N] [--doc-kib N] [--processes N] [--files N] "
            + "[--dir DIR]"
    )
    exit(64)
}

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

/// `audit verify` over a large log, and one command's latency with a key file and with a password.
func benchAudit() throws {
    let entries = Int(option("--entries", default: "1000000")) ?? 1_000_000
    let runs = Int(option("--runs", default: "5")) ?? 5
    let (location, admin) = try freshVault()
    try UserAdministration.add(name: "clerk", roles: [.archivist], credential: .keyFile, session: admin)
    let password = "correct horse battery staple"
    try UserAdministration.add(
        name: "auditor", roles: [.auditor], credential: .password(SecretBytes(copying: Array(password.utf8))),
        session: admin)
    let start = DispatchTime.now()
    try BenchmarkSupport.fillAuditLog(session: admin, count: entries)
    let fill = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    print("docvault-bench audit: \(entries) entries appended in \(String(format: "%.1f", fill)) s, \(runs) runs")
    let env = ["DOCVAULT_DIR": location.vault, "DOCVAULT_KEYS": location.keys]
    var verify: [Double] = []
    var keyLatency: [Double] = []
    var passwordLatency: [Double] = []
    var verifyRSS = 0
    for _ in 1...runs {
        let v = measure([docvault, "audit", "verify", "--actor", "admin"], environment: env)
        let k = measure([docvault, "list", "--user", "clerk"], environment: env)
        let p = measure(
            [docvault, "user", "list", "--user", "auditor"],
            environment: env.merging(["DOCVAULT_PASSWORD": password]) { $1 })
        guard v.status == 0, k.status == 0, p.status == 0 else {
            print("failed: verify \(v.status), key-file list \(k.status), password user list \(p.status)")
            exit(1)
        }
        verify.append(v.seconds)
        keyLatency.append(k.seconds)
        passwordLatency.append(p.seconds)
        verifyRSS = max(verifyRSS, v.maxRSSKiB)
    }
    print(
        String(
            format: "median audit verify      %.2f s  (%.0f entries/s, peak %d MiB)", median(verify),
            Double(entries) / median(verify), verifyRSS / 1024))
    print(
        String(format: "median command, key file %.0f ms  (docvault list as an archivist)", median(keyLatency) * 1000))
    print(
        String(
            format: "median command, password %.0f ms  (docvault user list as an auditor; scrypt N=2^17, r=8, p=1)",
            median(passwordLatency) * 1000))
}

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

/// Filing and getting a large file beside `dd … conv=fsync`.
func benchFileGet() throws {
    let sizeMiB = Int(option("--size-mib", default: "1024")) ?? 1024
    let runs = Int(option("--runs", default: "3")) ?? 3

    // Source file: random bytes, so nothing in the pipeline benefits from compressible input.
    let source = work + "/source.bin"
    do {
        let fd = try FileDescriptor.createExclusively(source)
        let block = try SecureRandom.bytes(count: 1 << 20)
        for index in 0..<sizeMiB {
            var chunk = block
            chunk[0] = UInt8(index & 0xFF)
            chunk[1] = UInt8((index >> 8) & 0xFF)
            try chunk.withUnsafeBytes { try fd.write($0) }
        }
        try fd.sync()
    }
    print("docvault-bench: \(sizeMiB) MiB file, \(runs) runs, work folder \(work)")
    print("binary: \(docvault)")

    var ddTimes: [Double] = []
    var fileTimes: [Double] = []
    var getTimes: [Double] = []
    var fileRSS: [Int] = []
    var getRSS: [Int] = []
    for run in 1...runs {
        let vault = "\(work)/vault\(run)"
        let keys = "\(work)/keys\(run)"
        var env = ["DOCVAULT_DIR": vault, "DOCVAULT_KEYS": keys]
        _ = measure([docvault, "init"], environment: env)
        _ = measure([docvault, "user", "add", "clerk", "--role", "archivist", "--key-file"], environment: env)
        _ = measure([docvault, "user", "add", "boss", "--role", "approver", "--key-file"], environment: env)
        env["DOCVAULT_USER"] = "clerk"

        let dd = measure(
            ["/bin/dd", "if=\(source)", "of=\(work)/dd-copy.bin", "bs=1M", "conv=fsync"])
        try? FileManager.default.removeItem(atPath: "\(work)/dd-copy.bin")
        let filing = measure([docvault, "file", source, "--category", "OT", "--year", "2024"], environment: env)
        // Reading needs a loan that another person approved: loan 1 in this fresh vault, outside the timing.
        let lent = [
            measure(
                [docvault, "borrow", "request", "J001-OT-2024-D10-0001", "--purpose", "benchmark"], environment: env),
            measure([docvault, "borrow", "approve", "1"], environment: env.merging(["DOCVAULT_USER": "boss"]) { $1 }),
        ]
        guard lent.allSatisfy({ $0.status == 0 }) else {
            print("run \(run): lending the document failed: \(lent.map(\.status))")
            exit(1)
        }
        let getting = measure(
            [docvault, "get", "J001-OT-2024-D10-0001", "-o", "\(work)/restored.bin"], environment: env)
        guard dd.status == 0, filing.status == 0, getting.status == 0 else {
            print("run \(run) failed: dd \(dd.status), file \(filing.status), get \(getting.status)")
            exit(1)
        }
        let restoredSize =
            (try? FileManager.default.attributesOfItem(atPath: "\(work)/restored.bin")[.size] as? Int) ?? -1
        guard restoredSize == sizeMiB << 20 else {
            print("run \(run): restored size \(restoredSize) differs")
            exit(1)
        }
        try? FileManager.default.removeItem(atPath: "\(work)/restored.bin")
        try? FileManager.default.removeItem(atPath: vault)
        ddTimes.append(dd.seconds)
        fileTimes.append(filing.seconds)
        getTimes.append(getting.seconds)
        fileRSS.append(filing.maxRSSKiB)
        getRSS.append(getting.maxRSSKiB)
        print(
            String(
                format:
                    "run %d: dd conv=fsync %.2f s, docvault file %.2f s (peak %d MiB), docvault get %.2f s (peak %d MiB)",
                run, dd.seconds, filing.seconds, filing.maxRSSKiB / 1024, getting.seconds, getting.maxRSSKiB / 1024))
    }
    let ddMedian = median(ddTimes)
    let fileMedian = median(fileTimes)
    let getMedian = median(getTimes)
    print("")
    print(String(format: "median dd conv=fsync   %.2f s  (%.0f MiB/s)", ddMedian, Double(sizeMiB) / ddMedian))
    print(
        String(
            format: "median docvault file   %.2f s  (%.0f MiB/s)  ratio to dd %.2fx  (target <= 1.5x)", fileMedian,
            Double(sizeMiB) / fileMedian, fileMedian / ddMedian))
    print(
        String(
            format: "median docvault get    %.2f s  (%.0f MiB/s)  ratio to dd %.2fx", getMedian,
            Double(sizeMiB) / getMedian, getMedian / ddMedian))
    print("peak RSS file \((fileRSS.max() ?? 0) / 1024) MiB, get \((getRSS.max() ?? 0) / 1024) MiB (target < 64 MiB)")

}

/// Starts `arguments` with stdout and stderr to /dev/null; returns the pid, or nil if it could not start.
func spawn(_ arguments: [String], environment: [String: String]) -> pid_t? {
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DOCVAULT_") }
    env.merge(environment) { $1 }
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        for pointer in argv { free(pointer) }
        for pointer in envp { free(pointer) }
    }
    return posix_spawn(&pid, arguments[0], &actions, nil, argv, envp) == 0 ? pid : nil
}

/// Several `docvault file` processes filing small files into one vault at once, beside the same work done serially.
///
/// Each run makes a fresh vault per variant: one process filing every file, the processes
/// one after another, and the processes all at once (they queue on the catalogue's write
/// lock; none may fail). Reports medians and the ratio of "at once" to "one after another".
func benchConcurrentFile() throws {
    let processes = Int(option("--processes", default: "4")) ?? 4
    let files = Int(option("--files", default: "25")) ?? 25
    let runs = Int(option("--runs", default: "5")) ?? 5
    let inputs = work + "/inputs"
    try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
    var groups: [[String]] = []
    for process in 0..<processes {
        var paths: [String] = []
        for index in 0..<files {
            let path = inputs + "/p\(process)-\(index).bin"
            try Data(try SecureRandom.bytes(count: 4096)).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        groups.append(paths)
    }
    print("docvault-bench concurrent-file: \(processes) processes x \(files) files of 4 KiB, \(runs) runs")
    func vault(_ name: String) -> [String: String] {
        var env = ["DOCVAULT_DIR": "\(work)/\(name)", "DOCVAULT_KEYS": "\(work)/\(name)-keys"]
        _ = measure([docvault, "init"], environment: env)
        _ = measure([docvault, "user", "add", "clerk", "--role", "archivist", "--key-file"], environment: env)
        env["DOCVAULT_USER"] = "clerk"
        return env
    }
    let filing = ["--category", "CL", "--year", "2024"]
    var single: [Double] = []
    var serial: [Double] = []
    var together: [Double] = []
    for run in 1...runs {
        let one = measure([docvault, "file"] + groups.flatMap { $0 } + filing, environment: vault("one\(run)"))
        let serialEnv = vault("serial\(run)")
        let serialStart = DispatchTime.now()
        var statuses = [one.status]
        for paths in groups {
            statuses.append(measure([docvault, "file"] + paths + filing, environment: serialEnv).status)
        }
        let serialSeconds = Double(DispatchTime.now().uptimeNanoseconds - serialStart.uptimeNanoseconds) / 1e9
        let togetherEnv = vault("together\(run)")
        let start = DispatchTime.now()
        let pids = groups.map { spawn([docvault, "file"] + $0 + filing, environment: togetherEnv) }
        for pid in pids {
            var status: Int32 = -1
            if let pid { waitpid(pid, &status, 0) }
            statuses.append((status >> 8) & 0xFF)
        }
        let togetherSeconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        guard statuses.allSatisfy({ $0 == 0 }) else {
            print("run \(run) failed: exit statuses \(statuses)")
            exit(1)
        }
        single.append(one.seconds)
        serial.append(serialSeconds)
        together.append(togetherSeconds)
        print(
            String(
                format: "run %d: one process %.3f s, one after another %.3f s, all at once %.3f s", run, one.seconds,
                serialSeconds, togetherSeconds))
    }
    let total = Double(processes * files)
    print("")
    print(
        String(format: "median one process        %.3f s  (%.0f documents/s)", median(single), total / median(single)))
    print(
        String(format: "median one after another  %.3f s  (%.0f documents/s)", median(serial), total / median(serial)))
    print(
        String(
            format: "median all at once        %.3f s  (%.0f documents/s)  ratio to one after another %.2fx",
            median(together), total / median(together), median(together) / median(serial)))
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
