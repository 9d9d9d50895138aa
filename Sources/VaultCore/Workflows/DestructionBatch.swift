import FoundationEssentials

/// One document in a destruction batch, as the appraisal list shows it.
public struct DestructionItem: Sendable, Codable, Equatable {
    /// The reference number.
    public let reference: String
    /// The retention rule that made it due, such as `10 y after policy-terminated`.
    public let rule: String
    /// The trigger date (after any cut-off).
    public let triggerDate: String
    /// The date its retention ran out.
    public let dueDate: String
    /// `proposed`, `struck` (taken out before approval), `shredded` or `skipped` (held or on loan at execution).
    public let status: String
    /// Why it was struck or skipped.
    public let reason: String?
    /// Who struck, skipped or shredded it, and when.
    public let changedBy: String?
    /// When it was struck, skipped or shredded.
    public let changedAt: String?
}

/// A destruction batch: the appraisal list, its decision and its execution.
public struct DestructionBatch: Sendable, Codable, Equatable {
    /// The batch number.
    public let id: Int
    /// `proposed`, `approved`, `rejected` or `executed`.
    public let status: String
    /// The date the appraisal list was drawn up for.
    public let asOf: String
    /// The category it was limited to, if any.
    public let category: String?
    /// Who proposed it, and when.
    public let proposedBy: String
    /// When it was proposed.
    public let proposedAt: String
    /// The approver who approved or rejected it.
    public let decidedBy: String?
    /// When it was approved or rejected.
    public let decidedAt: String?
    /// Why it was rejected.
    public let rejectReason: String?
    /// The compliance officer who executed it.
    public let executedBy: String?
    /// When execution finished.
    public let executedAt: String?
    /// The audit anchor (`SEQ:MAC`) after the last item was shredded.
    public let auditAnchor: String?
    /// The reference of the filed destruction register (text).
    public let registerReference: String?
    /// The reference of the filed destruction register (CSV).
    public let registerCSVReference: String?
    /// The items, by reference.
    public let items: [DestructionItem]
}

/// What `purge execute` did.
public struct DestructionOutcome: Sendable, Equatable {
    /// The batch after execution.
    public let batch: DestructionBatch
    /// References shredded by this run.
    public let shredded: [String]
    /// References skipped by this run, with why (a hold placed or a loan made after approval).
    public let skipped: [(reference: String, reason: String)]

    public static func == (a: DestructionOutcome, b: DestructionOutcome) -> Bool {
        a.batch == b.batch && a.shredded == b.shredded && a.skipped.map(\.reference) == b.skipped.map(\.reference)
    }
}
