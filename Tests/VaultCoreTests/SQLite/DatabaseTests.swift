internal import CSQLite
import Foundation
import Testing

@testable import VaultCore

/// Tests of the SQLite wrapper: opening, binding and reading values, transactions, constraints and pragmas.
@Suite("SQLite wrapper")
struct DatabaseTests {
    /// A new database file in its own temporary folder.
    private static func makeDatabase(_ folder: TestVaultFolder) throws -> Database {
        try Database(path: folder.path + "/test.sqlite", create: true)
    }

    /// Marks a deliberate failure inside a transaction body.
    private struct Abort: Error {}

    @Test("Opening without create refuses a missing file; create makes it")
    func openAndCreate() throws {
        let folder = try TestVaultFolder()
        let path = folder.path + "/db.sqlite"
        #expect(throws: DatabaseError.self) { try Database(path: path, create: false) }
        #expect(!FileManager.default.fileExists(atPath: path))
        let database = try Database(path: path, create: true)
        try database.execute("CREATE TABLE t (x)")
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(database.path == path)
        let reopened = try Database(path: path, create: false)
        #expect(try reopened.query("SELECT name FROM sqlite_master").map { $0.string("name") } == ["t"])
    }

    @Test("A small write-ahead log stays after close; one past the threshold is folded in and emptied")
    func writeAheadLogAtClose() throws {
        let folder = try TestVaultFolder()
        let path = folder.path + "/wal.sqlite"
        func walSize() -> Int {
            (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? -1
        }
        do {
            let database = try Database(path: path, create: true)
            try database.execute("CREATE TABLE t (x BLOB)")
            try database.run("INSERT INTO t VALUES (?)", [[UInt8](repeating: 1, count: 1000)])
        }
        #expect(walSize() > 0, "a small log is kept for the next command")
        do {
            let database = try Database(path: path, create: false)
            try database.writeTransaction {
                for _ in 0..<300 { try database.run("INSERT INTO t VALUES (?)", [[UInt8](repeating: 2, count: 4000)]) }
            }
            #expect(walSize() > Database.foldThreshold)
        }
        #expect(walSize() == 0, "the closing connection folded the large log in")
        let reopened = try Database(path: path, create: false, readOnly: true)
        #expect(try reopened.queryOne("SELECT COUNT(*) AS n FROM t")?.int("n") == 301)
    }

    @Test("Only a WAL that does not exist yet is opened with SQLITE_OPEN_CREATE")
    func existingLogIsOpenedWithoutCreate() {
        let wal = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_WAL
        #expect(ExistingLogVFS.flags(wal, fileExists: true) == SQLITE_OPEN_READWRITE | SQLITE_OPEN_WAL)
        #expect(ExistingLogVFS.flags(wal, fileExists: false) == wal)
        let main = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MAIN_DB
        #expect(ExistingLogVFS.flags(main, fileExists: true) == main)
        let journal = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MAIN_JOURNAL
        #expect(ExistingLogVFS.flags(journal, fileExists: true) == journal)
    }

    @Test("The kept WAL is reopened without create through that VFS, and a missing one is made again")
    func existingLogVFSReopensAndRecreates() throws {
        let folder = try TestVaultFolder()
        let path = folder.path + "/kept.sqlite"
        do {
            let database = try Database(path: path, create: true)
            try database.execute("CREATE TABLE t (x)")
            try database.run("INSERT INTO t VALUES (1)")
        }
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        let before = ExistingLogVFS.opensWithoutCreate.load(ordering: .relaxed)
        do {
            let database = try Database(path: path, create: false)
            #expect(ExistingLogVFS.opensWithoutCreate.load(ordering: .relaxed) > before)
            try database.run("INSERT INTO t VALUES (2)")
            try database.checkpoint()
        }
        for suffix in ["-wal", "-shm"] { try FileManager.default.removeItem(atPath: path + suffix) }
        do {
            let database = try Database(path: path, create: false)
            try database.run("INSERT INTO t VALUES (3)")
        }
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        let reopened = try Database(path: path, create: false, readOnly: true)
        #expect(try reopened.query("SELECT x FROM t ORDER BY x").map { $0.int("x") } == [1, 2, 3])
    }

    @Test("A WAL deleted between the existence check and the open is created after all")
    func vanishedLogIsCreatedOnRetry() throws {
        let folder = try TestVaultFolder()
        let database = folder.path + "/gone.sqlite"
        let wal = database + "-wal"
        // The unix VFS takes a WAL's permissions from its database file, so that one exists.
        #expect(FileManager.default.createFile(atPath: database, contents: Data()))
        let base = try #require(sqlite3_vfs_find(nil))
        let file = UnsafeMutableRawPointer.allocate(byteCount: Int(base.pointee.szOsFile), alignment: 16)
        defer { file.deallocate() }
        file.initializeMemory(as: UInt8.self, repeating: 0, count: Int(base.pointee.szOsFile))
        let handle = file.assumingMemoryBound(to: sqlite3_file.self)
        var outFlags: Int32 = 0
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_WAL
        // access(2) said the WAL was there; it is not: the open without create fails and is retried with it.
        let result = wal.withCString { path in
            ExistingLogVFS.open(
                through: base, path: path, file: handle, flags: flags, outFlags: &outFlags, fileExists: true)
        }
        #expect(result == SQLITE_OK)
        #expect(FileManager.default.fileExists(atPath: wal))
        if result == SQLITE_OK, let close = handle.pointee.pMethods?.pointee.xClose { _ = close(handle) }
    }

    @Test("A reader elsewhere at close leaves the large log in place at once, and the next close folds it")
    func writeAheadLogFoldWaitsForNoReader() throws {
        let folder = try TestVaultFolder()
        let path = folder.path + "/busy.sqlite"
        func walSize() -> Int {
            (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? -1
        }
        let reader = try Database(path: path, create: true)
        try reader.execute("CREATE TABLE t (x BLOB)")
        let statement = try reader.prepare("SELECT x FROM t")
        let started = Date()
        do {
            let writer = try Database(path: path, create: false)
            try writer.writeTransaction {
                for _ in 0..<300 { try writer.run("INSERT INTO t VALUES (?)", [[UInt8](repeating: 3, count: 4000)]) }
            }
            // The reader's snapshot is open while the writer closes.
            _ = try statement.step()
        }
        #expect(Date().timeIntervalSince(started) < 5, "closing waited for the reader")
        #expect(walSize() > Database.foldThreshold, "the log stays while another connection reads")
        statement.reset()
        do {
            let writer = try Database(path: path, create: false)
            #expect(try writer.queryOne("SELECT COUNT(*) AS n FROM t")?.int("n") == 300)
        }
        #expect(walSize() == 0, "the next connection to close folded it in")
    }

    @Test("Every SQLValue kind round-trips, and an empty blob stays a blob, not NULL")
    func valueKinds() throws {
        let folder = try TestVaultFolder()
        let database = try Self.makeDatabase(folder)
        try database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v)")
        let values: [SQLValue] = [
            .null, .integer(0), .integer(Int64.max), .integer(Int64.min), .real(2.5), .real(-0.125), .text(""),
            .text("Gr\u{00FC}\u{00DF}e \u{4F60}\u{597D} \u{1F600}"), .blob([]), .blob([0, 1, 2, 255]),
        ]
        for value in values {
            try database.run("INSERT INTO t (v) VALUES (?)", [value])
        }
        let rows = try database.query("SELECT v, typeof(v) AS type FROM t ORDER BY id")
        #expect(rows.map { $0["v"] } == values)
        #expect(
            rows.map { $0.string("type") } == [
                "null", "integer", "integer", "integer", "real", "real", "text", "text", "blob", "blob",
            ])
        let emptyBlob = try #require(try database.queryOne("SELECT v FROM t WHERE id = 9"))
        #expect(emptyBlob.bytes("v") == [])
        let null = try #require(try database.queryOne("SELECT v FROM t WHERE id = 1"))
        #expect(null.bytes("v") == nil)
        #expect(null["v"] == .null)
    }

