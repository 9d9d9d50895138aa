import Foundation
import Testing

@testable import VaultCore

/// `UnicodeNormalization` against Foundation, whose NFC and NFKC results are stored on disk: every scalar, every
/// decomposition and composition pair, documented departures from Unicode's algorithm, and seeded random strings.
@Suite("Unicode normalization: NFC and NFKC equal to Foundation's")
struct UnicodeNormalizationTests {
    /// Every Unicode scalar value but the surrogates.
    static var allScalars: some Sequence<Unicode.Scalar> { (UInt32(0)...0x10FFFF).lazy.compactMap(Unicode.Scalar.init) }

    @Test("NFKC of every scalar equals Foundation's")
    func everyScalarNFKC() {
        let failures = Self.mismatches(Self.allScalars.map { String($0) }, form: .nfkc)
        #expect(failures.count == 0, "\(failures.count) scalars differ, first: \(failures.prefix(8))")
    }

    @Test("NFC of every scalar equals Foundation's")
    func everyScalarNFC() {
        let failures = Self.mismatches(Self.allScalars.map { String($0) }, form: .nfc)
        #expect(failures.count == 0, "\(failures.count) scalars differ, first: \(failures.prefix(8))")
    }

    @Test("Decompositions recompose as in Foundation, also before marks of class 220 and 230 and a vowel sign")
    func decompositions() {
        var strings: [String] = []
        for scalar in Self.allScalars {
            let text = String(scalar)
            let decomposed = text.decomposedStringWithCompatibilityMapping
            guard !decomposed.unicodeScalars.elementsEqual(text.unicodeScalars) else { continue }
            strings += [
                decomposed, text.decomposedStringWithCanonicalMapping, text + "\u{0323}", decomposed + "\u{0301}",
            ]
            strings += ["x" + text + "\u{0DCF}", text + "\u{0334}\u{0301}"]
        }
        #expect(strings.count > 100_000)
        for form in Form.allCases {
            let failures = Self.mismatches(strings, form: form)
            #expect(failures.count == 0, "\(form): \(failures.count) strings differ, first: \(failures.prefix(8))")
        }
    }

    @Test("Every composition pair, also after a base that differs from the pair's in the upper bits only")
    func compositionPairs() {
        var strings: [String] = []
        for key in UnicodeNormalization.tables.compositionKeys {
            let base = UInt32(key >> 32)
            let mark = String(Unicode.Scalar(UInt32(key & 0xFFFF_FFFF))!)
            for variant in [base, base | 0xF0000, base + 0x20000] {
                let text = String(Unicode.Scalar(variant)!)
                strings += [text + mark, "a" + text + mark + "\u{0301}", text + "\u{0334}" + mark]
            }
        }
        #expect(strings.count > 8_000)
        for form in Form.allCases {
            let failures = Self.mismatches(strings, form: form)
            #expect(failures.count == 0, "\(form): \(failures.count) strings differ, first: \(failures.prefix(8))")
        }
    }

