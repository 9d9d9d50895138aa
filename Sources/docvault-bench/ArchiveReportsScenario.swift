import Foundation
import VaultCore

/// `retention due`, `audit verify` and `key rotate` over the seeded archive, reported.
///
/// The audit log holds one `file` entry per seeded row. `key rotate` runs last (each run
/// rewraps every data key under a new epoch) and at most three times.
func benchArchiveReports(_ settings: SuiteSettings) throws -> [SuiteRow] {
    let archive = try seededArchive(settings)
    let size = countLabel(settings.documents)
    let commands: [(String, [String], String, Int)] = [
        ("retention due at \(size)", ["retention", "due", "--as-of", "2026-01-01", "--csv"], "officer", settings.runs),
        ("audit verify at \(size)", ["audit", "verify"], "admin", settings.runs),
        ("key rotate at \(size)", ["key", "rotate"], "admin", min(settings.runs, 3)),
    ]
    return commands.map { label, arguments, user, runs in
        let times = (1...runs).map { _ in
            let run = measure([docvault] + arguments, environment: archive.environment(user))
            require(run, "docvault \(arguments.joined(separator: " "))")
            return run
        }
        return row(label, times, references: [], targets: [.report])
    }
}
