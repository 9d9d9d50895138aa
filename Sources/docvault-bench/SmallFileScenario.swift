import Foundation
import VaultCore

/// Measures the hello-world reference process `runs` times (Swift and Foundation start-up, one line out).
func helloTimes(_ runs: Int) -> [Double] {
    guard FileManager.default.isExecutableFile(atPath: hello) else {
        print("  bench-hello not built beside docvault (swift build -c release builds it)")
        return []
    }
    return (1...runs).map { _ in
        let run = measure([hello])
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
    for run in 1...settings.runs {
        let path = work + "/letter-\(run).pdf"
        try Data(try SecureRandom.bytes(count: 100 * 1024)).write(to: URL(fileURLWithPath: path))
        hellos += helloTimes(1)
        let filing = measure([docvault, "file", path, "--category", "CL", "--year", "2024"], environment: env)
        require(filing, "docvault file (100 KiB)")
        files.append(filing)
        try FileManager.default.removeItem(atPath: path)
    }
    return [
        row(
            "file 100 KiB, whole process", files, references: [("hello", hellos)],
            targets: [.atMost(4, times: "hello")])
    ]
}
