// Prints Sources/VaultCore/Text/UnicodeNormalizationData.swift: the tables behind Foundation's NFC and NFKC.
//
// Usage: swift .ci/generate-unicode-normalization-data.swift > Sources/VaultCore/Text/UnicodeNormalizationData.swift
//
// On Linux, Foundation's `precomposedStringWithCanonicalMapping` and `precomposedStringWithCompatibilityMapping`
// are CoreFoundation's `CFStringNormalize` over CoreFoundation's own Unicode tables (not ICU, not the standard
// library). `UnicodeNormalization` ports that function; this script reads the tables it needs back out of
// Foundation through public API, scalar by scalar, so the port sees exactly what Foundation sees:
//
// - canonical decompositions: `decomposedStringWithCanonicalMapping` of each scalar on its own;
// - compatibility mappings: `decomposedStringWithCompatibilityMapping` of each scalar without a canonical one;
// - non-base characters: `CharacterSet.nonBaseCharacters` (the set CFStringNormalize consults);
// - combining classes: the standard library's, kept where Foundation reorders the scalar as a combining mark
//   (combining classes never change once assigned; Foundation's tables lack the newest scalars);
// - composition pairs: each canonical decomposition's last scalar onto the rest, confirmed by Foundation's NFC,
//   and whether CoreFoundation looks the base up by its low 16 bits only (it does for marks whose pairs all
//   lie in the BMP: U+20041 U+0301 composes to U+00C1).
//
// It fails if the data breaks an assumption the port makes. The committed output is what stored blind indexes
// and import row keys depend on: if the tests (which compare with Foundation for every scalar) fail on a newer
// toolchain, Foundation's normalisation has changed, and regenerating would change those values; that is a
// migration to decide on, not a table to refresh.

import Foundation

func scalars(_ string: String) -> [UInt32] { string.unicodeScalars.map(\.value) }

func string(_ values: [UInt32]) -> String {
    var view = String.UnicodeScalarView()
    for value in values { view.append(Unicode.Scalar(value)!) }
    return String(view)
}

func hex(_ value: UInt32) -> String { String(value, radix: 16, uppercase: true) }

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("generate-unicode-normalization-data: \(message)\n".utf8))
    exit(1)
}

let hangulSyllables: ClosedRange<UInt32> = 0xAC00...0xD7A3
var canonical: [UInt32: [UInt32]] = [:]
var compatibility: [UInt32: [UInt32]] = [:]
var combiningClass: [UInt32: UInt8] = [:]
var nonBase: [UInt32] = []
var newestAssigned: Unicode.Version = (0, 0)
let nonBaseCharacters = CharacterSet.nonBaseCharacters
let unassigned = CharacterSet.illegalCharacters

for value in UInt32(0)...0x10FFFF {
    guard let scalar = Unicode.Scalar(value) else { continue }
    let text = String(scalar)
    if nonBaseCharacters.contains(scalar) { nonBase.append(value) }
    if !unassigned.contains(scalar), let age = scalar.properties.age,
        (age.major, age.minor) > (newestAssigned.major, newestAssigned.minor)
    {
        newestAssigned = age
    }
    let decomposed = scalars(text.decomposedStringWithCanonicalMapping)
    if decomposed != [value] {
        // Hangul syllables decompose arithmetically, and NFC and NFKC never decompose them.
        if !hangulSyllables.contains(value) { canonical[value] = decomposed }
    } else {
        let mapped = scalars(text.decomposedStringWithCompatibilityMapping)
        if mapped != [value] { compatibility[value] = mapped }
    }
    let standardClass = scalar.properties.canonicalCombiningClass.rawValue
    if standardClass != 0 {
        // A combining mark sorts before a following mark of lower class (U+0334 has class 1) or, of class 1,
        // before a preceding mark of class 230 (U+0301); a character Foundation does not know stays put.
        let reordered =
            standardClass > 1
            ? scalars(("a" + text + "\u{0334}").decomposedStringWithCanonicalMapping).last != 0x334
            : scalars(("a\u{0301}" + text).decomposedStringWithCanonicalMapping).last == 0x301
        if reordered { combiningClass[value] = standardClass }
    }
}

func classOf(_ value: UInt32) -> UInt8 { combiningClass[value] ?? 0 }
let nonBaseSet = Set(nonBase)

// The port relies on these; a Foundation whose data breaks one needs the port reviewed, not just new tables.
if let mark = compatibility.keys.first(where: { classOf($0) != 0 }) {
    fail("U+\(hex(mark)) has a compatibility mapping and a combining class")
}
if let composite = canonical.first(where: { $0.value.filter { compatibility[$0] != nil }.count > 1 }) {
    fail("U+\(hex(composite.key)) decomposes to more than one scalar with a compatibility mapping")
}
if let mark = combiningClass.keys.first(where: { !nonBaseSet.contains($0) }) {
    fail("U+\(hex(mark)) has a combining class but is not a non-base character")
}
for (composite, decomposition) in canonical where classOf(composite) != 0 {
    // CFStringNormalize decomposes such marks into a 64-scalar buffer; the port assumes each needs room for its
    // decomposition only, which holds when the first scalar of the decomposition does not decompose further.
    if decomposition.count > 2 { fail("combining U+\(hex(composite)) decomposes to \(decomposition.count) scalars") }
}

