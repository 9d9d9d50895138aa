import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The harness itself: the snapshot must notice every kind of change the other tests rely on it for.
@Suite struct HarnessTests {
    @Test func binaryIsFound() throws {
        let binary = try #require(CLI.binary)
        #expect(FileManager.default.isExecutableFile(atPath: binary))
        #expect(binary.hasSuffix("/docvault"))
    }

    @Test func snapshotNoticesContentModeAndNewFiles() throws {
        let sandbox = try Sandbox()
        let path = try sandbox.input("a.bin", pseudoRandomBytes(count: 100))
        let before = try TreeSnapshot(sandbox.inputs)
        #expect(try TreeSnapshot(sandbox.inputs) == before)

        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[50] ^= 1
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(try TreeSnapshot(sandbox.inputs) != before)
        bytes[50] ^= 1
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(try TreeSnapshot(sandbox.inputs) == before)

        chmod(path, 0o640)
        let afterChmod = try TreeSnapshot(sandbox.inputs)
        chmod(path, 0o604)
        #expect(try TreeSnapshot(sandbox.inputs) != afterChmod)
        try sandbox.input(".hidden.partial", text: "")
        #expect(try TreeSnapshot(sandbox.inputs) != afterChmod)
    }

    @Test func environmentIsClearedOfDocvaultVariables() throws {
        // Whatever the developer's shell exports, runs start without DOCVAULT_* variables.
        #expect(CLI.baseEnvironment().keys.allSatisfy { !$0.hasPrefix("DOCVAULT_") })
        #expect(CLI.baseEnvironment()["PATH"] == ProcessInfo.processInfo.environment["PATH"])
    }
}
