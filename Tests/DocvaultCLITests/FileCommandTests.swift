import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `docvault file`: reference numbers, duplicate warnings and refusals of bad input.
@Suite struct FileCommandTests {
    @Test func referenceNumbersCountUpPerCategoryAndYear() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let a = try sandbox.input("a.pdf", text: "first")
        let b = try sandbox.input("b.pdf", text: "second")
        let c = try sandbox.input("c.pdf", text: "third")
        #expect(try sandbox.fileOne(a) == "J001-CL-2024-D10-0001")
        #expect(try sandbox.fileOne(b) == "J001-CL-2024-D10-0002")
        #expect(try sandbox.fileOne(c, ["--category", "CL", "--year", "2023"]) == "J001-CL-2023-D10-0001")
        #expect(try sandbox.fileOne(c, ["--category", "cu", "--year", "2024"]) == "J001-CU-2024-D5-0001")
        let fi = ["--category", "FI", "--year", "2024"]
        #expect(try sandbox.fileOne(a, fi + ["--type", "annual-report"]) == "J001-FI-2024-Y-0001")
        #expect(try sandbox.fileOne(b, fi + ["--type", "bank-statement"]) == "J001-FI-2024-D10-0002")
        #expect(try sandbox.fileOne(c, fi + ["--type", "voucher"]) == "J001-FI-2024-D30-0003")
    }

    @Test func fondsChosenAtInitIsThePrefix() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault(["--fonds", "X9"])
        let path = try sandbox.input("a.pdf", text: "x")
        #expect(try sandbox.fileOne(path) == "X9-CL-2024-D10-0001")
    }

    @Test func severalFilesAtOnceGetConsecutiveReferences() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let paths = try (1...3).map { try sandbox.input("doc\($0).txt", text: "content \($0)") }
        // With a policy number: no completeness warning (CompletenessCommandTests covers that).
        let result = try sandbox.run(["file"] + paths + ["--category", "UW", "--year", "2025", "--policy", "P-1"])
        #expect(result.status == 0)
        #expect(
            result.stdout == (1...3).map { "J001-UW-2025-D10-000\($0)  \(paths[$0 - 1])\n" }.joined())
        #expect(result.stderr.isEmpty)
        #expect(sandbox.blobFiles().count == 3)
    }

    @Test func sameContentTwiceWarnsWithEarlierReference() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let original = try sandbox.input("original.pdf", text: "the same bytes")
        let copy = try sandbox.input("copy.pdf", text: "the same bytes")
        let first = try sandbox.fileOne(original)
        let result = try sandbox.run(["file", copy, "--category", "CL", "--year", "2024", "--claim", "C-1"])
        #expect(result.status == 0)
        #expect(result.stdout == "J001-CL-2024-D10-0002  \(copy)\n")
        #expect(result.stderr == "warning: \(copy) has the same content as \(first)\n")
        // Within one command the later file names the earlier one too.
        let again = try sandbox.run(["file", original, copy, "--category", "OT", "--year", "2024"])
        #expect(again.status == 0)
        #expect(again.stderr.contains("warning: \(copy) has the same content as"))
        #expect(again.stderr.contains("J001-OT-2024-D10-0001"))
        #expect(sandbox.blobFiles().count == 4)
    }

    @Test func missingFileIsInputMissing() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let missing = sandbox.inputs + "/nope.pdf"
        try sandbox.expectNoChange(audit: ["file:failed"]) {
            expectFailure(
                try sandbox.run(["file", missing, "--category", "CL", "--year", "2024"]), 66,
                ["no such file: \(missing)"])
        }
    }

    @Test func directoryIsInputMissing() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.expectNoChange(audit: ["file:failed"]) {
            expectFailure(
                try sandbox.run(["file", sandbox.inputs, "--category", "CL", "--year", "2024"]), 66,
                ["\(sandbox.inputs) is a directory"])
        }
    }

    @Test func unreadableFileIsInputMissing() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let path: String
        if getuid() != 0 {
            path = try sandbox.input("secret.pdf", text: "locked")
            chmod(path, 0)
        } else {
            // Root reads any file despite chmod 000; a write-only sysctl is refused even to root.
            path = "/proc/sys/vm/compact_memory"
            try #require(open(path, O_RDONLY) == -1 && errno == EACCES, "\(path) is readable here")
        }
        try sandbox.expectNoChange(audit: ["file:failed"]) {
            expectFailure(
                try sandbox.run(["file", path, "--category", "CL", "--year", "2024"]), 66,
                ["cannot read \(path): permission denied"])
        }
    }

    @Test func thirdFileMissingFilesNothing() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let a = try sandbox.input("a.pdf", pseudoRandomBytes(count: 40_000))
        let b = try sandbox.input("b.pdf", text: "b")
        let missing = sandbox.inputs + "/c.pdf"
        try sandbox.expectNoChange(audit: ["file:failed"]) {
            expectFailure(
                try sandbox.run(["file", a, b, missing, "--category", "CL", "--year", "2024"]), 66,
                ["no such file: \(missing)"])
        }
        #expect(sandbox.blobFiles().isEmpty)
        // The next filing still gets item 0001: nothing was consumed.
        #expect(try sandbox.fileOne(a) == "J001-CL-2024-D10-0001")
    }

    /// Bad metadata, its message, and whether it is found after login (and so leaves a `file:failed` entry).
    static let badMetadata: [([String], String, Bool)] = [
        (["--category", "XX", "--year", "2024"], "unknown category 'XX'; use one of UW, CL, CU, FI, HR, OT", true),
        (["--category", "CL", "--year", "1899"], "year 1899 is outside 1900-2100", true),
        (["--category", "CL", "--year", "2101"], "year 2101 is outside 1900-2100", true),
        (["--category", "CL", "--year", "abc"], "--year needs a whole number, not 'abc'", false),
        (
            ["--category", "CL", "--year", "2024", "--date", "2024-13-01"], "date '2024-13-01' is not a valid date",
            true
        ),
        (
            ["--category", "CL", "--year", "2024", "--date", "2023-02-29"], "date '2023-02-29' is not a valid date",
            true
        ),
        (["--category", "CL", "--year", "2024", "--date", "24-1-1"], "date '24-1-1' is not a valid date", true),
        (["--year", "2024"], "file needs --category", false),
        (["--category", "CL"], "file needs --year", false),
        (["--category", "CL", "--year", "2024", "--colour", "red"], "unknown option '--colour'", false),
        (["--category", "CL", "--year"], "--year needs a value", false),
    ]

    @Test(arguments: badMetadata)
    func badMetadataIsUsageError(arguments: [String], message: String, afterLogin: Bool) throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let path = try sandbox.input("a.pdf", text: "content")
        try sandbox.expectNoChange(audit: afterLogin ? ["file:failed"] : []) {
            expectFailure(try sandbox.run(["file", path] + arguments), 64, [message])
        }
    }

    @Test func noPathIsUsageError() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.expectNoChange {
            expectFailure(
                try sandbox.run(["file", "--category", "CL", "--year", "2024"]), 64, ["file needs at least one PATH"])
        }
    }

    @Test func leapDayIsAccepted() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let path = try sandbox.input("a.pdf", text: "content")
        let reference = try sandbox.fileOne(path, ["--category", "CL", "--year", "2024", "--date", "2024-02-29"])
        let show = try sandbox.run(["show", reference, "--json"])
        #expect(show.stdout.contains("\"date\":\"2024-02-29\""))
    }
}
