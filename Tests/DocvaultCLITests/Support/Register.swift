import Foundation
import Testing

/// Set-up and readers shared by the borrowing register suites.
enum Register {
    /// A vault with the clerk (archivist, staff; the default actor), the lender (approver),
    /// `auditor` (auditor) and `staff` (staff), and one filed document of `size` pseudo-random bytes.
    ///
    /// Returns the sandbox, the document's reference and its content.
    static func vault(size: Int = 40_000) throws -> (Sandbox, String, Data) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addLender()
        try sandbox.addUser("auditor", roles: "auditor")
        try sandbox.addUser("staff", roles: "staff")
        let content = pseudoRandomBytes(count: size, seed: UInt64(size) + 7)
        let reference = try sandbox.fileOne(try sandbox.input("claim.pdf", content))
        return (sandbox, reference, content)
    }

    /// `borrow show LOAN --json` run by `user`, parsed; requires success.
    static func show(
        _ sandbox: Sandbox, _ loan: Int, as user: String = Sandbox.clerk, environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String: Any] {
        let result = try sandbox.run(
            ["borrow", "show", String(loan), "--json"],
            environment: environment.merging(["DOCVAULT_USER": user]) { _, new in new })
        try #require(result.status == 0, "borrow show \(loan): \(result)", sourceLocation: sourceLocation)
        let parsed = try JSONSerialization.jsonObject(with: clockless(result).stdoutData)
        return try #require(parsed as? [String: Any], sourceLocation: sourceLocation)
    }

    /// The plain `borrow show LOAN` lines run by `user`, keyed by their label; requires success.
    static func showText(
        _ sandbox: Sandbox, _ loan: Int, as user: String = Sandbox.clerk,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String: String] {
        let result = try sandbox.run(as: user, ["borrow", "show", String(loan)])
        try #require(result.status == 0, "borrow show \(loan): \(result)", sourceLocation: sourceLocation)
        var fields: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            let label = line.prefix(10).trimmingCharacters(in: .whitespaces)
            fields[label] = String(line.dropFirst(11))
        }
        return fields
    }

    /// `borrow list ARGUMENTS --json` run by `user` as the acting user, one object per line; requires success.
    static func list(
        _ sandbox: Sandbox, as user: String, _ arguments: [String] = [], environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [[String: Any]] {
        let result = try sandbox.run(
            ["borrow", "list", "--json"] + arguments,
            environment: environment.merging(["DOCVAULT_USER": user]) { _, new in new })
        try #require(result.status == 0, "borrow list \(arguments): \(result)", sourceLocation: sourceLocation)
        return try clockless(result).stdout.split(separator: "\n").map { line in
            let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(parsed as? [String: Any], "not a JSON object: \(line)", sourceLocation: sourceLocation)
        }
    }

    /// The loan numbers of listed loans, in order.
    static func ids(_ loans: [[String: Any]]) -> [Int] { loans.compactMap { $0["id"] as? Int } }

    /// Parses a time as the vault prints it (`2026-12-30T00:00:00Z`).
    static func date(_ text: Any?, sourceLocation: SourceLocation = #_sourceLocation) throws -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let string = try #require(
            text as? String, "not a time: \(String(describing: text))", sourceLocation: sourceLocation)
        return try #require(formatter.date(from: string), "not a time: \(string)", sourceLocation: sourceLocation)
    }

    /// `date` as the vault prints times, for `DOCVAULT_TEST_NOW`.
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// The warning a debug build prints first on stderr while `DOCVAULT_TEST_NOW` is set.
    static let clockWarning = "warning: test clock in effect"

    /// `result` without the test clock's warning line; records an issue unless that line comes first.
    static func clockless(_ result: CLIResult, sourceLocation: SourceLocation = #_sourceLocation) -> CLIResult {
        guard result.stderr.hasPrefix(clockWarning) else { return result }
        let rest = result.stderr.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).dropFirst()
        return CLIResult(
            status: result.status, stdoutData: result.stdoutData, stderrData: Data(rest.joined().utf8))
    }

    /// Runs `arguments` as `user` with the clock at `now`; checks the warning and returns the result without it.
    static func at(
        _ now: String, _ sandbox: Sandbox, as user: String = Sandbox.clerk, _ arguments: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLIResult {
        let result = try sandbox.run(arguments, environment: ["DOCVAULT_USER": user, "DOCVAULT_TEST_NOW": now])
        #expect(
            result.stderr.hasPrefix(clockWarning) && result.stderr.split(separator: "\n").first?.contains(now) == true,
            "no test clock warning naming \(now): \(result)", sourceLocation: sourceLocation)
        return clockless(result)
    }

    /// The value of `key=` in `;`-separated audit details, or nil.
    static func detail(_ key: String, in details: String) -> String? {
        for part in details.split(separator: ";") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(key + "=") { return String(trimmed.dropFirst(key.count + 1)) }
        }
        return nil
    }

    /// Checks that the one entry `body` adds is `actor`'s refused get of `reference` naming `refusal` and `loan`.
    ///
    /// Also checks that nothing else changed and `body`'s run left no output file.
    static func expectRefusedGet(
        _ sandbox: Sandbox, _ reference: String, refusal: String, loan: Int?, actor: String = Sandbox.clerk,
        sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) throws {
        let last = try sandbox.auditLog().last?.seq ?? 0
        try sandbox.expectNoChange(audit: ["get:denied"], sourceLocation: sourceLocation, body)
        let entry = try #require(try sandbox.auditEntries(after: last).first, sourceLocation: sourceLocation)
        #expect(entry.actor == actor && entry.target == reference, "\(entry)", sourceLocation: sourceLocation)
        #expect(detail("refused", in: entry.details) == refusal, "\(entry)", sourceLocation: sourceLocation)
        #expect(detail("loan", in: entry.details) == loan.map(String.init), "\(entry)", sourceLocation: sourceLocation)
        #expect(entry.isSealed, sourceLocation: sourceLocation)
    }

    /// Fields of RFC 4180 CSV text (quoted fields may hold commas, quotes and line breaks), row by row.
    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field)
                field = ""
            } else if character == "\r\n" || character == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
        return rows
    }
}
