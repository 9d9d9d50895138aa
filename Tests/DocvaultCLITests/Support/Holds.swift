import Foundation
import Testing

/// Set-up and readers shared by the legal hold suites.
enum Holds {
    /// A compliance officer: places holds, may not release them.
    static let compliance = "comp"
    /// A compliance officer who is also an approver: places holds, may not release their own.
    static let dual = "dual"

    /// A vault with the clerk (archivist, staff; the default actor), the lender (approver),
    /// `comp` (compliance), `dual` (compliance, approver) and `auditor` (auditor).
    static func vault() throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addLender()
        try sandbox.addUser(compliance, roles: "compliance")
        try sandbox.addUser(dual, roles: "compliance,approver")
        try sandbox.addUser("auditor", roles: "auditor")
        return sandbox
    }

    /// Runs `hold place SCOPE --reason REASON` as `user`; requires success and returns the hold number.
    @discardableResult
    static func place(
        _ sandbox: Sandbox, _ scope: [String], reason: String = "pending litigation", by user: String = compliance,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Int {
        let result = try sandbox.run(as: user, ["hold", "place"] + scope + ["--reason", reason])
        try #require(result.status == 0, "hold place \(scope) failed: \(result)", sourceLocation: sourceLocation)
        return try number(placeOutput: result, sourceLocation: sourceLocation)
    }

    /// The hold number in the first line of `hold place` output (`Hold N placed on …`).
    static func number(placeOutput result: CLIResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let words = result.stdout.split(separator: "\n").first?.split(separator: " ") ?? []
        let number = words.count > 2 && words[0] == "Hold" && words[2] == "placed" ? Int(words[1]) : nil
        return try #require(number, "no hold number in: \(result)", sourceLocation: sourceLocation)
    }

    /// `hold show HOLD --json` run by `user`, parsed; requires success.
    static func show(
        _ sandbox: Sandbox, _ hold: Int, as user: String = compliance, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String: Any] {
        let result = try sandbox.run(as: user, ["hold", "show", String(hold), "--json"])
        try #require(result.status == 0, "hold show \(hold): \(result)", sourceLocation: sourceLocation)
        let parsed = try JSONSerialization.jsonObject(with: result.stdoutData)
        return try #require(parsed as? [String: Any], sourceLocation: sourceLocation)
    }

    /// The bytes of the catalogue and its write-ahead log, as someone who copied the vault folder has them.
    static func catalogueBytes(_ sandbox: Sandbox) -> Data {
        var bytes = Data()
        for suffix in ["", "-wal"] {
            bytes += (try? Data(contentsOf: URL(fileURLWithPath: sandbox.vault + "/catalog.sqlite" + suffix))) ?? Data()
        }
        return bytes
    }
}
