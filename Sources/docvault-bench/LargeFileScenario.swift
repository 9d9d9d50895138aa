import Foundation
import VaultCore

/// Writes `mebibytes` MiB of random bytes to `path` and syncs it (nothing in the pipeline gains from compressible input).
func writeRandomFile(_ path: String, mebibytes: Int) throws {
    let fd = try FileDescriptor.createExclusively(path)
    let block = try SecureRandom.bytes(count: 1 << 20)
    for index in 0..<mebibytes {
        var chunk = block
        chunk[0] = UInt8(index & 0xFF)
        chunk[1] = UInt8((index >> 8) & 0xFF)
        try chunk.withUnsafeBytes { try fd.write($0) }
    }
    try fd.sync()
}

/// Reads `path` through once, so the next command finds it in the page cache.
func warm(_ path: String) {
    guard let handle = FileHandle(forReadingAtPath: path) else { return }
    while let chunk = try? handle.read(upToCount: 8 << 20), !chunk.isEmpty {}
    try? handle.close()
}

/// A new vault made by the `docvault` binary with a key-file archivist `clerk` and approver `boss`; clerk's environment.
func cliVault(_ name: String) -> [String: String] {
    var env = ["DOCVAULT_DIR": "\(work)/\(name)", "DOCVAULT_KEYS": "\(work)/\(name)-keys"]
    require(measure([docvault, "init"], environment: env), "docvault init")
    require(
        measure([docvault, "user", "add", "clerk", "--role", "archivist", "--key-file"], environment: env), "user add")
    require(
        measure([docvault, "user", "add", "boss", "--role", "approver", "--key-file"], environment: env), "user add")
    env["DOCVAULT_USER"] = "clerk"
    return env
}

/// Lends `reference` to clerk (requested by clerk, approved by boss), as `get` needs.
func lend(_ reference: String, loan: Int, environment env: [String: String]) {
    require(
        measure([docvault, "borrow", "request", reference, "--purpose", "benchmark"], environment: env),
        "borrow request")
    require(
        measure(
            [docvault, "borrow", "approve", String(loan)], environment: env.merging(["DOCVAULT_USER": "boss"]) { $1 }),
        "borrow approve")
}

/// How much memory to prime (``primeMemory(mebibytes:)``) before a timed command that writes `mebibytes` MiB.
///
/// The data's size plus 1 GiB, up to 2 GiB of data; the 4 GiB runs measure memory only and skip it.
func primeSize(forWriting mebibytes: Int) -> Int {
    mebibytes <= 2048 ? mebibytes + 1024 : 0
}

/// Files `source` with `docvault file` and gets it back, returning both measurements; checks the size it got back.
func fileAndGet(_ source: String, mebibytes: Int, vault name: String) -> (file: Measurement, get: Measurement) {
    let env = cliVault(name)
    let prime = primeSize(forWriting: mebibytes)
    let filing = measure(
        [docvault, "file", source, "--category", "OT", "--year", "2024"], environment: env, primeMiB: prime)
    require(filing, "docvault file")
    lend("J001-OT-2024-D10-0001", loan: 1, environment: env)
    // Filing drops the blob from the page cache (nobody reads a scan right after filing it), while
    // age -d reads the file age just wrote from memory. Read the blob once, untimed, so both start
    // warm: cold reads from this machine's disk took 1 to 7 s for 1 GiB and would decide alone.
    let catalogue = "file:\(work)/\(name)/catalog.sqlite?mode=ro"
    if let blobID = try? sqliteOutput(catalogue, "SELECT blob_id FROM documents;") {
        let shard = "\(blobID.prefix(2))/\(blobID.dropFirst(2).prefix(2))"
        warm("\(work)/\(name)/blobs/\(shard)/\(blobID).blob")
    }
    let restored = work + "/restored.bin"
    let getting = measure(
        [docvault, "get", "J001-OT-2024-D10-0001", "-o", restored], environment: env, primeMiB: prime)
    require(getting, "docvault get")
    let size = FileSystem.size(restored) ?? -1
    guard size == mebibytes << 20 else {
        print("failed: docvault get wrote \(size) bytes, not \(mebibytes << 20)")
        exit(1)
    }
    try? FileManager.default.removeItem(atPath: restored)
    if !CommandLine.arguments.contains("--keep") {
        try? FileManager.default.removeItem(atPath: "\(work)/\(name)")
        try? FileManager.default.removeItem(atPath: "\(work)/\(name)-keys")
    }
    return (filing, getting)
}

