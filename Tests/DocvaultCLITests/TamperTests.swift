import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Altered blobs: every change is refused with one data error and no plaintext output.
@Suite struct TamperTests {
    static let authenticationMessage =
        "failed authentication (altered, truncated or replaced); restore it from a backup"

    /// A vault with one document of `size` bytes; returns the sandbox, reference, content and blob path.
    static func vault(size: Int = 5_000) throws -> (Sandbox, String, Data, String) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let content = pseudoRandomBytes(count: size, seed: 77)
        let reference = try sandbox.fileOne(try sandbox.input("doc.pdf", content))
        // Lent first, so that get reaches the blob: the refusals below are about the data, not the loan.
        try sandbox.lend(reference)
        let blob = try sandbox.blobFile(of: reference)
        #expect(sandbox.blobFiles() == [blob])
        return (sandbox, reference, content, blob)
    }

    static func modify(_ path: String, _ change: (inout Data) -> Void) throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        change(&data)
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Runs every form of `get` on `reference` and checks the refusal, with no output left anywhere.
    ///
    /// Damage that the length, header or commitment shows is refused before access is logged: one
    /// `failed` entry per get. Damage inside a chunk shows only while decrypting, after the get was
    /// logged (`ok`, committed before any plaintext leaves), so each get adds `ok` then `failed`.
    static func expectRefused(
        _ sandbox: Sandbox, _ reference: String, message: String = authenticationMessage, inChunk: Bool = false
    ) throws {
        let perGet = inChunk ? ["get:ok", "get:failed"] : ["get:failed"]
        try sandbox.expectNoChange(audit: Array(repeating: perGet, count: 5).flatMap { $0 }) {
            for output in [["-o", "out.pdf"], ["-o", "out.pdf", "--force"], [], ["-o", sandbox.inputs + "/x.pdf"]] {
                expectFailure(
                    try sandbox.run(["get", reference] + output), 65, ["the stored blob of \(reference)", message])
            }
            expectFailure(try sandbox.run(["get", reference, "-o", "-"]), 65, [message])
        }
        #expect(sandbox.names() == ["keys", "vault"])
        #expect(!sandbox.names(in: sandbox.inputs).contains { $0.contains("x.pdf") })
    }

    @Test(arguments: [0, 5, 8, 20, 40, 70, 2_000, 5_070, 5_079])
    func flippedByteIsDataError(offset: Int) throws {
        let (sandbox, reference, _, blob) = try Self.vault()
        try Self.modify(blob) { $0[offset] ^= 0x01 }
        // The first 64 bytes are the header, salt and commitment; chunks follow.
        try Self.expectRefused(sandbox, reference, inChunk: offset >= 64)
        // The catalogue is still usable for the other commands.
        #expect(try sandbox.run(["show", reference]).status == 0)
    }

    @Test func flippedByteInLastChunkWritesOnlyAuthenticatedChunksToStdout() throws {
        let size = 3 * 16_384 + 100
        let (sandbox, reference, content, blob) = try Self.vault(size: size)
        let blobSize = try Data(contentsOf: URL(fileURLWithPath: blob)).count
        try Self.modify(blob) { $0[blobSize - 30] ^= 0x80 }
        let result = try sandbox.run(["get", reference, "-o", "-"])
        #expect(result.status == 65)
        #expect(result.stderr.contains(Self.authenticationMessage))
        #expect(result.stdoutData.count < size)
        #expect(result.stdoutData.count % 16_384 == 0)
        #expect(content.prefix(result.stdoutData.count) == result.stdoutData)
        let toFile = try sandbox.run(["get", reference, "-o", "out.bin"])
        #expect(toFile.status == 65)
        #expect(sandbox.names() == ["keys", "vault"])
    }

    @Test func flippedByteInOneChunkFileWritesNothingToStdout() throws {
        let (sandbox, reference, _, blob) = try Self.vault(size: 100)
        try Self.modify(blob) { $0[100] ^= 0xFF }
        let result = try sandbox.run(["get", reference, "-o", "-"])
        #expect(result.status == 65)
        #expect(result.stdoutData.isEmpty)
    }

    @Test(arguments: [1, 16, 17, 5_000])
    func truncatedBlobIsDataError(removed: Int) throws {
        let (sandbox, reference, _, blob) = try Self.vault()
        try Self.modify(blob) { $0.removeLast(removed) }
        try Self.expectRefused(sandbox, reference)
    }

    @Test func emptiedBlobIsDataError() throws {
        let (sandbox, reference, _, blob) = try Self.vault()
        try Data().write(to: URL(fileURLWithPath: blob))
        try Self.expectRefused(sandbox, reference)
    }

    @Test(arguments: [1, 16, 16_400])
    func extendedBlobIsDataError(added: Int) throws {
        let (sandbox, reference, _, blob) = try Self.vault()
        try Self.modify(blob) { $0.append(pseudoRandomBytes(count: added)) }
        try Self.expectRefused(sandbox, reference)
    }

    @Test func emptyDocumentWithAppendedBytesIsDataError() throws {
        let (sandbox, reference, _, blob) = try Self.vault(size: 0)
        try Self.modify(blob) { $0.append(0) }
        try Self.expectRefused(sandbox, reference)
    }

    @Test func swappedBlobsAreDataErrors() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let first = try sandbox.fileOne(try sandbox.input("a.pdf", pseudoRandomBytes(count: 3_000, seed: 1)))
        let second = try sandbox.fileOne(try sandbox.input("b.pdf", pseudoRandomBytes(count: 3_000, seed: 2)))
        try sandbox.lend([first, second])
        let blobA = try sandbox.blobFile(of: first)
        let blobB = try sandbox.blobFile(of: second)
        let dataA = try Data(contentsOf: URL(fileURLWithPath: blobA))
        let dataB = try Data(contentsOf: URL(fileURLWithPath: blobB))
        #expect(dataA.count == dataB.count)
        try dataB.write(to: URL(fileURLWithPath: blobA))
        try dataA.write(to: URL(fileURLWithPath: blobB))
        try Self.expectRefused(sandbox, first)
        try Self.expectRefused(sandbox, second)
    }

    @Test func blobCopiedFromAnotherVaultIsDataError() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let content = pseudoRandomBytes(count: 3_000, seed: 9)
        let reference = try sandbox.fileOne(try sandbox.input("a.pdf", content))
        let blob = try sandbox.blobFile(of: reference)
        // A second document with the same content still has its own key: its blob does not fit the first.
        let twin = try sandbox.fileOne(try sandbox.input("twin.pdf", content))
        try sandbox.lend([reference, twin])
        try FileManager.default.removeItem(atPath: blob)
        try FileManager.default.copyItem(atPath: try sandbox.blobFile(of: twin), toPath: blob)
        try Self.expectRefused(sandbox, reference)
        #expect(try sandbox.run(["get", twin, "-o", "-"]).stdoutData == content)
    }

    @Test func deletedBlobIsDataError() throws {
        let (sandbox, reference, _, blob) = try Self.vault()
        try FileManager.default.removeItem(atPath: blob)
        try Self.expectRefused(
            sandbox, reference, message: "the stored blob of \(reference) is missing; restore it from a backup")
    }

    @Test func tamperedOutputNeverLeavesPartialFileEvenWithForce() throws {
        let (sandbox, reference, _, blob) = try Self.vault(size: 40_000)
        try Data("previous".utf8).write(to: URL(fileURLWithPath: sandbox.work + "/doc.pdf"))
        try Self.modify(blob) { $0[$0.count / 2] ^= 0x10 }
        try sandbox.expectNoChange(audit: ["get:ok", "get:failed"]) {
            expectFailure(try sandbox.run(["get", reference, "--force"]), 65, [Self.authenticationMessage])
        }
        // The failure names the loan the access went through, like the entry before it.
        let entries = try sandbox.auditLog().suffix(2)
        #expect(entries.allSatisfy { $0.target == reference && $0.details.contains("loan=") })
        #expect(try String(contentsOfFile: sandbox.work + "/doc.pdf", encoding: .utf8) == "previous")
    }
}
