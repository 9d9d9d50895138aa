import Foundation
import Testing

/// Checks that `result` is a failure with `status`, an `error:` line naming every fragment, and no stdout.
func expectFailure(
    _ result: CLIResult, _ status: Int32, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(result.status == status, "wrong exit code: \(result)", sourceLocation: sourceLocation)
    #expect(result.stderr.hasPrefix("error: "), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(
        result.stderr.split(separator: "\n").count == 1, "one error line: \(result.stderr)",
        sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(
            result.stderr.contains(fragment), "stderr lacks '\(fragment)': \(result.stderr)",
            sourceLocation: sourceLocation)
    }
    #expect(result.stdoutData.isEmpty, "stdout not empty: \(result.stdout)", sourceLocation: sourceLocation)
}

/// Checks that the tree at `path` is byte for byte what `before` recorded.
func expectUnchanged(_ before: TreeSnapshot, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let after = try TreeSnapshot(path)
    #expect(
        after == before, "tree changed:\n\(before.differences(from: after).joined(separator: "\n"))",
        sourceLocation: sourceLocation)
}

/// Checks that no output of `results` contains `secret`.
func expectNoSecret(_ secret: String, in results: [CLIResult], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(secret.count == 64, "secret hex has 64 digits", sourceLocation: sourceLocation)
    for result in results {
        #expect(!result.stdout.lowercased().contains(secret.lowercased()), sourceLocation: sourceLocation)
        #expect(!result.stderr.lowercased().contains(secret.lowercased()), sourceLocation: sourceLocation)
    }
}

extension Sandbox {
    /// Runs `body` and checks that the working folder did not change, except for the audit log.
    ///
    /// Blobs, key files and any output are compared byte for byte, the catalogue by its
    /// tables other than `audit_log`. The audit entries `body` adds must be exactly
    /// `audit`, each written `action:outcome` (e.g. `get:failed`, `login:denied`), in order.
    func expectNoChange(
        audit expected: [String] = [], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) throws {
        let before = try TreeSnapshot(work, catalogueContent: true)
        let lastSeq = try auditLog().last?.seq ?? 0
        try body()
        let after = try TreeSnapshot(work, catalogueContent: true)
        #expect(
            after == before,
            "vault or working folder changed:\n\(before.differences(from: after).joined(separator: "\n"))",
            sourceLocation: sourceLocation)
        let added = try auditLog().filter { $0.seq > lastSeq }
        #expect(
            added.map(\.summary) == expected, "new audit entries: \(added.map(\.description))",
            sourceLocation: sourceLocation)
    }

    /// The audit log of the default vault, read with `sqlite3`; empty when there is no readable catalogue.
    func auditLog(vault: String? = nil) throws -> [AuditRow] {
        try Catalogue.auditRows((vault ?? self.vault) + "/catalog.sqlite")
    }

    /// The audit entries added after sequence number `seq`.
    func auditEntries(after seq: Int) throws -> [AuditRow] {
        try auditLog().filter { $0.seq > seq }
    }
}

/// Checks that `entries` are exactly one `login`/`denied` entry for `actor`, not yet sealed, naming `reason`.
func expectDeniedLogin(
    _ entries: [AuditRow], actor: String, reason: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(entries.count == 1, "entries: \(entries)", sourceLocation: sourceLocation)
    guard let entry = entries.first else { return }
    #expect(entry.action == "login", sourceLocation: sourceLocation)
    #expect(entry.outcome == "denied", sourceLocation: sourceLocation)
    #expect(entry.actor == actor, sourceLocation: sourceLocation)
    #expect(entry.details.contains(reason), "details: \(entry.details)", sourceLocation: sourceLocation)
    #expect(
        !entry.isSealed, "a failed login has no MAC until the next authenticated action", sourceLocation: sourceLocation
    )
}
