import Foundation
import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

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
