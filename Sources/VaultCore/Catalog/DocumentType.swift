/// How document types are compared: as words, so `monthly-report` contains `report` but `reporting-ledger` does not.
public enum DocumentType {
    /// The words of a document type: lower-cased, split on `-`, `_` and spaces.
    public static func words(_ type: String) -> [Substring] {
        type.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " })
    }

    /// Whether the words of `phrase` appear as a contiguous run in the words of `type`.
    public static func contains(_ type: String?, phrase: String) -> Bool {
        guard let type else { return false }
        let wanted = words(phrase)
        let have = words(type)
        guard !wanted.isEmpty, wanted.count <= have.count else { return false }
        return (0...(have.count - wanted.count)).contains { start in
            Array(have[start..<(start + wanted.count)]) == wanted
        }
    }
}