// Composition pairs: every canonical composite whose last scalar composes onto the rest, as Foundation's NFC
// composes them. The base is the rest itself (one scalar) or the composite that decomposes to the rest and
// survives NFC. A mark of class 0 is probed after the decomposed rest: it composes only with a base that has
// not been decomposed.
var compositesByDecomposition: [[UInt32]: [UInt32]] = [:]
for (composite, decomposition) in canonical { compositesByDecomposition[decomposition, default: []].append(composite) }
var compositions: [UInt64: UInt32] = [:]
for (_, decomposition) in canonical where decomposition.count >= 2 {
    let mark = decomposition.last!
    let rest = Array(decomposition.dropLast())
    let bases =
        rest.count == 1
        ? rest
        : (compositesByDecomposition[rest] ?? []).filter {
            scalars(string([$0]).precomposedStringWithCanonicalMapping) == [$0]
        }
    for base in bases {
        let probe = classOf(mark) != 0 ? [base, mark] : rest + [mark]
        let composed = scalars(string(probe).precomposedStringWithCanonicalMapping)
        if composed.count == 1 { compositions[UInt64(base) << 32 | UInt64(mark)] = composed[0] }
    }
}
var wideMarks = Set<UInt32>()
var narrowMarks = Set<UInt32>()
for (key, composite) in compositions {
    let base = UInt32(key >> 32)
    let mark = UInt32(key & 0xFFFF_FFFF)
    if base > 0xFFFF {
        wideMarks.insert(mark)
    } else {
        // A private-use base in plane 15 with the same low 16 bits composes only if the base is truncated.
        let truncated = scalars(string([0xF0000 | base, mark]).precomposedStringWithCanonicalMapping) == [composite]
        if truncated { narrowMarks.insert(mark) } else { wideMarks.insert(mark) }
    }
}
if let mark = wideMarks.intersection(narrowMarks).first {
    fail("U+\(hex(mark)) composes both with and without truncating its base")
}

/// Wraps entries into lines of at most 112 characters, indented for a multi-line string literal.
func literal(_ entries: [String]) -> String {
    var lines: [String] = []
    var line = ""
    for entry in entries {
        if !line.isEmpty && line.count + 1 + entry.count > 112 {
            lines.append(line)
            line = ""
        }
        line += line.isEmpty ? entry : " " + entry
    }
    if !line.isEmpty { lines.append(line) }
    return "\"\"\"\n" + lines.map { "        " + $0 + "\n" }.joined() + "        \"\"\""
}

/// Runs of consecutive code points with the same value, as `first-last:value` or `first:value`.
func runs(_ values: [UInt32], _ label: (UInt32) -> String?) -> [String] {
    var entries: [String] = []
    var index = 0
    while index < values.count {
        var end = index
        while end + 1 < values.count && values[end + 1] == values[end] + 1
            && label(values[end + 1]) == label(values[index])
        {
            end += 1
        }
        let range = end > index ? "\(hex(values[index]))-\(hex(values[end]))" : hex(values[index])
        entries.append(label(values[index]).map { "\(range):\($0)" } ?? range)
        index = end + 1
    }
    return entries
}

func mappingEntries(_ table: [UInt32: [UInt32]]) -> [String] {
    table.keys.sorted().map { "\(hex($0))>" + table[$0]!.map(hex).joined(separator: ",") }
}

let cccEntries = runs(combiningClass.keys.sorted()) { String(combiningClass[$0]!) }
let nonBaseEntries = runs(nonBase) { _ in nil }
let canonicalEntries = mappingEntries(canonical)
let compatibilityEntries = mappingEntries(compatibility)
let compositionEntries = compositions.keys.sorted().map {
    "\(hex(UInt32($0 >> 32))),\(hex(UInt32($0 & 0xFFFF_FFFF)))>\(hex(compositions[$0]!))"
}
let wideEntries = wideMarks.sorted().map(hex)
let version = "\(newestAssigned.major).\(newestAssigned.minor)"

print(
    """
    // Generated by .ci/generate-unicode-normalization-data.swift; do not edit.
    //
    // The Unicode data of Foundation's NFC and NFKC on Linux: CoreFoundation's own tables (Unicode \(version)),
    // which `CFStringNormalize` uses for `precomposedStringWithCanonicalMapping` and
    // `precomposedStringWithCompatibilityMapping`, read back through the public API of the Foundation that ran the
    // script (see there). Stored blind indexes and import row keys depend on these tables: a Foundation with other
    // data would change them (see the script before regenerating). Regenerate with
    //
    //     swift .ci/generate-unicode-normalization-data.swift > Sources/VaultCore/Text/UnicodeNormalizationData.swift
    //
    // Entries are separated by spaces and line breaks; code points are hexadecimal.

    extension UnicodeNormalization {
        /// The newest Unicode version whose characters Foundation's tables know.
        static let dataUnicodeVersion = "\(version)"

        /// Combining classes other than 0: `first-last:class` or `code:class`, classes in decimal, by code point.
        static let combiningClassData = \(literal(cccEntries))

        /// Non-base characters (marks): `first-last` or `code`, by code point.
        static let nonBaseData = \(literal(nonBaseEntries))

        /// Full canonical decompositions, Hangul syllables excepted: `code>decomposition`, by code point.
        static let canonicalData = \(literal(canonicalEntries))

        /// Full compatibility decompositions of the scalars without a canonical one: `code>decomposition`, by code
        /// point.
        static let compatibilityData = \(literal(compatibilityEntries))

        /// Canonical composition pairs, Hangul excepted: `base,mark>composite`, by base and then mark.
        static let compositionData = \(literal(compositionEntries))

        /// The marks whose pairs CoreFoundation looks up by the whole base; for the others it uses the base's low
        /// 16 bits.
        static let wideCompositionMarkData = \(literal(wideEntries))
    }
    """
)