/// Filing and getting one large scan beside dd, age and gpg; peak memory at that size and at 4 GiB.
///
/// Every run uses a fresh vault. The source is in the page cache for every tool. dd and
/// docvault make their output durable (`conv=fsync`, fsync); age, gpg and cp do not.
func benchLargeFile(_ settings: SuiteSettings) throws -> [SuiteRow] {
    let mib = settings.largeMiB
    let label = mib % 1024 == 0 ? "\(mib / 1024) GiB" : "\(mib) MiB"
    let source = work + "/scan.bin"
    try writeRandomFile(source, mebibytes: mib)
    let age = settings.tool("age", package: "age")
    let ageKeygen = settings.tool("age-keygen", package: "age")
    let gpg = settings.tool("gpg", package: "gnupg")
    var recipient: String?
    let ageKey = work + "/age.key"
    if age != nil, let ageKeygen {
        require(measure([ageKeygen, "-o", ageKey]), "age-keygen")
        let text = (try? String(contentsOfFile: ageKey, encoding: .utf8)) ?? ""
        recipient = text.split(separator: "\n").first { $0.hasPrefix("# public key: ") }
            .map { String($0.dropFirst("# public key: ".count)) }
    }
    let passphrase = work + "/gpg.pass"
    let gnupgHome = work + "/gnupg"
    if gpg != nil {
        try FileManager.default.createDirectory(
            atPath: gnupgHome, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Data("benchmark passphrase\n".utf8).write(to: URL(fileURLWithPath: passphrase))
    }
    var files: [Measurement] = []
    var gets: [Measurement] = []
    var dd: [Double] = []
    var ageTimes: [Double] = []
    var gpgTimes: [Double] = []
    var ageDecrypt: [Double] = []
    var cp: [Double] = []
    let copy = work + "/copy.bin"
    let prime = primeSize(forWriting: mib)
    for run in 1...settings.runs {
        let ddRun = measure(["/bin/dd", "if=\(source)", "of=\(copy)", "bs=1M", "conv=fsync"], primeMiB: prime)
        require(ddRun, "dd")
        dd.append(ddRun.seconds)
        try? FileManager.default.removeItem(atPath: copy)
        if let age, let recipient {
            let encrypted = work + "/scan.age"
            let sealing = measure([age, "-r", recipient, "-o", encrypted, source], primeMiB: prime)
            require(sealing, "age")
            let opening = measure([age, "-d", "-i", ageKey, "-o", copy, encrypted], primeMiB: prime)
            require(opening, "age -d")
            ageTimes.append(sealing.seconds)
            ageDecrypt.append(opening.seconds)
            try? FileManager.default.removeItem(atPath: encrypted)
            try? FileManager.default.removeItem(atPath: copy)
        }
        if let gpg {
            let encrypted = work + "/scan.gpg"
            let sealing = measure(
                [
                    gpg, "--homedir", gnupgHome, "--batch", "--yes", "--symmetric", "--cipher-algo", "AES256",
                    "--compress-algo", "none", "--passphrase-file", passphrase, "--pinentry-mode", "loopback", "-o",
                    encrypted, source,
                ], primeMiB: prime)
            require(sealing, "gpg --symmetric")
            gpgTimes.append(sealing.seconds)
            try? FileManager.default.removeItem(atPath: encrypted)
        }
        let cpRun = measure(["/bin/cp", source, copy], primeMiB: prime)
        require(cpRun, "cp")
        cp.append(cpRun.seconds)
        try? FileManager.default.removeItem(atPath: copy)
        let (filing, getting) = fileAndGet(source, mebibytes: mib, vault: "large\(run)")
        files.append(filing)
        gets.append(getting)
        print(
            String(
                format: "  run %d: dd %.2f s, docvault file %.2f s (%d MiB), get %.2f s (%d MiB)", run, ddRun.seconds,
                filing.seconds, filing.maxRSSKiB / 1024, getting.seconds, getting.maxRSSKiB / 1024))
    }
    try? FileManager.default.removeItem(atPath: source)
    // gpg started an agent for its home folder; it would outlive the bench.
    if gpg != nil, let gpgconf = settings.tool("gpgconf", package: "gnupg") {
        _ = measure([gpgconf, "--homedir", gnupgHome, "--kill", "gpg-agent"])
    }
    var rows = [
        row(
            "file \(label)", files, references: [("dd", dd), ("age", ageTimes), ("gpg", gpgTimes)],
            targets: [.atMost(1.3, times: "dd"), .fasterThan("age"), .fasterThan("gpg")]),
        row(
            "get \(label)", gets, references: [("age -d", ageDecrypt), ("cp", cp)],
            targets: [.atMost(1.2, times: "age -d")]),
        SuiteRow(
            scenario: "peak memory, file+get \(label)", targets: [.peakBelow(mebibytes: 64)],
            peakKiB: (files + gets).map(\.maxRSSKiB).max()),
    ]
    if settings.quick {
        rows.append(SuiteRow(scenario: "peak memory, file+get 4 GiB", note: "skipped (--quick)"))
    } else {
        let big = work + "/scan4.bin"
        try writeRandomFile(big, mebibytes: 4096)
        let (filing, getting) = fileAndGet(big, mebibytes: 4096, vault: "large4g")
        try? FileManager.default.removeItem(atPath: big)
        print(
            String(
                format: "  4 GiB: docvault file %.2f s (%d MiB), get %.2f s (%d MiB)", filing.seconds,
                filing.maxRSSKiB / 1024, getting.seconds, getting.maxRSSKiB / 1024))
        rows.append(
            SuiteRow(
                scenario: "peak memory, file+get 4 GiB", targets: [.peakBelow(mebibytes: 64)],
                peakKiB: max(filing.maxRSSKiB, getting.maxRSSKiB)))
    }
    return rows
}
