internal import CSQLite

/// A prepared SQLite statement, finalized in `deinit`.
public final class Statement {
    private let handle: OpaquePointer
    /// Weak: the connection caches its statements, and `sqlite3_close_v2` waits for any left.
    private weak var database: Database?
    /// Column names to indexes, read again when a schema change re-prepared the statement with other columns.
    private var columns: (count: Int, names: [String: Int])?
    private var columnIndex: (count: Int, names: [String: Int]) {
        let count = Int(sqlite3_column_count(handle))
        if let columns, columns.count == count { return columns }
        var names: [String: Int] = [:]
        for index in 0..<count {
            names[String(cString: sqlite3_column_name(handle, Int32(index)))] = index
        }
        columns = (count, names)
        return (count, names)
    }

    init(handle: OpaquePointer, database: Database) {
        self.handle = handle
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Resets the statement and binds `values` to its parameters in order.
    public func bind(_ values: [any SQLBindable]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value.sqlValue {
            case .null:
                result = sqlite3_bind_null(handle, index)
            case .integer(let number):
                result = sqlite3_bind_int64(handle, index, number)
            case .real(let number):
                result = sqlite3_bind_double(handle, index, number)
            case .text(let string):
                result = sqlite3_bind_text(handle, index, string, -1, sqliteTransient)
            case .blob(let bytes):
                result = bytes.withUnsafeBytes { buffer in
                    // A zero-length blob still needs a non-null pointer to be a blob, not NULL.
                    sqlite3_bind_blob(
                        handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                        Int32(buffer.count), sqliteTransient)
                }
            }
            guard result == SQLITE_OK else { throw failure(result) }
        }
    }

    /// Ends a run of the statement early and drops its bindings, so it holds no read snapshot.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// The connection's description of `result`.
    private func failure(_ result: Int32) -> DatabaseError {
        database?.lastError(result) ?? DatabaseError(code: result, message: String(cString: sqlite3_errstr(result)))
    }

    /// Advances to the next row; returns nil when the statement is done.
    public func step() throws -> Row? {
        let result = sqlite3_step(handle)
        switch result {
        case SQLITE_ROW:
            let index = columnIndex
            return Row(names: index.names, values: (0..<index.count).map(value(at:)))
        case SQLITE_DONE:
            return nil
        default:
            throw failure(result)
        }
    }

    private func value(at index: Int) -> SQLValue {
        let column = Int32(index)
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            return .text(String(cString: sqlite3_column_text(handle, column)))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob([UInt8](UnsafeRawBufferPointer(start: pointer, count: count)))
        default:
            return .null
        }
    }
}

/// SQLite's SQLITE_TRANSIENT destructor: copy the bound bytes before the call returns.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
