/// A failure reported by SQLite, carrying its result code and message but never a bound value.
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    /// SQLite's extended result code.
    public let code: Int32
    /// SQLite's message for the failure.
    public let message: String

    /// Whether the failure came from a UNIQUE, FOREIGN KEY, CHECK or NOT NULL constraint.
    public var isConstraintViolation: Bool { code & 0xFF == 19 }
    /// Whether another connection held the lock past the busy timeout.
    public var isBusy: Bool { code & 0xFF == 5 || code & 0xFF == 6 }
    /// Whether a write found no room: `SQLITE_FULL`, or `SQLITE_IOERR_SHMSIZE` (the shared-memory
    /// index of the write-ahead log could not grow, which on opening means the disk is full).
    public var isFull: Bool { code & 0xFF == 13 || code == 4874 }
    /// Whether the file is not a database or is corrupt.
    public var isCorrupt: Bool { code & 0xFF == 11 || code & 0xFF == 26 }

    /// A one-line description for logs; contains no bound values.
    public var description: String { "SQLite error \(code): \(message)" }
}
