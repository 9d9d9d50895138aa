/// Whether a document's retention has run out, and if not, why not.
public enum RetentionVerdict: Sendable, Equatable {
    /// Kept for ever.
    case permanent
    /// The trigger cannot be dated yet; the text says what is missing.
    case noTrigger(String)
    /// Due on this date, which is after as-of.
    case notYetDue(CivilDate)
    /// Due since this date (on or before as-of).
    case due(CivilDate)
}

/// The evaluation of one document against the schedule: every fact `retention explain` prints.
public struct RetentionEvaluation: Sendable, Equatable {
    /// The document.
    public let document: RetentionDocument
    /// The rule applied; nil when the category has none.
    public let rule: RetentionRule?
    /// Why that rule: the category's rule, or the type words it matched.
    public let ruleReason: String
    /// The trigger and its date, or what is missing.
    public let triggerText: String
    /// The trigger date (after any year-end cut-off).
    public let triggerDate: CivilDate?
    /// The period applied: the rule's (or its short-term period), raised to the floor.
    public let period: RetentionPeriod?
    /// Whether the short-term period applied (policy term ≤ 12 months).
    public let shortTerm: Bool
    /// The document's floor, if a shortened rule left one.
    public let floor: RetentionPeriod?
    /// Trigger date plus period; nil when permanent or undated.
    public let dueDate: CivilDate?
    /// The outcome at as-of.
    public let verdict: RetentionVerdict
    /// Holds in force that cover the document.
    public var holds: [Int] = []
    /// Loans still out that cover the document.
    public var loans: [Int] = []

    /// Whether the document's retention has run out (held or on loan or not).
    public var isDue: Bool {
        if case .due = verdict { return true }
        return false
    }

    /// `held` (a hold stops destruction), `on-loan` (it must come back first), or `due`.
    public var status: String {
        if !holds.isEmpty { return "held" }
        if !loans.isEmpty { return "on-loan" }
        return "due"
    }

    /// `10 y after policy-terminated`, or `permanent`.
    public var ruleText: String {
        guard let rule else { return "no rule" }
        guard let period else { return rule.periodText }
        return period == .permanent ? "permanent" : "\(period) after \(rule.trigger.rawValue)"
    }

    /// One line per fact: rule, trigger, period, due date, verdict, then holds and loans.
    public var facts: [String] {
        var lines: [String] = []
        if let rule {
            let basis = rule.basis.isEmpty ? "" : "; basis: \(rule.basis)"
            lines.append(
                "rule: \(rule.scope) \(rule.periodText) after \(rule.trigger.rawValue) (\(ruleReason)\(basis))")
        } else {
            lines.append("rule: none for category \(document.category)")
        }
        lines.append("trigger: \(triggerText)")
        if let period {
            var text = "period: \(period)"
            if shortTerm { text += " (short-term: policy term at most 12 months)" }
            if let floor { text += " (floor \(floor), kept because a hold was in force when the rule was shortened)" }
            lines.append(text)
        }
        lines.append("due date: \(dueDate?.description ?? "none")")
        switch verdict {
        case .permanent: lines.append("verdict: permanent")
        case .noTrigger(let missing): lines.append("verdict: not due: \(missing)")
        case .notYetDue(let date): lines.append("verdict: not due until \(date)")
        case .due(let date): lines.append("verdict: due since \(date)")
        }
        lines += holds.map { "held by hold \($0)" }
        lines += loans.map { "on loan \($0)" }
        return lines
    }
}

/// The retention rule engine: pure, given the rules and a way to find recorded events.
///
/// A document takes the longest matching type rule of its category, else the
/// category's rule. Its trigger date comes from the document (filing, document
/// date, fiscal year) or from a recorded business event; an event not recorded
/// means not due. The due date is the trigger date plus the period in calendar
/// years (29 February lands on 1 March), and the document is due on that date.
public struct RetentionSchedule: Sendable {
    /// The rules in force.
    public let rules: [RetentionRule]
    private let events: [BusinessEventKey: BusinessEvent]

