/// Trimming, replacing and padding of text without Foundation, scalar by scalar as Foundation did.
///
/// VaultCore links FoundationEssentials only: the rest of Foundation (CoreFoundation and ICU)
/// cost every command about 0.75 ms of start-up. These helpers replace the few `NSString`
/// methods VaultCore used and give the same results; the tests compare them with Foundation's.
extension StringProtocol {
    /// The text without leading and trailing spaces and tabs, as `trimmingCharacters(in: .whitespaces)` gave.
    public func trimmingSpaces() -> String {
        trimming(where: \.isSpaceOrTab)
    }

    /// The text without leading and trailing spaces, tabs and line breaks, as `.whitespacesAndNewlines` gave.
    public func trimmingSpacesAndNewlines() -> String {
        trimming(where: \.isSpaceOrNewline)
    }

    /// Every occurrence of `target` replaced by `replacement`, compared scalar by scalar.
    ///
    /// Unlike the standard library's `replacing(_:with:)`, which compares characters, a `\n` is
    /// found inside a `\r\n` line break, as Foundation's `replacingOccurrences(of:with:)` found it.
    public func replacingEvery(_ target: String, with replacement: String) -> String {
        let pattern = Array(target.unicodeScalars)
        guard let first = pattern.first else { return String(self) }
        let scalars = Array(unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == first, index + pattern.count <= scalars.count,
                scalars[index..<index + pattern.count].elementsEqual(pattern)
            {
                result.append(contentsOf: replacement.unicodeScalars)
                index += pattern.count
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return String(result)
    }

    /// The text without the leading and trailing scalars `drop` accepts.
    private func trimming(where drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !drop($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !drop($0) })!
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}

extension Unicode.Scalar {
    /// A space separator (Unicode `Zs`), a tab or U+200B: what `trimmingCharacters(in: .whitespaces)` removed.
    ///
    /// CoreFoundation still counts ZERO WIDTH SPACE as a space, as Unicode once did.
    var isSpaceOrTab: Bool {
        value == 0x09 || value == 0x200B || properties.generalCategory == .spaceSeparator
    }

    /// A space, tab or line break (`Zs`, `Zl`, `Zp`, U+000A–U+000D, U+0085, U+200B): `.whitespacesAndNewlines`.
    var isSpaceOrNewline: Bool {
        if (0x09...0x0D).contains(value) || value == 0x85 || value == 0x200B { return true }
        switch properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}

extension BinaryInteger {
    /// The number in decimal, left-padded with zeros to `width` digits, as `%0*d` printed it.
    public func zeroPadded(_ width: Int) -> String {
        let digits = String(self.magnitude)
        let sign = self < 0 ? "-" : ""
        let padding = max(0, width - sign.count - digits.count)
        return sign + String(repeating: "0", count: padding) + digits
    }
}
