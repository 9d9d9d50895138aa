import Foundation
import VaultCore

/// Filing and getting a large file beside `dd … conv=fsync`.
func benchFileGet() throws {
    let sizeMiB = Int(option("--size-mib", default: "1024")) ?? 1024
    let runs = Int(option("--runs", default: "3")) ?? 3

    let source = work + "/source.bin"
    try writeRandomFile(source, mebibytes: sizeMiB)
    print("docvault-bench: \(sizeMiB) MiB file, \(runs) runs, work folder \(work)")
    print("binary: \(docvault)")

    var ddTimes: [Double] = []
    var fileTimes: [Double] = []
    var getTimes: [Double] = []
    var fileRSS: [Int] = []
    var getRSS: [Int] = []
    let prime = primeSize(forWriting: sizeMiB)
    for run in 1...runs {
        let dd = measure(["/bin/dd", "if=\(source)", "of=\(work)/dd-copy.bin", "bs=1M", "conv=fsync"], primeMiB: prime)
        require(dd, "dd")
        try? FileManager.default.removeItem(atPath: "\(work)/dd-copy.bin")
        // A fresh vault per run; the get needs a loan another person approved, made outside the timing.
        let (filing, getting) = fileAndGet(source, mebibytes: sizeMiB, vault: "vault\(run)")
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
