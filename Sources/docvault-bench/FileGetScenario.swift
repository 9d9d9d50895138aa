import Foundation
import VaultCore

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
