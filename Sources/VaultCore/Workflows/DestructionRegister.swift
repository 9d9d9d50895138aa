import FoundationEssentials

/// One line of the destruction register (销毁清册).
public struct DestructionRegisterEntry: Sendable, Codable, Equatable {
    public let reference: String
    public let title: String
    public let category: String
    public let year: Int
    /// The retention code (Y, D30, D10, D5) and the rule applied.
    public let retention: String
    /// From the filing date to the destruction date.
    public let periodKept: String
    public let triggerDate: String
    public let destroyedAt: String
    /// Hex SHA-256 of the content.
    public let sha256: String
}

/// The destruction register of one executed batch.
public struct DestructionRegister: Sendable, Codable, Equatable {
    public let batch: Int
    public let proposer: String
    public let approver: String
    public let executor: String
    /// The audit anchor (`SEQ:MAC`) after the last item was shredded.
    public let auditAnchor: String
    public let entries: [DestructionRegisterEntry]

    static let headers = [
        "reference", "title", "category", "year", "retention", "period-kept", "trigger-date", "destroyed-at",
        "sha256", "batch", "proposer", "approver", "executor", "audit-anchor",
    ]

    /// The register as CSV (UTF-8, header row, CRLF line ends, every field quoted when needed).
    public var csv: String {
        var lines = [Self.headers.joined(separator: ",")]
        for e in entries {
            let fields = [
                e.reference, e.title, e.category, String(e.year), e.retention, e.periodKept, e.triggerDate,
                e.destroyedAt, e.sha256, String(batch), proposer, approver, executor, auditAnchor,
            ]
            lines.append(fields.map(Self.quote).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The register as a readable text document.
    public var text: String {
        var lines = [
            "DESTRUCTION REGISTER (销毁清册) — destruction batch \(batch)",
            "", "Proposer:     \(proposer)", "Approver:     \(approver)", "Executor:     \(executor)",
            "Audit anchor: \(auditAnchor)", "Items:        \(entries.count)", "",
        ]
        for (index, e) in entries.enumerated() {
            lines += [
                "\(index + 1). \(e.reference)", "   Title:          \(Self.oneLine(e.title))",
                "   Category/year:  \(e.category) \(e.year)", "   Retention:      \(e.retention)",
                "   Period kept:    \(e.periodKept)", "   Trigger date:   \(e.triggerDate)",
                "   Destroyed at:   \(e.destroyedAt)", "   Content SHA-256: \(e.sha256)", "",
            ]
        }
        return lines.joined(separator: "\n")
    }

    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }

    private static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
        return "\"" + field.replacingEvery("\"", with: "\"\"") + "\""
    }
}
