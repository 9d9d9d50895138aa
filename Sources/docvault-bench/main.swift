import Foundation
import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

// docvault-bench: the benchmark suite of issue 8, and the older single scenarios by name.
//
// Usage: swift run -c release docvault-bench [SCENARIO...] [--quick] [--runs N] [--dir DIR]
// With no scenario it runs every suite scenario and prints one table of medians, reference
// tools, ratios, targets and peak memory. This file only reads the command line and dispatches.

/// The older scenarios, each printing its own lines; run one at a time by name.
let singleScenarios: [String: () throws -> Void] = [
    "file-get": benchFileGet, "audit": benchAudit, "retention": benchRetention, "purge": benchPurge,
    "verify": benchVerify, "concurrent-file": benchConcurrentFile, "rotate": benchRotate, "backup": benchBackup,
    "completeness": benchCompleteness, "export": benchExport, "report": benchReport,
]
let valueOptions: Set = [
    "--runs", "--dir", "--size-mib", "--size-kib", "--entries", "--documents", "--doc-kib", "--processes", "--files",
    "--import-documents",
]
var names: [String] = []
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    if valueOptions.contains(argument) {
        _ = arguments.next()
    } else if !argument.hasPrefix("-") {
        names.append(argument)
    } else if argument != "--quick" && argument != "--keep" {
        print("docvault-bench: unknown option \(argument); see the usage with --help")
        exit(64)
    }
}
let suiteNames = Set(suiteScenarios.map(\.name))
let unknown = names.filter { !suiteNames.contains($0) && singleScenarios[$0] == nil }
let single = names.filter { singleScenarios[$0] != nil }
guard unknown.isEmpty, single.isEmpty || names.count == 1, !CommandLine.arguments.contains("--help") else {
    if !unknown.isEmpty { print("docvault-bench: unknown scenario \(unknown.joined(separator: ", "))") }
    print(
        "usage: docvault-bench [SCENARIO...] [--quick] [--runs N] [--dir DIR] [--keep]\n"
            + "  suite scenarios: \(suiteScenarios.map(\.name).joined(separator: " ")) (all when none is named)\n"
            + "  single scenarios, one at a time: \(singleScenarios.keys.sorted().joined(separator: " "))\n"
            + "  single-scenario options: --size-mib N --size-kib N --entries N --documents N --doc-kib N "
            + "--processes N --files N")
    exit(unknown.isEmpty && CommandLine.arguments.contains("--help") ? 0 : 64)
}

let base = option("--dir", default: FileManager.default.temporaryDirectory.path)
let binaryFolder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let docvault = binaryFolder.appendingPathComponent("docvault").path
let hello = binaryFolder.appendingPathComponent("bench-hello").path
guard FileManager.default.isExecutableFile(atPath: docvault) else {
    FileHandle.standardError.write(Data("docvault-bench: build docvault first (swift build -c release)\n".utf8))
    exit(1)
}
let work = base + "/.docvault-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
// Removed however the bench ends, including a failed measurement's exit(1); --keep leaves it for profiling.
if CommandLine.arguments.contains("--keep") {
    print("docvault-bench: --keep: the work folder \(work) stays")
} else {
    atexit { try? FileManager.default.removeItem(atPath: work) }
}

if let name = single.first, let scenario = singleScenarios[name] {
    try scenario()
} else {
    let runs = CommandLine.arguments.contains("--runs") ? Int(option("--runs", default: "")) : nil
    try runSuite(names, settings: SuiteSettings(quick: CommandLine.arguments.contains("--quick"), runs: runs))
}
