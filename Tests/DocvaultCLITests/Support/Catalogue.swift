import Foundation
import Testing

/// One row of the `audit_log` table as the `sqlite3` tool reads it.
struct AuditRow: Equatable, CustomStringConvertible {
    let seq: Int
    let at: String
    let actor: String
    let action: String
    let target: String
    let outcome: String
    let details: String
    /// Whether `sensitive_sealed` holds bytes.
    let hasSealedDetails: Bool
    /// Whether `mac` holds bytes (false for a failed login not sealed yet).
    let isSealed: Bool

    /// `action:outcome`, the short form the expectations compare.
    var summary: String { "\(action):\(outcome)" }

    var description: String {
        "#\(seq) \(actor) \(action) [\(target)] \(outcome) '\(details)'\(isSealed ? "" : " (no MAC)")"
    }
}

/// Reading and editing a catalogue with the `sqlite3` command-line tool, as an attacker with file access could.
enum Catalogue {
    /// Runs `sqlite3` with `arguments`; returns its exit status and standard output.
    static func sqlite3(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: data, as: UTF8.self), String(decoding: errorData, as: UTF8.self)
        )
    }

    /// The read-only URI of `path`; it reads the write-ahead log too, which docvault keeps between commands.
    static func readOnly(_ path: String) -> String { "file:\(path)?mode=ro" }

    /// Rows of `sql` on `path` (read-only), each a list of column texts; nil when sqlite3 fails.
    static func rows(_ path: String, _ sql: String) throws -> [[String]]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let result = try sqlite3(["-batch", "-ascii", readOnly(path), sql])
        guard result.status == 0, result.error.isEmpty else { return nil }
        return result.output.split(separator: "\u{1E}", omittingEmptySubsequences: true).map { row in
            row.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// Runs `sql` on `path` read-write and requires success.
    static func execute(_ path: String, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try sqlite3(["-batch", path, sql])
        try #require(
            result.status == 0 && result.error.isEmpty, "sqlite3 failed: \(result.error)",
            sourceLocation: sourceLocation)
    }

    /// Every audit entry, oldest first; empty when the catalogue is missing or unreadable.
    static func auditRows(_ path: String) throws -> [AuditRow] {
        let sql = """
            SELECT seq, at, actor, action, target, outcome, details, sensitive_sealed IS NOT NULL, mac IS NOT NULL
            FROM audit_log ORDER BY seq;
            """
        return (try rows(path, sql) ?? []).compactMap { columns in
            guard columns.count == 9, let seq = Int(columns[0]) else { return nil }
            return AuditRow(
                seq: seq, at: columns[1], actor: columns[2], action: columns[3], target: columns[4],
                outcome: columns[5], details: columns[6], hasSealedDetails: columns[7] == "1",
                isSealed: columns[8] == "1")
        }
    }

    /// An SQL dump of every table except `audit_log`; nil when sqlite3 cannot read `path` as a database.
    static func dumpWithoutAuditLog(_ path: String) throws -> String? {
        guard
            let tables = try rows(
                path, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'audit_log' ORDER BY name;")
        else { return nil }
        var dump = ""
        for table in tables.map({ $0[0] }) {
            let result = try sqlite3(["-batch", readOnly(path), ".dump '\(table)'"])
            guard result.status == 0 else { return nil }
            // `.dump` takes LIKE patterns; drop any audit row a pattern might also have matched.
            dump +=
                result.output.split(separator: "\n").filter { !$0.hasPrefix("INSERT INTO audit_log") }
                .joined(separator: "\n") + "\n"
        }
        return dump
    }
}
