import Foundation
import Testing

/// `docvault get`: round trips through the vault and where the plaintext may be written.
@Suite struct GetCommandTests {
    @Test(arguments: [0, 1, 16_383, 16_384, 16_385, 32_768, 3 * 1024 * 1024 + 123])
    func roundTripToFileAndStdout(size: Int) throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let content = pseudoRandomBytes(count: size, seed: UInt64(size) + 1)
        let path = try sandbox.input("doc.bin", content)
        let reference = try sandbox.fileOne(path)
        let loan = try sandbox.lend(reference)
        let blob = try #require(sandbox.blobFiles().first)
        let blobSize = try #require(try FileManager.default.attributesOfItem(atPath: blob)[.size] as? Int)
        // C2SP chunked: the last chunk is always partial (possibly empty), so there are size / 16 KiB + 1 tags.
        let chunks = size / 16_384 + 1
        #expect(blobSize == 8 + 24 + 32 + size + 16 * chunks, "blob layout for \(size) bytes")
        if size >= 64 {
            let stored = try Data(contentsOf: URL(fileURLWithPath: blob))
            #expect(stored.range(of: content.prefix(64)) == nil, "plaintext visible in the blob")
        }

        let toFile = try sandbox.run(["get", reference, "-o", "out.bin"])
        #expect(toFile.status == 0, "\(toFile)")
        #expect(toFile.stdoutData.isEmpty)
        #expect(toFile.stderr.hasPrefix("wrote out.bin ("))
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.work + "/out.bin")) == content)

        let toStdout = try sandbox.run(["get", reference, "-o", "-"])
        #expect(toStdout.status == 0)
        #expect(toStdout.stdoutData == content)
        #expect(toStdout.stderr.isEmpty)
        #expect(sandbox.names() == ["keys", "out.bin", "vault"])
        let gets = try sandbox.auditLog().filter { $0.action == "get" }
        #expect(gets.map(\.outcome) == ["ok", "ok"])
        #expect(gets.allSatisfy { $0.actor == Sandbox.clerk && $0.target == reference })
        #expect(gets.allSatisfy { $0.details.contains("loan=\(loan)") }, "\(gets)")
    }

    @Test func defaultOutputIsOriginalNameInWorkingFolder() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let path = try sandbox.input("理赔 申请书.pdf", text: "claim form")
        let reference = try sandbox.fileOne(path)
        try sandbox.lend(reference)
        let result = try sandbox.run(["get", reference.lowercased()])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "wrote 理赔 申请书.pdf (10 B)\n")
        #expect(try String(contentsOfFile: sandbox.work + "/理赔 申请书.pdf", encoding: .utf8) == "claim form")
    }

    @Test func existingOutputRefusedUnlessForce() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let reference = try sandbox.fileOne(try sandbox.input("doc.pdf", text: "new content"))
        try sandbox.lend(reference)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: sandbox.work + "/doc.pdf"))
        try sandbox.expectNoChange(audit: ["get:failed", "get:failed"]) {
            expectFailure(
                try sandbox.run(["get", reference, "-o", "doc.pdf"]), 1,
                ["doc.pdf already exists; choose another name with -o or pass --force"])
            expectFailure(try sandbox.run(["get", reference]), 1, ["doc.pdf already exists"])
        }
        let forced = try sandbox.run(["get", reference, "-o", "doc.pdf", "--force"])
        #expect(forced.status == 0)
        #expect(try String(contentsOfFile: sandbox.work + "/doc.pdf", encoding: .utf8) == "new content")
        #expect(sandbox.names() == ["doc.pdf", "keys", "vault"])
    }

    @Test(arguments: ["vault/plain.pdf", "vault", "vault/blobs/x.pdf", "./vault/../vault/y.pdf"])
    func outputInsideVaultRefused(output: String) throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let reference = try sandbox.fileOne(try sandbox.input("doc.pdf", text: "secret plaintext"))
        // With a loan, get gets as far as choosing the output; without one it would stop at the loan.
        try sandbox.lend(reference)
        try sandbox.expectNoChange(audit: ["get:failed"]) {
            expectFailure(
                try sandbox.run(["get", reference, "-o", output]), 64,
                ["refusing to write plaintext inside the vault folder"])
        }
    }

    @Test
    func outputInsideVaultThroughSymlinkRefused() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let reference = try sandbox.fileOne(try sandbox.input("doc.pdf", text: "secret plaintext"))
        // With a loan, get gets as far as choosing the output; without one it would stop at the loan.
        try sandbox.lend(reference)
        try FileManager.default.createSymbolicLink(atPath: sandbox.work + "/link", withDestinationPath: "vault")
        try sandbox.expectNoChange(audit: ["get:failed"]) {
            expectFailure(
                try sandbox.run(["get", reference, "-o", "link/plain.pdf"]), 64,
                ["refusing to write plaintext inside the vault folder"])
        }
    }

    @Test func outputFolderMissingIsInputMissing() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let reference = try sandbox.fileOne(try sandbox.input("doc.pdf", text: "x"))
        try sandbox.lend(reference)
        try sandbox.expectNoChange(audit: ["get:failed"]) {
            expectFailure(try sandbox.run(["get", reference, "-o", "nowhere/doc.pdf"]), 66, ["no such folder"])
        }
    }

    @Test func unknownReferenceIsInputMissing() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        _ = try sandbox.fileOne(try sandbox.input("doc.pdf", text: "x"))
        try sandbox.expectNoChange(audit: ["get:failed", "get:failed", "get:failed", "show:failed", "show:failed"]) {
            for arguments in [
                ["get", "J001-CL-2024-D10-0999"], ["get", "J001-CL-2024-D10-0999", "-o", "-"],
                ["get", "J001-CL-2024-D10-0999", "-o", "x.pdf"], ["show", "J001-CL-2024-D10-0999"],
                ["show", "J001-CL-2024-D10-0999", "--json"],
            ] {
                expectFailure(
                    try sandbox.run(arguments), 66, ["no document with reference J001-CL-2024-D10-0999"])
            }
        }
    }

    @Test func referenceCountIsUsageError() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.expectNoChange {
            expectFailure(try sandbox.run(["get"]), 64, ["get needs exactly one REFERENCE"])
            expectFailure(try sandbox.run(["get", "A", "B"]), 64, ["get needs exactly one REFERENCE"])
            expectFailure(try sandbox.run(["show"]), 64, ["show needs exactly one REFERENCE"])
            expectFailure(try sandbox.run(["get", "A", "-o"]), 64, ["-o needs a value"])
        }
    }
}
