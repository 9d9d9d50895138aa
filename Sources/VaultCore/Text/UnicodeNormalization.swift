/// Unicode normalisation forms C and KC exactly as Foundation computes them on Linux, without Foundation.
///
/// Foundation's `precomposedStringWithCanonicalMapping` and `precomposedStringWithCompatibilityMapping` are
/// CoreFoundation's `CFStringNormalize` (swift-corelibs-foundation): neither ICU nor the standard library, but
/// CoreFoundation's own Unicode 15.0 tables and its own single pass over the text. Their results are stored
/// (blind indexes, import row keys), so this is a port of that function for the two forms, step for step, over
/// the same tables (`UnicodeNormalizationData.swift`, generated from Foundation). The tests compare it with
/// Foundation for every scalar and for many strings.
///
/// The pass departs from Unicode's normalisation (UAX #15, ICU, `String._nfcCodeUnits`), and so does this port:
/// - It composes only within a cluster: a character's decomposition or compatibility mapping, with the combining
///   marks (class other than 0) after it; or the character written just before a mark, with the marks. So
///   NFKC(ｶﾞ, U+FF76 U+FF9E) is カ U+3099, not ガ; NFC(U+AC00 U+11A8) is not composed to 각 (U+AC01); and
///   NFKC(ㄱㅏ, U+3131 U+314F) is U+1100 U+1161, two conjoining jamo, not 가 (U+AC00).
/// - Conjoining jamo compose arithmetically with CoreFoundation's inclusive bounds (L to U+1113, V to U+1176,
///   T from U+11A7 to U+11C3), so ᄓᅡ becomes U+D7A4, and a result among the surrogates becomes U+FFFD. In NFKC a
///   leading jamo also takes, as its vowel, a supplementary scalar whose low 16 bits are one (U+11173).
/// - For marks whose compositions are all in the BMP, the base is looked up by its low 16 bits: U+20041 U+0301
///   composes to Á.
/// - A mark with a canonical decomposition past the 64th scalar of its cluster is dropped.
/// - Characters newer than Unicode 15.0 neither decompose nor combine.
enum UnicodeNormalization {
    /// Normalisation form C (canonical composition), as Foundation's `precomposedStringWithCanonicalMapping`.
    static func nfc(_ string: String) -> String {
        if string.utf8.allSatisfy({ $0 < 0x80 }) { return string }
        return normalize(string, compatibility: false)
    }

    /// Normalisation form KC (compatibility composition), as Foundation's `precomposedStringWithCompatibilityMapping`.
    static func nfkc(_ string: String) -> String {
        if string.utf8.allSatisfy({ $0 < 0x80 }) { return string }
        return normalize(string, compatibility: true)
    }

    /// The tables, parsed from `UnicodeNormalizationData.swift` on the first non-ASCII string.
    static let tables = Tables()

    private static let hangulSyllableBase = 0xAC00
    private static let leadingJamoBase = 0x1100
    private static let vowelJamoBase = 0x1161
    private static let trailingJamoBase = 0x11A7
    private static let vowelCount = 21
    private static let trailingCount = 28
    /// CFStringNormalize's decomposition buffer, which bounds where a combining mark may still decompose.
    private static let decompositionBufferSize = 64
    /// The sentinel CoreFoundation writes over composed marks, and what a composition lookup returns on a miss.
    private static let replacement: UInt32 = 0xFFFD

