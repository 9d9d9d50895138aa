import FoundationEssentials

/// Text made safe for HTML element content and quoted attribute values.
public enum HTMLText {
    /// Escapes `&`, `<`, `>`, `"` and `'`; control characters other than tab and newline become spaces.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                out.unicodeScalars.append(scalar.properties.generalCategory == .control ? " " : scalar)
            }
        }
        return out
    }
}

/// A horizontal bar chart as inline SVG: one labelled bar per line, scaled to the largest value.
public struct SVGBarChart: Sendable {
    /// What the chart shows, for screen readers (`aria-label`).
    public let caption: String
    /// The bars: label and value.
    public let bars: [(label: String, value: Int)]

    /// A chart.
    public init(caption: String, bars: [(label: String, value: Int)]) {
        self.caption = caption
        self.bars = bars
    }

    static let labelWidth = 150
    static let barArea = 440
    static let rowHeight = 26

    /// The `<svg>` element; an empty chart is one line saying so.
    public var svg: String {
        let height = max(1, bars.count) * Self.rowHeight + 8
        let width = Self.labelWidth + Self.barArea + 70
        var parts = [
            "<svg class=\"chart\" role=\"img\" width=\"\(width)\" "
                + "height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" aria-label=\"\(HTMLText.escape(caption))\">"
        ]
        if bars.isEmpty {
            parts.append("<text x=\"0\" y=\"18\" class=\"none\">none</text>")
        }
        let largest = max(1, bars.map(\.value).max() ?? 1)
        for (index, bar) in bars.enumerated() {
            let y = 4 + index * Self.rowHeight
            let length = bar.value == 0 ? 0 : max(2, bar.value * Self.barArea / largest)
            parts.append(
                "<text x=\"\(Self.labelWidth - 8)\" y=\"\(y + 15)\" text-anchor=\"end\">\(HTMLText.escape(bar.label))</text>"
                    + "<rect x=\"\(Self.labelWidth)\" y=\"\(y)\" width=\"\(length)\" height=\"\(Self.rowHeight - 8)\"/>"
                    + "<text x=\"\(Self.labelWidth + length + 6)\" y=\"\(y + 15)\">\(bar.value)</text>")
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }
}

/// The self-contained HTML page of `report summary --html`: tables and inline SVG bar charts, no scripts, no links.
public enum SummaryReportHTML {
    /// The page's heading when `--title` gives none.
    public static let defaultTitle = "档案统计报表 Archive summary"

    /// One HTML5 document: print-friendly CSS, every text escaped, nothing fetched from elsewhere.
    public static func page(_ report: SummaryReport, title: String = defaultTitle) -> String {
        let names = Dictionary(uniqueKeysWithValues: Category.defaults.map { ($0.code, $0.name) })
        let scope = report.year.map { "year \($0)" } ?? "all years"
        let heading = "\(title) — \(report.fonds)"
        var body: [String] = []
        body.append("<h1>\(HTMLText.escape(heading))</h1>")
        body.append(
            "<p class=\"meta\">Fonds \(HTMLText.escape(report.fonds)) · \(HTMLText.escape(scope)) · generated "
                + "\(HTMLText.escape(report.generatedAt)) · \(report.total.count) active documents, "
                + "\(HTMLText.escape(ByteCount.text(report.total.bytes ?? 0)))</p>")

        body.append(section("馆藏（按门类） Holdings per category"))
        body.append(
            table(
                ["Category", "Name", "Documents", "Size"],
                report.byCategory.map {
                    [$0.label, names[$0.label] ?? "", String($0.count), ByteCount.text($0.bytes ?? 0)]
                },
                numeric: [2, 3]))
        body.append(
            SVGBarChart(
                caption: "Documents per category",
                bars: report.byCategory.map { ("\($0.label) \(names[$0.label] ?? "")", $0.count) }
            ).svg)

        body.append(section("馆藏（按年度） Holdings per year"))
        body.append(
            table(
                ["Year", "Documents", "Size"],
                report.byYear.map { [$0.label, String($0.count), ByteCount.text($0.bytes ?? 0)] },
                numeric: [1, 2]))
        body.append(SVGBarChart(caption: "Documents per year", bars: report.byYear.map { ($0.label, $0.count) }).svg)

        body.append(section("门类 × 年度 Category × year"))
        body.append(
            table(
                ["Category", "Year", "Documents", "Size"],
                report.holdings.map { [$0.category, String($0.year), String($0.documents), ByteCount.text($0.bytes)] },
                numeric: [2, 3]))

        for (name, lines, note) in [
            ("借阅 Loans", report.loans, "All loans in the register, whatever the year."),
            ("到期待销毁 Due for destruction", report.destruction, "Held and on-loan documents cannot be destroyed yet."),
            ("法律保全 Legal holds in force", report.holds, "By what the hold names, whatever the year."),
            (
                "不完整案卷 Incomplete case files", report.incompleteCaseFiles,
                "\(report.caseFilesChecked) case files checked."
            ),
        ] {
            body.append(section(name))
            body.append("<p class=\"note\">\(HTMLText.escape(note))</p>")
            body.append(table(["", "Count"], lines.map { [$0.label, String($0.count)] }, numeric: [1]))
            body.append(SVGBarChart(caption: name, bars: lines.map { ($0.label, $0.count) }).svg)
        }

        return """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escape(heading))</title>
            <style>
            \(css)
            </style>
            </head>
            <body>
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }

    static let css = """
        body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
          "Microsoft YaHei", sans-serif; color: #111; margin: 2em; max-width: 60em; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; }
        h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #999; break-after: avoid; }
        p.meta, p.note { color: #444; }
        table { border-collapse: collapse; margin: 0.5em 0; break-inside: avoid; }
        th, td { border: 1px solid #bbb; padding: 0.2em 0.7em; text-align: left; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        svg.chart { display: block; margin: 0.5em 0 1em; break-inside: avoid; }
        svg.chart rect { fill: #2f5d8a; }
        svg.chart text { font-size: 13px; fill: #111; }
        @media print { body { margin: 0; } svg.chart rect { fill: #555; } a { color: inherit; } }
        """

    private static func section(_ name: String) -> String {
        "<h2>\(HTMLText.escape(name))</h2>"
    }

    private static func table(_ headers: [String], _ rows: [[String]], numeric: Set<Int>) -> String {
        var lines = ["<table>", "<tr>" + headers.map { "<th>\(HTMLText.escape($0))</th>" }.joined() + "</tr>"]
        for row in rows {
            let cells = row.enumerated().map { index, cell in
                numeric.contains(index)
                    ? "<td class=\"n\">\(HTMLText.escape(cell))</td>" : "<td>\(HTMLText.escape(cell))</td>"
            }
            lines.append("<tr>" + cells.joined() + "</tr>")
        }
        if rows.isEmpty { lines.append("<tr><td colspan=\"\(headers.count)\">none</td></tr>") }
        lines.append("</table>")
        return lines.joined(separator: "\n")
    }
}
