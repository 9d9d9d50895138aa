import Foundation
import Testing

/// Every statement the commands prepare, asked of SQLite with `EXPLAIN QUERY PLAN`: none reads a whole table
/// that grows with the archive, except the few that must read everything, each named here with its reason.
///
/// The commands run against a vault with documents, customers, loans, holds, events and a
/// destruction batch, with `DOCVAULT_TRACE_SQL` set (debug builds log each prepared statement).
@Suite struct QueryPlanCoverageTests {
    /// Tables that grow with the archive and its use; a full scan of one is a finding.
    static let growing: Set<String> = [
        "documents", "audit_log", "loans", "loan_items", "legal_holds", "business_events", "customers",
        "customer_changes", "destruction_items", "destruction_batches", "retention_floors",
    ]

    /// Statements that read a whole growing table by design, by a fragment of their text, and why.
    static let wholeTableByDesign: [(fragment: String, reason: String)] = [
        ("FROM audit_log ORDER BY seq", "audit verify and verify walk the whole chain"),
        (
            "FROM documents WHERE status = 'active'",
            "retention due and purge propose decide every live document's due date in one pass"
        ),
        ("FROM retention_floors", "retention due loads the floors once (only held documents have one)"),
        ("FROM legal_holds WHERE released_at IS NULL", "hold list and retention due read the holds in force"),
        ("FROM documents WHERE length(wrapped_data_key)", "key status counts every document's key epoch"),
        ("SELECT * FROM loans ORDER BY id", "borrow list prints the register"),
        ("SELECT * FROM customers ORDER BY id", "customer list prints the register"),
    ]

    /// The `SCAN` lines of `sql`'s plan that read a whole growing table without an index.
    static func fullScans(_ sql: String, catalogue: String) throws -> [String] {
        let result = try Catalogue.sqlite3([catalogue, "EXPLAIN QUERY PLAN " + sql + ";"])
        guard result.status == 0 else { return ["cannot plan: \(result.error)"] }
        return result.output.split(separator: "\n").map(String.init).filter { line in
            guard let range = line.range(of: "SCAN ") else { return false }
            let rest = line[range.upperBound...]
            let table = rest.split(separator: " ").first.map(String.init) ?? ""
            let named = growing.contains(table) || growing.contains { rest.hasPrefix($0 + " ") }
            return named && !rest.contains("USING INDEX") && !rest.contains("USING COVERING INDEX")
                && !rest.contains("USING INTEGER PRIMARY KEY")
        }
    }

    @Test func everyStatementSeeksAnIndexOrIsNamedHere() throws {
        let sandbox = try Holds.vault()
        let trace = sandbox.root + "/sql.trace"
        let traced = ["DOCVAULT_TRACE_SQL": trace]
        func run(as user: String, _ arguments: [String]) throws {
            let result = try sandbox.run(arguments, environment: traced.merging(["DOCVAULT_USER": user]) { $1 })
            try #require(result.status == 0, "\(arguments): \(result)")
        }
        var references: [String] = []
        for index in 0..<4 {
            let path = try sandbox.input("claim-\(index).pdf", text: "claim document \(index)")
            references.append(
                try sandbox.fileOne(
                    path,
                    [
                        "--category", "CL", "--year", "2024", "--policy", "P-1", "--claim", "C-\(index % 2)",
                        "--customer", "张伟", "--customer-id", "G12345678", "--type", "claim-form",
                    ]))
        }
        _ = try sandbox.fileOne(
            try sandbox.input("minutes.txt", text: "minutes"), ["--category", "OT", "--year", "2024"])
        try run(as: "clerk", ["customer", "add", "--kind", "individual", "--name", "张伟", "--id-number", "G12345678"])
        try run(as: "clerk", ["customer", "update", "G12345678", "--phone", "010 1234 5678"])
        let loan = try sandbox.lend(references[0])
        try Holds.place(sandbox, ["--claim", "C-1"])
        try run(as: "clerk", ["event", "record", "--claim", "C-0", "--closed", "2024-03-01"])
        let commands: [(String, [String])] = [
            ("clerk", ["file", try sandbox.input("more.pdf", text: "more"), "--category", "CL", "--year", "2024"]),
            ("clerk", ["list", "--category", "CL", "--year", "2024"]),
            ("clerk", ["search", "--policy", "P-1"]), ("clerk", ["search", "--claim", "C-1"]),
            ("clerk", ["search", "--customer-id", "G12345678"]), ("clerk", ["search", "--customer", "张伟"]),
            ("clerk", ["show", references[1]]), ("clerk", ["get", references[0], "-o", "-"]),
            ("clerk", ["borrow", "list"]), ("clerk", ["borrow", "show", String(loan)]),
            ("clerk", ["borrow", "request", references[2], "--purpose", "plan"]),
            ("clerk", ["customer", "show", "G12345678"]), ("clerk", ["customer", "list"]),
            ("clerk", ["customer", "history", "1"]), ("clerk", ["retention", "explain", references[0]]),
            ("clerk", ["event", "list"]), ("comp", ["hold", "list"]), ("comp", ["hold", "show", "1"]),
            ("comp", ["retention", "due", "--as-of", "2100-01-01"]),
            ("comp", ["purge", "propose", "--as-of", "2100-01-01"]), ("comp", ["purge", "show", "1"]),
            ("auditor", ["audit", "log"]), ("auditor", ["audit", "verify"]), ("auditor", ["verify"]),
            ("admin", ["key", "status"]), ("admin", ["user", "list"]),
            ("comp", ["report", "summary"]), ("auditor", ["report", "summary", "--year", "2024"]),
            ("auditor", ["report", "access", "--ref", references[0]]),
            ("auditor", ["report", "access", "--user", "clerk", "--since", "2024-01-01"]),
            ("auditor", ["report", "access", "--category", "CL"]),
        ]
        for (user, arguments) in commands { try run(as: user, arguments) }

        let statements = Set(
            try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").map(String.init)
                .filter { !$0.uppercased().hasPrefix("PRAGMA") })
        #expect(statements.count > 40, "the trace holds what the commands prepared: \(statements.count)")
        var findings: [String] = []
        for sql in statements.sorted() {
            let scans = try Self.fullScans(sql, catalogue: sandbox.vault + "/catalog.sqlite")
            guard !scans.isEmpty else { continue }
            if Self.wholeTableByDesign.contains(where: { sql.contains($0.fragment) }) { continue }
            findings.append("\(sql)\n    \(scans.joined(separator: "\n    "))")
        }
        #expect(findings.isEmpty, "full scans of growing tables:\n\(findings.joined(separator: "\n"))")
    }
}