    @Test("Swift values bind as their SQLite types, nil optionals as NULL")
    func bindableTypes() throws {
        let folder = try TestVaultFolder()
        let database = try Self.makeDatabase(folder)
        let missing: String? = nil
        let present: Int? = 7
        let row = try #require(
            try database.queryOne(
                "SELECT ? AS a, ? AS b, ? AS c, ? AS d, ? AS e, ? AS f, typeof(?) AS g",
                [42, Int64(-9), "text", [UInt8]([9, 8]), missing, present, [UInt8]()]))
        #expect(row["a"] == .integer(42))
        #expect(row["b"] == .integer(-9))
        #expect(row.string("c") == "text")
        #expect(row.bytes("d") == [9, 8])
        #expect(row["e"] == .null)
        #expect(row.int("f") == 7)
        #expect(row.string("g") == "blob")
        #expect(row["no_such_column"] == .null)
        #expect(row.int("no_such_column") == 0)
        #expect(row.string("a") == nil)
    }

    @Test("query returns every row, queryOne the first or nil")
    func queryAndQueryOne() throws {
        let folder = try TestVaultFolder()
        let database = try Self.makeDatabase(folder)
        try database.execute("CREATE TABLE t (n INTEGER)")
        for number in [3, 1, 2] { try database.run("INSERT INTO t VALUES (?)", [number]) }
        #expect(database.lastInsertRowID == 3)
        #expect(try database.query("SELECT n FROM t ORDER BY n").map { $0.int("n") } == [1, 2, 3])
        #expect(try database.queryOne("SELECT n FROM t ORDER BY n DESC")?.int("n") == 3)
        #expect(try database.queryOne("SELECT n FROM t WHERE n > ?", [10]) == nil)
        #expect(try database.query("SELECT n FROM t WHERE n > ?", [10]).isEmpty)
    }

    @Test("A prepared statement can be rebound and run again")
    func rebindStatement() throws {
        let folder = try TestVaultFolder()
        let database = try Self.makeDatabase(folder)
        let statement = try database.prepare("SELECT ? * 2 AS doubled")
        try statement.bind([2])
        #expect(try statement.step()?.int("doubled") == 4)
        try statement.bind([5])
        #expect(try statement.step()?.int("doubled") == 10)
        #expect(try statement.step() == nil)
    }

    @Test("writeTransaction commits on return")
    func transactionCommits() throws {
        let folder = try TestVaultFolder()
        let database = try Self.makeDatabase(folder)
        try database.execute("CREATE TABLE t (n INTEGER)")
        let result = try database.writeTransaction {
            try database.run("INSERT INTO t VALUES (1)")
            try database.run("INSERT INTO t VALUES (2)")
            return "done"
        }
        #expect(result == "done")
        let other = try Database(path: database.path, create: false)
        #expect(try other.queryOne("SELECT COUNT(*) AS c FROM t")?.int("c") == 2)
    }

    @Test("writeTransaction rolls back and rethrows when the body throws")
    func transactionRollsBack() throws {
        let folder = try TestVaultFolder()
        let database = try Self.makeDatabase(folder)
        try database.execute("CREATE TABLE t (n INTEGER)")
        try database.run("INSERT INTO t VALUES (0)")
        #expect(throws: Abort.self) {
            try database.writeTransaction {
                try database.run("INSERT INTO t VALUES (1)")
                try database.run("DELETE FROM t WHERE n = 0")
                throw Abort()
            }
        }
        #expect(try database.query("SELECT n FROM t").map { $0.int("n") } == [0])
        // The connection is usable for a new transaction afterwards.
        try database.writeTransaction { try database.run("INSERT INTO t VALUES (5)") }
        #expect(try database.query("SELECT n FROM t ORDER BY n").map { $0.int("n") } == [0, 5])
    }

    @Test("Constraint failures are recognised; other failures are not")
    func constraintViolations() throws {
        let folder = try TestVaultFolder()
        let database = try Self.makeDatabase(folder)
        try database.execute(
            """
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                age INTEGER CHECK (age >= 0),
                parent INTEGER REFERENCES parent(id)
            );
            INSERT INTO child (name, age) VALUES ('a', 1);
            """)
        let violations = [
            "INSERT INTO child (name) VALUES ('a')",
            "INSERT INTO child (name) VALUES (NULL)",
            "INSERT INTO child (name, age) VALUES ('b', -1)",
            "INSERT INTO child (name, parent) VALUES ('c', 99)",
        ]
        for sql in violations {
            let error = #expect(throws: DatabaseError.self, "\(sql)") { try database.run(sql) }
            #expect(error?.isConstraintViolation == true, "\(sql)")
            #expect(error?.isBusy == false)
        }
        let syntax = #expect(throws: DatabaseError.self) { try database.run("INSERT INTO nowhere VALUES (1)") }
        #expect(syntax?.isConstraintViolation == false)
        #expect(syntax?.description.hasPrefix("SQLite error") == true)
    }

    @Test("WAL journal, foreign keys and secure delete are on")
    func pragmas() throws {
        let folder = try TestVaultFolder()
        let database = try Self.makeDatabase(folder)
        #expect(try database.queryOne("PRAGMA journal_mode")?.string("journal_mode") == "wal")
        #expect(try database.queryOne("PRAGMA foreign_keys")?.int("foreign_keys") == 1)
        #expect(try database.queryOne("PRAGMA secure_delete")?.int("secure_delete") == 1)
        #expect(try database.queryOne("PRAGMA synchronous")?.int("synchronous") == 2)
        let readOnly = try Database(path: database.path, create: false, readOnly: true)
        #expect(try readOnly.queryOne("PRAGMA foreign_keys")?.int("foreign_keys") == 1)
        #expect(try readOnly.queryOne("PRAGMA secure_delete")?.int("secure_delete") == 1)
        #expect(throws: DatabaseError.self) { try readOnly.execute("CREATE TABLE t (x)") }
    }

    @Test("A file that is not a database is reported as corrupt")
    func notADatabase() throws {
        let folder = try TestVaultFolder()
        let path = try folder.write("junk.sqlite", Array(repeating: 0x41, count: 4096))
        let error = #expect(throws: DatabaseError.self) {
            let database = try Database(path: path, create: false)
            _ = try database.query("SELECT * FROM sqlite_master")
        }
        #expect(error?.isCorrupt == true)
    }
}

