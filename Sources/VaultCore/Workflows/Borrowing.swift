import FoundationEssentials

/// What a loan request covers.
public enum LoanScope: Sendable, Equatable {
    /// These references.
    case references([String])
    /// Every document filed under this policy number at request time.
    case policy(String)
    /// Every document filed under this claim number at request time.
    case claim(String)
    /// Every document of the customer with this ID number at request time.
    case customerID(String)
}

/// What a loan lets its borrower do with the documents.
public enum LoanKind: String, Sendable, CaseIterable, Codable {
    /// Read the content with `get`; never export.
    case read
    /// Read it and also export it as a transfer package (`export`), which leaves plaintext outside the vault.
    case export
}

/// The borrowing register: request → approval by someone else → active loan with a due date → return.
///
/// A document's content is read only through an active, unexpired loan of the
/// reader that covers it (``LoanAccess``), whatever the role. Every decision runs
/// in one `BEGIN IMMEDIATE` transaction that re-reads the loan, so two people
/// deciding on the same loan at once are serialised: the second sees the first's
/// outcome and is refused.
public enum Borrowing {
    /// Files a loan request of `kind`; a policy, claim or customer resolves to its documents now.
    public static func request(
        scope: LoanScope, purpose: String, days: Int?, kind: LoanKind = .read, session: Session
    ) throws -> LoanDetails {
        var note = AuditNote()
        note.sensitive = ["purpose=\(purpose)"]
        return try session.perform(.borrowRequest, note: note) { note in
            let trimmed = purpose.trimmingSpacesAndNewlines()
            guard !trimmed.isEmpty else { throw VaultError.usage("a loan request needs --purpose TEXT") }
            let limits = try LoanSettings.current(session.database)
            let wanted = days ?? limits.defaultDays
            try limits.check(days: wanted)
            let (documents, scopeText) = try resolve(scope, session: session)
            let id = try LoanTable.nextID(session.database)
            try LoanTable.insert(
                session.database, id: id, requester: session.actor.name,
                purposeSealed: try session.keys.sealLoan(trimmed, loanID: id, field: "purpose"), scope: scopeText,
                days: wanted, at: Timestamp.format(session.now()), documentIDs: documents.map(\.id), kind: kind)
            note.target = "loan:\(id)"
            note.details = [
                "loan=\(id)", "kind=\(kind.rawValue)", "scope=\(scopeText)", "items=\(documents.count)",
                "days=\(wanted)",
            ]
            return try BorrowingRegister.details(id, session: session)
        }
    }

    /// Approves a request (setting the due date) or a pending renewal; never the approver's own loan.
    ///
    /// A request's due date is `days` (default: as requested) after approval; a
    /// renewal adds its days to the current due date, and only while that date
    /// has not passed (an overdue loan is returned, never renewed).
    public static func approve(_ id: Int, days: Int?, session: Session) throws -> LoanDetails {
        try session.perform(.borrowApprove, target: "loan:\(id)") { note in
            let loan = try existing(id, session)
            try refuseOwn(loan, session, "approve")
            let limits = try LoanSettings.current(session.database)
            let now = session.now()
            let actor = session.actor.name
            if loan.status == "requested" {
                let granted = days ?? min(loan.requestedDays, limits.maxDays)
                try limits.check(days: granted)
                let due = now.addingTimeInterval(Double(granted) * 86_400)
                try LoanTable.update(
                    session.database, id: id,
                    [
                        "status": "active", "decided_by": actor, "decided_at": Timestamp.format(now),
                        "due_at": Timestamp.format(due),
                    ])
                note.details = ["loan=\(id)", "days=\(granted)", "due=\(Timestamp.format(due))"]
            } else if loan.status == "active", let renewal = loan.renewalDays {
                guard LoanAccess.status(of: loan, at: now) == "active" else {
                    throw VaultError.failure(
                        "loan \(id) expired on \(loan.dueAt ?? "?") before its renewal was approved; "
                            + "the borrower must return it and request a new loan")
                }
                let granted = days ?? renewal
                try limits.check(days: granted)
                let base = loan.dueAt.flatMap(Timestamp.parse) ?? now
                let due = base.addingTimeInterval(Double(granted) * 86_400)
                try LoanTable.update(
                    session.database, id: id,
                    [
                        "due_at": Timestamp.format(due), "renewal_days": SQLValue.null, "renewed_by": actor,
                        "renewed_at": Timestamp.format(now),
                    ])
                note.details = ["loan=\(id)", "renewal-days=\(granted)", "due=\(Timestamp.format(due))"]
            } else {
                throw VaultError.failure(
                    "loan \(id) is \(LoanAccess.status(of: loan, at: now)) with no renewal waiting; "
                        + "only requests and renewals can be approved")
            }
            return try BorrowingRegister.details(id, session: session)
        }
    }