    /// CFStringNormalize for form C or, with `compatibility`, form KC, over the string's scalars.
    ///
    /// CoreFoundation rewrites its UTF-16 buffer in place, reading one character (and, at times, the one already
    /// written before it) and writing its cluster back. Here the input is read from `input` and the result
    /// appended to `output`; taking the character written before a mark is `output.popLast()`.
    private static func normalize(_ string: String, compatibility: Bool) -> String {
        let tables = Self.tables
        let input = Array(string.unicodeScalars.map(\.value))
        var output: [UInt32] = []
        output.reserveCapacity(input.count)
        var mapped: [UInt32] = []
        var position = 0
        while position < input.count {
            let character = input[position]
            position += 1
            var current = character
            mapped.removeAll(keepingCapacity: true)

            // A base character with a canonical decomposition is decomposed (Hangul syllables never are here).
            if tables.combiningClass(current) == 0, let decomposition = tables.canonical[current] {
                mapped.append(contentsOf: decomposition)
            }
            // Gather the combining marks that follow: after the decomposition, or after the character written
            // last when this character is itself a mark. The last character read stays in `current`.
            if position < input.count || mapped.isEmpty {
                if !mapped.isEmpty { current = input[position] }
                if tables.combiningClass(current) != 0 {
                    if mapped.isEmpty {
                        if let previous = output.popLast() { mapped.append(previous) }
                    } else {
                        position += 1
                    }
                    appendMark(current, to: &mapped, tables)
                    while position < input.count {
                        current = input[position]
                        if tables.combiningClass(current) == 0 { break }
                        position += 1
                        appendMark(current, to: &mapped, tables)
                    }
                }
                if mapped.count > 1 { sortMarks(&mapped, tables) }
            }

            if compatibility {
                if mapped.isEmpty && tables.compatibility[current] != nil { mapped.append(current) }
                // At most one scalar of a cluster has a mapping (the generator checks), so CoreFoundation's
                // buffer never overflows half-way through and growing it as needed is the same.
                var index = 0
                while index < mapped.count {
                    if let mapping = tables.compatibility[mapped[index]] {
                        mapped.replaceSubrange(index...index, with: mapping)
                        index += mapping.count
                    } else {
                        index += 1
                    }
                }
            }

            if mapped.count > 1 {
                compose(&mapped, compatibility: compatibility, tables)
            } else if current >= 0x1100 && current < 0x11FF {
                composeJamo(current, input, &position, &mapped)
            } else {
                // Class-0 marks (vowel signs) compose onto a character that was not decomposed.
                while position < input.count {
                    let next = input[position]
                    if !tables.isNonBase(next) || tables.combiningClass(next) != 0 { break }
                    current = tables.compose(current, next)
                    if current == replacement { break }
                    position += 1
                    mapped = [current]
                }
            }

            if mapped.isEmpty {
                output.append(character)
            } else {
                output.append(contentsOf: mapped)
            }
        }
        var scalars = String.UnicodeScalarView()
        // A composed jamo beyond the syllables can land on a lone surrogate, which Foundation returns as U+FFFD.
        for value in output { scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}") }
        return String(scalars)
    }

    /// Appends a mark, or its canonical decomposition if the decomposition buffer still has room for it.
    private static func appendMark(_ mark: UInt32, to mapped: inout [UInt32], _ tables: Tables) {
        if let decomposition = tables.canonical[mark] {
            if decompositionBufferSize - mapped.count >= decomposition.count {
                mapped.append(contentsOf: decomposition)
            }
        } else {
            mapped.append(mark)
        }
    }

    /// CoreFoundation's priority sort: after the leading class-0 scalars, a stable sort of the rest by class.
    private static func sortMarks(_ mapped: inout [UInt32], _ tables: Tables) {
        var start = 0
        while start < mapped.count && tables.combiningClass(mapped[start]) == 0 { start += 1 }
        guard mapped.count - start > 1 else { return }
        for index in (start + 1)..<mapped.count {
            let value = mapped[index]
            let valueClass = tables.combiningClass(value)
            var slot = index
            while slot > start && tables.combiningClass(mapped[slot - 1]) > valueClass {
                mapped[slot] = mapped[slot - 1]
                slot -= 1
            }
            mapped[slot] = value
        }
    }

    /// Composes a leading jamo with the vowel (and trailing) jamo that follow it in the input.
    private static func composeJamo(
        _ leading: UInt32, _ input: [UInt32], _ position: inout Int, _ mapped: inout [UInt32]
    ) {
        let leadingIndex = Int8(truncatingIfNeeded: Int(leading) - leadingJamoBase)
        guard position < input.count && leadingIndex >= 0 && leadingIndex <= 19 else { return }
        let vowelIndex = Int16(truncatingIfNeeded: Int(utf16Unit(input[position])) - vowelJamoBase)
        guard vowelIndex >= 0 && vowelIndex <= 21 else { return }
        position += 1
        var trailingIndex: Int16 = 0
        if position < input.count {
            trailingIndex = Int16(truncatingIfNeeded: Int(utf16Unit(input[position])) - trailingJamoBase)
            if trailingIndex < 0 || trailingIndex > 28 {
                trailingIndex = 0
            } else {
                position += 1
            }
        }
        mapped = [syllable(leadingIndex, vowelIndex, trailingIndex)]
    }