/// Tests of the numbered-migration runner.
@Suite("Migrator")
struct MigratorTests {
    @Test("Pending migrations run once each and set user_version")
    func runsPendingOnce() throws {
        let folder = try TestVaultFolder()
        let database = try Database(path: folder.path + "/m.sqlite", create: true)
        let two = Migrator(migrations: ["CREATE TABLE a (x)", "CREATE TABLE b (x); INSERT INTO b VALUES (1)"])
        #expect(two.latestVersion == 2)
        try two.migrate(database)
        #expect(try database.userVersion() == 2)
        // Running again must not re-run a migration (CREATE TABLE would fail, the INSERT would duplicate).
        try two.migrate(database)
        #expect(try database.queryOne("SELECT COUNT(*) AS c FROM b")?.int("c") == 1)
        let three = Migrator(migrations: two.migrations + ["INSERT INTO b VALUES (2)"])
        try three.migrate(database)
        #expect(try database.userVersion() == 3)
        #expect(try database.queryOne("SELECT COUNT(*) AS c FROM b")?.int("c") == 2)
    }

    @Test("A database from a newer release is refused and left untouched")
    func refusesNewer() throws {
        let folder = try TestVaultFolder()
        let database = try Database(path: folder.path + "/m.sqlite", create: true)
        try database.execute("PRAGMA user_version = 5")
        let error = #expect(throws: MigrationError.self) {
            try Migrator(migrations: ["CREATE TABLE a (x)"]).migrate(database)
        }
        #expect(error == .newerThanSoftware(5))
        #expect(try database.userVersion() == 5)
        #expect(try database.query("SELECT name FROM sqlite_master").isEmpty)
    }

    @Test("A failing migration rolls back every migration of the run")
    func failingMigrationRollsBack() throws {
        let folder = try TestVaultFolder()
        let database = try Database(path: folder.path + "/m.sqlite", create: true)
        #expect(throws: DatabaseError.self) {
            try Migrator(migrations: ["CREATE TABLE a (x)", "CREATE TABLE a (y)"]).migrate(database)
        }
        #expect(try database.userVersion() == 0)
        #expect(try database.query("SELECT name FROM sqlite_master").isEmpty)
    }

    @Test("The catalogue schema migrates a new database to its latest version")
    func catalogSchema() throws {
        let folder = try TestVaultFolder()
        let database = try Database(path: folder.path + "/c.sqlite", create: true)
        try CatalogSchema.migrator.migrate(database)
        #expect(try database.userVersion() == CatalogSchema.migrator.latestVersion)
        let tables = try database.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .compactMap { $0.string("name") }
        #expect(
            tables == [
                "audit_keys", "audit_log", "business_events", "categories", "completeness_rules", "customer_changes",
                "customers", "destruction_batches", "destruction_items", "document_counts", "documents", "import_rows",
                "keyslots",
                "legal_holds",
                "loan_items",
                "loans", "retention_floors", "retention_rules", "users", "vault_keys", "vault_meta", "vault_settings",
            ])
        // Version 9 adds no table: loans gain a kind, read by default, and nothing else is accepted.
        let kind = try #require(
            try database.query("PRAGMA table_info(loans)").first { $0.string("name") == "kind" })
        #expect(kind.string("type") == "TEXT")
        #expect(kind.int("notnull") == 1)
        #expect(kind.string("dflt_value") == "'read'")
        try database.run(
            "INSERT INTO loans (id, requester, purpose_sealed, scope, requested_days, status, requested_at) "
                + "VALUES (1, 'a', x'01', 'references', 7, 'requested', 'now')")
        #expect(try database.queryOne("SELECT kind FROM loans WHERE id = 1")?.string("kind") == "read")
        #expect(throws: (any Error).self) {
            try database.run("UPDATE loans SET kind = 'copy' WHERE id = 1")
        }
    }
}
