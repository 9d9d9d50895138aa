/// Helpers for `docvault-bench` that build large, valid fixtures through the real code paths.
public enum BenchmarkSupport {
    /// Appends `count` chained `bench` entries as the session's actor, 10,000 per transaction.
    public static func fillAuditLog(session: Session, count: Int) throws {
        var remaining = count
        while remaining > 0 {
            let batch = min(remaining, 10_000)
            try session.database.writeTransaction {
                for _ in 0..<batch {
                    var note = AuditNote()
                    note.details = ["results=0"]
                    try session.appendAudit(action: "bench", target: "", outcome: .ok, note: note)
                }
            }
            remaining -= batch
        }
    }
}
