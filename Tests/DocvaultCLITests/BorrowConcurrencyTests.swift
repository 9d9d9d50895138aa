import Foundation
import Testing

/// Two `docvault` processes deciding on the same loan at the same moment.
///
/// Each decision re-reads the loan in its own write transaction, so the outcome must be
/// that of one order or the other: never both applied to the same state, never a
/// database error, and the audit chain stays intact.
@Suite struct BorrowConcurrencyTests {
    /// How many times each race is run.
    static let rounds = 4

    /// A `docvault` process that has been started and not yet waited for.
    struct Started {
        let process: Process
        let output: URL
        let error: URL
        let handles: [FileHandle]

        /// Waits for the process and returns what it printed.
        func finish() throws -> CLIResult {
            process.waitUntilExit()
            for handle in handles { try? handle.close() }
            guard process.terminationReason == .exit else {
                throw HarnessError("docvault died of signal \(process.terminationStatus)")
            }
            return CLIResult(
                status: process.terminationStatus, stdoutData: try Data(contentsOf: output),
                stderrData: try Data(contentsOf: error))
        }
    }

    /// Starts `docvault arguments` as `user` in the sandbox's working folder without waiting for it.
    static func start(_ sandbox: Sandbox, as user: String, _ arguments: [String]) throws -> Started {
        let binary = try #require(CLI.binary)
        let folder = sandbox.root + "/race"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let id = UUID().uuidString
        let output = URL(fileURLWithPath: folder + "/\(id).out")
        let error = URL(fileURLWithPath: folder + "/\(id).err")
        for url in [output, error] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: sandbox.work)
        process.environment = CLI.baseEnvironment().merging(sandbox.defaultEnvironment) { _, new in new }
            .merging(["DOCVAULT_USER": user]) { _, new in new }
        let handles = [try FileHandle(forWritingTo: output), try FileHandle(forWritingTo: error)]
        process.standardOutput = handles[0]
        process.standardError = handles[1]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Started(process: process, output: output, error: error, handles: handles)
    }

    /// Starts both command lines before waiting for either; returns their results in the same order.
    static func race(
        _ sandbox: Sandbox, _ first: (String, [String]), _ second: (String, [String])
    ) throws -> (CLIResult, CLIResult) {
        let a = try start(sandbox, as: first.0, first.1)
        let b = try start(sandbox, as: second.0, second.1)
        return (try a.finish(), try b.finish())
    }

    /// A vault with the clerk's document, the lender, a second approver and an auditor.
    static func vault() throws -> (Sandbox, String) {
        let (sandbox, reference, _) = try Register.vault(size: 100)
        try sandbox.addUser("approver2", roles: "approver")
        return (sandbox, reference)
    }

    /// Checks that exactly one of two racing decisions succeeded and the other was refused with `message`.
    static func expectOneWinner(
        _ results: (CLIResult, CLIResult), message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Int? {
        let statuses = [results.0.status, results.1.status]
        #expect(statuses.filter { $0 == 0 }.count == 1, "\(results.0)\n\(results.1)", sourceLocation: sourceLocation)
        guard let winner = statuses.firstIndex(of: 0) else { return nil }
        let loser = winner == 0 ? results.1 : results.0
        expectFailure(loser, 1, [message], sourceLocation: sourceLocation)
        return winner
    }

    @Test func approveAndRevokeAtOnceEndConsistently() throws {
        let (sandbox, reference) = try Self.vault()
        for _ in 0..<Self.rounds {
            let loan = try sandbox.requestLoan([reference])
            let (approve, revoke) = try Self.race(
                sandbox, (Sandbox.lender, ["borrow", "approve", String(loan)]),
                ("admin", ["borrow", "revoke", String(loan), "--reason", "recalled"]))
            // A revocation ends a request or an active loan alike, so it wins in either order.
            #expect(revoke.status == 0, "\(revoke)")
            #expect(revoke.stdout == "Loan \(loan): revoked.\n")
            let shown = try Register.show(sandbox, loan, as: "auditor")
            #expect(shown["status"] as? String == "revoked")
            #expect(shown["closedBy"] as? String == "admin")
            let approvals = try sandbox.auditLog().filter {
                $0.action == "borrow.approve" && $0.target == "loan:\(loan)"
            }
            if approve.status == 0 {
                // Approved first, then revoked: the approval stands in the register.
                #expect(approve.stdout.hasPrefix("Loan \(loan) approved for \(Sandbox.clerk); due "))
                #expect(shown["decidedBy"] as? String == Sandbox.lender)
                #expect(shown["dueAt"] is String)
                #expect(approvals.map(\.outcome) == ["ok"])
            } else {
                // Revoked first: the approval finds a revoked loan and changes nothing.
                expectFailure(
                    approve, 1,
                    ["loan \(loan) is revoked with no renewal waiting; only requests and renewals can be approved"])
                #expect(shown["decidedBy"] == nil)
                #expect(shown["dueAt"] == nil)
                #expect(approvals.map(\.outcome) == ["failed"])
            }
            try Register.expectRefusedGet(sandbox, reference, refusal: "revoked", loan: loan) {
                expectFailure(try sandbox.run(["get", reference, "-o", "-"]), 77, ["was revoked"])
            }
        }
        let verify = try sandbox.run(as: "auditor", ["audit", "verify"])
        #expect(verify.status == 0, "\(verify)")
    }

    @Test func twoApproversAtOnceOnlyOneDecides() throws {
        let (sandbox, reference) = try Self.vault()
        for _ in 0..<Self.rounds {
            let loan = try sandbox.requestLoan([reference])
            let results = try Self.race(
                sandbox, (Sandbox.lender, ["borrow", "approve", String(loan), "--days", "3"]),
                ("approver2", ["borrow", "approve", String(loan), "--days", "5"]))
            let winner = Self.expectOneWinner(
                results,
                message: "loan \(loan) is active with no renewal waiting; only requests and renewals can be approved")
            let shown = try Register.show(sandbox, loan, as: "auditor")
            #expect(shown["status"] as? String == "active")
            let due = try Register.date(shown["dueAt"])
            let decided = try Register.date(shown["decidedAt"])
            if winner == 0 {
                #expect(shown["decidedBy"] as? String == Sandbox.lender)
                #expect(due.timeIntervalSince(decided) == 3 * 86_400)
            } else if winner == 1 {
                #expect(shown["decidedBy"] as? String == "approver2")
                #expect(due.timeIntervalSince(decided) == 5 * 86_400)
            }
            #expect(try sandbox.run(["borrow", "return", String(loan)]).status == 0)
        }
        #expect(try sandbox.run(as: "auditor", ["audit", "verify"]).status == 0)
    }

    @Test func twoRevocationsAtOnceOnlyOneCloses() throws {
        let (sandbox, reference) = try Self.vault()
        for _ in 0..<Self.rounds {
            let loan = try sandbox.lend(reference)
            let results = try Self.race(
                sandbox, (Sandbox.lender, ["borrow", "revoke", String(loan), "--reason", "by lender"]),
                ("admin", ["borrow", "revoke", String(loan), "--reason", "by admin"]))
            let winner = Self.expectOneWinner(
                results, message: "loan \(loan) is revoked; only requests and active loans can be revoked")
            let shown = try Register.show(sandbox, loan, as: "auditor")
            #expect(shown["status"] as? String == "revoked")
            if let winner {
                let revoker = winner == 0 ? Sandbox.lender : "admin"
                #expect(shown["closedBy"] as? String == revoker)
                #expect(shown["reason"] as? String == "by \(revoker)")
            }
        }
        #expect(try sandbox.run(as: "auditor", ["audit", "verify"]).status == 0)
    }
}
