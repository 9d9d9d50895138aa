/// The parts of a file path, as `NSString`'s path methods gave them, without Foundation.
///
/// Only the slash-separated string is looked at; nothing is read from the disk. The tests
/// compare every function with `NSString` over paths with and without leading, trailing and
/// doubled slashes and extensions.
public enum PathName {
    /// The last component: `"/a/b.pdf"` → `"b.pdf"`, `"a/b/"` → `"b"`, `"/"` → `"/"`, `""` → `""`.
    public static func last(_ path: String) -> String {
        if isOnlySlashes(path) { return "" }
        let trimmed = withoutTrailingSlashes(path)
        if trimmed == "/" || trimmed.isEmpty { return trimmed }
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// The path without its last component: `"/a/b"` → `"/a"`, `"/a"` → `"/"`, `"a"` → `""`.
    public static func parent(_ path: String) -> String {
        if isOnlySlashes(path) { return "" }
        let trimmed = withoutTrailingSlashes(path)
        if trimmed == "/" { return "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        let head = withoutTrailingSlashes(String(trimmed[..<slash]))
        return head.isEmpty ? "/" : head
    }

    /// The extension of the last component without its dot: `"a/b.PDF"` → `"PDF"`, `".profile"` → `""`.
    public static func `extension`(_ path: String) -> String {
        let name = last(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        let suffix = name[name.index(after: dot)...]
        return String(suffix)
    }

    /// The path without the extension of its last component: `"dir/scan.pdf"` → `"dir/scan"`.
    public static func deletingExtension(_ path: String) -> String {
        if isOnlySlashes(path) { return "" }
        let trimmed = withoutTrailingSlashes(path)
        let name = last(trimmed)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex, !name.allSatisfy({ $0 == "." }) else {
            return trimmed
        }
        let removed = name.distance(from: dot, to: name.endIndex)
        return String(trimmed.dropLast(removed))
    }

    /// Two or more slashes and nothing else, which `NSString` treated as an empty path.
    private static func isOnlySlashes(_ path: String) -> Bool {
        path.count > 1 && path.allSatisfy { $0 == "/" }
    }

    /// `path` without trailing slashes, except a lone `/`; doubled slashes inside become one.
    private static func withoutTrailingSlashes(_ path: String) -> String {
        var collapsed = ""
        var previousSlash = false
        for character in path {
            if character == "/" && previousSlash { continue }
            previousSlash = character == "/"
            collapsed.append(character)
        }
        while collapsed.count > 1 && collapsed.hasSuffix("/") { collapsed.removeLast() }
        return collapsed
    }
}
