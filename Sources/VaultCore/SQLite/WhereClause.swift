/// Builds a `WHERE` clause from optional filters, keeping the SQL and its bindings in step.
///
/// A filter whose value is nil adds nothing; values are always bound, never spliced into SQL.
public struct WhereClause {
    private var clauses: [String] = []
    /// The values to bind, in the order their `?` appear.
    public private(set) var bindings: [any SQLBindable] = []

    /// An empty clause.
    public init() {}

    /// Adds `condition` when `value` is present, binding `value` once per `?` (`count` of them).
    public mutating func add(_ condition: String, _ value: (any SQLBindable)?, repeated count: Int = 1) {
        guard let value else { return }
        clauses.append(condition)
        for _ in 0..<count { bindings.append(value) }
    }

    /// `" WHERE a AND b"`, or an empty string when no filter applies.
    public var sql: String { clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ") }
}
