import Foundation
import VaultCore

/// The demo's compliance steps: a legal hold placed by compliance and released only by another approver.
///
/// `step` prints a heading; `approver` is the demo's approver, `reader` a user who may `show` documents.
func demoLegalHold(
    vault: Vault, location: VaultLocation, admin: Session, approver: Session, reader: Session, reference: String,
    step: (String) -> Void
) throws {
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
}
