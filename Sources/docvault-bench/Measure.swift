import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One child process's wall time, peak resident memory and exit status.
struct Measurement {
    let seconds: Double
    let maxRSSKiB: Int
    let status: Int32
    /// Seconds from the start until the child wrote its `firstRowLine`-th line, when asked for (``measureStreaming``).
    var firstRowSeconds: Double? = nil
}

/// Runs `arguments` as a child process (stdout/stderr to /dev/null) and measures wall time and peak memory.
///
/// Peak memory comes from GNU time (`/usr/bin/time -f %M`, Debian package `time`):
/// wait4's ru_maxrss of a posix_spawn child also counts the parent's memory shared
/// before exec, which overstated docvault's peak by the bench's own size.
///
/// With `primeMiB`, that much fresh memory is touched and released just before the child starts
/// (``primeMemory(mebibytes:)``); the scenarios that write a gibibyte pass it for every tool alike.
///
/// With `wrapped` false the child is started directly and its peak memory is not known (0):
/// GNU time's own fork and exec added 1 to 1.5 ms to every whole-process row, to docvault and
/// to the reference alike, which flattered the ratio of a 3 ms reference. The whole-process
/// rows time their runs unwrapped and take peak memory from one more, untimed run (``peakKiB(_:environment:)``).
func measure(
    _ arguments: [String], environment: [String: String] = [:], primeMiB: Int = 0, wrapped: Bool = true
) -> Measurement {
    measureStreaming(arguments, environment: environment, firstRowLine: nil, primeMiB: primeMiB, wrapped: wrapped)
}

/// The peak resident memory of one untimed run of `arguments`, in KiB, from GNU time.
func peakKiB(_ arguments: [String], environment: [String: String] = [:]) -> Int {
    measure(arguments, environment: environment).maxRSSKiB
}

/// Touches `mebibytes` MiB of fresh anonymous memory and unmaps it again, so the next command finds warm free pages.
///
/// This VM gives free memory back to its host (virtio-balloon free page reporting, 2 MiB blocks
/// after about 2 s) and a proactive DAMON reclaimer pages out what stayed cold for a minute.
/// The guest then pays a host fault for each page it takes back: `dd` of 1 GiB with `conv=fsync`
/// took 2.43–3.05 s (2.0–2.5 s of it system time) right after `rm` of the previous copy, and
/// 0.56–0.80 s (0.3–0.4 s system) when 2 GiB had just been touched and released. Which tool drew
/// the cold pages decided the ratio, so every tool of a large-file row gets the same warm start.
func primeMemory(mebibytes: Int) {
    let length = mebibytes << 20
    guard length > 0,
        let region = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
        region != MAP_FAILED
    else { return }
    let bytes = region.assumingMemoryBound(to: UInt8.self)
    for offset in stride(from: 0, to: length, by: 4096) { bytes[offset] = 1 }
    munmap(region, length)
}

/// Like ``measure(_:environment:)``; with `firstRowLine`, stdout is read through a pipe and the time
/// at which the child finished writing that line (1 = the first line) is kept as ``Measurement/firstRowSeconds``.
func measureStreaming(
    _ arguments: [String], environment: [String: String] = [:], firstRowLine: Int?, primeMiB: Int = 0,
    wrapped: Bool = true
) -> Measurement {
    let useTime = wrapped && FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
    let rssFile = work + "/rss-\(UUID().uuidString)"
    let command = useTime ? ["/usr/bin/time", "-f", "%M", "-o", rssFile] + arguments : arguments
    var pipeEnds: [Int32] = [-1, -1]
    if firstRowLine != nil {
        guard pipe(&pipeEnds) == 0 else { return Measurement(seconds: 0, maxRSSKiB: 0, status: -1) }
        // Neither end leaks into the child; posix_spawn's dup2 gives it a plain descriptor 1.
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    }
    // Start every measurement with nothing dirty in the page cache: otherwise a command pays for the
    // write-back of whatever the one before it (age, cp, a deleted copy) left, and the order decides.
    sync()
    primeMemory(mebibytes: primeMiB)
    let start = DispatchTime.now()
    guard let pid = spawn(command, environment: environment, stdout: firstRowLine != nil ? pipeEnds[1] : nil) else {
        return Measurement(seconds: 0, maxRSSKiB: 0, status: -1)
    }
    var firstRow: Double?
    if let firstRowLine {
        close(pipeEnds[1])
        var lines = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            if firstRow == nil {
                lines += buffer[0..<count].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                if lines >= firstRowLine {
                    firstRow = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
                }
            }
        }
        close(pipeEnds[0])
    }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    // Without GNU time nothing is known: a posix_spawn child's ru_maxrss includes the bench's own memory.
    var peak = useTime ? usage.ru_maxrss : 0
    if useTime, let text = try? String(contentsOfFile: rssFile, encoding: .utf8),
        let kib = text.split(separator: "\n").compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) }).last
    {
        peak = kib
    }
    try? FileManager.default.removeItem(atPath: rssFile)
    return Measurement(seconds: elapsed, maxRSSKiB: peak, status: (status >> 8) & 0xFF, firstRowSeconds: firstRow)
}

/// Starts `arguments` with stdout (unless `stdout` names a descriptor) and stderr to /dev/null; nil if it could not start.
func spawn(_ arguments: [String], environment: [String: String], stdout: Int32? = nil) -> pid_t? {
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    if let stdout {
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
    } else {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
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

/// Seconds since `start`.
func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

/// The value after `name` on the command line, or `value`.
func option(_ name: String, default value: String) -> String {
    let args = CommandLine.arguments
    if let index = args.firstIndex(of: name), index + 1 < args.count { return args[index + 1] }
    return value
}
