#if canImport(Glibc)
    import Glibc
#endif

/// The environment's `DOCVAULT_` variables, the only ones docvault reads.
///
/// Read from `environ` once at start-up. `ProcessInfo.processInfo.environment` turned every
/// variable into Swift strings and hashed them (0.74 M of the 13.1 M instructions of a whole
/// `show`'s main thread, callgrind). A handful of names is searched in order: with no
/// `[String: String]` specialisation in the start-up path, `show` took 888 page faults
/// instead of 926 and 8.37 ms instead of 8.92 (medians of 150 interleaved runs).
struct Variables: Sendable {
    private let names: [String]
    private let values: [String]

    /// Variables with these names and values; the first of a repeated name wins.
    init(_ pairs: [(name: String, value: String)] = []) {
        names = pairs.map(\.name)
        values = pairs.map(\.value)
    }

    /// The value of `name`, or nil when it is not set.
    subscript(name: String) -> String? { names.firstIndex(of: name).map { values[$0] } }

    /// This process's `DOCVAULT_` variables; the first of a repeated name wins, as for `getenv`.
    static func ofThisProcess() -> Variables {
        var pairs: [(name: String, value: String)] = []
        var entry = environ
        while let variable = entry.pointee {
            entry += 1
            guard strncmp(variable, "DOCVAULT_", 9) == 0 else { continue }
            let text = String(cString: variable)
            guard let equals = text.firstIndex(of: "=") else { continue }
            pairs.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
        }
        return Variables(pairs)
    }
}
