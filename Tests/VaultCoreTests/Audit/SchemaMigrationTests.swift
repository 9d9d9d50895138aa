import Foundation
import Testing

@testable import VaultCore

/// Opening a catalogue written by an older release.
@Suite("Schema migration")
struct SchemaMigrationTests {
    /// Writes a catalogue at schema `version` (1, 2 or 3) by running that release's migrations by hand.
    ///
    /// It holds the vault identity, the six categories `init` always seeded, the admin
    /// `alice` and, from version 2 on, one audit entry.
    private static func oldCatalogue(version: Int, at location: VaultLocation, vaultID: [UInt8]) throws {
        try FileManager.default.createDirectory(atPath: location.vault, withIntermediateDirectories: true)
        let old = try Database(path: location.catalogPath, create: true)
        try old.writeTransaction {
            try old.execute(CatalogSchema.version1)
            if version >= 2 { try old.execute(CatalogSchema.version2) }
            if version >= 3 { try old.execute(CatalogSchema.version3) }
            try old.execute("PRAGMA user_version = \(version)")
            try CategoryTable.seed(old)
            try VaultMeta(
                vaultID: vaultID, fonds: "V\(version)", createdAt: "2024-01-01T00:00:00Z", initialAdmin: "alice",
                isDemo: false
            ).insert(old, formatVersion: 1)
            _ = try UserTable.insert(old, name: "alice", roles: ["admin"], createdAt: "2024-01-01T00:00:00Z")
            if version >= 2 {
                try AuditLog.append(
                    old, key: nil, at: "2024-01-02T00:00:00Z", actor: "mallory", action: "login", target: "",
                    outcome: .denied, details: "reason=old entry")
            }
        }
        #expect(try old.userVersion() == version)
        let hasLoans = try old.queryOne("SELECT name FROM sqlite_master WHERE name = 'loans'") != nil
        #expect(hasLoans == (version >= 3))
        #expect(try old.queryOne("SELECT name FROM sqlite_master WHERE name = 'retention_rules'") == nil)
        let hasAuditLog = try old.queryOne("SELECT name FROM sqlite_master WHERE name = 'audit_log'") != nil
        #expect(hasAuditLog == (version >= 2))
    }

    private static func names(_ database: Database, _ type: String, of table: String? = nil) throws -> [String] {
        var sql = "SELECT name FROM sqlite_master WHERE type = ?"
        var bindings: [any SQLBindable] = [type]
        if let table {
            sql += " AND tbl_name = ?"
            bindings.append(table)
        }
        return try database.query(sql + " ORDER BY name", bindings).compactMap { $0.string("name") }
    }

    /// Checks what version 3 added: the loan tables and indexes, empty, and the two loan-period settings.
    private static func expectBorrowingSchema(_ database: Database) throws {
        let tables = try names(database, "table")
        for table in ["loans", "loan_items", "vault_settings"] {
            #expect(tables.contains(table), "\(table)")
        }
        #expect(try names(database, "index", of: "loans") == ["loans_by_requester", "loans_by_status"])
        #expect(try names(database, "index", of: "loan_items").contains("loan_items_by_document"))
        #expect(try database.queryOne("SELECT COUNT(*) AS n FROM loans")?.int("n") == 0)
        #expect(try database.queryOne("SELECT COUNT(*) AS n FROM loan_items")?.int("n") == 0)
        let settings = try database.query("SELECT name, value FROM vault_settings ORDER BY name").map {
            "\($0.string("name") ?? "")=\($0.string("value") ?? "")"
        }
        #expect(settings == ["loan.default_days=7", "loan.max_days=30"])
        #expect(try LoanSettings.current(database) == LoanSettings(defaultDays: 7, maxDays: 30))
    }

