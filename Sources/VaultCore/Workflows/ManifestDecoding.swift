import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// The text encodings a ledger exported from a spreadsheet comes in.
public enum ManifestEncoding: String, CaseIterable, Sendable {
    /// UTF-8, with or without a byte-order mark.
    case utf8 = "utf-8"
    /// GB18030 (a superset of GBK and GB2312), what Excel on Chinese Windows saves as "CSV".
    case gb18030

    /// Parses `--encoding`'s value (`utf-8`, `utf8`, `gb18030`, `gbk`); nil for anything else.
    public init?(name: String) {
        switch name.lowercased() {
        case "utf-8", "utf8": self = .utf8
        // GBK and GB2312 files are GB18030 files: decoding them as GB18030 is exact.
        case "gb18030", "gbk", "gb2312": self = .gb18030
        default: return nil
        }
    }
}

/// A manifest's bytes that are not text in the encoding asked for, with the line of the first bad byte.
public struct ManifestDecodingError: Error, Sendable, Equatable {
    /// The encoding that was tried.
    public let encoding: ManifestEncoding
    /// The 1-based line holding the first byte that does not decode.
    public let line: Int
}

/// Turning a manifest's bytes into text.
///
/// Decoding goes through the C library's `iconv(3)` (glibc's gconv modules ship GB18030);
/// Foundation on Linux does not decode GB18030.
public enum ManifestDecoding {
    /// Decodes `bytes` as `encoding`, or detects it: valid UTF-8 is UTF-8, anything else GB18030.
    ///
    /// A leading UTF-8 byte-order mark is dropped. Throws ``ManifestDecodingError`` naming the
    /// line of the first byte that does not decode.
    public static func decode(_ bytes: [UInt8], as encoding: ManifestEncoding?) throws -> (
        text: String, encoding: ManifestEncoding
    ) {
        let hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        let body = hasBOM && encoding != .gb18030 ? Array(bytes.dropFirst(3)) : bytes
        switch encoding {
        case .utf8?: return (try convert(body, from: .utf8), .utf8)
        case .gb18030?: return (try convert(body, from: .gb18030), .gb18030)
        case nil:
            if let text = String(validating: body, as: UTF8.self) { return (text, .utf8) }
            return (try convert(body, from: .gb18030), .gb18030)
        }
    }

    /// Converts `bytes` from `encoding` to a string with iconv, refusing any byte that does not decode.
    static func convert(_ bytes: [UInt8], from encoding: ManifestEncoding) throws -> String {
        let name = encoding == .utf8 ? "UTF-8" : "GB18030"
        guard let converter = iconv_open("UTF-8", name), converter != iconv_t(bitPattern: -1) else {
            throw VaultError.failure("this system cannot decode \(name) (iconv has no converter for it)")
        }
        defer { iconv_close(converter) }
        // One GB18030 byte or pair becomes at most three UTF-8 bytes; four stay four.
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)
        var input = bytes
        var consumed = 0
        var produced = 0
        let failed = input.withUnsafeMutableBytes { inputBuffer in
            output.withUnsafeMutableBytes { outputBuffer -> Bool in
                guard let inputBase = inputBuffer.baseAddress, let outputBase = outputBuffer.baseAddress else {
                    return false
                }
                var inPointer: UnsafeMutablePointer<CChar>? = inputBase.assumingMemoryBound(to: CChar.self)
                var outPointer: UnsafeMutablePointer<CChar>? = outputBase.assumingMemoryBound(to: CChar.self)
                var inLeft = inputBuffer.count
                var outLeft = outputBuffer.count
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                consumed = inputBuffer.count - inLeft
                produced = outputBuffer.count - outLeft
                return result == -1
            }
        }
        if failed {
            let line = bytes[..<consumed].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw ManifestDecodingError(encoding: encoding, line: line)
        }
        return String(decoding: output[..<produced], as: UTF8.self)
    }
}
