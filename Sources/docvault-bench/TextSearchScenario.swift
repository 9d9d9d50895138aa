import Foundation
import VaultCore

/// `search --text WORD` over every sealed title of the seeded archive (about one title in 64 holds the word).
///
/// At most three runs: at a million documents each opens every sealed field of every row.
func benchTextSearch(_ settings: SuiteSettings) throws -> [SuiteRow] {
    let archive = try seededArchive(settings)
    let env = archive.environment("clerk")
    var runs: [Measurement] = []
    for _ in 1...min(settings.runs, 3) {
        let run = measure([docvault, "search", "--text", archive.seeded.sampleWord], environment: env)
        require(run, "docvault search --text")
        runs.append(run)
    }
    return [row("search --text at \(countLabel(settings.documents))", runs, references: [], targets: [.report])]
}
