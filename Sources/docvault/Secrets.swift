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
            stdinLines = String(decoding: Self.readStandardInput(), as: UTF8.self).split(
                separator: "\n", omittingEmptySubsequences: false
            )
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        }
        guard let lines = stdinLines, nextLine < lines.count else { return nil }
        defer { nextLine += 1 }
        return lines[nextLine]
    }

    /// Everything on standard input up to its end (or the first read error).
    private static func readStandardInput() -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[..<count])
        }
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
