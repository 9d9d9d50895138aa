import FoundationEssentials

/// A loan as the register shows it; `status` includes the derived `overdue`.
public struct LoanDetails: Sendable, Codable, Equatable {
    /// The loan number.
    public let id: Int
    /// Who asked for it (the borrower).
    public let requester: String
    /// The borrower's roles now (the form's "unit/role").
    public let requesterRoles: [String]
    /// Why it was asked for (stored sealed).
    public let purpose: String
    /// How the documents were named: `references`, `policy:NO`, `claim:NO` or `customer`.
    public let scope: String
    /// `read` (get only) or `export` (get and export a transfer package).
    public let kind: String
    /// The references it covers, resolved at request time.
    public let items: [String]
    /// requested, active, overdue, returned, denied or revoked.
    public let status: String
    /// When it was requested.
    public let requestedAt: String
    /// The period asked for, in days.
    public let requestedDays: Int
    /// Who approved or denied the request.
    public let decidedBy: String?
    /// When it was approved or denied.
    public let decidedAt: String?
    /// When it falls due (after approval).
    public let dueAt: String?
    /// Days of a renewal waiting for approval.
    public let renewalDays: Int?
    /// Who approved the last renewal.
    public let renewedBy: String?
    /// When the last renewal was approved.
    public let renewedAt: String?
    /// Who recorded the return.
    public let returnedBy: String?
    /// When it was returned.
    public let returnedAt: String?
    /// Who revoked it.
    public let closedBy: String?
    /// When it was revoked.
    public let closedAt: String?
    /// Why it was denied or revoked (stored sealed).
    public let reason: String?
}

/// Which loans `borrow list` shows.
public struct LoanFilter: Sendable {
    /// Only the actor's own loans.
    public var mine = false
    /// Only this status: requested, active, overdue, returned, denied or revoked.
    public var status: String?
    /// Only loans of this user.
    public var user: String?

    /// A filter that shows the whole register (as far as the actor may see it).
    public init() {}
}

/// Reading the borrowing register: the list and single loans.
///
/// Archivists, approvers, compliance, auditors and admins see the whole register;
/// anyone else sees only their own loans.
public enum BorrowingRegister {
    /// Statuses a filter may name.
    public static let statuses = ["requested", "active", "overdue", "returned", "denied", "revoked"]

    /// The register, oldest first, filtered; users who are not register readers see only their own loans.
    public static func list(_ filter: LoanFilter, session: Session) throws -> [LoanDetails] {
        var note = AuditNote()
        note.details = [
            filter.mine ? "mine" : nil, filter.status.map { "status=\($0)" }, filter.user.map { "user=\($0)" },
        ]
        .compactMap { $0 }
        return try session.perform(.borrowList, note: note) { note in
            if let status = filter.status, !statuses.contains(status) {
                throw VaultError.usage("--status must be one of \(statuses.joined(separator: ", "))")
            }
            let requester = filter.mine || !readsWholeRegister(session) ? session.actor.name : filter.user
            if let user = filter.user, let requester, user != requester {
                note.details.append("results=0")
                return []
            }
            let stored: [String]? = filter.status.map { $0 == "overdue" ? ["active"] : [$0] }
            let now = session.now()
            let loans = try LoanTable.all(session.database, requester: requester, statuses: stored)
                .filter { filter.status == nil || LoanAccess.status(of: $0, at: now) == filter.status }
            note.details.append("results=\(loans.count)")
            return try loans.map { try details(of: $0, session: session) }
        }
    }

    /// One loan; borrowers who are not register readers see only their own.
    public static func show(_ id: Int, session: Session) throws -> LoanDetails {
        try session.perform(.borrowShow, target: "loan:\(id)") { _ in
            let loan = try Borrowing.existing(id, session)
            guard readsWholeRegister(session) || loan.requester == session.actor.name else {
                throw VaultError.denied(
                    "loan \(id) is not yours; the whole register is for archivists, approvers, compliance and auditors")
            }
            return try details(of: loan, session: session)
        }
    }

    static func details(_ id: Int, session: Session) throws -> LoanDetails {
        try details(of: try Borrowing.existing(id, session), session: session)
    }

    private static func readsWholeRegister(_ session: Session) -> Bool {
        session.roles.contains { Permissions.registerReaders.contains($0) }
    }

    private static func details(of loan: LoanRow, session: Session) throws -> LoanDetails {
        let roles = try UserTable.find(session.database, name: loan.requester)?.roles ?? []
        return LoanDetails(
            id: loan.id, requester: loan.requester, requesterRoles: roles,
            purpose: try session.keys.openLoan(loan.purposeSealed, loanID: loan.id, field: "purpose"),
            scope: loan.scope, kind: loan.kind, items: try LoanTable.references(session.database, loanID: loan.id),
            status: LoanAccess.status(of: loan, at: session.now()), requestedAt: loan.requestedAt,
            requestedDays: loan.requestedDays, decidedBy: loan.decidedBy, decidedAt: loan.decidedAt, dueAt: loan.dueAt,
            renewalDays: loan.renewalDays, renewedBy: loan.renewedBy, renewedAt: loan.renewedAt,
            returnedBy: loan.returnedBy, returnedAt: loan.returnedAt, closedBy: loan.closedBy, closedAt: loan.closedAt,
            reason: try loan.reasonSealed.map { try session.keys.openLoan($0, loanID: loan.id, field: "reason") })
    }
}
