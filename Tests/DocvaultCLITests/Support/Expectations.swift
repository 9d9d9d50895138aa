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
    /// Runs `body` and checks that the working folder (vault, keys and any output) did not change.
    func expectNoChange(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) throws {
        let before = try TreeSnapshot(work)
        try body()
        try expectUnchanged(before, work, sourceLocation: sourceLocation)
    }
}
