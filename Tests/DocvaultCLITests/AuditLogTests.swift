import Foundation
import Testing

/// `audit log`: what file, get and search record, the filters, and the JSON and CSV forms.
@Suite struct AuditLogTests {
    static let customer = "Wang Xiaoming"

    /// A vault where the clerk filed, borrowed (lent by the lender), fetched and searched, and an auditor.
    static func vault() throws -> (Sandbox, String) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addUser("auditor", roles: "auditor")
        try sandbox.addLender()
        let reference = try sandbox.fileOne(
            try sandbox.input("claim.pdf", text: "claim"),
            ["--category", "CL", "--year", "2024", "--customer", customer, "--customer-id", "110101199003071234"])
        try sandbox.lend(reference)
        #expect(try sandbox.run(["get", reference, "-o", "-"]).status == 0)
        let search = try sandbox.run(["search", "--customer", customer, "--json"])
        #expect(search.stdout.contains(reference), "\(search)")
        return (sandbox, reference)
    }

    static func objects(_ result: CLIResult) throws -> [[String: Any]] {
        try result.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func fileGetAndSearchAreRecorded() throws {
        let (sandbox, reference) = try Self.vault()
        let entries = try sandbox.auditLog().filter { $0.actor == Sandbox.clerk }
        #expect(entries.map(\.summary) == ["file:ok", "borrow.request:ok", "get:ok", "search:ok"])
        try #require(entries.count == 4)
        let (file, request, get, search) = (entries[0], entries[1], entries[2], entries[3])
        #expect(file.target == reference)
        #expect(get.target == reference)
        #expect(get.details.contains("output=stdout"))
        // The get names the loan the request opened.
        let loan = try #require(request.details.split(separator: ";").first { $0.hasPrefix("loan=") })
        #expect(
            get.details.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.contains(String(loan)))
        #expect(search.details.contains("results=1"))
        #expect(entries.allSatisfy { $0.isSealed })
        // Nothing else was logged in between but the lender's approval.
        let since = try sandbox.auditLog().filter { $0.seq >= file.seq }.map { "\($0.actor) \($0.summary)" }
        #expect(
            since == [
                "clerk file:ok", "clerk borrow.request:ok", "\(Sandbox.lender) borrow.approve:ok", "clerk get:ok",
                "clerk search:ok",
            ])
        // The search terms are sealed: in clear neither in the table nor anywhere in the database files.
        #expect(search.hasSealedDetails)
        #expect(!search.details.contains(Self.customer))
        for suffix in ["", "-wal"] {
            let path = sandbox.vault + "/catalog.sqlite" + suffix
            guard let bytes = FileManager.default.contents(atPath: path) else { continue }
            #expect(bytes.range(of: Data(Self.customer.utf8)) == nil, "customer name in clear in \(path)")
            #expect(bytes.range(of: Data("110101199003071234".utf8)) == nil, "customer ID in clear in \(path)")
        }
        // The auditor sees them opened.
        let shown = try sandbox.run(as: "auditor", ["audit", "log", "--action", "search"])
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.stdout.contains("customer=\(Self.customer)"))
        let json = try Self.objects(try sandbox.run(as: "auditor", ["audit", "log", "--action", "search", "--json"]))
        #expect(json.count == 1)
        #expect(json.first?["sealedDetails"] as? String == "customer=\(Self.customer)")
    }

    @Test func failedSearchTermsAreSealedToo() throws {
        let (sandbox, _) = try Self.vault()
        expectFailure(
            try sandbox.run(["search", "--customer", "Li Lei", "--category", "ZZ"]), 64, ["unknown category 'ZZ'"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: sandbox.vault + "/catalog.sqlite"))
        #expect(bytes.range(of: Data("Li Lei".utf8)) == nil)
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.summary == "search:failed")
        #expect(entry.hasSealedDetails)
    }

    @Test func filters() throws {
        let (sandbox, reference) = try Self.vault()
        expectFailure(try sandbox.run(as: "auditor", ["get", reference, "-o", "-"]), 77, ["may not get"])
        func log(_ arguments: [String]) throws -> [[String: Any]] {
            let result = try sandbox.run(as: "auditor", ["audit", "log", "--json"] + arguments)
            #expect(result.status == 0, "\(arguments): \(result)")
            return try Self.objects(result)
        }
        let byClerk = try log(["--user", Sandbox.clerk])
        #expect(byClerk.map { $0["action"] as? String } == ["file", "borrow.request", "get", "search"])
        let byReference = try log(["--ref", reference.lowercased()])
        #expect(
            byReference.map { "\($0["actor"] ?? ""):\($0["action"] ?? ""):\($0["outcome"] ?? "")" } == [
                "clerk:file:ok", "clerk:get:ok", "auditor:get:denied",
            ])
        #expect(try log(["--action", "get"]).count == 2)
        let denied = try log(["--outcome", "denied"])
        #expect(denied.count == 1)
        #expect(denied.first?["actor"] as? String == "auditor")
        #expect(try log(["--action", "get", "--outcome", "ok", "--user", Sandbox.clerk]).count == 1)
        #expect(try log(["--user", "nobody"]).isEmpty)
        // `--actor` names who acts; `--user` filters.
        let acting = try sandbox.run(
            ["audit", "log", "--json", "--actor", "auditor", "--user", "admin"],
            environment: ["DOCVAULT_USER": CLI.unset])
        #expect(acting.status == 0, "\(acting)")
        // The admin added the clerk, the auditor and the lender.
        #expect(try Self.objects(acting).map { $0["target"] as? String } == ["clerk", "auditor", Sandbox.lender])
        #expect(try Self.objects(acting).map { $0["action"] as? String } == ["user.add", "user.add", "user.add"])

        let today = String(try #require(try sandbox.auditLog().first).at.prefix(10))
        let all = try log([]).count
        #expect(all == (try sandbox.auditLog().count) - 1)  // the query's own entry follows its result
        #expect(try log(["--since", today]).count == all + 1)
        #expect(try log(["--until", today]).count == all + 2)
        #expect(try log(["--since", "2000-01-01", "--until", today]).count == all + 3)
        #expect(try log(["--since", "2100-01-01"]).isEmpty)
        #expect(try log(["--until", "2000-01-01"]).isEmpty)
        #expect(try log(["--since", today + "T00:00:00Z"]).count == all + 6)
    }

    @Test(arguments: [
        (["--since", "yesterday"], "--since 'yesterday' is not a date"),
        (["--until", "2024-02-30"], "--until '2024-02-30' is not a date"),
        (["--outcome", "maybe"], "--outcome must be ok, denied or failed"),
        (["--json", "--csv"], "choose one of --json and --csv"),
        (["extra"], "unexpected argument (not shown"),
    ])
    func badFilterIsUsageError(arguments: [String], message: String) throws {
        let (sandbox, _) = try Self.vault()
        try sandbox.expectNoChange {
            expectFailure(try sandbox.run(as: "auditor", ["audit", "log"] + arguments), 64, [message])
        }
    }

    @Test func jsonAndCSVForms() throws {
        let (sandbox, reference) = try Self.vault()
        let json = try Self.objects(try sandbox.run(as: "auditor", ["audit", "log", "--json"]))
        let rows = try sandbox.auditLog()
        #expect(json.count == rows.count - 1)
        for (object, row) in zip(json, rows) {
            #expect(object["seq"] as? Int == row.seq)
            #expect(object["at"] as? String == row.at)
            #expect(object["actor"] as? String == row.actor)
            #expect(object["action"] as? String == row.action)
            #expect(object["target"] as? String == row.target)
            #expect(object["outcome"] as? String == row.outcome)
            #expect(object["details"] as? String == row.details)
            #expect(object["sealed"] as? Bool == true)
        }
        let csv = try sandbox.run(as: "auditor", ["audit", "log", "--csv", "--ref", reference])
        #expect(csv.status == 0)
        let lines = csv.stdout.components(separatedBy: "\r\n")
        #expect(lines.first == "seq,at,actor,action,target,outcome,details")
        #expect(lines.count == 4, "\(lines)")  // header, file, get, and the empty rest after the last CRLF
        #expect(lines[1].contains(",clerk,file,\(reference),ok,"))
        let excel = try sandbox.run(as: "auditor", ["audit", "log", "--csv", "--excel"])
        #expect(excel.stdoutData.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
    }

    @Test
    func closedOutputPipeDoesNotCrash() throws {
        let (sandbox, _) = try Self.vault()
        let binary = try #require(CLI.binary)
        for arguments in [["audit", "log", "--actor", "auditor"], ["list"], ["user", "list", "--user", "admin"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: sandbox.work)
            process.environment = CLI.baseEnvironment().merging(sandbox.defaultEnvironment) { _, new in new }
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try pipe.fileHandleForReading.close()
            try process.run()
            try pipe.fileHandleForWriting.close()
            process.waitUntilExit()
            #expect(process.terminationReason == .exit, "\(arguments) died of signal \(process.terminationStatus)")
        }
    }

    @Test func auditEntriesCoverUserAdministration() throws {
        let (sandbox, _) = try Self.vault()
        #expect(try sandbox.run(as: "admin", ["user", "disable", "auditor"]).status == 0)
        #expect(try sandbox.run(as: "admin", ["user", "enable", "auditor"]).status == 0)
        #expect(try sandbox.run(as: "admin", ["user", "show", "auditor"]).status == 0)
        #expect(try sandbox.run(as: "admin", ["user", "list"]).status == 0)
        let admin = try sandbox.auditLog().filter { $0.actor == "admin" }.map { "\($0.summary)@\($0.target)" }
        #expect(
            admin == [
                "user.add:ok@clerk", "user.add:ok@auditor", "user.add:ok@\(Sandbox.lender)", "user.disable:ok@auditor",
                "user.enable:ok@auditor",
                "user.show:ok@auditor", "user.list:ok@",
            ])
    }
}