    /// A schedule of `rules` that looks events up in `events`.
    public init(rules: [RetentionRule], events: [BusinessEvent]) {
        self.rules = rules
        var lookup: [BusinessEventKey: BusinessEvent] = [:]
        for event in events { lookup[BusinessEventKey(kind: event.kind, subject: event.subject)] = event }
        self.events = lookup
    }

    init(rules: [RetentionRule], lookup: [BusinessEventKey: BusinessEvent]) {
        self.rules = rules
        self.events = lookup
    }

    /// The rule for `document` (see ``RetentionRule/select(from:category:documentType:)``).
    public func rule(for document: RetentionDocument) -> RetentionRule? {
        RetentionRule.select(from: rules, category: document.category, documentType: document.docType)
    }

    /// Evaluates `document` at `asOf` under its own rule, raised to `floor` if it has one.
    public func evaluate(_ document: RetentionDocument, floor: RetentionPeriod?, asOf: CivilDate)
        -> RetentionEvaluation
    {
        evaluate(document, rule: rule(for: document), floor: floor, asOf: asOf)
    }

    /// Evaluates `document` at `asOf` under `rule` (chosen by the caller, who may cache the choice).
    ///
    /// With `describe` false the texts (``RetentionEvaluation/ruleReason``,
    /// ``RetentionEvaluation/triggerText``) stay empty, except what is missing: listings over
    /// the whole catalogue need the dates, not the prose.
    public func evaluate(
        _ document: RetentionDocument, rule: RetentionRule?, floor: RetentionPeriod?, asOf: CivilDate,
        describe: Bool = true
    ) -> RetentionEvaluation {
        guard let rule else {
            let missing = "no retention rule for category \(document.category); compliance sets one"
            return RetentionEvaluation(
                document: document, rule: nil, ruleReason: "", triggerText: missing, triggerDate: nil, period: nil,
                shortTerm: false, floor: floor, dueDate: nil, verdict: .noTrigger(missing))
        }
        let trigger = triggerDate(document, rule: rule, describe: describe)
        var date = trigger.date
        var text = trigger.text
        if rule.yearEndCutoff, let found = date {
            date = CivilDate.endOfYear(found.year)
            if describe { text += "; cut off to the end of the year: \(CivilDate.endOfYear(found.year))" }
        }
        let (period, shortTerm) = self.period(rule: rule, floor: floor, shortTermPolicy: trigger.shortTermPolicy)
        let due: CivilDate? =
            if case .years(let years) = period, let date { date.adding(years: years) } else { nil }
        let verdict: RetentionVerdict
        if period == .permanent {
            verdict = .permanent
        } else if let missing = trigger.missing {
            verdict = .noTrigger(missing)
        } else if let due {
            verdict = asOf >= due ? .due(due) : .notYetDue(due)
        } else {
            verdict = .noTrigger("no trigger date")
        }
        return RetentionEvaluation(
            document: document, rule: rule, ruleReason: describe ? rule.reason(documentType: document.docType) : "",
            triggerText: text,
            triggerDate: date, period: period, shortTerm: shortTerm, floor: floor, dueDate: due, verdict: verdict)
    }

    /// The period of `rule` for a document: the short-term one when the policy term allows, at least the floor.
    func period(rule: RetentionRule, floor: RetentionPeriod?, shortTermPolicy: Bool) -> (RetentionPeriod, Bool) {
        var period = rule.period
        var shortTerm = false
        if shortTermPolicy, rule.trigger.involvesPolicy, let short = rule.shortTermYears, case .years = period {
            period = .years(short)
            shortTerm = true
        }
        if let floor, floor > period { period = floor }
        return (period, shortTerm)
    }

    /// The period `document` gets under `rule` ignoring floors (what `retention set` compares).
    func basePeriod(_ document: RetentionDocument, rule: RetentionRule) -> RetentionPeriod {
        let trigger = triggerDate(document, rule: rule, describe: false)
        return period(rule: rule, floor: nil, shortTermPolicy: trigger.shortTermPolicy).0
    }

    private struct Trigger {
        var date: CivilDate?
        var text: String
        var missing: String?
        /// Whether a recorded policy event says the term was at most 12 months.
        var shortTermPolicy = false

