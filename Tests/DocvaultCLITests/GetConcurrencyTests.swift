import Foundation
import Testing

/// A long `get` does not hold the catalogue's write lock while it decrypts, so others keep filing.
@Suite struct GetConcurrencyTests {
    @Test func filingProceedsWhileAGetIsStalledMidStream() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let content = pseudoRandomBytes(count: 8 << 20, seed: 21)
        let reference = try sandbox.fileOne(try sandbox.input("big.bin", content))
        try sandbox.lend(reference)
        // The reader stops reading after the first bytes, so the get stalls with its entry already logged.
        let binary = try #require(CLI.binary)
        let get = Process()
        get.executableURL = URL(fileURLWithPath: binary)
        get.arguments = ["get", reference, "-o", "-"]
        get.currentDirectoryURL = URL(fileURLWithPath: sandbox.work)
        get.environment = CLI.baseEnvironment().merging(sandbox.defaultEnvironment) { _, new in new }
        let pipe = Pipe()
        get.standardOutput = pipe
        get.standardError = FileHandle.nullDevice
        try get.run()
        let first = pipe.fileHandleForReading.readData(ofLength: 4096)
        #expect(first == content.prefix(4096))
        let started = Date()
        let filed = try sandbox.run(
            ["file", try sandbox.input("other.pdf", text: "filed meanwhile"), "--category", "CL", "--year", "2024"])
        #expect(filed.status == 0, "\(filed)")
        #expect(Date().timeIntervalSince(started) < 8, "filing waited for the get")
        var rest = first
        rest += pipe.fileHandleForReading.readDataToEndOfFile()
        get.waitUntilExit()
        #expect(get.terminationStatus == 0)
        #expect(rest == content)
        #expect(try sandbox.run(as: "admin", ["audit", "verify"]).status == 0)
    }
}
