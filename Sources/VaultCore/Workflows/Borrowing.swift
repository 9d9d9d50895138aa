import Foundation

/// What a loan request covers.
public enum LoanScope: Sendable {
    /// These references.
    case references([String])
    /// Every document filed under this policy number at request time.
    case policy(String)
    /// Every document filed under this claim number at request time.
    case claim(String)
    /// Every document of the customer with this ID number at request time.
    case customerID(String)
}

/// A loan as the register shows it; `status` includes the derived `overdue`.
public struct LoanDetails: Sendable, Codable, Equatable {
    public let id: Int
    public let requester: String
    public let requesterRoles: [String]
    public let purpose: String
    public let scope: String
    public let items: [String]
    public let status: String
    public let requestedAt: String
    public let requestedDays: Int
    public let decidedBy: String?
    public let decidedAt: String?
    public let dueAt: String?
    public let renewalDays: Int?
    public let returnedBy: String?
    public let returnedAt: String?
    public let closedBy: String?
    public let closedAt: String?
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

/// The borrowing register: request → approval by someone else → active loan with a due date → return.
///
/// A document's content is read only through an active, unexpired loan of the
/// reader that covers it (``requireLoan(documentID:session:)``), whatever the role.
public enum Borrowing {
    /// Statuses a filter may name.
    public static let statuses = ["requested", "active", "overdue", "returned", "denied", "revoked"]

    /// Files a loan request; a policy, claim or customer resolves to its documents now.
    public static func request(scope: LoanScope, purpose: String, days: Int?, session: Session) throws -> LoanDetails {
        var note = AuditNote()
        note.sensitive = ["purpose=\(purpose)"]
        return try session.perform(.borrowRequest, note: note) { note in
            let trimmed = purpose.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw VaultError.usage("a loan request needs --purpose TEXT") }
            let limits = try settings(session.database)
            let wanted = days ?? limits.defaultDays
            guard (1...limits.maxDays).contains(wanted) else {
                throw VaultError.usage("--days must be between 1 and \(limits.maxDays)")
            }
            let (documents, scopeText) = try resolve(scope, session: session)
            let id = try LoanTable.nextID(session.database)
            try LoanTable.insert(
                session.database, id: id, requester: session.actor.name,
                purposeSealed: try session.keys.sealLoan(trimmed, loanID: id, field: "purpose"), scope: scopeText,
                days: wanted, at: Timestamp.format(session.now()), documentIDs: documents.map(\.id))
            note.details = ["loan=\(id)", "scope=\(scopeText)", "items=\(documents.count)", "days=\(wanted)"]
            return try details(id, session: session)
        }
    }

    /// Approves a request (setting the due date) or a pending renewal; never the approver's own loan.
    public static func approve(_ id: Int, days: Int?, session: Session) throws -> LoanDetails {
        try session.perform(.borrowApprove, target: "loan:\(id)") { note in
            let loan = try existing(id, session)
            try refuseOwn(loan, session, "approve")
            let limits = try settings(session.database)
            let now = session.now()
            if loan.status == "requested" {
                let granted = days ?? loan.requestedDays
                guard (1...limits.maxDays).contains(granted) else {
                    throw VaultError.usage("--days must be between 1 and \(limits.maxDays)")
                }
                try LoanTable.update(
                    session.database, id: id,
                    [
                        "status": "active", "decided_by": session.actor.name, "decided_at": Timestamp.format(now),
                        "due_at": Timestamp.format(now.addingTimeInterval(Double(granted) * 86_400)),
                    ])
                note.details = ["days=\(granted)"]
            } else if loan.status == "active", let renewal = loan.renewalDays {
                let granted = days ?? renewal
                guard (1...limits.maxDays).contains(granted) else {
                    throw VaultError.usage("--days must be between 1 and \(limits.maxDays)")
                }
                let base = max(now, loan.dueAt.flatMap(Timestamp.parse) ?? now)
                try LoanTable.update(
                    session.database, id: id,
                    [
                        "due_at": Timestamp.format(base.addingTimeInterval(Double(granted) * 86_400)),
                        "renewal_days": SQLValue.null, "decided_by": session.actor.name,
                        "decided_at": Timestamp.format(now),
                    ])
                note.details = ["renewal-days=\(granted)"]
            } else {
                throw VaultError.failure(
                    "loan \(id) is \(status(of: loan, at: now)); only requests and renewals can be approved")
            }
            return try details(id, session: session)
        }
    }

