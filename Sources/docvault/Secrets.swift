import FoundationEssentials
import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

/// Reading secrets from a terminal prompt (echo off), standard input lines or the environment; never argv.
final class SecretInput: @unchecked Sendable {
    private var stdinLines: [String]?
    private var nextLine = 0
    private let environment: Variables

    init(environment: Variables) {
        self.environment = environment
    }

    /// The next line of standard input, or nil at its end.
    func readStdinLine() -> String? {
        if stdinLines == nil {
            var bytes = Self.readStandardInput()
            stdinLines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
            // The lines may hold a password; the copy they were read into goes now.
            bytes.withUnsafeMutableBytes { if let base = $0.baseAddress { explicit_bzero(base, $0.count) } }
        }
        guard let lines = stdinLines, nextLine < lines.count else { return nil }
        defer { nextLine += 1 }
        return lines[nextLine]
    }

    /// Everything on standard input up to its end (or the first read error).
    ///
    /// Read into one buffer that grows by doubling, zeroing each smaller one it leaves, since
    /// standard input may carry a password.
    private static func readStandardInput() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 4096)
        var count = 0
        while true {
            if count == bytes.count {
                var larger = [UInt8](repeating: 0, count: bytes.count * 2)
                larger.replaceSubrange(0..<count, with: bytes)
                bytes.withUnsafeMutableBytes { explicit_bzero($0.baseAddress!, $0.count) }
                bytes = larger
            }
            let read = bytes.withUnsafeMutableBytes {
                Glibc.read(STDIN_FILENO, $0.baseAddress! + count, $0.count - count)
            }
            if read < 0 && errno == EINTR { continue }
            guard read > 0 else { break }
            count += read
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Whether a person can be asked: standard input and the controlling terminal are a TTY.
    var canPrompt: Bool { isatty(STDIN_FILENO) == 1 }

    /// Asks for a secret on the terminal without echoing it.
    func prompt(_ label: String) -> String? {
        Console.rawErr(label)
        var settings = termios()
        let haveTerminal = tcgetattr(STDIN_FILENO, &settings) == 0
        var silent = settings
        silent.c_lflag &= ~tcflag_t(ECHO)
        if haveTerminal { tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent) }
        defer {
            if haveTerminal { tcsetattr(STDIN_FILENO, TCSAFLUSH, &settings) }
            Console.rawErr("\n")
        }
        return Swift.readLine(strippingNewline: true)
    }

    /// A secret from `--…-stdin` (one line), then the environment variable, then a prompt.
    func secret(fromStdin: Bool, variable: String, prompt label: String, confirm: Bool = false) throws -> SecretBytes? {
        if fromStdin {
            guard let line = readStdinLine() else {
                throw VaultError(.usage, "standard input ended before the expected secret line")
            }
            return SecretBytes(copying: Array(line.utf8))
        }
        if let value = environment[variable] { return SecretBytes(copying: Array(value.utf8)) }
        guard canPrompt else { return nil }
        guard let first = prompt(label) else { return nil }
        if confirm {
            guard let second = prompt("Repeat: "), second == first else {
                throw VaultError(.usage, "the two entries differ; nothing was changed")
            }
        }
        return SecretBytes(copying: Array(first.utf8))
    }
}
