import Foundation
import Testing

@testable import VaultCore

/// The per-shelf counts of `document_counts` (schema version 11): kept by filing and triggers, read by `list`, checked by `verify`.
@Suite("Shelf counts")
struct ShelfCountTests {
    /// Every kept count as `"CL 2024=2"`, in shelf order.
    private static func kept(_ database: Database) throws -> [String] {
        try database.query("SELECT category, year, n FROM document_counts ORDER BY category, year").map {
            "\($0.string("category") ?? "") \($0.int("year"))=\($0.int("n"))"
        }
    }

    /// A vault with two documents on CL 2024, one on CL 2023 and one on UW 2024.
    private static func vault() throws -> TestVault {
        let test = try TestVault()
        for (category, year) in [("CL", 2024), ("CL", 2024), ("CL", 2023), ("UW", 2024)] {
            _ = try test.fileText("shelf \(category) \(year)", category: category, year: year)
        }
        return test
    }

    @Test("Filing counts each document on its shelf")
    func filingCounts() throws {
        let test = try Self.vault()
        #expect(try Self.kept(test.database) == ["CL 2023=1", "CL 2024=2", "UW 2024=1"])
        #expect(try DocumentTable.miscountedShelves(test.database).isEmpty)
    }

    @Test("No trigger fires on inserting a document: filing counts in its own statement")
    func noInsertTrigger() throws {
        let test = try TestVault()
        // An insert trigger would make every filing a multi-row statement, for which SQLite keeps a
        // statement journal of catalogue pages in a temporary file (seeding took 55% longer).
        let triggers = try test.database.query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'documents' ORDER BY name"
        ).map { ($0.string("name") ?? "", $0.string("sql") ?? "") }
        #expect(triggers.map(\.0) == ["documents_count_delete", "documents_count_move"])
        #expect(!triggers.contains { $0.1.uppercased().contains("INSERT ON") })
    }

    @Test("A category and year filter reads the kept count; any other field counts the rows")
    func countSource() throws {
        let test = try Self.vault()
        #expect(try DocumentTable.count(test.database, DocumentFilter(category: "CL", year: 2024)) == 2)
        #expect(try DocumentTable.count(test.database, DocumentFilter(category: "CL")) == 3)
        #expect(try DocumentTable.count(test.database, DocumentFilter(year: 2024)) == 3)
        #expect(try DocumentTable.count(test.database, DocumentFilter()) == 4)
        #expect(try DocumentTable.count(test.database, DocumentFilter(category: "HR", year: 2024)) == 0)
        // A kept count that is wrong on purpose shows which source answered.
        try test.database.run("UPDATE document_counts SET n = 7 WHERE category = 'CL' AND year = 2024")
        #expect(try DocumentTable.count(test.database, DocumentFilter(category: "CL", year: 2024)) == 7)
        #expect(try DocumentTable.count(test.database, DocumentFilter(category: "CL", year: 2024, docType: nil)) == 7)
        let typed = DocumentFilter(category: "CL", year: 2024, docType: "claim-form")
        #expect(!typed.onlyShelf)
        #expect(try DocumentTable.count(test.database, typed) == 0)
        #expect(try DocumentTable.count(test.database, DocumentFilter(category: "CL", year: 2024, claimNo: "X")) == 0)
    }

    @Test("Deleting a row or moving it to another shelf keeps the counts true")
    func deleteAndMove() throws {
        let test = try Self.vault()
        try test.database.run("UPDATE documents SET year = 2022 WHERE id = (SELECT MIN(id) FROM documents)")
        #expect(try Self.kept(test.database) == ["CL 2022=1", "CL 2023=1", "CL 2024=1", "UW 2024=1"])
        try test.database.run("DELETE FROM documents WHERE category = 'UW'")
        #expect(try Self.kept(test.database) == ["CL 2022=1", "CL 2023=1", "CL 2024=1", "UW 2024=0"])
        #expect(try DocumentTable.miscountedShelves(test.database).isEmpty)
        // Another column's update leaves the counts alone.
        try test.database.run("UPDATE documents SET doc_type = 'x'")
        #expect(try Self.kept(test.database) == ["CL 2022=1", "CL 2023=1", "CL 2024=1", "UW 2024=0"])
    }

    @Test("A catalogue at version 10 gets the counts of the rows it already holds")
    func migration() throws {
        let test = try Self.vault()
        try test.database.execute(
            """
            DROP TRIGGER documents_count_delete; DROP TRIGGER documents_count_move;
            DROP TABLE document_counts; CREATE INDEX documents_by_category_year ON documents(category, year);
            PRAGMA user_version = 10;
            """)
        try CatalogSchema.migrator.migrate(test.database)
        #expect(try test.database.userVersion() == 11)
        // The unique index on (category, year, item_no) serves every look-up the dropped one did.
        let dropped = try test.database.queryOne(
            "SELECT name FROM sqlite_master WHERE name = 'documents_by_category_year'")
        #expect(dropped == nil)
        #expect(try Self.kept(test.database) == ["CL 2023=1", "CL 2024=2", "UW 2024=1"])
        _ = try test.fileText("after migration", category: "CL", year: 2023)
        #expect(try Self.kept(test.database) == ["CL 2023=2", "CL 2024=2", "UW 2024=1"])
    }

    @Test("verify names a shelf whose kept count is wrong; --repair recounts it; listing counts rows again")
    func verifyAndRepair() throws {
        let test = try Self.vault()
        try test.database.run("UPDATE document_counts SET n = 5 WHERE category = 'CL' AND year = 2024")
        try test.database.run("DELETE FROM document_counts WHERE category = 'UW'")
        let report = try Verification.run(VerificationOptions(), session: test.adminSession)
        #expect(
            report.problems == [
                VerificationProblem(
                    subject: "CL 2024", kind: "shelf-count",
                    detail: "the catalogue counts 5 documents on this shelf but holds 2"),
                VerificationProblem(
                    subject: "UW 2024", kind: "shelf-count",
                    detail: "the catalogue counts 0 documents on this shelf but holds 1"),
            ])
        #expect(report.nextStep == "'docvault verify --repair' (admin) recounts the shelves")
        #expect(try test.lastAudit().outcome == .failed)
        // A plain verify changes nothing.
        #expect(try Self.kept(test.database) == ["CL 2023=1", "CL 2024=5"])
        var options = VerificationOptions()
        options.repair = true
        let repaired = try Verification.run(options, session: test.adminSession)
        #expect(repaired.problems.map(\.repaired) == [true, true])
        #expect(repaired.remaining.isEmpty)
        #expect(try Self.kept(test.database) == ["CL 2023=1", "CL 2024=2", "UW 2024=1"])
        let again = try Verification.run(VerificationOptions(), session: test.adminSession)
        #expect(again.problems.isEmpty)
    }

    @Test("A wrong shelf count adds to verify's advice without hiding the rest")
    func nextStepWithOtherProblems() {
        func report(_ kinds: String...) -> VerificationReport {
            var report = VerificationReport()
            report.problems = kinds.map { VerificationProblem(subject: "s", kind: $0, detail: "d") }
            return report
        }
        #expect(report("shelf-count").nextStep == "'docvault verify --repair' (admin) recounts the shelves")
        #expect(
            report("orphan-blob", "shelf-count").nextStep
                == "all are files without a live row: 'docvault verify --repair' (admin) removes them "
                + "and recounts the shelves")
        #expect(
            report("stray-file", "shelf-count").nextStep
                == "move the files docvault never writes out of blobs/; 'docvault verify --repair' removes the rest "
                + "and recounts the shelves")
        #expect(report("digest", "shelf-count").nextStep == "restore the named documents from a backup")
        #expect(
            report("orphan-blob").nextStep
                == "all are files without a live row: 'docvault verify --repair' (admin) removes them")
    }

    @Test("The kept count of one shelf seeks the primary key of document_counts")
    func plan() throws {
        let test = try Self.vault()
        let lines = try test.database.query(
            "EXPLAIN QUERY PLAN " + DocumentTable.shelfCountSQL + " WHERE category = ? AND year = ?", ["CL", 2024]
        ).compactMap { $0.string("detail") }
        #expect(lines.contains { $0.hasPrefix("SEARCH document_counts USING PRIMARY KEY (category=? AND year=?)") })
        #expect(!lines.contains { $0.hasPrefix("SCAN") }, "\(lines)")
    }
}