    /// Denies a request, or a pending renewal (the loan then runs to its current due date), with a reason.
    public static func deny(_ id: Int, reason: String, session: Session) throws -> LoanDetails {
        try decide(.borrowDeny, id, reason: reason, session: session) { loan, reason, note in
            try refuseOwn(loan, session, "deny")
            let now = session.now()
            if loan.status == "requested" {
                try LoanTable.update(
                    session.database, id: id,
                    [
                        "status": "denied", "decided_by": session.actor.name, "decided_at": Timestamp.format(now),
                        "reason_sealed": try session.keys.sealLoan(reason, loanID: id, field: "reason"),
                    ])
                note.details = ["loan=\(id)"]
            } else if loan.status == "active", loan.renewalDays != nil {
                try LoanTable.update(session.database, id: id, ["renewal_days": SQLValue.null])
                note.details = ["loan=\(id)", "renewal=denied"]
            } else {
                throw VaultError.failure(
                    "loan \(id) is \(LoanAccess.status(of: loan, at: now)) with no renewal waiting; "
                        + "only requests and renewals can be denied")
            }
        }
    }

    /// Records the return of an active (or overdue) loan, by the borrower or an archivist on their behalf.
    public static func returnLoan(_ id: Int, session: Session) throws -> LoanDetails {
        try session.perform(.borrowReturn, target: "loan:\(id)") { note in
            let loan = try existing(id, session)
            guard loan.requester == session.actor.name || session.roles.contains(.archivist) else {
                throw VaultError.denied("only the borrower or an archivist may return loan \(id)")
            }
            let now = session.now()
            guard loan.status == "active" else {
                throw VaultError.failure("loan \(id) is \(loan.status), not out on loan; nothing to return")
            }
            let overdue = LoanAccess.status(of: loan, at: now) == "overdue"
            try LoanTable.update(
                session.database, id: id,
                [
                    "status": "returned", "returned_by": session.actor.name, "returned_at": Timestamp.format(now),
                    "renewal_days": SQLValue.null,
                ])
            note.details = ["loan=\(id)"] + (overdue ? ["late"] : [])
            return try BorrowingRegister.details(id, session: session)
        }
    }

    /// Asks to extend the actor's own active loan by `days`; an approver must approve the renewal.
    ///
    /// An overdue loan cannot be renewed: it must be returned and requested anew.
    public static func renew(_ id: Int, days: Int, session: Session) throws -> LoanDetails {
        try session.perform(.borrowRenew, target: "loan:\(id)") { note in
            let loan = try existing(id, session)
            guard loan.requester == session.actor.name else {
                throw VaultError.denied("only the borrower may ask to renew loan \(id)")
            }
            let status = LoanAccess.status(of: loan, at: session.now())
            guard status == "active" else {
                let hint = status == "overdue" ? "; return it and request a new loan" : ""
                throw VaultError.failure("loan \(id) is \(status), so it cannot be renewed\(hint)")
            }
            guard loan.renewalDays == nil else {
                throw VaultError.failure("loan \(id) already has a renewal waiting for approval")
            }
            try LoanSettings.current(session.database).check(days: days)
            try LoanTable.update(session.database, id: id, ["renewal_days": days])
            note.details = ["loan=\(id)", "days=\(days)"]
            return try BorrowingRegister.details(id, session: session)
        }
    }

