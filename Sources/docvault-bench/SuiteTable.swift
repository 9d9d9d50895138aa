import Foundation

/// What a suite row must achieve to be "met".
enum SuiteTarget: Equatable {
    /// docvault's median at most `factor` times the named reference tool's median.
    case atMost(Double, times: String)
    /// docvault's median below the named reference tool's median.
    case fasterThan(String)
    /// Peak resident memory below `mebibytes` MiB.
    case peakBelow(mebibytes: Int)
    /// No target: the number is reported.
    case report

    /// The target as the table shows it.
    var label: String {
        switch self {
        case .atMost(let factor, let tool): "<= \(SuiteTable.number(factor))x \(tool)"
        case .fasterThan(let tool): "< \(tool)"
        case .peakBelow(let mib): "< \(mib) MiB"
        case .report: "report"
        }
    }
}

/// One reference tool's median in a row.
struct ReferenceTime: Equatable {
    /// The tool as named in the table, such as `dd` or `age -d`.
    let tool: String
    /// Its median seconds.
    let seconds: Double
}

/// One scenario's line of the suite table.
struct SuiteRow: Equatable {
    /// The scenario, such as `file 1 GiB`.
    let scenario: String
    /// docvault's median seconds, nil when it did not run (``note`` says why).
    var seconds: Double?
    /// The reference tools measured in the same run.
    var references: [ReferenceTime] = []
    /// What the row must achieve; `[.report]` when nothing.
    var targets: [SuiteTarget] = [.report]
    /// The largest peak resident memory of docvault's runs, in KiB.
    var peakKiB: Int?
    /// Why there is no number, or something the reader must know (shown in the met? column).
    var note: String?

    /// docvault's median over `tool`'s, nil when either is missing or the reference is zero.
    func ratio(to tool: String) -> Double? {
        guard let seconds, let reference = references.first(where: { $0.tool == tool })?.seconds, reference > 0
        else { return nil }
        return seconds / reference
    }

    /// Whether `target` is met: nil when it cannot be told (report only, or a number is missing).
    func isMet(_ target: SuiteTarget) -> Bool? {
        switch target {
        case .atMost(let factor, let tool): ratio(to: tool).map { $0 <= factor }
        case .fasterThan(let tool): ratio(to: tool).map { $0 < 1 }
        case .peakBelow(let mib): peakKiB.map { $0 < mib * 1024 }
        case .report: nil
        }
    }

    /// "yes" when every target that can be judged is met, "NO" when one is not, "-" when none can be judged.
    var verdict: String {
        let judged = targets.compactMap(isMet)
        if judged.isEmpty { return note ?? "-" }
        return judged.allSatisfy { $0 } ? "yes" : "NO"
    }
}

/// The suite's one table: a line per scenario and reference tool, with medians, ratios, targets and peak memory.
enum SuiteTable {
    /// The table's column headings.
    static let headings = ["scenario", "docvault", "reference", "ratio", "target", "met?", "peak RSS"]

    /// The cells of `rows`: the first reference on the scenario's line, each further one on a line of its own.
    static func cells(_ rows: [SuiteRow]) -> [[String]] {
        var lines: [[String]] = []
        for row in rows {
            let docvault = row.seconds.map(duration) ?? "-"
            let peak = row.peakKiB.map { "\(($0 + 1023) / 1024) MiB" } ?? "-"
            let targets = row.targets.map(\.label).joined(separator: ", ")
            let verdict = row.seconds == nil && row.peakKiB == nil ? (row.note ?? "-") : row.verdict
            if row.references.isEmpty {
                lines.append([row.scenario, docvault, "-", "-", targets, verdict, peak])
                continue
            }
            for (index, reference) in row.references.enumerated() {
                let ratio = row.ratio(to: reference.tool).map { number($0) + "x" } ?? "-"
                let referenceCell = "\(reference.tool) \(duration(reference.seconds))"
                lines.append(
                    index == 0
                        ? [row.scenario, docvault, referenceCell, ratio, targets, verdict, peak]
                        : ["", "", referenceCell, ratio, "", "", ""])
            }
        }
        return lines
    }

    /// The table as Markdown, columns padded so it also reads as plain text.
    static func render(_ rows: [SuiteRow]) -> String {
        let lines = [headings] + cells(rows)
        var widths = headings.map(\.count)
        for line in lines {
            for (column, cell) in line.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func format(_ line: [String]) -> String {
            "| "
                + line.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: " | ") + " |"
        }
        let rule = "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"
        return ([format(headings), rule] + lines.dropFirst().map(format)).joined(separator: "\n")
    }

    /// Seconds as the table shows them: milliseconds below one second, else seconds.
    static func duration(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }

    /// A ratio or factor with two decimals, no trailing zeros past the first.
    static func number(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") && !text.hasSuffix(".0") { text.removeLast() }
        return text
    }
}

/// The middle value of `values` (the mean of the middle two for an even count); 0 for none.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