    /// Denies a request (or a pending renewal) with a reason.
    public static func deny(_ id: Int, reason: String, session: Session) throws -> LoanDetails {
        var note = AuditNote()
        note.sensitive = ["reason=\(reason)"]
        return try session.perform(.borrowDeny, target: "loan:\(id)", note: note) { _ in
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw VaultError.usage("deny needs --reason TEXT")
            }
            let loan = try existing(id, session)
            try refuseOwn(loan, session, "deny")
            let now = Timestamp.format(session.now())
            let sealed = try session.keys.sealLoan(reason, loanID: id, field: "reason")
            if loan.status == "requested" {
                try LoanTable.update(
                    session.database, id: id,
                    ["status": "denied", "decided_by": session.actor.name, "decided_at": now, "reason_sealed": sealed])
            } else if loan.status == "active", loan.renewalDays != nil {
                try LoanTable.update(
                    session.database, id: id, ["renewal_days": SQLValue.null, "reason_sealed": sealed])
            } else {
                throw VaultError.failure("loan \(id) is \(loan.status); only requests and renewals can be denied")
            }
            return try details(id, session: session)
        }
    }

    /// Records the return of an active (or overdue) loan, by the borrower or an archivist.
    public static func returnLoan(_ id: Int, session: Session) throws -> LoanDetails {
        try session.perform(.borrowReturn, target: "loan:\(id)") { _ in
            let loan = try existing(id, session)
            guard loan.requester == session.actor.name || session.roles.contains(.archivist) else {
                throw VaultError.denied("only the borrower or an archivist may return loan \(id)")
            }
            guard loan.status == "active" else { throw VaultError.failure("loan \(id) is \(loan.status), not on loan") }
            try LoanTable.update(
                session.database, id: id,
                [
                    "status": "returned", "returned_by": session.actor.name,
                    "returned_at": Timestamp.format(session.now()), "renewal_days": SQLValue.null,
                ])
            return try details(id, session: session)
        }
    }

    /// Asks to extend an active loan by `days`; an approver must approve the renewal.
    public static func renew(_ id: Int, days: Int, session: Session) throws -> LoanDetails {
        try session.perform(.borrowRenew, target: "loan:\(id)") { note in
            let loan = try existing(id, session)
            guard loan.requester == session.actor.name else {
                throw VaultError.denied("only the borrower may ask to renew loan \(id)")
            }
            guard loan.status == "active" else { throw VaultError.failure("loan \(id) is \(loan.status), not on loan") }
            let limits = try settings(session.database)
            guard (1...limits.maxDays).contains(days) else {
                throw VaultError.usage("--days must be between 1 and \(limits.maxDays)")
            }
            try LoanTable.update(session.database, id: id, ["renewal_days": days])
            note.details = ["days=\(days)"]
            return try details(id, session: session)
        }
    }

    /// Ends a request or an active loan at once (approver or admin).
    public static func revoke(_ id: Int, reason: String, session: Session) throws -> LoanDetails {
        var note = AuditNote()
        note.sensitive = ["reason=\(reason)"]
        return try session.perform(.borrowRevoke, target: "loan:\(id)", note: note) { _ in
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw VaultError.usage("revoke needs --reason TEXT")
            }
            let loan = try existing(id, session)
            guard loan.status == "active" || loan.status == "requested" else {
                throw VaultError.failure("loan \(id) is \(loan.status); only requests and active loans can be revoked")
            }
            try close(loan.id, by: session.actor.name, reason: reason, session: session)
            return try details(id, session: session)
        }
    }

    /// The register, filtered; users who are not register readers see only their own loans.
    public static func list(_ filter: LoanFilter, session: Session) throws -> [LoanDetails] {
        if let status = filter.status, !statuses.contains(status) {
            throw VaultError.usage("--status must be one of \(statuses.joined(separator: ", "))")
        }
        var note = AuditNote()
        note.details = [
            filter.mine ? "mine" : nil, filter.status.map { "status=\($0)" }, filter.user.map { "user=\($0)" },
        ]
        .compactMap { $0 }
        return try session.perform(.borrowList, note: note) { note in
            let seesAll = session.roles.contains { Permissions.registerReaders.contains($0) }
            let requester = filter.mine || !seesAll ? session.actor.name : filter.user
            if let user = filter.user, let requester, user != requester { return [] }
            let stored: [String]? = filter.status.map { $0 == "overdue" ? ["active"] : [$0] }
            let now = session.now()
            let loans = try LoanTable.all(session.database, requester: requester, statuses: stored)
                .filter { filter.status == nil || status(of: $0, at: now) == filter.status }
            note.details.append("results=\(loans.count)")
            return try loans.map { try details(of: $0, session: session) }
        }
    }

    /// One loan; borrowers who are not register readers see only their own.
    public static func show(_ id: Int, session: Session) throws -> LoanDetails {
        try session.perform(.borrowShow, target: "loan:\(id)") { _ in
            let loan = try existing(id, session)
            let seesAll = session.roles.contains { Permissions.registerReaders.contains($0) }
            guard seesAll || loan.requester == session.actor.name else {
                throw VaultError.denied(
                    "loan \(id) is not yours; the register is for archivists, approvers and auditors")
            }
            return try details(of: loan, session: session)
        }
    }

    /// The active, unexpired loan of the actor that covers `documentID`; otherwise a denial naming why.
    static func requireLoan(documentID: Int, reference: String, session: Session) throws -> Int {
        let now = session.now()
        let loans = try LoanTable.covering(session.database, documentID: documentID, requester: session.actor.name)
        if let loan = loans.first(where: { status(of: $0, at: now) == "active" }) { return loan.id }
        let reason: String
        if let loan = loans.first(where: { status(of: $0, at: now) == "overdue" }) {
            reason = "loan \(loan.id) expired on \(loan.dueAt ?? "?"); return it and request a new loan"
        } else if let loan = loans.first(where: { $0.status == "requested" }) {
            reason = "loan \(loan.id) is still waiting for approval"
        } else if let loan = loans.first(where: { $0.status == "revoked" }) {
            reason = "loan \(loan.id) was revoked; request a new loan"
        } else if let loan = loans.first(where: { $0.status == "returned" }) {
            reason = "loan \(loan.id) was returned; request a new loan"
        } else if let loan = loans.first(where: { $0.status == "denied" }) {
            reason = "loan \(loan.id) was denied"
        } else {
            reason = "no loan covers \(reference); request one with 'docvault borrow request \(reference) --purpose …'"
        }
        throw VaultError.denied(reason)
    }

    /// Revokes every request and active loan of `user` (when the user is disabled).
    static func revokeAll(of user: String, session: Session) throws -> Int {
        let loans = try LoanTable.all(session.database, requester: user, statuses: ["requested", "active"])
        for loan in loans { try close(loan.id, by: session.actor.name, reason: "borrower disabled", session: session) }
        return loans.count
    }

    private static func close(_ id: Int, by actor: String, reason: String, session: Session) throws {
        try LoanTable.update(
            session.database, id: id,
            [
                "status": "revoked", "closed_by": actor, "closed_at": Timestamp.format(session.now()),
                "reason_sealed": try session.keys.sealLoan(reason, loanID: id, field: "reason"),
                "renewal_days": SQLValue.null,
            ])
    }

    /// `active` loans past their due date are `overdue`; every other status is as stored.
    static func status(of loan: LoanRow, at now: Date) -> String {
        guard loan.status == "active", let due = loan.dueAt.flatMap(Timestamp.parse) else { return loan.status }
        return now >= due ? "overdue" : "active"
    }

    static func settings(_ db: Database) throws -> (defaultDays: Int, maxDays: Int) {
        let maxDays = Int(try LoanTable.setting(db, "loan.max_days") ?? "") ?? 30
        let defaultDays = Int(try LoanTable.setting(db, "loan.default_days") ?? "") ?? 7
        return (min(defaultDays, maxDays), maxDays)
    }

    private static func resolve(_ scope: LoanScope, session: Session) throws -> ([DocumentRow], String) {
        let db = session.database
        switch scope {
        case .references(let references):
            guard !references.isEmpty else {
                throw VaultError.usage("name the documents: REF..., --policy, --claim or --customer-id")
            }
            var rows: [DocumentRow] = []
            for reference in references {
                let row = try CatalogQueries.row(reference, session: session)
                if !rows.contains(where: { $0.id == row.id }) { rows.append(row) }
            }
            return (rows, "references")
        case .policy(let number):
            let rows = try DocumentTable.matching(db, DocumentFilter(policyNo: number))
            guard !rows.isEmpty else { throw VaultError.inputMissing("no documents are filed under policy \(number)") }
            return (rows, "policy:\(number)")
        case .claim(let number):
            let rows = try DocumentTable.matching(db, DocumentFilter(claimNo: number))
            guard !rows.isEmpty else { throw VaultError.inputMissing("no documents are filed under claim \(number)") }
            return (rows, "claim:\(number)")
        case .customerID(let id):
            var filter = DocumentFilter()
            filter.customerIDIndex = try session.keys.blindIndex(id, field: "customer_id")
            let rows = filter.customerIDIndex == nil ? [] : try DocumentTable.matching(db, filter)
            guard !rows.isEmpty else { throw VaultError.inputMissing("no documents are filed under that customer ID") }
            // The ID itself stays out of the register in clear; the items list what it covered.
            return (rows, "customer")
        }
    }

    private static func existing(_ id: Int, _ session: Session) throws -> LoanRow {
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

    private static func details(_ id: Int, session: Session) throws -> LoanDetails {
        try details(of: try existing(id, session), session: session)
    }

    private static func details(of loan: LoanRow, session: Session) throws -> LoanDetails {
        let roles = try UserTable.find(session.database, name: loan.requester)?.roles ?? []
        return LoanDetails(
            id: loan.id, requester: loan.requester, requesterRoles: roles,
            purpose: try session.keys.openLoan(loan.purposeSealed, loanID: loan.id, field: "purpose"),
            scope: loan.scope, items: try LoanTable.references(session.database, loanID: loan.id),
            status: status(of: loan, at: session.now()), requestedAt: loan.requestedAt,
            requestedDays: loan.requestedDays, decidedBy: loan.decidedBy, decidedAt: loan.decidedAt, dueAt: loan.dueAt,
            renewalDays: loan.renewalDays, returnedBy: loan.returnedBy, returnedAt: loan.returnedAt,
            closedBy: loan.closedBy, closedAt: loan.closedAt,
            reason: try loan.reasonSealed.map { try session.keys.openLoan($0, loanID: loan.id, field: "reason") })
    }
}
