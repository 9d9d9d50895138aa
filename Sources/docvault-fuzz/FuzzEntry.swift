import Foundation
import VaultFuzzChecks

#if canImport(Glibc)
    import Glibc
#endif

/// Runs one check and turns a finding into an abort, which libFuzzer reports as a crash.
func runOrAbort(_ target: FuzzTarget, _ input: [UInt8]) -> FuzzOutcome {
    do {
        return try target.check(input)
    } catch {
        FileHandle.standardError.write(Data("docvault-fuzz \(target.rawValue): FINDING: \(error)\n".utf8))
        abort()
    }
}

#if FUZZING
    /// The target this fuzzing process exercises, from `DOCVAULT_FUZZ_TARGET` (blob, keyfile or keyslot).
    let selectedTarget: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["DOCVAULT_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("set DOCVAULT_FUZZ_TARGET to blob, keyfile or keyslot\n".utf8))
            exit(64)
        }
        return target
    }()

    /// libFuzzer's entry point: one input through the selected target's check.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        _ = runOrAbort(selectedTarget, Array(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)))
        return 0
    }

    /// libFuzzer's driver (compiler-rt, LLVM 11 and later): parses the flags and runs the fuzzing loop.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// The process entry point under the name SwiftPM links executables with (`main` is an alias of it).
    ///
    /// SwiftPM renames an executable's entry point to `<module>_main`, so libFuzzer's own
    /// `main` is never used; this one hands control to libFuzzer's driver instead.
    @_cdecl("docvault_fuzz_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var count = argc
        var vector = argv
        return runFuzzerDriver(&count, &vector) { data, size in fuzz(data, size) }
    }
#else
    /// Without the sanitizer: replays corpus files through the checks, or writes the seed corpus.
    ///
    /// `docvault-fuzz replay TARGET PATH...` runs every file (folders are walked) through
    /// TARGET's check and exits 1 on the first finding; `docvault-fuzz seeds DIR` writes
    /// the genuine seeds to DIR/TARGET/ for every target.
    @main
    struct FuzzReplay {
        static func main() {
            let arguments = Array(CommandLine.arguments.dropFirst())
            do {
                switch (arguments.first, arguments.count) {
                case ("replay", 3...):
                    guard let target = FuzzTarget(rawValue: arguments[1]) else { usage() }
                    try replay(target, paths: Array(arguments[2...]))
                case ("seeds", 2):
                    try writeSeeds(to: arguments[1])
                default:
                    usage()
                }
            } catch {
                FileHandle.standardError.write(Data("docvault-fuzz: \(error)\n".utf8))
                exit(1)
            }
        }

        static func usage() -> Never {
            FileHandle.standardError.write(
                Data("usage: docvault-fuzz replay blob|keyfile|keyslot PATH... | docvault-fuzz seeds DIR\n".utf8))
            exit(64)
        }

        static func replay(_ target: FuzzTarget, paths: [String]) throws {
            var files: [String] = []
            for path in paths {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                    FileHandle.standardError.write(Data("docvault-fuzz: \(path) not found\n".utf8))
                    exit(66)
                }
                if isFolder.boolValue {
                    files += try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
                } else {
                    files.append(path)
                }
            }
            var accepted = 0
            for file in files {
                let input = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
                if case .accepted = runOrAbort(target, input) { accepted += 1 }
            }
            print("\(target.rawValue): \(files.count) inputs replayed, \(accepted) accepted, no findings")
        }

        static func writeSeeds(to folder: String) throws {
            for target in FuzzTarget.allCases {
                let dir = folder + "/" + target.rawValue
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                for seed in try target.seeds() {
                    try Data(seed.bytes).write(to: URL(fileURLWithPath: dir + "/" + seed.name))
                }
                print("\(dir): \(try target.seeds().count) seeds")
            }
        }
    }
#endif
