import FoundationEssentials
import VaultCore

/// The demo's case-file steps: a claim's table of contents, the completeness check and a BagIt transfer package.
func demoCaseFiles(archivist: Session, approver: Session, work: String, step: (String) -> Void) throws {
    step("8f. docvault dossier show --claim C2024-0031  (the case file's table of contents, 卷内目录)")
    for entry in try Dossier.show(.claim("C2024-0031"), session: archivist) {
        Console.out("\(entry.reference)  \(entry.date)  \(entry.type ?? "-")  \(entry.title ?? "")  \(entry.status)")
    }
    step("8g. docvault completeness check --category CL  (what each claim file still lacks)")
    let report = try Completeness.check(category: "CL", session: archivist)
    for file in report.incomplete {
        Console.out(
            "\(file.category) \(file.caseFile): \(file.documents) documents, lacks \(file.lacks.joined(separator: ", "))"
        )
    }
    Console.out("\(report.incomplete.count) of \(report.checked) case files incomplete")
    step("8h. docvault export --claim C2024-0031 -o bag  (a BagIt transfer package; needs an approved export loan)")
    let loan = try Borrowing.request(
        scope: .claim("C2024-0031"), purpose: "移交 transfer to the head-office archive", days: 1, kind: .export,
        session: archivist)
    _ = try Borrowing.approve(loan.id, days: nil, session: approver)
    let bag = try TransferPackage.export(.claim("C2024-0031"), to: work + "/bag", session: archivist)
    Console.out(
        "wrote \(bag.files) files (\(bag.octets) bytes of payload) for \(bag.references.joined(separator: ", "))")
    Console.out("bagit.txt, bag-info.txt, data/, manifest-sha256.txt, tagmanifest-sha256.txt; loan \(loan.id) returned")
    _ = try Borrowing.returnLoan(loan.id, session: archivist)
}