    /// Foundation's pass is not Unicode's: these pin what it does, and so what is stored, where they differ.
    @Test(
        "Compositions across scalars, and where Foundation departs from Unicode's algorithm",
        arguments: [
            // Half-width katakana and the half-width voiced mark, a class-0 character: not composed (ICU: ガ).
            Case("\u{FF76}\u{FF9E}", nfc: "\u{FF76}\u{FF9E}", nfkc: "\u{30AB}\u{3099}"),
            Case("\u{FF76}\u{3099}", nfc: "\u{FF76}\u{3099}", nfkc: "\u{30AC}"),
            Case("\u{30AB}\u{3099}", nfc: "\u{30AC}", nfkc: "\u{30AC}"),
            Case("\u{FB01}\u{0301}", nfc: "\u{FB01}\u{0301}", nfkc: "f\u{00ED}"),
            Case(
                "\u{FF21}\u{0301}\u{FF45}\u{0323}\u{0302}", nfc: "\u{FF21}\u{0301}\u{FF45}\u{0323}\u{0302}",
                nfkc: "\u{00C1}\u{1EC7}"),
            Case("\u{1100}\u{1161}\u{11A8}", nfc: "\u{AC01}", nfkc: "\u{AC01}"),
            // A syllable and a trailing jamo (ICU: 각), compatibility jamo (ICU: 가).
            Case("\u{AC00}\u{11A8}", nfc: "\u{AC00}\u{11A8}", nfkc: "\u{AC00}\u{11A8}"),
            Case("\u{3131}\u{314F}", nfc: "\u{3131}\u{314F}", nfkc: "\u{1100}\u{1161}"),
            Case("\u{3200}\u{326E}", nfc: "\u{3200}\u{326E}", nfkc: "(\u{1100})\u{AC00}"),
            // CoreFoundation's jamo bounds are inclusive; past the syllables, and on a surrogate (U+FFFD).
            Case("\u{1113}\u{1161}", nfc: "\u{D7A4}", nfkc: "\u{D7A4}"),
            Case("\u{1112}\u{1175}\u{11C2}", nfc: "\u{D7A3}", nfkc: "\u{D7A3}"),
            Case("\u{1100}\u{1161}\u{11A7}", nfc: "\u{AC00}", nfkc: "\u{AC00}"),
            Case("\u{1113}\u{1176}\u{11C3}\u{0301}", nfc: "\u{FFFD}\u{0301}", nfkc: "\u{FFFD}\u{0301}"),
            // In NFKC a leading jamo takes U+11173 (low 16 bits: U+1173) as its vowel.
            Case("\u{1100}\u{11173}", nfc: "\u{1100}\u{11173}", nfkc: "\u{ADF8}"),
            // Bases looked up by their low 16 bits: a CJK Extension B ideograph and U+0301 make Á.
            Case("\u{20041}\u{0301}", nfc: "\u{00C1}", nfkc: "\u{00C1}"),
            Case("\u{11099}\u{110BA}", nfc: "\u{1109A}", nfkc: "\u{1109A}"),
            Case("\u{21099}\u{110BA}", nfc: "\u{21099}\u{110BA}", nfkc: "\u{21099}\u{110BA}"),
            // A mark after a compatibility mapping meets only its last scalar (ICU: DẒ̌).
            Case("\u{01C4}\u{0323}", nfc: "\u{01C4}\u{0323}", nfkc: "D\u{017D}\u{0323}"),
            Case("\u{210C}\u{00B2}\u{2460}\u{2474}", nfc: "\u{210C}\u{00B2}\u{2460}\u{2474}", nfkc: "H21(1)"),
            Case("\u{FEF5}\u{FE8D}\u{0654}", nfc: "\u{FEF5}\u{FE8D}\u{0654}", nfkc: "\u{0644}\u{0622}\u{0623}"),
            Case("\u{FDFA}", nfc: "\u{FDFA}", nfkc: "صلى الله عليه وسلم"),
            Case("\u{1D400}\u{1D7D8}\u{2082}", nfc: "\u{1D400}\u{1D7D8}\u{2082}", nfkc: "A02"),
            Case(
                "\u{3300}\u{F900}\u{2F800}", nfc: "\u{3300}\u{8C48}\u{4E3D}",
                nfkc: "\u{30A2}\u{30D1}\u{30FC}\u{30C8}\u{8C48}\u{4E3D}"),
            // Marks are reordered by combining class, then composed.
            Case("a\u{0323}\u{0302}", nfc: "\u{1EAD}", nfkc: "\u{1EAD}"),
            Case("a\u{0302}\u{0323}", nfc: "\u{1EAD}", nfkc: "\u{1EAD}"),
            Case("\u{1E0B}\u{0323}", nfc: "\u{1E0D}\u{0307}", nfkc: "\u{1E0D}\u{0307}"),
            Case("\u{0DD9}\u{0DCF}\u{0DCA}", nfc: "\u{0DDD}", nfkc: "\u{0DDD}"),
            Case("\u{0301}a", nfc: "\u{0301}a", nfkc: "\u{0301}a"),
            Case("x\u{0344}", nfc: "\u{1E8D}\u{0301}", nfkc: "\u{1E8D}\u{0301}"),
            // Newer than Foundation's Unicode 15.0: U+16D68 (Unicode 16) does not decompose.
            Case(
                "\u{16D68}\u{16D67}\u{16D67}", nfc: "\u{16D68}\u{16D67}\u{16D67}", nfkc: "\u{16D68}\u{16D67}\u{16D67}"),
            Case("Łódź Straße 12, İstanbul", nfc: "Łódź Straße 12, İstanbul", nfkc: "Łódź Straße 12, İstanbul"),
        ])
    func departures(_ example: Case) {
        #expect(Self.hex(UnicodeNormalization.nfc(example.input)) == Self.hex(example.nfc))
        #expect(Self.hex(UnicodeNormalization.nfkc(example.input)) == Self.hex(example.nfkc))
        #expect(Self.hex(example.input.precomposedStringWithCanonicalMapping) == Self.hex(example.nfc))
        #expect(Self.hex(example.input.precomposedStringWithCompatibilityMapping) == Self.hex(example.nfkc))
    }

