import Foundation
import VaultCore

/// `list --category CL --year 2024` at the seeded size, time to the first row and to all rows,
/// beside the sqlite3 tool running the query `list` runs on the same catalogue.
///
/// docvault's first row is its second line (after the heading); sqlite3 prints no heading.
/// sqlite3 prints the sealed columns as they are stored; docvault opens the title of every row.
func benchList(_ settings: SuiteSettings) throws -> [SuiteRow] {
    let archive = try seededArchive(settings)
    let env = archive.environment("clerk")
    let query = "SELECT * FROM documents WHERE category = 'CL' AND year = 2024 ORDER BY category, year, item_no;"
    var lists: [Measurement] = []
    var sqlite: [Measurement] = []
    for _ in 1...settings.runs {
        let run = measureStreaming(
            [docvault, "list", "--category", "CL", "--year", "2024"], environment: env, firstRowLine: 2,
            wrapped: false)
        require(run, "docvault list")
        lists.append(run)
        let reference = measureStreaming(
            ["/usr/bin/sqlite3", archive.location.catalogPath, query], firstRowLine: 1, wrapped: false)
        require(reference, "sqlite3")
        sqlite.append(reference)
    }
    let size = countLabel(settings.documents)
    var first = row(
        "list CL 2024 at \(size), first row", lists,
        references: [("sqlite3", sqlite.map { $0.firstRowSeconds ?? $0.seconds })],
        targets: [.atMost(3, times: "sqlite3")])
    first.seconds = median(lists.map { $0.firstRowSeconds ?? $0.seconds })
    first.peakKiB = peakKiB([docvault, "list", "--category", "CL", "--year", "2024"], environment: env)
    var all = row(
        "list CL 2024 at \(size), all rows", lists, references: [("sqlite3", sqlite.map(\.seconds))],
        targets: [.atMost(3, times: "sqlite3")])
    all.peakKiB = first.peakKiB
    return [first, all]
}