    /// The code point CoreFoundation computes for jamo indexes, in or beyond the Hangul syllables.
    private static func syllable(_ leading: Int8, _ vowel: Int16, _ trailing: Int16) -> UInt32 {
        UInt32((Int(leading) * vowelCount + Int(vowel)) * trailingCount + Int(trailing) + hangulSyllableBase)
    }

    /// The first UTF-16 code unit of a scalar, which is what CoreFoundation compares with the jamo ranges.
    private static func utf16Unit(_ value: UInt32) -> UInt32 {
        value > 0xFFFF ? 0xD800 + ((value - 0x10000) >> 10) : value
    }

    /// Composes a decomposed (or mapped) cluster of more than one scalar in place.
    private static func compose(_ mapped: inout [UInt32], compatibility: Bool, _ tables: Tables) {
        var consumed = 1
        var base = 0
        var lastClass: UInt8 = 0
        var didCombine = false
        var current = mapped[0]
        while consumed < mapped.count {
            let next = mapped[consumed]
            let nextClass = tables.combiningClass(next)
            if compatibility {
                if current >= 0x1100 && current < 0x11FF {
                    let leadingIndex = Int8(truncatingIfNeeded: Int(current) - leadingJamoBase)
                    let vowelIndex = Int16(truncatingIfNeeded: Int(next) - vowelJamoBase)
                    if leadingIndex >= 0 && leadingIndex <= 19 && vowelIndex >= 0 && vowelIndex <= 21 {
                        let count = mapped.count
                        mapped[consumed] = replacement
                        consumed += 1
                        var trailingIndex: Int16 = 0
                        if consumed < mapped.count {
                            trailingIndex = Int16(truncatingIfNeeded: Int(mapped[consumed]) - trailingJamoBase)
                            if trailingIndex < 0 || trailingIndex > 28 {
                                trailingIndex = 0
                            } else {
                                mapped[consumed] = replacement
                                consumed += 1
                            }
                        }
                        mapped[base] = syllable(leadingIndex, vowelIndex, trailingIndex)
                        for index in stride(from: count - 1, to: 0, by: -1) where mapped[index] == replacement {
                            mapped.remove(at: index)
                            consumed -= 1
                        }
                        base = consumed
                        if consumed < mapped.count { current = mapped[consumed] }
                        consumed += 1
                        continue
                    }
                }
                // In a compatibility mapping, a base character starts over.
                if !tables.isNonBase(next) {
                    mapped[base] = current
                    base = consumed
                    current = next
                    consumed += 1
                    continue
                }
            }
            if lastClass == 0 || nextClass > lastClass {
                let composed = tables.compose(current, next)
                if composed == replacement {
                    lastClass = nextClass
                } else {
                    mapped[consumed] = replacement
                    didCombine = true
                    current = composed
                }
            }
            consumed += 1
        }
        if base < mapped.count { mapped[base] = current }
        if didCombine {
            for index in stride(from: mapped.count - 1, to: 0, by: -1) where mapped[index] == replacement {
                mapped.remove(at: index)
            }
        }
    }

    /// CoreFoundation's normalisation tables, parsed from the generated text into flat sorted arrays.
    struct Tables: Sendable {
        /// Combining classes of the BMP, by code point, and of the other planes.
        let bmpCombiningClasses: [UInt8]
        let supplementaryCombiningClasses: [UInt32: UInt8]
        /// Ranges of non-base characters, sorted: first and last code points.
        let nonBaseFirsts: [UInt32]
        let nonBaseLasts: [UInt32]
        let canonical: Mappings
        let compatibility: Mappings
        /// Composition pairs `base << 32 | mark`, sorted, and their composites.
        let compositionKeys: [UInt64]
        let composites: [UInt32]
        let wideCompositionMarks: [UInt32]

