import Foundation
import VaultCore

/// The demo's compliance steps: a legal hold placed by compliance and released only by another approver.
///
/// `step` prints a heading; `approver` is the demo's approver, `reader` a user who may `show` documents.
/// Returns the compliance officer's session.
func demoLegalHold(
    vault: Vault, location: VaultLocation, admin: Session, approver: Session, reader: Session, reference: String,
    step: (String) -> Void
) throws -> Session {
    step("8f. Compliance places a legal hold on claim C2024-0031 (docvault hold place --claim … --reason …)")
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
    step("8g. The archivist records business events (docvault event record --claim … --closed …)")
    for (subject, date) in [
        (BusinessEventSubject.policy("P2023-0815", termMonths: 12), "2024-08-14"),
        (.claim("C2024-0031"), "2024-03-31"),
    ] {
        let recorded = try BusinessEventRecording.record(subject, date: date, session: archivist)
        Console.out("\(recorded.event.kind) \(recorded.event.subject) on \(recorded.event.date)")
    }
    step("8h. docvault retention explain \(reference) --as-of 2035-01-01  (rule, trigger, period, verdict)")
    for line in try RetentionReport.explain(reference, asOf: "2035-01-01", session: compliance).facts {
        Console.out(line)
    }
    step("8i. docvault retention due --as-of 2035-01-01  (what destruction could propose; held items are marked)")
    for item in try RetentionReport.due(asOf: "2035-01-01", category: nil, session: compliance).items {
        Console.out("\(item.reference)  \(item.rule)  trigger \(item.triggerDate)  due \(item.dueDate)  \(item.status)")
    }
}
