import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What one run of the `docvault` binary produced.
struct CLIResult: CustomStringConvertible {
    /// The process exit status.
    let status: Int32
    /// Everything written to standard output.
    let stdoutData: Data
    /// Everything written to standard error.
    let stderrData: Data

    /// Standard output decoded as UTF-8.
    var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    /// Standard error decoded as UTF-8.
    var stderr: String { String(decoding: stderrData, as: UTF8.self) }

    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Errors of the test harness itself.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Finding and running the built `docvault` executable.
enum CLI {
    /// The `docvault` binary in the same build products folder as the running tests.
    ///
    /// Looks beside the test executable first (works with any `--scratch-path`),
    /// then under `.build*/debug/` of the package; `DOCVAULT_TEST_BINARY` overrides both.
    static let binary: String? = {
        let fileManager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["DOCVAULT_TEST_BINARY"] {
            return override
        }
        var folders: [URL] = []
        if let executable = try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        folders.append(Bundle.main.bundleURL)
        folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for argument in CommandLine.arguments.prefix(1) {
            folders.append(URL(fileURLWithPath: argument).deletingLastPathComponent())
        }
        for folder in folders {
            // Walk up a few levels: on Linux the test bundle may be a folder (…/debug/X.xctest/…).
            var current = folder.standardizedFileURL
            for _ in 0..<4 {
                let candidate = current.appendingPathComponent("docvault").path
                if fileManager.isExecutableFile(atPath: candidate) && !isDirectory(candidate) { return candidate }
                current = current.deletingLastPathComponent()
            }
        }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let entries = (try? fileManager.contentsOfDirectory(atPath: packageRoot.path)) ?? []
        for entry in entries.sorted() where entry.hasPrefix(".build") {
            let candidate = packageRoot.appendingPathComponent(entry).appendingPathComponent("debug/docvault").path
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// An environment value that removes the variable for one run, such as the sandbox's default `DOCVAULT_USER`.
    static let unset = "\u{0}unset"

    /// The environment every run starts from: the test process's, without any `DOCVAULT_*` variable.
    static func baseEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DOCVAULT_") }
        environment["LC_ALL"] = "C.UTF-8"
        return environment
    }

    /// Runs `docvault arguments` in `cwd` and captures its output.
    ///
    /// Output is captured through files in `captureFolder` (never in `cwd`), so a large
    /// standard output cannot dead-lock the pipe and the working folder stays clean.
    /// A non-empty `launcher` (such as `taskset -c 0`) runs the binary through that command.
    static func run(
        _ arguments: [String], cwd: String, captureFolder: String, stdin: Data? = nil,
        environment extra: [String: String] = [:], launcher: [String] = []
    ) throws -> CLIResult {
        guard let binary else { throw HarnessError("docvault binary not found; build the package first") }
        let id = UUID().uuidString
        let outPath = captureFolder + "/\(id).out"
        let errPath = captureFolder + "/\(id).err"
        let inPath = captureFolder + "/\(id).in"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        _ = FileManager.default.createFile(atPath: inPath, contents: stdin ?? Data())
        defer {
            for path in [outPath, errPath, inPath] { try? FileManager.default.removeItem(atPath: path) }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher.first ?? binary)
        process.arguments = launcher.isEmpty ? arguments : launcher.dropFirst() + [binary] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.environment = baseEnvironment().merging(extra) { _, new in new }.filter { $0.value != unset }
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let inHandle = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        defer {
            try? outHandle.close()
            try? errHandle.close()
            try? inHandle.close()
        }
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = inHandle
        try process.run()
        process.waitUntilExit()
        guard process.terminationReason == .exit else {
            throw HarnessError("docvault \(arguments) died of signal \(process.terminationStatus)")
        }
        return CLIResult(
            status: process.terminationStatus,
            stdoutData: try Data(contentsOf: URL(fileURLWithPath: outPath)),
            stderrData: try Data(contentsOf: URL(fileURLWithPath: errPath)))
    }
}

/// A private temporary folder for one test, removed when the sandbox goes away.
///
/// Layout: `ROOT/work` is the working folder of every run (so the defaults `./vault`
/// and `./keys` land in `ROOT/work/vault` and `ROOT/work/keys`); `ROOT/io` holds the
/// captured output; `ROOT/in` holds input files the tests create.
final class Sandbox {
    /// The temporary root.
    let root: String
    /// The working folder of every run.
    let work: String
    /// Where input files are created.
    let inputs: String
    private let io: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/docvault-cli-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw HarnessError("mkdtemp failed") }
        root = String(cString: made)
        work = root + "/work"
        inputs = root + "/in"
        io = root + "/io"
        for folder in [work, inputs, io] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        }
    }

    deinit {
        _ = chmodTree(root)
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Makes everything under `path` writable again so it can be removed.
    private func chmodTree(_ path: String) -> Bool {
        chmod(path, 0o700)
        for entry in (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? [] {
            chmod(path + "/" + entry, 0o700)
        }
        return true
    }

    /// The default vault folder, `work/vault`.
    var vault: String { work + "/vault" }
    /// The default key folder, `work/keys`.
    var keys: String { work + "/keys" }
    /// The admin's default key file.
    var adminKey: String { keys + "/admin.key" }
    /// The archivist `initVault` adds and every run acts as by default.
    static let clerk = "clerk"
    /// The clerk's default key file.
    var clerkKey: String { keyFile(Self.clerk) }

    /// The default key file of `user`.
    func keyFile(_ user: String) -> String { keys + "/\(user).key" }

    /// Environment variables every run of this sandbox gets unless the run overrides them.
    ///
    /// `initVault` sets `DOCVAULT_USER=clerk`; pass `CLI.unset` as a run's value to remove a variable.
    var defaultEnvironment: [String: String] = [:]

    /// The recovery code the last `initVault` printed.
    private(set) var recoveryCode = ""

    /// Whether `addLender` has added the approver that `lend` approves loans as.
    var hasLender = false

    /// Runs `docvault arguments` with the working folder `cwd` (default: `work`).
    @discardableResult
    func run(
        _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], cwd: String? = nil,
        launcher: [String] = []
    ) throws -> CLIResult {
        try CLI.run(
            arguments, cwd: cwd ?? work, captureFolder: io, stdin: stdin,
            environment: defaultEnvironment.merging(environment) { _, new in new }, launcher: launcher)
    }

    /// Runs `docvault arguments` as `user` (with that user's default key file).
    @discardableResult
    func run(as user: String, _ arguments: [String], stdin: Data? = nil) throws -> CLIResult {
        try run(arguments, stdin: stdin, environment: ["DOCVAULT_USER": user])
    }

    /// Runs `docvault init` with extra `arguments` and requires success.
    ///
    /// With `clerk` (the default), the admin then adds user `clerk` with roles
    /// `archivist,staff` and a key file, and later runs act as the clerk.
    @discardableResult
    func initVault(_ arguments: [String] = [], clerk: Bool = true) throws -> CLIResult {
        let result = try run(["init"] + arguments)
        try #require(result.status == 0, "init failed: \(result)")
        let lines = result.stdout.split(separator: "\n")
        recoveryCode = lines.first { $0.hasPrefix("    ") }.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard clerk else { return result }
        var location: [String] = []
        var admin = "admin"
        for (index, argument) in arguments.enumerated().dropLast() {
            if argument == "--vault" || argument == "--keys" { location += [argument, arguments[index + 1]] }
            if argument == "--admin" { admin = arguments[index + 1] }
        }
        try addUser(Self.clerk, roles: "archivist,staff", by: admin, arguments: location)
        defaultEnvironment["DOCVAULT_USER"] = Self.clerk
        return result
    }

    /// Has `admin` add `name` with `roles` and a key file; requires success and returns the default key file path.
    @discardableResult
    func addUser(_ name: String, roles: String, by admin: String = "admin", arguments: [String] = []) throws -> String {
        let result = try run(
            ["user", "add", name, "--role", roles, "--key-file"] + arguments, environment: ["DOCVAULT_USER": admin])
        try #require(result.status == 0, "user add \(name) failed: \(result)")
        return keyFile(name)
    }

    /// Writes `data` to `in/name` and returns the path.
    @discardableResult
    func input(_ name: String, _ data: Data) throws -> String {
        let path = inputs + "/" + name
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes `text` to `in/name` and returns the path.
    @discardableResult
    func input(_ name: String, text: String) throws -> String {
        try input(name, Data(text.utf8))
    }

    /// Files `paths` with `arguments`, requires success, and returns the printed references in order.
    @discardableResult
    func file(_ paths: [String], _ arguments: [String] = ["--category", "CL", "--year", "2024"]) throws -> [String] {
        let result = try run(["file"] + paths + arguments)
        try #require(result.status == 0, "file failed: \(result)")
        let references = result.stdout.split(separator: "\n").map { line in
            String(line.split(separator: " ", maxSplits: 1).first ?? "")
        }
        try #require(references.count == paths.count, "unexpected file output: \(result)")
        return references
    }

    /// Files one path and returns its reference.
    func fileOne(_ path: String, _ arguments: [String] = ["--category", "CL", "--year", "2024"]) throws -> String {
        try file([path], arguments)[0]
    }

    /// The secret hex of a key file (the fourth line, after `secret `).
    func secretHex(keyFile: String? = nil) throws -> String {
        let text = try String(contentsOfFile: keyFile ?? adminKey, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("secret ") })
        return String(line.dropFirst("secret ".count))
    }

    /// Every `.blob` file under the vault's `blobs/` folder, sorted.
    func blobFiles(vault: String? = nil) -> [String] {
        let blobs = (vault ?? self.vault) + "/blobs"
        let entries = (try? FileManager.default.subpathsOfDirectory(atPath: blobs)) ?? []
        return entries.filter { $0.hasSuffix(".blob") }.sorted().map { blobs + "/" + $0 }
    }

    /// The blob file of `reference`, found through the catalogue with the `sqlite3` tool.
    func blobFile(of reference: String) throws -> String {
        let rows = try Catalogue.rows(
            vault + "/catalog.sqlite", "SELECT blob_id FROM documents WHERE reference = '\(reference)';")
        let id = rows?.first?.first ?? ""
        try #require(id.count == 32, "no blob id for \(reference): '\(id)'")
        let chars = Array(id)
        return "\(vault)/blobs/\(String(chars[0..<2]))/\(String(chars[2..<4]))/\(id).blob"
    }

    /// Names in `folder` (default: the working folder), sorted.
    func names(in folder: String? = nil) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder ?? work)) ?? []).sorted()
    }
}

/// Deterministic pseudo-random bytes (xorshift64*), so failures reproduce.
func pseudoRandomBytes(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> Data {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    var index = 0
    while index < count {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        var word = state &* 0x2545_F491_4F6C_DD1D
        for _ in 0..<8 where index < count {
            bytes[index] = UInt8(truncatingIfNeeded: word)
            word >>= 8
            index += 1
        }
    }
    return Data(bytes)
}
