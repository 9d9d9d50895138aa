import FoundationEssentials
import VaultCore

/// The demo's bulk import step: a ledger with Chinese headers filed in one go, then run again and skipped.
func demoImport(archivist: Session, work: String, step: (String) -> Void) throws {
    step("8o. docvault import 人事台账.csv  (a ledger of scans; run again, it skips what is filed)")
    let folder = work + "/hr-scans"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var ledger = "\u{FEFF}文件路径,门类,年度,文件类型,题名,合同号,文件日期\r\n"
    for (index, name) in ["李娜", "王强", "陈静"].enumerated() {
        let file = "contract-\(index + 1).pdf"
        try Data("劳动合同 \(name)".utf8).write(to: URL(fileURLWithPath: folder + "/" + file))
        ledger += "\(file),人事,2024,labour-contract,\"劳动合同, \(name)\",HT-2024-\(index + 1),2024/1/\(index + 2)\r\n"
    }
    let manifest = folder + "/人事台账.csv"
    try Data(ledger.utf8).write(to: URL(fileURLWithPath: manifest))
    let plan = try BulkImport.plan(.manifest(path: manifest, base: nil, encoding: nil), session: archivist)
    let result = try BulkImport.run(plan, session: archivist)
    for row in result.rows { Console.out("line \(row.line)  \(row.reference)  \(row.status.rawValue)  \(row.path)") }
    let again = try BulkImport.run(
        try BulkImport.plan(.manifest(path: manifest, base: nil, encoding: nil), session: archivist),
        session: archivist)
    Console.out("import again: \(again.filed) filed, \(again.skipped) skipped as already imported")
}
