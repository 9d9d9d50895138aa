internal import CSQLite
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// One SQLite connection configured the way the vault needs it.
///
/// WAL journal, `foreign_keys=ON`, `secure_delete=ON`, a busy timeout, and write
/// transactions that start with `BEGIN IMMEDIATE` so two writers never deadlock
/// half-way. The connection handle is owned here and closed in `deinit`.
public final class Database {
    private let handle: OpaquePointer
    /// Statements `run`, `query` and `queryOne` prepared before, by SQL text.
    ///
    /// Parsing the same INSERTs again for every document was 11% of an import's
    /// instructions (callgrind, 300 documents). Bounded, because a few callers build
    /// SQL with a variable number of parameters.
    private var statements: [String: Statement] = [:]
    /// The path this connection opened.
    public let path: String
    /// Whether this connection may write (and so may fold the WAL in when it closes).
    private let writable: Bool

    /// Opens the database at `path`; creates it only when `create` is true.
    public init(path: String, create: Bool, readOnly: Bool = false) throws {
        var connection: OpaquePointer?
        var flags = SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW
        flags |= readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create { flags |= SQLITE_OPEN_CREATE }
        let result = sqlite3_open_v2(path, &connection, flags, ExistingLogVFS.name)
        guard result == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
            sqlite3_close_v2(connection)
            throw DatabaseError(code: result, message: message)
        }
        handle = connection
        self.path = path
        writable = !readOnly
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 10_000)
        try execute("PRAGMA foreign_keys = ON")
        try execute("PRAGMA secure_delete = ON")
        if !readOnly {
            _ = try query("PRAGMA journal_mode = WAL")
            try execute("PRAGMA synchronous = FULL")
            try keepWriteAheadLog()
        }
    }

    /// Keeps `-wal` between processes: no checkpoint at close, and the file is not deleted.
    ///
    /// Every command is one short process that commits at least its audit entry. With
    /// SQLite's defaults the last close then checkpointed (two more fdatasyncs) and deleted
    /// the WAL, so the next process recreated it and synced the folder: four of the seven
    /// syncs of a `docvault file`. The WAL is folded in and emptied by the process that closes
    /// the catalogue with more than ``foldThreshold`` bytes in it, and wherever the vault
    /// truncates it on purpose after deleting key material; `journal_size_limit` bounds what a
    /// large transaction leaves.
    private func keepWriteAheadLog() throws {
        var persist: Int32 = 1
        let result = sqlite3_file_control(handle, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
        guard result == SQLITE_OK else { throw lastError(result) }
        let config = docvault_sqlite3_no_checkpoint_on_close(handle)
        guard config == SQLITE_OK else { throw lastError(config) }
        _ = try query("PRAGMA journal_size_limit = 16777216")
    }

    /// The `-wal` size past which closing the catalogue folds the log in and empties it (1 MiB).
    ///
    /// SQLite keeps how much of the WAL is already in the main file in `-shm`, and the first
    /// connection of every process rebuilds `-shm` by reading every frame: 700 frames cost
    /// 3.6 M instructions of a `search`, and then SQLite's own checkpoint, which starts at 1000
    /// frames, copied the whole log again in every later process, because the log restarts
    /// only when the same process writes again. A command commits 5 to 10 pages, so about one
    /// in fifty pays for a TRUNCATE checkpoint at exit.
    static let foldThreshold = 1 << 20

    deinit {
        statements.removeAll()
        if writable { foldLargeLog() }
        sqlite3_close_v2(handle)
    }

    /// Checkpoints and empties a WAL larger than ``foldThreshold``; gives up at once if another process reads.
    private func foldLargeLog() {
        var info = stat()
        guard stat(path + "-wal", &info) == 0, Int(info.st_size) > Self.foldThreshold else { return }
        // Never wait at exit for a reader: the next command that closes will try again.
        sqlite3_busy_timeout(handle, 0)
        _ = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
    }

    /// Runs one or more SQL statements that take no parameters.
    public func execute(_ sql: String) throws {
        let result = sqlite3_exec(handle, sql, nil, nil, nil)
        guard result == SQLITE_OK else { throw lastError(result) }
    }

    /// Prepares `sql` for repeated use.
    public func prepare(_ sql: String) throws -> Statement {
        #if DOCVAULT_SQL_TRACE
            SQLTrace.record(sql)
        #endif
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard result == SQLITE_OK, let statement else { throw lastError(result) }
        return Statement(handle: statement, database: self)
    }

    /// Runs a statement that returns no rows.
    public func run(_ sql: String, _ bindings: [any SQLBindable] = []) throws {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(bindings)
        while try statement.step() != nil {}
    }

    /// Runs a query and returns all its rows.
    public func query(_ sql: String, _ bindings: [any SQLBindable] = []) throws -> [Row] {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(bindings)
        var rows: [Row] = []
        while let row = try statement.step() { rows.append(row) }
        return rows
    }

    /// Runs a query and returns its first row, if any.
    public func queryOne(_ sql: String, _ bindings: [any SQLBindable] = []) throws -> Row? {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(bindings)
        return try statement.step()
    }

    /// The cached statement for `sql`, prepared on first use; each use resets it when done.
    private func cached(_ sql: String) throws -> Statement {
        if let statement = statements[sql] { return statement }
        let statement = try prepare(sql)
        if statements.count >= 128 { statements.removeAll() }
        statements[sql] = statement
        return statement
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction, committing on return and rolling back on throw.
    @discardableResult
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// How many rows the last INSERT, UPDATE or DELETE changed.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the last inserted row.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// The schema version kept in `PRAGMA user_version`.
    public func userVersion() throws -> Int {
        try queryOne("PRAGMA user_version")?["user_version"].integer.map { Int($0) } ?? 0
    }

    /// Copies committed WAL content into the main file and truncates the WAL.
    public func checkpoint() throws {
        _ = try query("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    func lastError(_ result: Int32) -> DatabaseError {
        DatabaseError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
    }
}
