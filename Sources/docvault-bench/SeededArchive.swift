import Foundation
import VaultCore

/// The seeded archive the catalogue scenarios share: its environment per user and what to look up.
struct SeededArchive {
    let location: VaultLocation
    let seeded: SeededCatalogue
    /// The reference of the one document filed by `docvault file` after seeding (fully real, blob included).
    let realReference: String
    /// `docvault`'s environment as `user`.
    func environment(_ user: String) -> [String: String] {
        ["DOCVAULT_DIR": location.vault, "DOCVAULT_KEYS": location.keys, "DOCVAULT_USER": user]
    }
}

nonisolated(unsafe) private var sharedArchive: SeededArchive?

/// The seeded archive, built on first use: `settings.documents` real rows, then one document filed by `docvault file`.
///
/// Users: `admin`, archivist `clerk` (seeds the rows, so they and their audit entries are clerk's),
/// compliance officer `officer`. Seeding goes through ``BenchmarkSupport/fillRealDocuments(session:count:batchSize:)``
/// in transactions of 10,000; its time is printed.
func seededArchive(_ settings: SuiteSettings) throws -> SeededArchive {
    if let sharedArchive { return sharedArchive }
    let (location, admin) = try freshVault()
    try UserAdministration.add(name: "clerk", roles: [.archivist], credential: .keyFile, session: admin)
    try UserAdministration.add(name: "officer", roles: [.compliance], credential: .keyFile, session: admin)
    let clerk = try Session.open(
        vault: admin.vault, userName: "clerk", credential: .keyFile(location.keyFilePath(for: "clerk")))
    let start = DispatchTime.now()
    let seeded = try BenchmarkSupport.fillRealDocuments(session: clerk, count: settings.documents)
    print(
        String(
            format: "  seeded %d documents in %.1f s (%.0f rows/s), one file audit entry each", settings.documents,
            seconds(since: start), Double(settings.documents) / seconds(since: start)))
    let path = work + "/claim-letter.pdf"
    try Data(try SecureRandom.bytes(count: 100 * 1024 + 4099)).write(to: URL(fileURLWithPath: path))
    let env = ["DOCVAULT_DIR": location.vault, "DOCVAULT_KEYS": location.keys, "DOCVAULT_USER": "clerk"]
    require(
        measure(
            [
                docvault, "file", path, "--category", "CL", "--year", "2024", "--title", "claim letter storm roof",
                "--policy", seeded.samplePolicy, "--customer-id", seeded.sampleCustomerID,
            ], environment: env), "docvault file into the seeded archive")
    try FileManager.default.removeItem(atPath: path)
    let newest = try sqliteOutput(
        location.catalogPath,
        "SELECT reference FROM documents WHERE category = 'CL' AND year = 2024 ORDER BY item_no DESC LIMIT 1")
    let archive = SeededArchive(location: location, seeded: seeded, realReference: newest ?? seeded.sampleReference)
    sharedArchive = archive
    return archive
}

/// What the sqlite3 tool prints for `query` on `catalogue`, trimmed; nil when it printed nothing.
func sqliteOutput(_ catalogue: String, _ query: String) throws -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [catalogue, query]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? nil : text
}
