import Foundation
import VaultCore

/// How the suite runs this time: runs per measurement, sizes, and what it found missing.
final class SuiteSettings {
    /// Measurements per row (the median of these is shown).
    let runs: Int
    /// Whether `--quick` asked for the smoke-check sizes.
    let quick: Bool
    /// Size of the large file in MiB (1 GiB, 64 MiB under --quick).
    let largeMiB: Int
    /// Documents in the seeded catalogue (1,000,000, 20,000 under --quick).
    let documents: Int
    /// Lines printed under the table: missing reference tools and how to install them.
    var notes: [String] = []

    init(quick: Bool, runs: Int?) {
        self.quick = quick
        self.runs = max(1, runs ?? (quick ? 3 : 5))
        largeMiB = Int(option("--size-mib", default: quick ? "64" : "1024")) ?? 1024
        documents = Int(option("--documents", default: quick ? "20000" : "1000000")) ?? 1_000_000
    }

    /// The path of `tool` if it is installed; otherwise nil, with the install hint noted once.
    func tool(_ name: String, package: String) -> String? {
        for folder in ["/usr/bin", "/bin", "/usr/local/bin"]
        where FileManager.default.isExecutableFile(
            atPath: folder + "/" + name)
        {
            return folder + "/" + name
        }
        let note = "\(name): not installed (apt-get install \(package))"
        if !notes.contains(note) { notes.append(note) }
        return nil
    }
}

/// One scenario of the suite, selectable by name.
struct SuiteScenario: Sendable {
    let name: String
    let summary: String
    let run: @Sendable (SuiteSettings) throws -> [SuiteRow]
}

/// The scenarios, in the order the table lists them.
let suiteScenarios: [SuiteScenario] = [
    SuiteScenario(
        name: "large-file", summary: "file and get one 1 GiB scan; peak memory at 1 and 4 GiB", run: benchLargeFile),
    SuiteScenario(name: "import", summary: "import 10,000 x 100 KiB from a manifest", run: benchImportSlot),
    SuiteScenario(name: "small-file", summary: "one docvault file of 100 KiB, whole process", run: benchSmallFile),
    SuiteScenario(name: "lookup", summary: "show, search --policy, search --customer-id at 1M", run: benchLookup),
    SuiteScenario(name: "list", summary: "list --category CL --year 2024 at 1M, first and all rows", run: benchList),
    SuiteScenario(name: "text-search", summary: "search --text over 1M sealed titles", run: benchTextSearch),
    SuiteScenario(
        name: "archive-reports", summary: "retention due, audit verify, key rotate at 1M", run: benchArchiveReports),
]

/// Runs the named suite scenarios (all when `names` is empty) and prints the one table.
func runSuite(_ names: [String], settings: SuiteSettings) throws {
    let chosen = names.isEmpty ? suiteScenarios : names.compactMap { name in suiteScenarios.first { $0.name == name } }
    print(
        "docvault-bench suite: \(chosen.map(\.name).joined(separator: ", ")); \(settings.runs) runs each"
            + (settings.quick ? " (--quick)" : "") + "; work folder \(work)")
    print("load: \(loadAverage())")
    var rows: [SuiteRow] = []
    for scenario in chosen {
        let start = DispatchTime.now()
        print("- \(scenario.name): \(scenario.summary)")
        let found = try scenario.run(settings)
        rows += found
        print(String(format: "  done in %.1f s", seconds(since: start)))
    }
    print("")
    print(SuiteTable.render(rows))
    for note in settings.notes { print(note) }
    print("load at the end: \(loadAverage())")
}

/// The 1, 5 and 15 minute load averages, as `uptime` shows them.
func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

/// Stops the bench with `message` when a measured command failed; the work folder is removed on exit.
func require(_ run: Measurement, _ what: String) {
    guard run.status == 0 else {
        print("failed: \(what) exited \(run.status)")
        exit(1)
    }
}

/// A median row for `scenario` from `runs` of docvault and each reference's times.
func row(
    _ scenario: String, _ runs: [Measurement], references: [(String, [Double])], targets: [SuiteTarget]
) -> SuiteRow {
    SuiteRow(
        scenario: scenario, seconds: median(runs.map(\.seconds)),
        references: references.filter { !$0.1.isEmpty }.map { ReferenceTime(tool: $0.0, seconds: median($0.1)) },
        targets: targets, peakKiB: runs.map(\.maxRSSKiB).max())
}
