/// A value bound to or read from an SQLite statement.
public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The value as an integer, if it is one.
    public var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The value as text, if it is text.
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The value as bytes, if it is a blob.
    public var blob: [UInt8]? {
        if case .blob(let value) = self { return value }
        return nil
    }
}

/// Types that convert to an ``SQLValue`` for binding.
public protocol SQLBindable {
    /// The SQLite value of `self`.
    var sqlValue: SQLValue { get }
}

extension Int: SQLBindable {
    /// The integer as an SQLite INTEGER.
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Int64: SQLBindable {
    /// The integer as an SQLite INTEGER.
    public var sqlValue: SQLValue { .integer(self) }
}

extension String: SQLBindable {
    /// The string as SQLite TEXT.
    public var sqlValue: SQLValue { .text(self) }
}

extension Array: SQLBindable where Element == UInt8 {
    /// The bytes as an SQLite BLOB.
    public var sqlValue: SQLValue { .blob(self) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    /// The wrapped value, or NULL.
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

extension SQLValue: SQLBindable {
    /// The value itself.
    public var sqlValue: SQLValue { self }
}

/// One result row, addressed by column name.
public struct Row: Sendable {
    let names: [String: Int]
    let values: [SQLValue]

    /// The value of column `name`, or NULL when the column is absent.
    public subscript(_ name: String) -> SQLValue {
        guard let index = names[name] else { return .null }
        return values[index]
    }

    /// Column `name` as an integer (0 when NULL).
    public func int(_ name: String) -> Int { Int(self[name].integer ?? 0) }
    /// Column `name` as text, or nil when NULL.
    public func string(_ name: String) -> String? { self[name].text }
    /// Column `name` as bytes, or nil when NULL.
    public func bytes(_ name: String) -> [UInt8]? { self[name].blob }
}