    @Test("Clusters past CoreFoundation's 64-scalar buffer, where marks with a decomposition are dropped")
    func longClusters() {
        var strings: [String] = []
        for count in 56...70 {
            let marks = String(repeating: "\u{0334}", count: count)
            for mark in ["\u{0344}", "\u{0340}", "\u{0301}"] {
                strings += ["a" + marks + mark + "\u{0300}", "\u{1FED}" + marks + mark, "\u{FB01}" + marks + mark]
                strings.append(String(repeating: mark, count: count))
            }
        }
        for form in Form.allCases {
            let failures = Self.mismatches(strings, form: form)
            #expect(failures.count == 0, "\(form): \(failures.count) strings differ, first: \(failures.prefix(4))")
        }
    }

    @Test("20,000 seeded random strings from blocks rich in decompositions and marks")
    func seededRandom() {
        let blocks: [ClosedRange<UInt32>] = [
            0x41...0x7A, 0xA0...0xFF, 0x100...0x24F, 0x300...0x36F, 0x300...0x36F, 0x1100...0x11FF, 0xAC00...0xD7A3,
            0xFF00...0xFFEF, 0x3300...0x33FF, 0xF900...0xFAFF, 0x2100...0x214F, 0xFB50...0xFDFF, 0xFE70...0xFEFF,
            0x1D400...0x1D7FF, 0x1E00...0x1FFF, 0x3099...0x309A, 0x3130...0x318F, 0x0DD9...0x0DDF,
        ]
        var random = SplitMix64(seed: 0x646F_6376_6175_6C74)
        var strings: [String] = []
        for _ in 0..<20_000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0...(random.next() % 8) {
                let block = blocks[Int(random.next() % UInt64(blocks.count))]
                scalars.append(Unicode.Scalar(block.lowerBound + UInt32(random.next() % UInt64(block.count)))!)
            }
            strings.append(String(scalars))
        }
        for form in Form.allCases {
            let failures = Self.mismatches(strings, form: form)
            #expect(failures.count == 0, "\(form): \(failures.count) strings differ, first: \(failures.prefix(8))")
        }
    }

    @Test("ASCII is returned as it is")
    func ascii() {
        let samples = [
            "", "Zhang Wei", "ID-4401 0619 8807 2315", "scans/2024/a b.pdf",
            String((0..<128).map { Character(Unicode.Scalar(UInt8($0))) }),
        ]
        for sample in samples {
            #expect(UnicodeNormalization.nfc(sample) == sample)
            #expect(UnicodeNormalization.nfkc(sample) == sample)
            #expect(sample.precomposedStringWithCompatibilityMapping == sample)
        }
    }

    @Test("The tables are CoreFoundation's Unicode 15.0 data, sorted for binary search")
    func tables() {
        let tables = UnicodeNormalization.tables
        #expect(UnicodeNormalization.dataUnicodeVersion == "15.0")
        #expect(tables.canonical.count == 2_061)
        #expect(tables.compatibility.count == 3_796)
        #expect(tables.compositionKeys.count == 941)
        #expect(tables.compositionKeys == tables.compositionKeys.sorted())
        #expect(tables.canonical.keys == tables.canonical.keys.sorted())
        #expect(tables.compatibility.keys == tables.compatibility.keys.sorted())
        let combining = (UInt32(0)...0x10FFFF).filter { tables.combiningClass($0) != 0 }
        #expect(combining.count == 922)
        #expect((UInt32(0)...0x10FFFF).filter(tables.isNonBase).count == 2_450)
        #expect(combining.allSatisfy(tables.isNonBase))
        #expect(tables.wideCompositionMarks.count == 9)
    }

    /// A string and its NFC and NFKC.
    struct Case: CustomTestStringConvertible, Sendable {
        let input: String
        let nfc: String
        let nfkc: String

        init(_ input: String, nfc: String, nfkc: String) {
            self.input = input
            self.nfc = nfc
            self.nfkc = nfkc
        }

        var testDescription: String { UnicodeNormalizationTests.hex(input) }
    }

    /// The normalisation forms under test, each with its implementation here and in Foundation.
    enum Form: CaseIterable {
        case nfc
        case nfkc

        func ours(_ string: String) -> String {
            self == .nfc ? UnicodeNormalization.nfc(string) : UnicodeNormalization.nfkc(string)
        }

        func foundation(_ string: String) -> String {
            self == .nfc
                ? string.precomposedStringWithCanonicalMapping : string.precomposedStringWithCompatibilityMapping
        }
    }

    /// The strings whose normal form differs from Foundation's, described by code point.
    static func mismatches(_ strings: some Sequence<String>, form: Form) -> [String] {
        var failures: [String] = []
        for string in strings {
            let ours = form.ours(string)
            let foundation = form.foundation(string)
            if !ours.unicodeScalars.elementsEqual(foundation.unicodeScalars) {
                failures.append("\(hex(string)): \(hex(ours)), Foundation \(hex(foundation))")
            }
        }
        return failures
    }

    /// Code points as `U+XXXX` separated by spaces.
    static func hex(_ string: String) -> String {
        string.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
    }
}
