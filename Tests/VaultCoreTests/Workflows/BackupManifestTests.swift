import Foundation
import Testing

@testable import VaultCore

/// The `MANIFEST` text format of a backup: what it writes, and what it refuses to read.
@Suite struct BackupManifestTests {
    static let catalogue = BackupManifest.Entry(
        sha256: String(repeating: "a", count: 64), size: 4096, path: "catalog.sqlite")
    static let blobA = BackupManifest.Entry(
        sha256: String(repeating: "b", count: 64), size: 10,
        path: "blobs/0a/bc/0abc" + String(repeating: "0", count: 28) + ".blob")
    static let blobB = BackupManifest.Entry(
        sha256: String(repeating: "c", count: 64), size: 0,
        path: "blobs/ff/00/ff00" + String(repeating: "1", count: 28) + ".blob")

    static func sample() -> BackupManifest {
        BackupManifest(
            vaultID: String(repeating: "0123", count: 8), fonds: "J001", created: "2026-01-02T03:04:05Z",
            schemaVersion: 5, auditHead: "7:" + String(repeating: "e", count: 64), entries: [blobB, catalogue, blobA])
    }

    @Test func writesCatalogueFirstThenBlobsByPathAndParsesBack() throws {
        let manifest = Self.sample()
        #expect(manifest.entries.map(\.path) == [Self.catalogue.path, Self.blobA.path, Self.blobB.path])
        let lines = manifest.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "docvault backup v1")
        #expect(lines[7] == "\(Self.catalogue.sha256)  4096  catalog.sqlite")
        #expect(try BackupManifest.parse(manifest.text) == manifest)
    }

    /// Each damaged variant of a good manifest, and a fragment its error must name.
    static let damaged: [(String, String)] = {
        let text = sample().text
        let blobLine = "\(blobA.sha256)  10  \(blobA.path)"
        return [
            (text.replacingOccurrences(of: "docvault backup v1", with: "docvault backup v2"), "line 1"),
            (String(text.dropLast()), "truncated"),
            (text.replacingOccurrences(of: "vault 0123", with: "vault 9123x"), "line 2"),
            (text.replacingOccurrences(of: "schema 5", with: "schema five"), "line 5"),
            (text.replacingOccurrences(of: "audit-head 7:", with: "audit-head 7;"), "line 6"),
            (
                text.replacingOccurrences(
                    of: blobLine, with: blobLine.replacingOccurrences(of: "  10  ", with: "  -1  ")), "line 9"
            ),
            (text.replacingOccurrences(of: blobLine, with: "\(blobA.sha256)  10  blobs/../../etc/passwd"), "line 9"),
            (
                text.replacingOccurrences(
                    of: blobLine,
                    with: "\(blobA.sha256)  10  blobs/00/00/0abc" + String(repeating: "0", count: 28) + ".blob"),
                "line 9"
            ),
            (
                text.replacingOccurrences(
                    of: blobLine, with: "\(String(repeating: "B", count: 64))  10  \(blobA.path)"), "line 9"
            ),
            (text + "\(blobA.sha256)  10  \(blobA.path)\n", "listed twice"),
            (text.replacingOccurrences(of: blobLine + "\n", with: "") + blobLine + "\n", "not sorted"),
            (
                text.replacingOccurrences(of: "\(catalogue.sha256)  4096  catalog.sqlite\n", with: ""),
                "catalog.sqlite first"
            ),
        ]
    }()

    @Test(arguments: damaged.indices)
    func refusesDamagedText(index: Int) {
        let (text, fragment) = Self.damaged[index]
        do {
            _ = try BackupManifest.parse(text)
            Issue.record("parsed a damaged manifest: \(fragment)")
        } catch let error as VaultError {
            #expect(error.kind == .dataError)
            #expect(error.message.contains(fragment), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func acceptsOnlyVaultLayoutPaths() {
        #expect(BackupManifest.isValidPath("catalog.sqlite"))
        #expect(BackupManifest.isValidPath(Self.blobA.path))
        #expect(!BackupManifest.isValidPath("MANIFEST"))
        #expect(!BackupManifest.isValidPath("/etc/passwd"))
        #expect(!BackupManifest.isValidPath("blobs/0a/bc/0ABC" + String(repeating: "0", count: 28) + ".blob"))
        #expect(!BackupManifest.isValidPath("blobs/tmp/x.partial"))
    }
}
