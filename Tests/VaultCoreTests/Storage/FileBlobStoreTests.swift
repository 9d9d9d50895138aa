import Foundation
import Testing

@testable import VaultCore

/// Tests of the file-backed blob store: layout, crash-safe writers and removal.
@Suite("FileBlobStore")
struct FileBlobStoreTests {
    /// A created store in a fresh temporary folder.
    private static func makeStore(_ folder: TestVaultFolder) throws -> FileBlobStore {
        let store = FileBlobStore(root: folder.path + "/blobs")
        try store.create()
        return store
    }

    /// Writes `bytes` as blob `id` and commits it.
    private static func put(_ store: FileBlobStore, _ id: String, _ bytes: [UInt8]) throws {
        let writer = try store.makeWriter(blobID: id)
        try bytes.withUnsafeBytes { try writer.write($0) }
        try writer.commit()
    }

    private static let sampleID = "abcdef0123456789abcdef0123456789"

    @Test("Blob paths are sharded by the first four hex digits")
    func pathSharding() throws {
        let folder = try TestVaultFolder()
        let store = try Self.makeStore(folder)
        #expect(store.path(blobID: Self.sampleID) == "\(folder.path)/blobs/ab/cd/\(Self.sampleID).blob")
        #expect(
            store.path(blobID: "0000ffffffffffffffffffffffffffff")
                == "\(folder.path)/blobs/00/00/0000ffffffffffffffffffffffffffff.blob")
        #expect(FileSystem.isDirectory(folder.path + "/blobs/tmp"))
    }

    @Test("Blob ids are exactly 32 lowercase hex digits")
    func validIDs() throws {
        #expect(FileBlobStore.isValidID(Self.sampleID))
        #expect(FileBlobStore.isValidID(try FileBlobStore.newID()))
        #expect(try FileBlobStore.newID() != FileBlobStore.newID())
        for bad in [
            "", "abc", String(Self.sampleID.dropLast()), Self.sampleID + "0", Self.sampleID.uppercased(),
            "g" + String(Self.sampleID.dropFirst()), "../" + String(Self.sampleID.dropFirst(3)),
            "\u{FF41}" + String(Self.sampleID.dropFirst()),
        ] {
            #expect(!FileBlobStore.isValidID(bad), "\(bad)")
        }
    }

    @Test("Ids drawn for one folder share its four hex digits and nothing else")
    func idsInOneFolder() throws {
        let first = try FileBlobStore.newID(folder: [0x0a, 0xf3])
        let second = try FileBlobStore.newID(folder: [0x0a, 0xf3])
        #expect(FileBlobStore.isValidID(first) && FileBlobStore.isValidID(second))
        #expect(first.hasPrefix("0af3") && second.hasPrefix("0af3"))
        #expect(first != second)
    }

    @Test("Blob folders are made 0700 with their parents, and say whether they were new")
    func blobFolders() throws {
        let folder = try TestVaultFolder()
        let path = folder.path + "/blobs/ab/cd"
        #expect(try FileSystem.makeBlobFolder(path))
        #expect(try !FileSystem.makeBlobFolder(path))
        var info = stat()
        for made in [path, folder.path + "/blobs/ab"] {
            #expect(stat(made, &info) == 0 && info.st_mode & 0o777 == 0o700, "\(made)")
        }
        #expect(FileManager.default.createFile(atPath: folder.path + "/file", contents: Data()))
        #expect(throws: POSIXFailure.self) { try FileSystem.makeBlobFolder(folder.path + "/file/ab") }
    }

    @Test("Committing makes the blob appear under its final name and empties tmp")
    func commit() throws {
        let folder = try TestVaultFolder()
        let store = try Self.makeStore(folder)
        let writer = try store.makeWriter(blobID: Self.sampleID)
        try [UInt8](repeating: 7, count: 100).withUnsafeBytes { try writer.write($0) }
        try [UInt8](repeating: 8, count: 28).withUnsafeBytes { try writer.write($0) }
        #expect(store.size(blobID: Self.sampleID) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root + "/tmp").count == 1)
        try writer.commit()
        #expect(store.size(blobID: Self.sampleID) == 128)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root + "/tmp").isEmpty)
        let stored = TestVault.contents(of: store.path(blobID: Self.sampleID))
        #expect(stored == [UInt8](repeating: 7, count: 100) + [UInt8](repeating: 8, count: 28))
        #expect(try TestVault.mode(of: store.path(blobID: Self.sampleID)) == 0o600)
    }

    @Test("Discarding before commit deletes the temporary file and creates nothing")
    func discardBeforeCommit() throws {
        let folder = try TestVaultFolder()
        let store = try Self.makeStore(folder)
        let writer = try store.makeWriter(blobID: Self.sampleID)
        try [UInt8](repeating: 1, count: 10).withUnsafeBytes { try writer.write($0) }
        writer.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root + "/tmp").isEmpty)
        #expect(store.size(blobID: Self.sampleID) == nil)
        // The id is free again.
        try Self.put(store, Self.sampleID, [1])
        #expect(store.size(blobID: Self.sampleID) == 1)
    }

    @Test("Discarding after commit deletes the committed blob")
    func discardAfterCommit() throws {
        let folder = try TestVaultFolder()
        let store = try Self.makeStore(folder)
        let writer = try store.makeWriter(blobID: Self.sampleID)
        try [UInt8](repeating: 1, count: 10).withUnsafeBytes { try writer.write($0) }
        try writer.commit()
        #expect(store.size(blobID: Self.sampleID) == 10)
        writer.discard()
        #expect(store.size(blobID: Self.sampleID) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root + "/tmp").isEmpty)
    }

    @Test("A second writer for the same id is refused while the first is open")
    func exclusiveWriter() throws {
        let folder = try TestVaultFolder()
        let store = try Self.makeStore(folder)
        let first = try store.makeWriter(blobID: Self.sampleID)
        let error = #expect(throws: POSIXFailure.self) { _ = try store.makeWriter(blobID: Self.sampleID) }
        #expect(error?.code == EEXIST)
        first.discard()
    }

    @Test("Committing over an existing blob is refused and keeps the old bytes")
    func commitDoesNotReplace() throws {
        let folder = try TestVaultFolder()
        let store = try Self.makeStore(folder)
        try Self.put(store, Self.sampleID, [1, 2, 3])
        let writer = try store.makeWriter(blobID: Self.sampleID)
        try [UInt8]([9]).withUnsafeBytes { try writer.write($0) }
        #expect(throws: POSIXFailure.self) { try writer.commit() }
        writer.discard()
        #expect(TestVault.contents(of: store.path(blobID: Self.sampleID)) == [1, 2, 3])
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root + "/tmp").isEmpty)
    }

    @Test("Removing deletes a blob; removing a missing blob is not an error")
    func remove() throws {
        let folder = try TestVaultFolder()
        let store = try Self.makeStore(folder)
        try Self.put(store, Self.sampleID, [1, 2, 3])
        try store.remove(blobID: Self.sampleID)
        #expect(store.size(blobID: Self.sampleID) == nil)
        try store.remove(blobID: Self.sampleID)
        try store.remove(blobID: "ffffffffffffffffffffffffffffffff")
        #expect(throws: POSIXFailure.self) { _ = try store.openForReading(blobID: Self.sampleID) }
    }

    @Test(
        "renameNoReplace and its link-then-unlink fallback move a file but refuse an existing target",
        arguments: [false, true])
    func renameNoReplace(fallback: Bool) throws {
        let rename = fallback ? FileSystem.linkThenUnlink : FileSystem.renameNoReplace
        let folder = try TestVaultFolder()
        let source = try folder.write("a", [1])
        let target = try folder.write("b", [2])
        let error = #expect(throws: POSIXFailure.self) { try rename(source, target) }
        #expect(error?.code == EEXIST)
        #expect(error?.operation == (fallback ? "link" : "rename"))
        #expect(TestVault.contents(of: source) == [1])
        #expect(TestVault.contents(of: target) == [2])
        let fresh = folder.path + "/c"
        try rename(source, fresh)
        #expect(!FileManager.default.fileExists(atPath: source))
        #expect(TestVault.contents(of: fresh) == [1])
        let missing = #expect(throws: POSIXFailure.self) { try rename(folder.path + "/gone", folder.path + "/d") }
        #expect(missing?.code == ENOENT)
    }

    @Test("Hex conversion round-trips and refuses malformed text")
    func hex() {
        let bytes: [UInt8] = [0x00, 0x7F, 0x80, 0xFF, 0x0A]
        #expect(bytes.hexString == "007f80ff0a")
        #expect([UInt8](hex: "007F80ff0a") == bytes)
        #expect([UInt8](hex: "") == [])
        #expect([UInt8](hex: "abc") == nil)
        #expect([UInt8](hex: "zz") == nil)
        #expect([UInt8](hex: "0x00") == nil)
    }
}