        init() {
            var bmpCombiningClasses = [UInt8](repeating: 0, count: 0x10000)
            var supplementaryCombiningClasses: [UInt32: UInt8] = [:]
            let classes = Entries(UnicodeNormalization.combiningClassData)
            for entry in classes.indices {
                let fields = classes[entry]
                for code in fields.first!...fields[fields.endIndex - 2] {
                    let combiningClass = UInt8(fields.last!)
                    if code < 0x10000 {
                        bmpCombiningClasses[Int(code)] = combiningClass
                    } else {
                        supplementaryCombiningClasses[code] = combiningClass
                    }
                }
            }
            let nonBase = Entries(UnicodeNormalization.nonBaseData)
            let compositions = Entries(UnicodeNormalization.compositionData)
            self.bmpCombiningClasses = bmpCombiningClasses
            self.supplementaryCombiningClasses = supplementaryCombiningClasses
            self.nonBaseFirsts = nonBase.indices.map { nonBase[$0].first! }
            self.nonBaseLasts = nonBase.indices.map { nonBase[$0].last! }
            self.canonical = Mappings(Entries(UnicodeNormalization.canonicalData))
            self.compatibility = Mappings(Entries(UnicodeNormalization.compatibilityData))
            self.compositionKeys = compositions.indices.map {
                UInt64(compositions[$0].first!) << 32 | UInt64(compositions[$0].dropFirst().first!)
            }
            self.composites = compositions.indices.map { compositions[$0].last! }
            let wide = Entries(UnicodeNormalization.wideCompositionMarkData)
            self.wideCompositionMarks = wide.indices.map { wide[$0].first! }
        }

        func combiningClass(_ value: UInt32) -> UInt8 {
            value < 0x10000 ? bmpCombiningClasses[Int(value)] : supplementaryCombiningClasses[value] ?? 0
        }

        func isNonBase(_ value: UInt32) -> Bool {
            let index = UnicodeNormalization.lowerBound(of: value + 1, in: nonBaseFirsts) - 1
            return index >= 0 && value <= nonBaseLasts[index]
        }

        /// CoreFoundation's pair composition, or U+FFFD.
        func compose(_ base: UInt32, _ mark: UInt32) -> UInt32 {
            let key = UInt64(wideCompositionMarks.contains(mark) ? base : base & 0xFFFF) << 32 | UInt64(mark)
            let index = UnicodeNormalization.lowerBound(of: key, in: compositionKeys)
            return index < compositionKeys.count && compositionKeys[index] == key
                ? composites[index] : UnicodeNormalization.replacement
        }
    }

    /// A decomposition table: sorted code points, each with its decomposition.
    struct Mappings: Sendable {
        let entries: Entries
        /// The first number of each entry.
        let keys: [UInt32]

        init(_ entries: Entries) {
            self.entries = entries
            self.keys = entries.indices.map { entries[$0].first! }
        }

        var count: Int { keys.count }

        subscript(_ value: UInt32) -> ArraySlice<UInt32>? {
            let index = UnicodeNormalization.lowerBound(of: value, in: keys)
            guard index < keys.count && keys[index] == value else { return nil }
            return entries[index].dropFirst()
        }
    }

    /// The entries of a generated table: its numbers in one array, with where each entry starts.
    ///
    /// Numbers are hexadecimal, except after `:` (a combining class) decimal; entries are separated by spaces and
    /// line breaks, numbers by any other character.
    struct Entries: Sendable {
        private var numbers: [UInt32] = []
        private var starts: [Int] = []

        init(_ text: String) {
            var text = text
            text.withUTF8 { bytes in
                numbers.reserveCapacity(bytes.count / 3)
                var value: UInt32 = 0
                var inNumber = false
                var radix: UInt32 = 16
                var entryIsOpen = false
                for byte in bytes {
                    let digit: UInt32
                    switch byte {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte &- UInt8(ascii: "0"))
                    case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte &- UInt8(ascii: "A") &+ 10)
                    default:
                        if inNumber {
                            if !entryIsOpen { starts.append(numbers.count) }
                            numbers.append(value)
                            entryIsOpen = true
                        }
                        value = 0
                        inNumber = false
                        radix = byte == UInt8(ascii: ":") ? 10 : 16
                        if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") { entryIsOpen = false }
                        continue
                    }
                    value = value &* radix &+ digit
                    inNumber = true
                }
                if inNumber {
                    if !entryIsOpen { starts.append(numbers.count) }
                    numbers.append(value)
                }
            }
        }

        var indices: Range<Int> { starts.indices }

        subscript(_ index: Int) -> ArraySlice<UInt32> {
            numbers[starts[index]..<(index + 1 < starts.count ? starts[index + 1] : numbers.count)]
        }
    }

    /// The first index of a sorted array whose element is not less than `value`.
    static func lowerBound<Element: Comparable>(of value: Element, in sorted: [Element]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}
