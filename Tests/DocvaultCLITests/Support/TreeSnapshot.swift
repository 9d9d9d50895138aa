import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A byte-for-byte record of a directory tree: every path with its kind, mode, size and SHA-256.
///
/// Two snapshots are equal exactly when the trees hold the same paths with the same
/// permissions and the same contents; timestamps are ignored. With `catalogueContent`,
/// a `catalog.sqlite` is recorded by the SQL dump of its tables other than `audit_log`
/// (so a growing audit log is no change) and its `-wal` companion is left out. The `-shm`
/// file is always left out: it is SQLite's shared-memory index of the WAL, rewritten by any
/// connection that merely opens the catalogue, and holds no data of its own.
struct TreeSnapshot: Equatable, CustomStringConvertible {
    /// One file system entry.
    struct Entry: Equatable {
        /// `d` folder, `f` regular file, `l` symbolic link, `?` anything else.
        var kind: Character
        /// The permission bits.
        var mode: UInt32
        /// Size in bytes (regular files only; 0 otherwise).
        var size: Int
        /// SHA-256 of the contents (regular files) or the link target (links).
        var digest: String
    }

    /// Entries by path relative to the root; the root itself is `.`.
    let entries: [String: Entry]

    /// Takes a snapshot of `root`; a missing root gives an empty snapshot.
    init(_ root: String, catalogueContent: Bool = false) throws {
        var entries: [String: Entry] = [:]
        var info = stat()
        guard lstat(root, &info) == 0 else {
            self.entries = [:]
            return
        }
        let relative = ["."] + ((try? FileManager.default.subpathsOfDirectory(atPath: root)) ?? [])
        var files: [String] = []
        for path in relative {
            let name = (path as NSString).lastPathComponent
            if name == "catalog.sqlite-shm" || (catalogueContent && name == "catalog.sqlite-wal") { continue }
            let full = path == "." ? root : root + "/" + path
            guard lstat(full, &info) == 0 else { throw HarnessError("lstat \(full) failed") }
            let kind: Character
            switch info.st_mode & S_IFMT {
            case S_IFDIR: kind = "d"
            case S_IFREG: kind = "f"
            case S_IFLNK: kind = "l"
            default: kind = "?"
            }
            var digest = ""
            if kind == "l" { digest = (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? "" }
            var size = kind == "f" ? Int(info.st_size) : 0
            if kind == "f" && catalogueContent && name == "catalog.sqlite",
                let dump = try Catalogue.dumpWithoutAuditLog(full)
            {
                digest = "tables " + (try sha256Hex(Data(dump.utf8)))
                size = 0
            } else if kind == "f" {
                files.append(path)
            }
            entries[path] = Entry(kind: kind, mode: UInt32(info.st_mode & 0o7777), size: size, digest: digest)
        }
        for (path, digest) in try Self.sha256(files, in: root) { entries[path]?.digest = digest }
        self.entries = entries
    }

    /// SHA-256 digests of `paths` (relative to `root`) from one run of `sha256sum`.
    private static func sha256(_ paths: [String], in root: String) throws -> [String: String] {
        guard !paths.isEmpty else { return [:] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = ["--"] + paths
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HarnessError("sha256sum failed in \(root)") }
        var digests: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            digests[String(parts[1].drop { $0 == " " || $0 == "*" })] = String(parts[0])
        }
        guard digests.count == paths.count else { throw HarnessError("sha256sum gave \(digests.count) digests") }
        return digests
    }

    /// Paths whose entries differ between `self` and `other`, for failure messages.
    func differences(from other: TreeSnapshot) -> [String] {
        Set(entries.keys).union(other.entries.keys).sorted().compactMap { path in
            let mine = entries[path]
            let theirs = other.entries[path]
            guard mine != theirs else { return nil }
            return "\(path): \(mine.map(String.init(describing:)) ?? "absent") -> "
                + "\(theirs.map(String.init(describing:)) ?? "absent")"
        }
    }

    var description: String {
        entries.keys.sorted().map { "\($0) \(entries[$0]!)" }.joined(separator: "\n")
    }
}
