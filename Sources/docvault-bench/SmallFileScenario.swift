import Foundation
import VaultCore

/// Measures the hello-world reference process `runs` times (Swift and Foundation start-up, one line out).
func helloTimes(_ runs: Int) -> [Double] {
    guard FileManager.default.isExecutableFile(atPath: hello) else {
        print("  bench-hello not built beside docvault (swift build -c release builds it)")
        return []
    }
    return (1...runs).map { _ in
        let run = measure([hello], wrapped: false)
        require(run, "bench-hello")
        return run.seconds
    }
}

/// One `docvault file` of a 100 KiB document, the whole process, beside the hello-world process.
///
/// Each run files a different random 100 KiB file into the same fresh vault, so every run
/// finds an earlier document and the catalogue grows as it would in use.
func benchSmallFile(_ settings: SuiteSettings) throws -> [SuiteRow] {
    let env = cliVault("small")
    var files: [Measurement] = []
    var hellos: [Double] = []
    var peak = 0
    // One more, untimed run first, under GNU time, for the peak memory.
    for run in 0...settings.runs {
        let path = work + "/letter-\(run).pdf"
        try Data(try SecureRandom.bytes(count: 100 * 1024)).write(to: URL(fileURLWithPath: path))
        if run > 0 { hellos += helloTimes(1) }
        let filing = measure(
            [docvault, "file", path, "--category", "CL", "--year", "2024"], environment: env, wrapped: run == 0)
        require(filing, "docvault file (100 KiB)")
        if run == 0 { peak = filing.maxRSSKiB } else { files.append(filing) }
        try FileManager.default.removeItem(atPath: path)
    }
    var result = row(
        "file 100 KiB, whole process", files, references: [("hello", hellos)], targets: [.atMost(4, times: "hello")])
    result.peakKiB = peak
    return [result]
}
