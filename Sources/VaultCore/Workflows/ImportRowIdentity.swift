import FoundationEssentials

/// The canonical text of a ledger row whose keyed HMAC recognises the row on a re-run.
///
/// Built from what the row files, not from where it stands: the relative path as written
/// (backslashes as `/`, `./` and doubled slashes dropped, NFC) and every metadata field
/// (NFKC, trimmed, inner whitespace collapsed; the category as its code, the date as
/// `YYYY-MM-DD`), joined by U+001F after the version tag `import-row-v1`. Reordering rows or
/// columns, Chinese or English headers, the file's encoding and stray spaces do not change
/// it; changing a value does (the row is then a different document).
public enum ImportRowIdentity {
    /// The canonical text of a row filing `path` with `metadata`.
    public static func canonical(path: String, metadata: DocumentMetadata) -> String {
        let fields: [String?] = [
            metadata.category.uppercased(), String(metadata.year), metadata.docType, metadata.title,
            metadata.customerName, metadata.customerID, metadata.policyNo, metadata.claimNo, metadata.contractNo,
            metadata.docDate, metadata.notes,
        ]
        return (["import-row-v1", normalizePath(path)] + fields.map { collapse($0 ?? "") })
            .joined(separator: "\u{1F}")
    }

    /// A manifest path as compared: `/` for `\`, no `./` segments, no doubled or trailing slashes, NFC.
    public static func normalizePath(_ path: String) -> String {
        let slashed = UnicodeNormalization.nfc(path).replacingEvery("\\", with: "/")
        let absolute = slashed.hasPrefix("/")
        let parts = slashed.split(separator: "/").filter { $0 != "." }
        return (absolute ? "/" : "") + parts.joined(separator: "/")
    }

    /// NFKC, trimmed, runs of whitespace as one space.
    static func collapse(_ value: String) -> String {
        UnicodeNormalization.nfkc(value).split(whereSeparator: { $0.isWhitespace }).joined(
            separator: " ")
    }
}
