import FoundationEssentials

/// Why `get` refused a document: the reason code stored in clear in the audit entry.
public enum LoanRefusal: String, Sendable, CaseIterable {
    /// No loan of the reader covers the document.
    case noLoan = "no-loan"
    /// The covering loan still waits for approval.
    case pending
    /// The covering loan is past its due date.
    case expired
    /// The covering loan was revoked.
    case revoked
    /// The covering loan was returned.
    case returned
    /// The covering request was denied.
    case denied
    /// The document was destroyed; no loan can cover it.
    case destroyed
    /// Only a read loan covers the document, and the action (export) needs an export loan.
    case readOnly = "read-only"
}

/// The rules that tie reading content to the borrowing register.
///
/// `get` asks ``requireLoan(for:session:note:)``; destruction asks
/// ``outstandingLoans(documentID:database:)`` so that a document still out on
/// loan is never destroyed.
public enum LoanAccess {
    /// The loan id that lets the actor read `row` now; otherwise a refusal naming why.
    ///
    /// Whatever the role, only the borrower of an active loan that covers the
    /// document and whose due date has not passed may read it. For `.export` only an
    /// export loan counts (a read loan never permits export). The refusal code
    /// (``LoanRefusal``) and the loan it concerns go into `note` in clear.
    static func requireLoan(
        for row: DocumentRow, kind: LoanKind = .read, session: Session, note: inout AuditNote
    ) throws -> Int {
        guard row.status == "active" else {
            note.details.append("refused=\(LoanRefusal.destroyed.rawValue)")
            note.outcome = .denied
            throw VaultError.inputMissing(
                Destruction.destroyedMessage(row, database: session.database, "its content no longer exists"))
        }
        let now = session.now()
        let covering = try LoanTable.covering(session.database, documentID: row.id, requester: session.actor.name)
        let loans = kind == .export ? covering.filter { $0.kind == LoanKind.export.rawValue } : covering
        if let loan = loans.first(where: { status(of: $0, at: now) == "active" }) { return loan.id }
        let refusal: LoanRefusal
        let message: String
        let reference = row.reference
        if let loan = loans.first(where: { status(of: $0, at: now) == "overdue" }) {
            (refusal, message) = (
                .expired, "loan \(loan.id) expired on \(loan.dueAt ?? "?"); return it and request a new loan"
            )
            note.details.append("loan=\(loan.id)")
        } else if let loan = loans.first(where: { $0.status == "requested" }) {
            (refusal, message) = (.pending, "loan \(loan.id) for \(reference) is still waiting for approval")
            note.details.append("loan=\(loan.id)")
        } else if let loan = loans.first {
            let map: [String: LoanRefusal] = ["revoked": .revoked, "returned": .returned, "denied": .denied]
            refusal = map[loan.status] ?? .noLoan
            message = "loan \(loan.id) for \(reference) was \(loan.status); request a new loan"
            note.details.append("loan=\(loan.id)")
        } else if kind == .export, let loan = covering.first(where: { status(of: $0, at: now) == "active" }) {
            (refusal, message) = (
                .readOnly,
                "loan \(loan.id) lets you read \(reference) but not export it; ask for an export loan with "
                    + "'docvault borrow request \(reference) --kind export --purpose TEXT'"
            )
            note.details.append("loan=\(loan.id)")
        } else if kind == .export {
            (refusal, message) = (
                .noLoan,
                "no export loan of yours covers \(reference); ask for one with "
                    + "'docvault borrow request \(reference) --kind export --purpose TEXT'"
            )
        } else {
            (refusal, message) = (
                .noLoan,
                "no loan of yours covers \(reference); ask for one with "
                    + "'docvault borrow request \(reference) --purpose TEXT'"
            )
        }
        note.details.append("refused=\(refusal.rawValue)")
        throw VaultError.denied(message)
    }

    /// Loans still out (approved and not returned, overdue included) that cover a document.
    ///
    /// Destruction skips a document while this is not empty: a borrower may hold
    /// its content, and the register must show it came back first.
    public static func outstandingLoans(documentID: Int, database: Database) throws -> [Int] {
        try LoanTable.outstanding(database, documentID: documentID)
    }

    /// The register status of `loan` at `now`: an `active` loan past its due date is `overdue`.
    static func status(of loan: LoanRow, at now: Date) -> String {
        guard loan.status == "active", let due = loan.dueAt.flatMap(Timestamp.parse) else { return loan.status }
        return now >= due ? "overdue" : "active"
    }

    /// Revokes every request and loan of `user` (run when the user is disabled); returns how many.
    static func revokeAll(of user: String, session: Session) throws -> Int {
        let loans = try LoanTable.all(session.database, requester: user, statuses: ["requested", "active"])
        for loan in loans { try close(loan.id, reason: "borrower disabled", session: session) }
        return loans.count
    }

    /// Marks loan `id` revoked by the actor, with a sealed reason.
    static func close(_ id: Int, reason: String, session: Session) throws {
        try LoanTable.update(
            session.database, id: id,
            [
                "status": "revoked", "closed_by": session.actor.name, "closed_at": Timestamp.format(session.now()),
                "reason_sealed": try session.keys.sealLoan(reason, loanID: id, field: "reason"),
                "renewal_days": SQLValue.null,
            ])
    }
}
