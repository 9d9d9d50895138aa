import Foundation
import Testing

/// `event record` and `event list`: every kind, corrections logged old -> new, refusals, and customer IDs kept out.
@Suite struct EventCommandTests {
    static func sandbox() throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        return sandbox
    }

    /// `YYYY-MM-DD` of `days` days from now (UTC).
    static func day(_ days: Double) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: Date().addingTimeInterval(days * 86_400))
    }

    @Test func everyKindIsRecordedAndListed() throws {
        let sandbox = try Self.sandbox()
        let runs: [([String], String)] = [
            (
                ["--policy", "P-1", "--terminated", "2024-01-31", "--term-months", "12"],
                "Recorded policy-terminated for P-1 on 2024-01-31.\n"
            ),
            (["--claim", "C-1", "--closed", "2024-02-29"], "Recorded claim-closed for C-1 on 2024-02-29.\n"),
            (["--contract", "LC-1", "--ended", "2023-12-31"], "Recorded contract-ended for LC-1 on 2023-12-31.\n"),
        ]
        for (arguments, output) in runs {
            let result = try sandbox.run(["event", "record"] + arguments)
            #expect(result.status == 0 && result.stdout == output, "\(result)")
        }
        let entries = try sandbox.auditLog().suffix(3)
        #expect(entries.map(\.target) == ["policy:P-1", "claim:C-1", "contract:LC-1"])
        #expect(entries.first?.details == "kind=policy-terminated; date=2024-01-31; term-months=12")
        let csv = try sandbox.run(["event", "list", "--csv"])
        let rows = csv.stdout.split(separator: "\r\n")
        #expect(rows.first == "kind,subject,date,term-months,recorded-at,recorded-by")
        #expect(
            rows.dropFirst().map {
                $0.split(separator: ",", omittingEmptySubsequences: false).prefix(4).joined(separator: ",")
            } == [
                "claim-closed,C-1,2024-02-29,", "contract-ended,LC-1,2023-12-31,",
                "policy-terminated,P-1,2024-01-31,12",
            ])
        #expect(try sandbox.auditLog().last?.details == "results=3")
    }

    @Test func recordingAgainIsACorrectionLoggedOldToNew() throws {
        let sandbox = try Self.sandbox()
        #expect(try sandbox.run(["event", "record", "--claim", "C-7", "--closed", "2024-03-01"]).status == 0)
        let corrected = try sandbox.run(["event", "record", "--claim", "C-7", "--closed", "2024-02-01"])
        #expect(corrected.stdout == "Corrected claim-closed for C-7 on 2024-02-01 (was 2024-03-01).\n")
        let entry = try #require(try sandbox.auditLog().last)
        #expect(entry.action == "event.record" && entry.outcome == "ok" && entry.actor == Sandbox.clerk)
        #expect(entry.details == "kind=claim-closed; date=2024-03-01->2024-02-01; correction")
        let stored = try Catalogue.rows(
            sandbox.vault + "/catalog.sqlite", "SELECT kind, subject, event_date FROM business_events;")
        #expect(stored == [["claim-closed", "C-7", "2024-02-01"]])
    }

    @Test func theCustomerIDNeverReachesTheCatalogueInClear() throws {
        let sandbox = try Self.sandbox()
        let customerID = "110105199003071234"
        let reference = try sandbox.fileOne(
            try sandbox.input("kyc.pdf", text: "kyc"),
            ["--category", "CU", "--year", "2019", "--customer-id", customerID])
        let recorded = try sandbox.run(
            ["event", "record", "--customer-id", customerID, "--relationship-ended", "2020-02-29"])
        #expect(recorded.status == 0)
        #expect(!recorded.stdout.contains(customerID))
        #expect(recorded.stdout.hasPrefix("Recorded relationship-ended for customer "))
        let listed = try sandbox.run(["event", "list", "--json"])
        let subject =
            try #require(
                try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])["subject"]
            as? String
        #expect(subject?.hasPrefix("customer ") == true && subject?.count == "customer ".count + 8)
        let explained = try sandbox.run(["retention", "explain", reference, "--as-of", "2025-03-01"])
        #expect(explained.stdout.hasSuffix("verdict: due since 2025-03-01\n"), "\(explained)")
        for path in ["/catalog.sqlite", "/catalog.sqlite-wal"].map({ sandbox.vault + $0 }) {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
            #expect(bytes.range(of: Data(customerID.utf8)) == nil, "\(path) holds the customer ID in clear")
        }
        #expect(
            try sandbox.auditLog().allSatisfy { !$0.details.contains(customerID) && !$0.target.contains(customerID) })
    }

    /// Refused `event record` lines; those caught by the workflow leave a `failed` entry.
    static let usageErrors: [([String], String, [String])] = [
        ([], "record one event: --policy NO --terminated DATE", []),
        (
            ["--claim", "C-1", "--closed", "2024-01-01", "--policy", "P-1", "--terminated", "2024-01-01"],
            "record one event", []
        ),
        (["--claim", "C-1"], "--claim goes with --closed DATE", []),
        (["--closed", "2024-01-01"], "--claim goes with --closed DATE", []),
        (["--claim", "C-1", "--closed", "2024-01-01", "--term-months", "12"], "--term-months goes with --policy", []),
        (
            ["--claim", "C-1", "--closed", "2023-02-29"], "date '2023-02-29' is not a valid date",
            ["event.record:failed"]
        ),
        (
            ["--claim", "C-1", "--closed", "01/02/2024"], "date '01/02/2024' is not a valid date",
            ["event.record:failed"]
        ),
        (
            ["--claim", "C-1", "--closed", day(2)], "is in the future; record an event once it has happened",
            ["event.record:failed"]
        ),
        (
            ["--policy", "P-1", "--terminated", "2024-01-01", "--term-months", "0"],
            "--term-months must be between 1 and 1200", ["event.record:failed"]
        ),
        (["--claim", " ", "--closed", "2024-01-01"], "give the claim number", ["event.record:failed"]),
    ]

    @Test(arguments: usageErrors)
    func usageErrorsChangeNothing(arguments: [String], message: String, audit: [String]) throws {
        let sandbox = try Self.sandbox()
        try sandbox.expectNoChange(audit: audit) {
            expectFailure(try sandbox.run(["event", "record"] + arguments), 64, [message])
        }
    }

    @Test func onlyArchivistsRecordEvents() throws {
        let sandbox = try Self.sandbox()
        try sandbox.addUser("connie", roles: "compliance")
        try sandbox.expectNoChange(audit: ["event.record:denied"]) {
            expectFailure(
                try sandbox.run(as: "connie", ["event", "record", "--claim", "C-1", "--closed", "2024-01-01"]), 77,
                ["'connie' may not event.record; it needs the role archivist"])
        }
        let listed = try sandbox.run(as: "connie", ["event", "list"])
        #expect(listed.status == 0 && listed.stdout.isEmpty && listed.stderr == "no events recorded\n")
    }
}