        init(date: CivilDate?, text: String, missing: String? = nil) {
            self.date = date
            self.text = text
            self.missing = missing
        }

        /// A dated trigger whose text is built only when `describe` asks for it.
        init(date: CivilDate, describe: Bool, _ text: @autoclosure () -> String) {
            self.init(date: date, text: describe ? text() : "")
        }
    }

    private func missing(_ text: String) -> Trigger { Trigger(date: nil, text: text, missing: text) }

    /// The trigger of `document` under `rule`; `describe` false leaves `text` empty for dated triggers.
    private func triggerDate(_ document: RetentionDocument, rule: RetentionRule, describe: Bool) -> Trigger {
        var trigger = triggerFacts(document, rule: rule, describe: describe)
        if !describe && trigger.missing == nil { trigger.text = "" }
        return trigger
    }

    private func triggerFacts(_ document: RetentionDocument, rule: RetentionRule, describe: Bool) -> Trigger {
        switch rule.trigger {
        case .filed:
            guard let date = CivilDate(document.filedAt) else { return missing("no filing date") }
            return Trigger(date: date, describe: describe, "filed on \(date)")
        case .documentDate:
            guard let date = document.docDate.flatMap({ CivilDate($0) }) else { return missing("no document date") }
            return Trigger(date: date, describe: describe, "document date \(date)")
        case .fiscalYearEnd:
            let date = CivilDate.endOfYear(document.year)
            return Trigger(date: date, describe: describe, "end of fiscal year \(document.year): \(date)")
        case .policyTerminated:
            return policyTrigger(document, describe: describe)
        case .claimClosed:
            return claimTrigger(document, describe: describe)
        case .claimAndPolicy:
            let claim = claimTrigger(document, describe: describe)
            guard claim.missing == nil, let claimDate = claim.date else { return claim }
            guard document.policyNo != nil else {
                return Trigger(
                    date: claimDate, describe: describe, claim.text + " (no policy number, so the claim alone)")
            }
            var policy = policyTrigger(document, describe: describe)
            guard policy.missing == nil, let policyDate = policy.date else { return policy }
            let later = max(claimDate, policyDate)
            policy.date = later
            if describe { policy.text = "later of \(claim.text) and \(policy.text): \(later)" }
            return policy
        case .relationshipEnded:
            guard let index = document.customerIndex else { return missing("no customer ID on the document") }
            let label = RetentionDocument.customerLabel(index)
            guard let event = events[BusinessEventKey(kind: .relationshipEnded, subject: index)] else {
                return missing("no relationship-ended event recorded for \(label)")
            }
            return Trigger(date: event.date, describe: describe, "relationship with \(label) ended on \(event.date)")
        case .contractEnded:
            guard let number = document.contractNo else { return missing("no contract number on the document") }
            guard let event = events[BusinessEventKey(kind: .contractEnded, subject: number)] else {
                return missing("no contract-ended event recorded for contract \(number)")
            }
            return Trigger(date: event.date, describe: describe, "contract \(number) ended on \(event.date)")
        }
    }

    private func policyTrigger(_ document: RetentionDocument, describe: Bool) -> Trigger {
        guard let number = document.policyNo else { return missing("no policy number on the document") }
        guard let event = events[BusinessEventKey(kind: .policyTerminated, subject: number)] else {
            return missing("no policy-terminated event recorded for policy \(number)")
        }
        var trigger = Trigger(
            date: event.date, describe: describe,
            "policy \(number) terminated on \(event.date)" + (event.termMonths.map { " (term \($0) months)" } ?? ""))
        trigger.shortTermPolicy = (event.termMonths ?? Int.max) <= 12
        return trigger
    }

    private func claimTrigger(_ document: RetentionDocument, describe: Bool) -> Trigger {
        guard let number = document.claimNo else { return missing("no claim number on the document") }
        guard let event = events[BusinessEventKey(kind: .claimClosed, subject: number)] else {
            return missing("no claim-closed event recorded for claim \(number)")
        }
        return Trigger(date: event.date, describe: describe, "claim \(number) closed on \(event.date)")
    }
}
