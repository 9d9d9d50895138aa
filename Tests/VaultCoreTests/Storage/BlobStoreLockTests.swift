import Foundation
import Testing

@testable import VaultCore

@Suite("Blob-store lock")
struct BlobStoreLockTests {
    private func folder() throws -> String {
        let path = NSTemporaryDirectory() + "lock-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("shared holders coexist and keep an exclusive holder out until they release")
    func sharedExcludesExclusive() throws {
        let vault = try folder()
        defer { try? FileManager.default.removeItem(atPath: vault) }
        let first = try BlobStoreLock.acquire(vault: vault, .shared, timeout: 0.2, purpose: "filing")
        let second = try BlobStoreLock.acquire(vault: vault, .shared, timeout: 0.2, purpose: "backup")
        do {
            _ = try BlobStoreLock.acquire(vault: vault, .exclusive, timeout: 0.1, purpose: "verify --repair")
            Issue.record("an exclusive lock was granted while shared holders remained")
        } catch let error as VaultError {
            #expect(error.exitCode == 75)
            #expect(error.message.contains("verify --repair waits"))
        }
        first.release()
        second.release()
        let exclusive = try BlobStoreLock.acquire(vault: vault, .exclusive, timeout: 0.2, purpose: "purge execute")
        #expect(throws: VaultError.self) {
            _ = try BlobStoreLock.acquire(vault: vault, .shared, timeout: 0.1, purpose: "filing")
        }
        exclusive.release()
        _ = try BlobStoreLock.acquire(vault: vault, .shared, timeout: 0.2, purpose: "filing")
    }

    @Test("the lock file is private to the owner")
    func lockFileMode() throws {
        let vault = try folder()
        defer { try? FileManager.default.removeItem(atPath: vault) }
        _ = try BlobStoreLock.acquire(vault: vault, .shared, purpose: "filing")
        let mode = try FileManager.default.attributesOfItem(atPath: BlobStoreLock.path(vault: vault))[.posixPermissions]
        #expect((mode as? Int).map { $0 & 0o077 } == 0)
    }
}