    /// Checks what version 4 added: the default retention rules, empty events and holds, `documents.contract_no`.
    private static func expectRetentionSchema(_ database: Database) throws {
        let rules = try database.query(
            "SELECT category, COALESCE(doc_type, '-') AS t, COALESCE(years, 0) AS y, trigger FROM retention_rules "
                + "ORDER BY category, t"
        ).map { "\($0.string("category") ?? "") \($0.string("t") ?? "") \($0.int("y")) \($0.string("trigger") ?? "")" }
        #expect(
            rules == [
                "CL - 10 claim-and-policy", "CU - 5 relationship-ended", "FI - 30 fiscal-year-end",
                "FI annual-report 0 fiscal-year-end", "FI report 10 fiscal-year-end", "FI statement 10 fiscal-year-end",
                "HR - 2 contract-ended", "OT - 10 filed", "OT destruction-register 0 filed",
                "UW - 10 policy-terminated",
            ])
        #expect(
            try database.queryOne("SELECT short_term_years FROM retention_rules WHERE category = 'UW'")?.int(
                "short_term_years") == 5)
        for table in ["business_events", "legal_holds", "retention_floors"] {
            #expect(try database.queryOne("SELECT COUNT(*) AS n FROM \(table)")?.int("n") == 0, "\(table)")
        }
        #expect(try names(database, "index", of: "documents").contains("documents_by_contract"))
        #expect(try names(database, "index", of: "legal_holds").contains("legal_holds_in_force"))
        // Version 5: destruction batches and items, empty.
        for table in ["destruction_batches", "destruction_items"] {
            #expect(try database.queryOne("SELECT COUNT(*) AS n FROM \(table)")?.int("n") == 0, "\(table)")
        }
        #expect(try names(database, "index", of: "destruction_items").contains("destruction_items_by_document"))
        // Version 7: the customer register and its history, empty.
        for table in ["customers", "customer_changes"] {
            #expect(try database.queryOne("SELECT COUNT(*) AS n FROM \(table)")?.int("n") == 0, "\(table)")
        }
        #expect(try names(database, "index", of: "customers").contains("customers_by_manager"))
        #expect(try names(database, "index", of: "customer_changes").contains("customer_changes_by_customer"))
        // Version 8: the default completeness rules, the same as a new vault's.
        #expect(try completenessRules(database) == defaultCompletenessRules)
        // Version 10: the import records, empty, keyed by a 32-byte row identity.
        #expect(try names(database, "table").contains("import_rows"))
        #expect(try database.queryOne("SELECT COUNT(*) AS n FROM import_rows")?.int("n") == 0)
        #expect(throws: DatabaseError.self) {
            try database.run(
                "INSERT INTO import_rows (row_key, reference, imported_at) VALUES (x'00', 'J001-CL-2024-D10-0001', 't')"
            )
        }
    }

    /// The completeness rules as `category requirement name` lines, sorted.
    static func completenessRules(_ database: Database) throws -> [String] {
        try database.query(
            "SELECT category, requirement, name FROM completeness_rules ORDER BY category, requirement, name"
        )
        .map { "\($0.string("category") ?? "") \($0.string("requirement") ?? "") \($0.string("name") ?? "")" }
    }

    static let defaultCompletenessRules = [
        "CL field claim", "CL type claim-form", "CL type id-copy", "CL type loss-assessment", "CL type payment-voucher",
        "CU field customer-id", "UW field policy", "UW type application", "UW type id-copy", "UW type policy",
    ]

    @Test("A new vault gets the same default completeness rules as a migrated one, once")
    func newVaultHasDefaultCompletenessRules() throws {
        let vault = try TestVault()
        #expect(try Self.completenessRules(vault.database) == Self.defaultCompletenessRules)
    }

    @Test("A version 3 catalogue is migrated to the latest version, keeping its loans")
    func migratesVersion3() throws {
        let folder = try TestVaultFolder()
        let location = VaultLocation(vault: folder.path + "/vault", keys: folder.path + "/keys")
        try Self.oldCatalogue(version: 3, at: location, vaultID: try SecureRandom.bytes(count: 16))
        let before = try Database(path: location.catalogPath, create: false)
        // Raw SQL, as release 3 wrote it: the current insert names columns (kind) version 3 lacks.
        try before.run(
            "INSERT INTO loans (id, requester, purpose_sealed, scope, requested_days, status, requested_at) "
                + "VALUES (1, 'alice', x'01', 'references', 7, 'requested', '2024-01-03T00:00:00Z')")
        let vault = try Vault.open(location)
        #expect(try vault.database.userVersion() == CatalogSchema.migrator.latestVersion)
        try Self.expectRetentionSchema(vault.database)
        #expect(try LoanTable.find(vault.database, id: 1)?.requester == "alice")
        // Version 9: a loan made before kinds existed is a read loan, so it never permits export.
        #expect(try LoanTable.find(vault.database, id: 1)?.kind == "read")
        // A second open runs no migration again: the rules are not inserted twice.
        let again = try Vault.open(location)
        #expect(try again.database.queryOne("SELECT COUNT(*) AS n FROM retention_rules")?.int("n") == 10)
    }

    @Test("A version 1 catalogue is migrated to the latest version with every later table")
    func migratesVersion1() throws {
        let folder = try TestVaultFolder()
        let location = VaultLocation(vault: folder.path + "/vault", keys: folder.path + "/keys")
        let vaultID = try SecureRandom.bytes(count: 16)
        try Self.oldCatalogue(version: 1, at: location, vaultID: vaultID)
        let vault = try Vault.open(location)
        #expect(try vault.database.userVersion() == CatalogSchema.migrator.latestVersion)
        #expect(try vault.database.queryOne("SELECT COUNT(*) AS n FROM audit_log")?.int("n") == 0)
        let indexes = try Self.names(vault.database, "index", of: "audit_log")
        #expect(indexes.contains("audit_by_actor"))
        #expect(indexes.contains("audit_by_target"))
        try Self.expectBorrowingSchema(vault.database)
        try Self.expectRetentionSchema(vault.database)
        // Version 6: the audit-key table exists and is empty, so the chain key is still derived from the master key.
        #expect(try Self.names(vault.database, "table").contains("audit_keys"))
        #expect(try vault.database.queryOne("SELECT COUNT(*) AS n FROM audit_keys")?.int("n") == 0)
        // What version 1 held is kept.
        #expect(vault.meta.fonds == "V1")
        #expect(vault.meta.vaultID == vaultID)
        #expect(try UserTable.find(vault.database, name: "alice")?.roles == ["admin"])
        // Opening again changes nothing, and the new tables take entries.
        let again = try Vault.open(location)
        #expect(try again.database.userVersion() == CatalogSchema.migrator.latestVersion)
        try again.database.writeTransaction {
            try AuditLog.append(
                again.database, key: nil, at: Timestamp.now(), actor: "x", action: "login", target: "",
                outcome: .denied,
                details: "")
            try LoanTable.insert(
                again.database, id: 1, requester: "alice", purposeSealed: [1, 2, 3], scope: "references", days: 7,
                at: Timestamp.now(), documentIDs: [])
        }
        #expect(try again.database.queryOne("SELECT COUNT(*) AS n FROM audit_log")?.int("n") == 1)
        #expect(try LoanTable.find(again.database, id: 1)?.status == "requested")
    }

    @Test("A version 2 catalogue is migrated to the latest version and keeps its audit log")
    func migratesVersion2() throws {
        let folder = try TestVaultFolder()
        let location = VaultLocation(vault: folder.path + "/vault", keys: folder.path + "/keys")
        let vaultID = try SecureRandom.bytes(count: 16)
        try Self.oldCatalogue(version: 2, at: location, vaultID: vaultID)
        let vault = try Vault.open(location)
        #expect(try vault.database.userVersion() == CatalogSchema.migrator.latestVersion)
        try Self.expectBorrowingSchema(vault.database)
        let entries = try vault.database.query("SELECT * FROM audit_log ORDER BY seq").map(AuditEntry.init(row:))
        #expect(entries.map(\.actor) == ["mallory"])
        #expect(entries.map(\.details) == ["reason=old entry"])
        #expect(vault.meta.fonds == "V2")
        #expect(vault.meta.vaultID == vaultID)
        #expect(try UserTable.find(vault.database, name: "alice")?.roles == ["admin"])
        // A second open finds the schema current and leaves the settings as they are.
        try vault.database.run("UPDATE vault_settings SET value = '9' WHERE name = 'loan.default_days'")
        let again = try Vault.open(location)
        #expect(try again.database.userVersion() == CatalogSchema.migrator.latestVersion)
        #expect(try LoanSettings.current(again.database) == LoanSettings(defaultDays: 9, maxDays: 30))
    }
}
