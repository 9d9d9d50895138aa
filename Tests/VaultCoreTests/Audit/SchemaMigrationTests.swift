import Foundation
import Testing

@testable import VaultCore

/// Opening a catalogue written by an older release.
@Suite("Schema migration")
struct SchemaMigrationTests {
    @Test("A version 1 catalogue is migrated to version 2 with an empty audit log on open")
    func migratesVersion1() throws {
        let folder = try TestVaultFolder()
        let location = VaultLocation(vault: folder.path + "/vault", keys: folder.path + "/keys")
        try FileManager.default.createDirectory(atPath: location.vault, withIntermediateDirectories: true)
        let vaultID = try SecureRandom.bytes(count: 16)
        do {
            let old = try Database(path: location.catalogPath, create: true)
            try old.writeTransaction {
                try old.execute(CatalogSchema.version1)
                try old.execute("PRAGMA user_version = 1")
                try VaultMeta(
                    vaultID: vaultID, fonds: "V1", createdAt: "2024-01-01T00:00:00Z", initialAdmin: "alice",
                    isDemo: false
                ).insert(old, formatVersion: 1)
                _ = try UserTable.insert(old, name: "alice", roles: ["admin"], createdAt: "2024-01-01T00:00:00Z")
            }
            #expect(try old.userVersion() == 1)
            #expect(try old.queryOne("SELECT name FROM sqlite_master WHERE name = 'audit_log'") == nil)
        }
        let vault = try Vault.open(location)
        #expect(try vault.database.userVersion() == 2)
        #expect(CatalogSchema.migrator.latestVersion == 2)
        #expect(try vault.database.queryOne("SELECT COUNT(*) AS n FROM audit_log")?.int("n") == 0)
        let indexes = try vault.database.query(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_log' ORDER BY name"
        ).compactMap { $0.string("name") }
        #expect(indexes.contains("audit_by_actor"))
        #expect(indexes.contains("audit_by_target"))
        // What version 1 held is kept.
        #expect(vault.meta.fonds == "V1")
        #expect(vault.meta.vaultID == vaultID)
        #expect(try UserTable.find(vault.database, name: "alice")?.roles == ["admin"])
        // Opening again changes nothing, and the new table takes entries.
        let again = try Vault.open(location)
        #expect(try again.database.userVersion() == 2)
        try again.database.writeTransaction {
            try AuditLog.append(
                again.database, key: nil, at: Timestamp.now(), actor: "x", action: "login", target: "",
                outcome: .denied,
                details: "")
        }
        #expect(try again.database.queryOne("SELECT COUNT(*) AS n FROM audit_log")?.int("n") == 1)
    }
}
