import Foundation
import Testing

@testable import VaultCore

/// File errors read as the system's reason in words, as `localizedDescription` gave them.
@Suite struct FileSystemReasonTests {
    @Test func aFileManagerErrorGivesTheReasonOfItsErrno() throws {
        let folder = FileManager.default.temporaryDirectory.path + "/reason-\(UUID().uuidString)"
        try Data("a file".utf8).write(to: URL(fileURLWithPath: folder))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A folder inside a file: ENOTDIR.
        let error = try #require(
            throws: (any Error).self,
            performing: {
                try FileManager.default.createDirectory(
                    atPath: folder + "/inside", withIntermediateDirectories: false)
            })
        #expect(FileSystem.reason(error) == "not a directory")
    }

    @Test func posixErrorsAndFailuresGiveTheirReason() {
        #expect(FileSystem.reason(POSIXError(.EACCES)) == "permission denied")
        #expect(
            FileSystem.reason(POSIXFailure(operation: "open", path: "/x", code: ENOSPC)) == "no space left on device")
    }

    @Test func otherErrorsDescribeThemselves() {
        struct Odd: Error, CustomStringConvertible { var description: String { "odd" } }
        #expect(FileSystem.reason(Odd()) == "odd")
    }
}
