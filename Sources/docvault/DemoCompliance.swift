import FoundationEssentials
import VaultCore

/// The demo's compliance steps: a legal hold placed by compliance and released only by another approver.
///
/// `step` prints a heading; `approver` is the demo's approver, `reader` a user who may `show` documents.
/// Returns the compliance officer's session.
func demoLegalHold(
    vault: Vault, location: VaultLocation, admin: Session, approver: Session, reader: Session, reference: String,
    step: (String) -> Void
) throws -> Session {
    step("8i. Compliance places a legal hold on claim C2024-0031 (docvault hold place --claim … --reason …)")
    try UserAdministration.add(name: "qian", roles: [.compliance, .approver], credential: .keyFile, session: admin)
    let compliance = try Session.open(
        vault: vault, userName: "qian", credential: .keyFile(location.keyFilePath(for: "qian")))
    let hold = try LegalHolds.place(.claim("C2024-0031"), reason: "诉讼 pending lawsuit", session: compliance)
    Console.out("hold \(hold.id) on \(hold.scope) \(hold.subject): covers \(hold.covers) documents, also later filings")
    let shown = try CatalogQueries.show(reference, session: reader)
    Console.out("docvault show \(reference): legal holds \(shown.holds ?? [])")
    do {
        _ = try LegalHolds.release(hold.id, reason: "settled", session: compliance)
    } catch let error as VaultError {
        Console.out("qian releases her own hold: refused (exit \(error.exitCode)): \(error.message)")
    }
    let released = try LegalHolds.release(hold.id, reason: "lawsuit settled", session: approver)
    Console.out("zhao releases hold \(released.id): \(released.status)")
    return compliance
}

/// The demo's retention steps: business events start the clocks, compliance asks what is due and why.
func demoRetention(archivist: Session, compliance: Session, reference: String, step: (String) -> Void) throws {
    step("8j. The archivist records business events (docvault event record --claim … --closed …)")
    for (subject, date) in [
        (BusinessEventSubject.policy("P2023-0815", termMonths: 12), "2024-08-14"),
        (.claim("C2024-0031"), "2024-03-31"),
    ] {
        let recorded = try BusinessEventRecording.record(subject, date: date, session: archivist)
        Console.out("\(recorded.event.kind) \(recorded.event.subject) on \(recorded.event.date)")
    }
    step("8k. docvault retention explain \(reference) --as-of 2035-01-01  (rule, trigger, period, verdict)")
    for line in try RetentionReport.explain(reference, asOf: "2035-01-01", session: compliance).facts {
        Console.out(line)
    }
    step("8l. docvault retention due --as-of 2035-01-01  (what destruction could propose; held items are marked)")
    for item in try RetentionReport.due(asOf: "2035-01-01", category: nil, session: compliance).items {
        Console.out("\(item.reference)  \(item.rule)  trigger \(item.triggerDate)  due \(item.dueDate)  \(item.status)")
    }
}

/// The demo's destruction steps: proposal, another person's approval, crypto-shredding, the register.
func demoDestruction(
    archivist: Session, compliance: Session, approver: Session, step: (String) -> Void
) throws {
    step("8m. docvault purge propose --as-of 2035-01-01 --category UW  (compliance: the appraisal list)")
    let proposed = try Destruction.propose(asOf: "2035-01-01", category: "UW", session: compliance)
    for item in proposed.items {
        Console.out("batch \(proposed.id): \(item.reference)  \(item.rule)  due \(item.dueDate)")
    }
    do {
        _ = try Destruction.approve(proposed.id, session: compliance)
    } catch let error as VaultError {
        Console.out("qian approves her own batch: refused (exit \(error.exitCode))")
    }
    _ = try Destruction.approve(proposed.id, session: approver)
    let outcome = try Destruction.execute(proposed.id, session: compliance)
    Console.out(
        "zhao approved; qian executed: \(outcome.shredded.count) shredded (data key erased, blob deleted), "
            + "register filed as \(outcome.batch.registerReference ?? "-")")
    step("8n. Getting a destroyed document says when and by which batch (exit 66), never a decryption error")
    do {
        try Retrieval.get(outcome.shredded.first ?? "", to: .standardOutput, session: archivist)
    } catch let error as VaultError {
        Console.out("wang: exit \(error.exitCode): \(error.message)")
    }
}
