import Foundation
import Testing

@testable import VaultCore

/// The Foundation-free text helpers give what the Foundation calls they replaced gave.
@Suite struct TextEditingTests {
    /// Every scalar that is not a surrogate.
    static let allScalars = (0...0x10_FFFF).compactMap(Unicode.Scalar.init)

    /// Whether Foundation's trimming with `set` removes `scalar` on its own.
    static func trims(_ set: CharacterSet, _ scalar: Unicode.Scalar) -> Bool {
        String(scalar).trimmingCharacters(in: set).isEmpty
    }

    @Test func spacesAndTabsAreWhatFoundationTrimmedAsWhitespaceForEveryScalar() {
        let differing = Self.allScalars.filter { $0.isSpaceOrTab != Self.trims(.whitespaces, $0) }
        #expect(differing.isEmpty, "differ: \(differing.prefix(10).map { String($0.value, radix: 16) })")
    }

    @Test func spacesAndNewlinesAreWhatFoundationTrimmedAsWhitespaceAndNewlinesForEveryScalar() {
        let differing = Self.allScalars.filter { $0.isSpaceOrNewline != Self.trims(.whitespacesAndNewlines, $0) }
        #expect(differing.isEmpty, "differ: \(differing.prefix(10).map { String($0.value, radix: 16) })")
    }

    @Test func trimmingMatchesFoundation() {
        let samples = [
            "", " ", "\t", "  a b  ", "\t\u{00A0}name\u{3000}", "\r\nline\r\n", "a", "\u{2028}x\u{2029}", " \u{301}a",
            "\u{85}text\u{0B}", "inner  spaces stay", "\u{200B}zero width is not a space\u{200B}",
        ]
        for text in samples {
            #expect(text.trimmingSpaces() == text.trimmingCharacters(in: .whitespaces), "\(Array(text.unicodeScalars))")
            #expect(
                text.trimmingSpacesAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines),
                "\(Array(text.unicodeScalars))")
        }
        // Substrings trim too.
        #expect("[ x ]".dropFirst().dropLast().trimmingSpaces() == "x")
    }

    @Test func replacingMatchesFoundationScalarByScalar() {
        let cases: [(String, String, String)] = [
            ("a\r\nb\nc", "\n", "%0A"), ("a\r\nb\rc", "\r", "%0D"), ("say \"hi\"", "\"", "\"\""),
            ("borrow.request", "borrow.", ""), ("aaaa", "aa", "b"), ("aaa", "aa", "b"), ("no match", "xyz", "q"),
            ("C:\\scans\\a.pdf", "\\", "/"), ("first_name", "_", " "), ("", "a", "b"), ("ééé", "é", "e"),
            ("a b c", " ", "-"), ("line\none", "\n", " "),
        ]
        for (text, target, replacement) in cases {
            #expect(
                text.replacingEvery(target, with: replacement)
                    == text.replacingOccurrences(of: target, with: replacement), "\(text) \(target)")
        }
        #expect("abc".replacingEvery("", with: "x") == "abc")
    }

    @Test func zeroPaddingMatchesPrintf() {
        for value in [0, 1, 7, 42, 999, 1000, 2024, 1_234_567, 12_345_678, -3, -42, Int.max] {
            for width in [0, 1, 2, 4, 7] {
                #expect(value.zeroPadded(width) == String(format: "%0\(width)ld", value), "\(value) \(width)")
            }
        }
        #expect(Int32(5).zeroPadded(2) == "05")
    }

    @Test func oneDecimalMatchesPrintf() {
        var values: [Double] = [0, 0.04, 0.05, 0.06, 0.25, 0.35, 1, 2.25, 9.95, 99.99, 1023.95, 1.25, 3.14159, 12.5]
        var random = SplitMix64(seed: 0x2E31_66)
        for _ in 0..<2000 {
            let state = random.next()
            values.append(Double(state >> 40) / 1_048_576)  // sizes in MiB, as `megabytes` prints them
            values.append(Double(state >> 44) / 1000)  // seconds to the millisecond, as `import` prints them
            values.append(Double(bitPattern: state >> 2 | 0x3FF0_0000_0000_0000) * 50)  // any double in [50, 100)
        }
        for tenths in 0..<10_000 { values.append(Double(tenths) / 10 + 0.05) }  // every halfway case up to 1000
        for value in values {
            #expect(ByteCount.oneDecimal(value) == String(format: "%.1f", value), "\(value)")
        }
    }
}