    /// Ends a request or an active (or overdue) loan at once, with a reason (approver or admin).
    public static func revoke(_ id: Int, reason: String, session: Session) throws -> LoanDetails {
        try decide(.borrowRevoke, id, reason: reason, session: session) { loan, reason, note in
            guard loan.status == "active" || loan.status == "requested" else {
                throw VaultError.failure("loan \(id) is \(loan.status); only requests and active loans can be revoked")
            }
            try LoanAccess.close(loan.id, reason: reason, session: session)
            note.details = ["loan=\(id)"]
        }
    }

    /// Runs a decision that needs a reason: the reason is sealed in the audit entry, checked, then `body` changes the loan.
    private static func decide(
        _ action: Action, _ id: Int, reason: String, session: Session,
        _ body: (LoanRow, String, inout AuditNote) throws -> Void
    ) throws -> LoanDetails {
        var note = AuditNote()
        note.sensitive = ["reason=\(reason)"]
        return try session.perform(action, target: "loan:\(id)", note: note) { note in
            let verb = action.rawValue.replacingEvery("borrow.", with: "")
            let reason = try requireReason(reason, verb)
            try body(try existing(id, session), reason, &note)
            return try BorrowingRegister.details(id, session: session)
        }
    }

    private static func resolve(_ scope: LoanScope, session: Session) throws -> ([DocumentRow], String) {
        let db = session.database
        let rows: [DocumentRow]
        let text: String
        switch scope {
        case .references(let references):
            guard !references.isEmpty else {
                throw VaultError.usage("name the documents: REF..., --policy, --claim or --customer-id")
            }
            var found: [DocumentRow] = []
            for reference in references {
                let row = try CatalogQueries.row(reference, session: session)
                guard row.status == "active" else {
                    throw VaultError.inputMissing(
                        Destruction.destroyedMessage(row, database: db, "there is nothing to lend"))
                }
                if !found.contains(where: { $0.id == row.id }) { found.append(row) }
            }
            return (found, "references")
        case .policy(let number):
            rows = try DocumentTable.matching(db, DocumentFilter(policyNo: number))
            text = "policy:\(number)"
        case .claim(let number):
            rows = try DocumentTable.matching(db, DocumentFilter(claimNo: number))
            text = "claim:\(number)"
        case .customerID(let id):
            var filter = DocumentFilter()
            filter.customerIDIndex = try session.keys.blindIndex(id, field: "customer_id")
            rows = filter.customerIDIndex == nil ? [] : try DocumentTable.matching(db, filter)
            // The ID itself stays out of the register in clear; the items list what it covered.
            text = "customer"
        }
        let live = rows.filter { $0.status == "active" }
        guard !live.isEmpty else {
            let what =
                switch scope {
                case .policy(let number): "policy \(number)"
                case .claim(let number): "claim \(number)"
                default: "that customer ID"
                }
            throw VaultError.inputMissing("no documents are filed under \(what); nothing to request")
        }
        return (live, text)
    }

    static func existing(_ id: Int, _ session: Session) throws -> LoanRow {
        guard let loan = try LoanTable.find(session.database, id: id) else {
            throw VaultError.inputMissing("no loan \(id); 'docvault borrow list' shows the register")
        }
        return loan
    }

    private static func refuseOwn(_ loan: LoanRow, _ session: Session, _ verb: String) throws {
        guard loan.requester != session.actor.name else {
            throw VaultError.denied("you may not \(verb) your own loan \(loan.id); another approver must")
        }
    }

    private static func requireReason(_ reason: String, _ verb: String) throws -> String {
        let trimmed = reason.trimmingSpacesAndNewlines()
        guard !trimmed.isEmpty else { throw VaultError.usage("\(verb) needs --reason TEXT") }
        return trimmed
    }
}
