import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

#if DOCVAULT_SQL_TRACE
    /// Debug builds only: appends every prepared statement to the file `DOCVAULT_TRACE_SQL` names.
    ///
    /// The query-plan coverage test runs commands with it set, then asks SQLite how it would run
    /// each statement they prepared. One statement per line, whitespace collapsed; release builds
    /// never compile this in.
    enum SQLTrace {
        private static let descriptor: Int32 = {
            guard let path = ProcessInfo.processInfo.environment["DOCVAULT_TRACE_SQL"], !path.isEmpty else {
                return -1
            }
            return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        }()

        /// Appends `sql` as one line when tracing is on.
        static func record(_ sql: String) {
            guard descriptor >= 0 else { return }
            let line = sql.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") + "\n"
            _ = line.withCString { write(descriptor, $0, strlen($0)) }
        }
    }
#endif
