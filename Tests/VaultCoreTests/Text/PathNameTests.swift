import Foundation
import Testing

@testable import VaultCore

/// ``PathName`` gives what `NSString`'s path methods gave for the same string.
@Suite struct PathNameTests {
    static let paths = [
        "", "/", "//", "a", "/a", "a/", "/a/", "a/b", "/a/b", "a/b/", "/a/b/", "a//b", "/a//b//", "./a", "../a/b",
        "/var/vault/blobs/ab/cd", "scan.pdf", "/in/scan.pdf", "in/scan.PDF", "scan.tar.gz", ".profile",
        "/home/.profile",
        "dir.d/file", "dir.d/", "name.", "a/.b", "a/b.", "/.", "..", "/..", "/a/..", "C:\\scans\\x.pdf", "张伟/合同.pdf",
        "trailing.pdf/", "double//slash.pdf", "ends with space .pdf",
    ]

    @Test func lastComponentMatchesNSString() {
        for path in Self.paths {
            #expect(PathName.last(path) == (path as NSString).lastPathComponent, "\(path)")
        }
    }

    @Test func parentMatchesNSString() {
        // swift-corelibs-foundation 6.3.1 traps in `deletingLastPathComponent` on a one-character
        // name (`a`, `a/`); Apple's documentation gives the empty string, and so does PathName.
        let traps = { (path: String) in path == "a" || path == "a/" }
        for path in Self.paths where !traps(path) {
            #expect(PathName.parent(path) == (path as NSString).deletingLastPathComponent, "\(path)")
        }
        for path in Self.paths where traps(path) {
            #expect(PathName.parent(path) == "", "\(path)")
        }
    }

    @Test func extensionMatchesNSString() {
        for path in Self.paths {
            #expect(PathName.extension(path) == (path as NSString).pathExtension, "\(path)")
        }
    }

    @Test func deletingTheExtensionMatchesNSString() {
        for path in Self.paths {
            #expect(PathName.deletingExtension(path) == (path as NSString).deletingPathExtension, "\(path)")
        }
    }
}
