import FoundationEssentials
import VaultCore

/// The demo's customer-register steps: register a customer, change a field, show the case files and history.
func demoCustomerRegister(archivist: Session, step: (String) -> Void) throws {
    step("3b. docvault customer add --kind individual --name 张伟 --id-number … --manager wang")
    var input = CustomerInput()
    input.kind = .individual
    input.fields.name = "张伟"
    input.fields.idNumber = "110101199001011237"
    input.fields.phone = "138 0013 8000"
    input.valueTier = "high"
    input.accountManager = "wang"
    let added = try CustomerRegister.add(input, session: archivist)
    Console.out("registered customer \(added.number); personal fields sealed, ID kept as a blind index")
    var change = CustomerInput()
    change.fields.phone = "139 1234 5678"
    _ = try CustomerRegister.update(String(added.number), change, session: archivist)
    step("3c. docvault customer show \(added.number)  (the case files filed with the same --customer-id)")
    let shown = try CustomerRegister.show(String(added.number), session: archivist)
    Console.out("\(shown.fields.name ?? "") \(shown.fields.phone ?? ""), manager \(shown.accountManager ?? "-")")
    for document in shown.documents {
        Console.out("  \(document.reference)  \(document.caseFile)  \(document.type ?? "")  \(document.date ?? "")")
    }
    step("3d. docvault customer history \(added.number)  (old and new values, who and when)")
    for entry in try CustomerRegister.history(String(added.number), session: archivist) {
        let fields = entry.fields.map { "\($0.field): \($0.old ?? "-") -> \($0.new ?? "-")" }
        Console.out("\(entry.at) \(entry.by): \(fields.joined(separator: "; "))")
    }
}
