import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// How a `docvault` run that the crash harness started ended.
struct CrashRun: CustomStringConvertible {
    /// The exit status, or nil when a signal ended the process.
    let status: Int32?
    /// The signal that ended the process, or nil when it exited.
    let signal: Int32?
    /// Standard output (whatever reached the file before the end).
    let stdoutData: Data
    /// Standard error.
    let stderr: String

    /// Standard output decoded as UTF-8.
    var stdout: String { String(decoding: stdoutData, as: UTF8.self) }

    /// Whether SIGKILL ended the run.
    var wasKilled: Bool { signal == SIGKILL }

    /// The references a `file` run printed (the first word of each output line).
    var references: [String] {
        stdout.split(separator: "\n").compactMap { line in
            line.split(separator: " ", maxSplits: 1).first.map(String.init)
        }
    }

    var description: String {
        let end = status.map { "exit \($0)" } ?? "signal \(signal ?? 0)"
        return "\(end)\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

/// One `docvault` child process that the crash harness can kill at any moment.
final class RunningDocvault {
    private let process: Process
    private let outPath: String
    private let errPath: String
    /// The parent's handles on the capture files, closed once the child has ended.
    private let handles: [FileHandle]

    /// The child's process id.
    var pid: Int32 { process.processIdentifier }

    /// Starts `docvault arguments` in the sandbox's working folder with its default environment plus `environment`.
    ///
    /// `DOCVAULT_FAULT=NAME[:N]` in `environment` makes a debug build kill itself at that
    /// fault point; without it, call ``kill()`` after a delay. Standard input is empty.
    init(_ sandbox: Sandbox, _ arguments: [String], environment: [String: String] = [:]) throws {
        guard let binary = CLI.binary else { throw HarnessError("docvault binary not found; build the package first") }
        let folder = sandbox.root + "/crash-io"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let id = UUID().uuidString
        outPath = folder + "/\(id).out"
        errPath = folder + "/\(id).err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: sandbox.work)
        process.environment = CLI.baseEnvironment()
            .merging(sandbox.defaultEnvironment) { _, new in new }
            .merging(environment) { _, new in new }
            .filter { $0.value != CLI.unset }
        handles = [
            try FileHandle(forWritingTo: URL(fileURLWithPath: outPath)),
            try FileHandle(forWritingTo: URL(fileURLWithPath: errPath)),
        ]
        process.standardOutput = handles[0]
        process.standardError = handles[1]
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Sends SIGKILL now, as a power cut would stop the process; harmless if it has already ended.
    func kill() {
        if process.isRunning { _ = Glibc.kill(pid, SIGKILL) }
    }

    /// Waits for the process to end and returns how it ended and what it printed.
    func wait() throws -> CrashRun {
        process.waitUntilExit()
        defer {
            for handle in handles { try? handle.close() }
            for path in [outPath, errPath] { try? FileManager.default.removeItem(atPath: path) }
        }
        let out = try Data(contentsOf: URL(fileURLWithPath: outPath))
        let err = String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self)
        if process.terminationReason == .uncaughtSignal {
            return CrashRun(status: nil, signal: process.terminationStatus, stdoutData: out, stderr: err)
        }
        return CrashRun(status: process.terminationStatus, signal: nil, stdoutData: out, stderr: err)
    }
}

extension Sandbox {
    /// Runs `docvault arguments` armed to SIGKILL itself at fault point `fault` (`NAME` or `NAME:N`).
    func runKilled(at fault: String, _ arguments: [String], environment: [String: String] = [:]) throws -> CrashRun {
        try RunningDocvault(self, arguments, environment: environment.merging(["DOCVAULT_FAULT": fault]) { $1 })
            .wait()
    }

    /// Runs `docvault arguments` and sends it SIGKILL after `delay` seconds unless it has ended by then.
    func runKilled(after delay: Double, _ arguments: [String], environment: [String: String] = [:]) throws -> CrashRun {
        let running = try RunningDocvault(self, arguments, environment: environment)
        usleep(UInt32(max(0, delay) * 1_000_000))
        running.kill()
        return try running.wait()
    }
}

/// What the vault must still hold however often docvault was killed: each committed document and its content.
///
/// A reference enters when a run that printed it exited 0, or when the checker adopts a
/// row a killed run committed just before it died (the kill came after the commit).
final class CrashLedger {
    /// Committed references and the bytes each must decrypt to.
    private(set) var contents: [String: Data] = [:]
    /// References whose content a check has already compared byte for byte.
    fileprivate(set) var verified: Set<String> = []
    /// References that `purge execute` may have destroyed; they may be tombstones instead of active rows.
    var mayBeDestroyed: Set<String> = []

    /// Records `references` (from a run that exited 0) as filed from `content`, in order.
    func record(_ references: [String], contents: [Data], verified alreadyVerified: Bool = false) {
        for (reference, content) in zip(references, contents) {
            self.contents[reference] = content
            if alreadyVerified { verified.insert(reference) }
        }
    }

    /// Every committed reference, sorted.
    var references: [String] { contents.keys.sorted() }

    /// Forgets that `references` were verified, so the next check reads them again.
    func reverify(_ references: [String]? = nil) {
        if let references { verified.subtract(references) } else { verified.removeAll() }
    }
}

/// Which active rows that no run reported may appear after a kill.
enum AdoptionPolicy {
    /// None: a killed run must not have committed anything.
    case none
    /// Rows whose content is one of these (a killed `file` of these inputs that committed before it died).
    case contentAmong([Data])
    /// Any row that decrypts (e.g. the destruction register a killed `purge execute` filed).
    case anyReadable
}

/// What one invariant check found; `violations` empty means the vault is intact.
struct CrashCheck: CustomStringConvertible {
    /// Broken invariants, one line each.
    var violations: [String] = []
    /// Blob files that no catalogue row names (allowed after a crash; `verify --repair` removes them).
    var orphans = 0
    /// Files left in `blobs/tmp/` (allowed after a crash; never a document).
    var partials = 0
    /// Blob files still present for destroyed documents (allowed until `purge execute` runs again).
    var shreddedBlobsLeft = 0
    /// Rows no run reported that the check accepted into the ledger.
    var adopted: [String] = []

    var description: String {
        "orphans \(orphans), partials \(partials), shredded blobs left \(shreddedBlobsLeft), adopted \(adopted)"
            + (violations.isEmpty ? "" : "\nviolations:\n  " + violations.joined(separator: "\n  "))
    }
}

/// Proves from outside, after a kill, that the vault lost nothing committed and holds nothing half-made.
///
/// Steps, in order: the audit chain verifies (this `docvault` run also recovers the
/// write-ahead log the killed process left); `PRAGMA integrity_check` and the foreign
/// keys are clean; every ledger reference is still catalogued; every live row has its
/// blob file and exactly one `file` audit entry; item numbers per category and year have
/// no gaps; blob files without rows are only counted as orphans, `blobs/tmp/` files are
/// never rows; destroyed rows are tombstones; and every reference not yet compared is
/// read back through one loan and compared byte for byte.
struct CrashInvariants {
    let sandbox: Sandbox

    private var catalogue: String { sandbox.vault + "/catalog.sqlite" }

    /// Runs every step and returns what it found; new rows are accepted under `adopt`.
    func check(_ ledger: CrashLedger, adopt: AdoptionPolicy = .none, repair: Bool = true) throws -> CrashCheck {
        var check = CrashCheck()
        try auditChainVerifies(&check)
        try catalogueIsSound(&check)
        guard check.violations.isEmpty else { return check }
        let rows = try documentRows()
        try ledgerIsCatalogued(rows, ledger, &check)
        try rowsHaveBlobsAndNoPartials(rows, &check)
        try itemNumbersHaveNoGaps(&check)
        try eachRowHasOneFileEntry(rows, &check)
        try adoptNewRows(rows, ledger, adopt, &check)
        try contentsReadBack(rows, ledger, &check)
        if repair { try repairThenVerify(&check) }
        return check
    }

    /// `docvault verify --repair` removes exactly what the crash left, then `docvault verify` is clean.
    ///
    /// Runs last, after the orphans and partials are counted, so the counts say what the crash
    /// left; the repair must remove exactly those files (never a row) and leave `verify` clean.
    func repairThenVerify(_ check: inout CrashCheck) throws {
        let admin = ["DOCVAULT_USER": "admin"]
        let leftovers = check.orphans + check.partials + check.shreddedBlobsLeft
        let repaired = try sandbox.run(["verify", "--repair"], environment: admin)
        let removed = leftovers > 0 ? ", \(leftovers) removed" : ""
        if repaired.status != 0 || !repaired.stdout.hasSuffix(": 0 problem(s)\(removed)\n") {
            check.violations.append("verify --repair (expected \(leftovers) removed): \(repaired)")
        }
        let verified = try sandbox.run(["verify"], environment: admin)
        if verified.status != 0 || !verified.stdout.hasSuffix(": 0 problem(s)\n") {
            check.violations.append("verify after repair: \(verified)")
        }
    }

    /// `docvault audit verify` (as the admin) exits 0.
    private func auditChainVerifies(_ check: inout CrashCheck) throws {
        let result = try sandbox.run(["audit", "verify"], environment: ["DOCVAULT_USER": "admin"])
        if result.status != 0 || !result.stdout.hasPrefix("audit log intact: ") {
            check.violations.append("audit verify: \(result)")
        }
    }

    /// `PRAGMA integrity_check` says ok and `PRAGMA foreign_key_check` finds nothing.
    private func catalogueIsSound(_ check: inout CrashCheck) throws {
        let integrity = try Catalogue.rows(catalogue, "PRAGMA integrity_check;")
        if integrity != [["ok"]] { check.violations.append("integrity_check: \(String(describing: integrity))") }
        let foreign = try Catalogue.rows(catalogue, "PRAGMA foreign_key_check;")
        if foreign != [] { check.violations.append("foreign_key_check: \(String(describing: foreign))") }
    }

    /// One catalogued document as the checker needs it.
    struct DocumentRow {
        let reference: String
        let blobID: String
        let status: String
        let wrappedKeyLength: Int
        let titleSealed: Bool
    }

    private func documentRows() throws -> [DocumentRow] {
        let rows = try Catalogue.rows(
            catalogue,
            "SELECT reference, blob_id, status, length(wrapped_data_key), title_sealed IS NOT NULL FROM documents;")
        return (rows ?? []).compactMap { columns in
            guard columns.count == 5 else { return nil }
            return DocumentRow(
                reference: columns[0], blobID: columns[1], status: columns[2],
                wrappedKeyLength: Int(columns[3]) ?? -1, titleSealed: columns[4] == "1")
        }
    }

    /// Every ledger reference is a row: active, or a tombstone where the ledger allows destruction.
    private func ledgerIsCatalogued(_ rows: [DocumentRow], _ ledger: CrashLedger, _ check: inout CrashCheck) throws {
        let byReference = Dictionary(rows.map { ($0.reference, $0) }) { first, _ in first }
        for reference in ledger.references {
            guard let row = byReference[reference] else {
                check.violations.append("committed \(reference) is no longer catalogued")
                continue
            }
            switch row.status {
            case "active": break
            case "destroyed" where ledger.mayBeDestroyed.contains(reference):
                if row.wrappedKeyLength != 0 || row.titleSealed {
                    check.violations.append("\(reference) is destroyed but its key or title is still stored")
                }
            default: check.violations.append("committed \(reference) has status \(row.status)")
            }
        }
    }

    /// Live rows have their blob file; blobs without rows are orphans; `blobs/tmp/` files are never rows.
    private func rowsHaveBlobsAndNoPartials(_ rows: [DocumentRow], _ check: inout CrashCheck) throws {
        let blobs = sandbox.vault + "/blobs"
        let onDisk = Set(
            sandbox.blobFiles().map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension })
        let temporary = (try? FileManager.default.contentsOfDirectory(atPath: blobs + "/tmp")) ?? []
        check.partials = temporary.count
        let named = Set(rows.map(\.blobID))
        for row in rows {
            switch row.status {
            case "active" where !onDisk.contains(row.blobID):
                check.violations.append("\(row.reference) has no blob file \(row.blobID)")
            case "destroyed" where onDisk.contains(row.blobID):
                check.shreddedBlobsLeft += 1
            default: break
            }
        }
        check.orphans = onDisk.subtracting(named).count
        for name in temporary where named.contains((name as NSString).deletingPathExtension) {
            check.violations.append("blobs/tmp/\(name) is named by a catalogue row")
        }
    }

    /// Item numbers of each category and year run 1...n: a killed filing never uses up a number.
    private func itemNumbersHaveNoGaps(_ check: inout CrashCheck) throws {
        let groups =
            try Catalogue.rows(
                catalogue,
                "SELECT category, year, COUNT(*), MIN(item_no), MAX(item_no) FROM documents GROUP BY category, year;")
            ?? []
        for group in groups where group.count == 5 && (group[3] != "1" || group[2] != group[4]) {
            check.violations.append("item numbers of \(group[0]) \(group[1]) have gaps: \(group)")
        }
    }

    /// Each catalogued document has exactly one `file`/`ok` audit entry, and no such entry names a missing row.
    private func eachRowHasOneFileEntry(_ rows: [DocumentRow], _ check: inout CrashCheck) throws {
        let filed = try Catalogue.auditRows(catalogue).filter { $0.action == "file" && $0.outcome == "ok" }
        var counts: [String: Int] = [:]
        for entry in filed { counts[entry.target, default: 0] += 1 }
        for row in rows where counts[row.reference] != 1 {
            check.violations.append("\(row.reference) has \(counts[row.reference] ?? 0) 'file' audit entries")
        }
        let catalogued = Set(rows.map(\.reference))
        for target in counts.keys where !catalogued.contains(target) {
            check.violations.append("audit entry 'file' names \(target), which is not catalogued")
        }
    }

    /// Active rows no run reported: accepted into the ledger under `adopt`, else a violation.
    private func adoptNewRows(
        _ rows: [DocumentRow], _ ledger: CrashLedger, _ adopt: AdoptionPolicy, _ check: inout CrashCheck
    ) throws {
        let known = Set(ledger.references)
        let new = rows.filter { $0.status == "active" && !known.contains($0.reference) }.map(\.reference)
        guard !new.isEmpty else { return }
        if case .none = adopt {
            check.violations.append("rows no finished run reported: \(new)")
            return
        }
        let contents = try readBack(new, &check)
        for reference in new {
            guard let content = contents[reference] else { continue }
            if case .contentAmong(let allowed) = adopt, !allowed.contains(content) {
                check.violations.append("\(reference) holds content no run was filing")
                continue
            }
            ledger.record([reference], contents: [content], verified: true)
            check.adopted.append(reference)
        }
    }

    /// Active ledger references not compared yet decrypt to exactly their content.
    private func contentsReadBack(_ rows: [DocumentRow], _ ledger: CrashLedger, _ check: inout CrashCheck) throws {
        let active = Set(rows.filter { $0.status == "active" }.map(\.reference))
        let pending = ledger.references.filter { active.contains($0) && !ledger.verified.contains($0) }
        guard !pending.isEmpty else { return }
        let contents = try readBack(pending, &check)
        for reference in pending {
            guard let content = contents[reference] else { continue }
            if content == ledger.contents[reference] {
                ledger.verified.insert(reference)
            } else {
                check.violations.append("\(reference) no longer decrypts to what was filed")
            }
        }
    }

    /// Lends `references` to the clerk in one loan and gets each through `docvault get`; failures are violations.
    private func readBack(_ references: [String], _ check: inout CrashCheck) throws -> [String: Data] {
        try sandbox.lend(references)
        var contents: [String: Data] = [:]
        for reference in references {
            let result = try sandbox.run(["get", reference, "-o", "-"])
            if result.status == 0 {
                contents[reference] = result.stdoutData
            } else {
                check.violations.append("get \(reference): \(result)")
            }
        }
        return contents
    }
}

extension Sandbox {
    /// Checks the crash invariants and records one issue listing every violation; returns the findings.
    @discardableResult
    func expectIntact(
        _ ledger: CrashLedger, adopt: AdoptionPolicy = .none, _ comment: String = "", repair: Bool = true,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CrashCheck {
        let check = try CrashInvariants(sandbox: self).check(ledger, adopt: adopt, repair: repair)
        #expect(check.violations.isEmpty, "\(comment)\n\(check)", sourceLocation: sourceLocation)
        return check
    }
}

/// A small seeded generator (SplitMix64), so a random crash schedule can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    /// Starts from `seed`.
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The seed for a crash test: `DOCVAULT_CRASH_SEED` when set (to replay a failure), else a fresh one.
    static func crashSeed() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["DOCVAULT_CRASH_SEED"], let seed = UInt64(text) {
            return seed
        }
        return UInt64.random(in: 1...UInt64.max)
    }
}
