import FoundationEssentials

/// Which case file `dossier show` opens.
public enum DossierSelector: Sendable, Equatable {
    case policy(String)
    case claim(String)
    /// A customer ID number, matched through its blind index (case, spaces and hyphens ignored).
    case customerID(String)

    /// The same selector with a policy or claim number's surrounding spaces removed (as holds take them).
    var trimmed: DossierSelector {
        switch self {
        case .policy(let number): .policy(number.trimmingSpaces())
        case .claim(let number): .claim(number.trimmingSpaces())
        case .customerID: self
        }
    }
}

/// One line of a case file's table of contents (卷内目录).
public struct DossierEntry: Sendable, Equatable, Codable {
    public let reference: String
    public let category: String
    public let type: String?
    /// The document's date, or the day it was filed when it has none.
    public let date: String
    /// Opened from the sealed title; nil for a destroyed document (its tombstone keeps none).
    public let title: String?
    public let size: Int
    /// `active` or `destroyed`.
    public let status: String
}

/// Case files: every document filed under one policy, claim or customer, in date order.
public enum Dossier {
    /// The table of contents of the case file `selector` names, oldest first (reference order within a day).
    ///
    /// Unknown numbers are `inputMissing` (66). A customer ID is logged sealed, never in clear.
    public static func show(_ given: DossierSelector, session: Session) throws -> [DossierEntry] {
        let selector = given.trimmed
        var note = AuditNote()
        let target: String
        switch selector {
        case .policy(let number): target = "policy:\(number)"
        case .claim(let number): target = "claim:\(number)"
        case .customerID(let id):
            target = "customer"
            note.sensitive.append("customer-id=\(id)")
        }
        return try session.perform(.dossierShow, target: target, note: note) { note in
            let rows = try documents(selector, session: session)
            guard !rows.isEmpty else {
                switch selector {
                case .policy(let number):
                    throw VaultError.inputMissing(
                        "no documents filed under policy \(number); 'docvault search' finds them")
                case .claim(let number):
                    throw VaultError.inputMissing(
                        "no documents filed under claim \(number); 'docvault search' finds them")
                case .customerID:
                    throw VaultError.inputMissing(
                        "no documents filed under that customer ID; check the number or try 'docvault search --customer'"
                    )
                }
            }
            let entries = try rows.map { row in
                DossierEntry(
                    reference: row.reference, category: row.category, type: row.docType,
                    date: row.docDate ?? String(row.filedAt.prefix(10)),
                    title: try session.keys.openText(row.titleSealed, field: "title", documentUID: row.uid),
                    size: row.size, status: row.status)
            }
            note.details = ["results=\(entries.count)"]
            return entries.sorted { ($0.date, $0.reference) < ($1.date, $1.reference) }
        }
    }

    private static func documents(_ selector: DossierSelector, session: Session) throws -> [DocumentRow] {
        var filter = DocumentFilter()
        switch selector {
        case .policy(let number): filter.policyNo = number
        case .claim(let number): filter.claimNo = number
        case .customerID(let id):
            guard let index = try session.keys.blindIndex(id, field: "customer_id") else { return [] }
            filter.customerIDIndex = index
        }
        return try DocumentTable.matching(session.database, filter)
    }
}
