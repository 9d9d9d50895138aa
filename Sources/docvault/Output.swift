import FoundationEssentials
import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

/// Writing to the terminal: stdout for results, stderr for errors, warnings and progress.
///
/// Writes go straight to the file descriptors: when the reader of a pipe goes away
/// (`docvault list | head`), docvault stops quietly with status 141, as if killed by
/// SIGPIPE, instead of crashing inside Foundation.
enum Console {
    static func out(_ line: String) { write(line + "\n", to: STDOUT_FILENO) }

    static func err(_ line: String) { write(line + "\n", to: STDERR_FILENO) }

    /// Writes `text` to standard output without adding a newline.
    static func rawOut(_ text: String) { write(text, to: STDOUT_FILENO) }

    /// Writes UTF-8 `bytes` to standard output as they are.
    static func rawOut(bytes: [UInt8]) { write(bytes, to: STDOUT_FILENO) }

    /// Writes `text` to standard error without adding a newline.
    static func rawErr(_ text: String) { write(text, to: STDERR_FILENO) }

    private static func write(_ text: String, to descriptor: Int32) { write(Array(text.utf8), to: descriptor) }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) {
        do {
            try bytes.withUnsafeBytes { try FileDescriptor(rawValue: descriptor, owned: false).write($0) }
        } catch let failure as POSIXFailure where failure.code == EPIPE {
            exit(141)
        } catch {
            // Nowhere left to report a failing stdout or stderr.
        }
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

/// Listing formats: aligned table, JSON Lines, or CSV.
enum ListingFormat {
    case table
    case json
    case csv(excel: Bool)

    static func from(_ arguments: ParsedArguments) throws -> ListingFormat {
        let chosen = [arguments.has("--json"), arguments.has("--csv")].filter { $0 }.count
        guard chosen <= 1 else { throw VaultError(.usage, "choose one of --json and --csv") }
        if arguments.has("--excel") && !arguments.has("--csv") {
            throw VaultError(.usage, "--excel goes with --csv")
        }
        if arguments.has("--json") { return .json }
        if arguments.has("--csv") { return .csv(excel: arguments.has("--excel")) }
        return .table
    }
}

/// Renders rows of cells.
enum Render {
    /// Columns padded to the widest cell, measured in terminal columns (CJK counts two).
    static func table(headers: [String], rows: [[String]]) -> [String] {
        var widths = headers.map(displayWidth)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], displayWidth(cell)) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let last = index == cells.count - 1
                parts.append(last ? cell : cell + String(repeating: " ", count: widths[index] - displayWidth(cell)))
            }
            return parts.joined(separator: "  ")
        }
        return [line(headers)] + rows.map(line)
    }

    /// RFC 4180 CSV with a header row; `excel` prefixes a UTF-8 byte-order mark.
    static func csv(headers: [String], rows: [[String]], excel: Bool) -> String {
        let lines = ([headers] + rows).map(csvLine)
        return (excel ? "\u{FEFF}" : "") + lines.joined(separator: "\r\n") + "\r\n"
    }

    /// One CSV record without its line end; fields with a comma, quote or line break are quoted.
    static func csvLine(_ cells: [String]) -> String {
        func field(_ value: String) -> String {
            // Bytes, not Characters: "\r\n" is one Character, which equals neither "\r" nor "\n".
            let special = value.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            guard special else { return value }
            return "\"" + value.replacingEvery("\"", with: "\"\"") + "\""
        }
        return cells.map(field).joined(separator: ",")
    }

    /// One compact JSON object with sorted keys.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Terminal columns `text` occupies: East Asian wide and fullwidth characters take two.
    static func displayWidth(_ text: String) -> Int {
        // Printable ASCII, nearly every cell of a listing, is one column per byte.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        return text.unicodeScalars.reduce(0) { $0 + scalarWidth($1) }
    }

    static func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v == 0 || (0x300...0x36F).contains(v) || (0x200B...0x200F).contains(v) { return 0 }
        if v < 0x1100 { return 1 }
        return wideRanges.contains { $0.contains(v) } ? 2 : 1
    }

    /// East Asian wide and emoji ranges, built once (a listing asks for every character of every cell).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    /// `label` cut or padded with spaces to `width` characters, for the label column of `show`-style output and help.
    ///
    /// Replaces Foundation's `padding(toLength:withPad:startingAt:)`, which bridges through
    /// `NSString` and was 2% of the samples of a whole `docvault show` (perf).
    static func padded(_ label: String, to width: Int) -> String {
        let count = label.count
        return count >= width ? String(label.prefix(width)) : label + String(repeating: " ", count: width - count)
    }

    /// Replaces control characters (newlines, tabs, escapes) so one record stays on one table line.
    static func singleLine(_ text: String) -> String {
        // Control characters (general category Cc) are exactly U+0000-001F and U+007F-009F.
        func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) }
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? " " : $0 }))
    }

    /// Bytes in a short human form (``ByteCount/text(_:)``).
    static func size(_ bytes: Int) -> String { ByteCount.text(bytes) }
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
final class ProgressBar {
    private let label: String
    private let enabled: Bool
    private var lastPercent = -1

    init(label: String) {
        self.label = label
        self.enabled = Console.stderrIsTerminal
    }

    func update(_ done: Int, _ total: Int) {
        guard enabled else { return }
        let percent = min(100, done * 100 / max(total, 1))
        guard percent != lastPercent else { return }
        lastPercent = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: 30 - filled)
        Console.rawErr("\r\(label) [\(bar)] \(percent)%")
    }

    func finish() {
        guard enabled, lastPercent >= 0 else { return }
        Console.rawErr("\r\u{1B}[K")
    }
}

/// The bulk import's progress bar: documents, bytes, rate and time left, on a terminal only.
final class ImportProgressBar {
    private let enabled = Console.stderrIsTerminal
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    /// Redraws at most five times a second, and always at the end.
    func update(_ progress: ImportProgress) {
        guard enabled else { return }
        let now = Date()
        let done = progress.documents == progress.totalDocuments
        guard done || now.timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(progress.bytes) / elapsed
        let percent = min(100, progress.bytes * 100 / max(progress.totalBytes, 1))
        let filled = percent * 20 / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: 20 - filled)
        let left = rate > 0 ? Double(progress.totalBytes - progress.bytes) / rate : 0
        Console.rawErr(
            "\rimporting [\(bar)] \(progress.documents)/\(progress.totalDocuments)  "
                + "\(Render.size(progress.bytes))/\(Render.size(progress.totalBytes))  "
                + "\(Render.size(Int(rate)))/s  \(Self.duration(left)) left\u{1B}[K")
        drawn = true
    }

    /// Clears the bar's line.
    func finish() {
        guard enabled, drawn else { return }
        Console.rawErr("\r\u{1B}[K")
    }

    /// `1:05` or `1:02:03`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0
            ? "\(hours):\(minutes.zeroPadded(2)):\(secs.zeroPadded(2))" : "\(minutes):\(secs.zeroPadded(2))"
    }
}
