import Foundation
import Testing

/// Every command against every role, from a permission table written out here (not read from the product).
///
/// Allowed: exit 0 and an `ok` audit entry by that user. Denied: exit 77 with
/// "'USER' may not ACTION; it needs the role …", nothing changed, and one `denied`
/// entry naming the user and the action.
@Suite struct PermissionMatrixTests {
    /// The roles in the order docvault names them in refusals.
    static let roles = ["admin", "archivist", "approver", "compliance", "auditor", "staff"]

    /// One command line and the roles that may run it; the placeholders are filled in per run.
    ///
    /// `{ref}` is the filed document, `{input}` a new file, `{manifest}` a ledger of one row filing it,
    /// `{role}` the acting role. `{lent-ref}` is
    /// the document after it was lent to the acting role (when the role may borrow); `{export-lent-ref}` the
    /// same through an export loan. `{loan}` is a
    /// fresh request by the `staff` user (not the actor's own, except for staff). `{own-loan}` is a
    /// fresh active loan of the acting role when it may borrow, else a request by `staff`. `{hold}` is a
    /// fresh hold placed by the `compliance` user (so never the acting approver's own). `{due}` files a new OT
    /// document (due at 2100-01-01) and adds no word; `{batch}` is a fresh batch proposed by `compliance` holding
    /// one new document, `{batch-ref}` that document; `{approved-batch}` and `{executed-batch}` go further.
    struct Row: CustomTestStringConvertible, Sendable {
        let command: [String]
        let action: String
        let allowed: Set<String>
        /// The `ok` entries one allowed run writes (`key rotate`: its start and its end).
        var entries = 1

        var testDescription: String { action }
    }

    static let documentReaders: Set<String> = ["archivist", "staff", "approver", "compliance"]
    static let auditReaders: Set<String> = ["auditor", "compliance", "admin"]
    /// Who may ask for, return and renew loans: the roles that read documents.
    static let borrowers = documentReaders
    /// Who may read the register of legal holds.
    static let holdReaders: Set<String> = ["compliance", "approver", "archivist", "auditor"]
    /// Who may list due documents and explain one: compliance proposes destruction, archivists and auditors check.
    static let retentionReaders: Set<String> = ["compliance", "archivist", "auditor"]
    /// Who may read the customer register: archivists keep it, staff manage customers, compliance and auditors check.
    static let customerReaders: Set<String> = ["archivist", "staff", "compliance", "auditor"]

    static let table: [Row] = [
        Row(
            command: ["file", "{input}", "--category", "CL", "--year", "2024"], action: "file", allowed: ["archivist"]),
        Row(command: ["import", "{manifest}"], action: "import", allowed: ["archivist"]),
        Row(command: ["get", "{lent-ref}", "-o", "-"], action: "get", allowed: documentReaders),
        Row(command: ["show", "{ref}"], action: "show", allowed: documentReaders.union(["auditor"])),
        Row(command: ["list"], action: "list", allowed: documentReaders.union(["auditor"])),
        Row(command: ["search", "--text", "matrix"], action: "search", allowed: documentReaders.union(["auditor"])),
        Row(
            command: ["user", "add", "new-{role}", "--role", "staff", "--key-file"], action: "user.add",
            allowed: ["admin"]),
        Row(command: ["user", "list"], action: "user.list", allowed: ["admin", "auditor"]),
        Row(command: ["user", "show", "clerk"], action: "user.show", allowed: ["admin", "auditor"]),
        Row(command: ["user", "roles", "clerk", "--set", "archivist,staff"], action: "user.roles", allowed: ["admin"]),
        Row(command: ["user", "disable", "victim"], action: "user.disable", allowed: ["admin"]),
        Row(command: ["user", "enable", "sleeper"], action: "user.enable", allowed: ["admin"]),
        Row(command: ["passwd", "--key-file"], action: "passwd", allowed: Set(roles)),
        Row(command: ["audit", "log"], action: "audit.log", allowed: auditReaders),
        Row(command: ["audit", "verify"], action: "audit.verify", allowed: auditReaders),
        Row(command: ["audit", "head"], action: "audit.head", allowed: auditReaders),
        Row(
            command: ["borrow", "request", "{ref}", "--purpose", "matrix {role}"], action: "borrow.request",
            allowed: borrowers),
        Row(command: ["borrow", "approve", "{loan}"], action: "borrow.approve", allowed: ["approver"]),
        Row(command: ["borrow", "deny", "{loan}", "--reason", "matrix"], action: "borrow.deny", allowed: ["approver"]),
        Row(command: ["borrow", "return", "{own-loan}"], action: "borrow.return", allowed: borrowers),
        Row(command: ["borrow", "renew", "{own-loan}", "--days", "3"], action: "borrow.renew", allowed: borrowers),
        Row(
            command: ["borrow", "revoke", "{loan}", "--reason", "matrix"], action: "borrow.revoke",
            allowed: ["approver", "admin"]),
        Row(command: ["borrow", "list"], action: "borrow.list", allowed: Set(roles)),
        Row(command: ["borrow", "show", "{loan}"], action: "borrow.show", allowed: Set(roles)),
        Row(command: ["borrow", "settings"], action: "borrow.settings", allowed: Set(roles)),
        Row(
            command: ["borrow", "settings", "--max-days", "20"], action: "borrow.settings.change",
            allowed: ["compliance", "admin"]),
        Row(
            command: ["hold", "place", "--policy", "P-{role}", "--reason", "matrix"], action: "hold.place",
            allowed: ["compliance"]),
        Row(
            command: ["hold", "release", "{hold}", "--reason", "matrix"], action: "hold.release", allowed: ["approver"]),
        Row(command: ["hold", "list"], action: "hold.list", allowed: holdReaders),
        // `hold show` is logged as a `hold.list` of one hold.
        Row(command: ["hold", "show", "{hold}"], action: "hold.list", allowed: holdReaders),
        Row(command: ["retention", "rules"], action: "retention.rules", allowed: Set(roles)),
        Row(
            command: ["retention", "set", "OT", "--years", "12", "--trigger", "filed"], action: "retention.set",
            allowed: ["compliance"]),
        Row(command: ["retention", "due"], action: "retention.due", allowed: retentionReaders),
        Row(command: ["retention", "explain", "{ref}"], action: "retention.explain", allowed: retentionReaders),
        Row(
            command: ["event", "record", "--claim", "C-{role}", "--closed", "2024-01-31"], action: "event.record",
            allowed: ["archivist"]),
        Row(
            command: ["event", "list"], action: "event.list",
            allowed: ["archivist", "compliance", "auditor", "approver"]),
        Row(
            command: ["purge", "propose", "--as-of", "2100-01-01", "{due}"], action: "purge.propose",
            allowed: ["compliance"]),
        Row(
            command: ["purge", "show", "{batch}"], action: "purge.show", allowed: ["compliance", "approver", "auditor"]),
        Row(command: ["purge", "approve", "{batch}"], action: "purge.approve", allowed: ["approver"]),
        Row(
            command: ["purge", "reject", "{batch}", "--reason", "matrix"], action: "purge.reject", allowed: ["approver"]
        ),
        Row(
            command: ["purge", "strike", "{batch}", "{batch-ref}", "--reason", "matrix"], action: "purge.strike",
            allowed: ["compliance", "approver"]),
        Row(command: ["purge", "execute", "{approved-batch}"], action: "purge.execute", allowed: ["compliance"]),
        Row(
            command: ["purge", "register", "{executed-batch}", "-o", "register-{role}.csv"], action: "purge.register",
            allowed: ["compliance", "auditor"]),
        Row(command: ["verify"], action: "verify", allowed: ["admin", "compliance", "auditor"]),
        Row(command: ["verify", "--repair"], action: "verify.repair", allowed: ["admin"]),
        Row(command: ["key", "rotate"], action: "key.rotate", allowed: ["admin"], entries: 2),
        Row(command: ["key", "status"], action: "key.status", allowed: ["admin", "compliance", "auditor"]),
        Row(command: ["key", "replace-master"], action: "key.replace-master", allowed: ["admin"]),
        Row(command: ["backup", "backup-{role}"], action: "backup", allowed: ["admin"]),
        Row(
            command: ["customer", "add", "--kind", "individual", "--name", "Matrix {role}", "--id-number", "{new-id}"],
            action: "customer.add", allowed: ["archivist"]),
        Row(
            command: ["customer", "update", "{customer}", "--phone", "010 1234 5678"], action: "customer.update",
            allowed: ["archivist"]),
        Row(command: ["customer", "show", "{customer}"], action: "customer.show", allowed: customerReaders),
        Row(command: ["customer", "list"], action: "customer.list", allowed: customerReaders),
        Row(
            command: ["customer", "history", "{customer}"], action: "customer.history",
            allowed: ["archivist", "compliance", "auditor"]),
        Row(
            command: ["customer", "reassign", "--from", "victim", "--to", "staff"], action: "customer.reassign",
            allowed: ["archivist", "admin"]),
        Row(
            command: ["dossier", "show", "--claim", "C-MATRIX"], action: "dossier.show",
            allowed: ["archivist", "staff", "approver", "compliance", "auditor"]),
        Row(
            command: ["completeness", "rules"], action: "completeness.rules",
            allowed: ["archivist", "staff", "approver", "compliance", "auditor"]),
        Row(
            command: ["completeness", "set", "--category", "CL", "--types", "claim-form,{role}"],
            action: "completeness.set", allowed: ["compliance"]),
        Row(
            command: ["completeness", "check"], action: "completeness.check",
            allowed: ["archivist", "compliance", "auditor", "approver"]),
        Row(
            command: ["export", "--ref", "{export-lent-ref}", "-o", "bag-{role}"], action: "export", allowed: borrowers),
        Row(command: ["report", "summary"], action: "report.summary", allowed: ["admin", "compliance", "auditor"]),
        Row(command: ["report", "access", "--ref", "{ref}"], action: "report.access", allowed: auditReaders),
    ]

    /// A vault with one user per role (named after the role), a filed document, and users to disable and enable.
    static func vault() throws -> (Sandbox, String) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        for role in roles where role != "admin" { try sandbox.addUser(role, roles: role) }
        try sandbox.addUser("victim", roles: "staff")
        try sandbox.addUser("sleeper", roles: "staff")
        #expect(try sandbox.run(as: "admin", ["user", "disable", "sleeper"]).status == 0)
        let reference = try sandbox.fileOne(
            try sandbox.input("matrix.pdf", text: "matrix document"),
            ["--category", "CL", "--year", "2024", "--claim", "C-MATRIX"])
        return (sandbox, reference)
    }

    @Test(arguments: table)
    func everyRole(row: Row) throws {
        let (sandbox, reference) = try Self.vault()
        let input = try sandbox.input("new.pdf", text: "new document")
        for role in Self.roles {
            let command = try Self.fill(row.command, role: role, reference: reference, input: input, sandbox)
            if row.allowed.contains(role) {
                let last = try sandbox.auditLog().last?.seq ?? 0
                let result = try sandbox.run(as: role, command)
                #expect(result.status == 0, "\(role) may \(row.action): \(result)")
                let entries = try sandbox.auditEntries(after: last).filter { $0.action == row.action }
                #expect(entries.count == row.entries, "\(role) \(row.action): \(entries)")
                #expect(entries.allSatisfy { $0.outcome == "ok" && $0.actor == role }, "\(entries)")
                if row.action == "get" { #expect(result.stdout == "matrix document") }
            } else {
                let needed = Self.roles.filter(row.allowed.contains).joined(separator: ", ")
                let last = try sandbox.auditLog().last?.seq ?? 0
                try sandbox.expectNoChange(audit: ["\(row.action):denied"]) {
                    expectFailure(
                        try sandbox.run(as: role, command), 77,
                        ["'\(role)' may not \(row.action); it needs the role \(needed)"])
                }
                let entry = try #require(try sandbox.auditEntries(after: last).first)
                #expect(entry.actor == role)
                #expect(entry.isSealed)
                #expect(entry.details.contains("may not \(row.action)"))
            }
        }
    }

    /// `command` with its placeholders filled in for `role`; lends and requests as the placeholders say.
    static func fill(_ command: [String], role: String, reference: String, input: String, _ sandbox: Sandbox) throws
        -> [String]
    {
        let borrows = Self.borrowers.contains(role)
        var filled: [String] = []
        var batchReference = ""
        /// Files a new OT document, due at 2100-01-01, and returns its reference.
        func due() throws -> String {
            try sandbox.fileOne(
                try sandbox.input("due-\(UUID().uuidString).txt", text: "due"), ["--category", "OT", "--year", "2024"])
        }
        /// Proposes a batch of one new due document as `compliance`, taken `steps` further; returns its number.
        func batch(_ steps: [(String, [String])]) throws -> String {
            batchReference = try due()
            let proposed = try sandbox.run(as: "compliance", ["purge", "propose", "--as-of", "2100-01-01"])
            let words = proposed.stdout.split(separator: " ")
            let number = try #require(words.count > 1 ? Int(words[1]) : nil, "\(proposed)")
            for (user, verb) in steps {
                let result = try sandbox.run(as: user, ["purge"] + verb + [String(number)])
                try #require(result.status == 0, "\(verb) \(number): \(result)")
            }
            return String(number)
        }
        for word in command {
            switch word {
            case "{due}":
                _ = try due()
            case "{manifest}":
                filled.append(
                    try sandbox.input("ledger-\(role).csv", text: "path,category,year,title\n\(input),CL,2024,matrix\n")
                )
            case "{batch}":
                filled.append(try batch([]))
            case "{batch-ref}":
                filled.append(batchReference)
            case "{approved-batch}":
                filled.append(try batch([("approver", ["approve"])]))
            case "{executed-batch}":
                filled.append(try batch([("approver", ["approve"]), ("compliance", ["execute"])]))
            case "{lent-ref}":
                if borrows { try sandbox.lend(reference, to: role) }
                filled.append(reference)
            case "{export-lent-ref}":
                if borrows { try sandbox.lend([reference], to: role, kind: "export") }
                filled.append(reference)
            case "{loan}":
                filled.append(String(try sandbox.requestLoan([reference], by: "staff")))
            case "{hold}":
                filled.append(String(try Holds.place(sandbox, ["--policy", "P-matrix"], by: "compliance")))
            case "{own-loan}":
                let loan =
                    borrows ? try sandbox.lend(reference, to: role) : try sandbox.requestLoan([reference], by: "staff")
                filled.append(String(loan))
            case "{new-id}":
                filled.append(Self.newPassportNumber())
            case "{customer}":
                let added = try sandbox.run(
                    as: "archivist",
                    [
                        "customer", "add", "--kind", "individual", "--name", "Matrix", "--id-number",
                        Self.newPassportNumber(),
                    ])
                try #require(added.status == 0, "\(added)")
                filled.append(
                    String(try #require(added.stdout.split(separator: " ").dropFirst(2).first?.prefix { $0.isNumber })))
            default:
                var text = word.replacingOccurrences(of: "{ref}", with: reference)
                text = text.replacingOccurrences(of: "{input}", with: input)
                filled.append(text.replacingOccurrences(of: "{role}", with: role))
            }
        }
        return filled
    }

    /// A fresh passport-style number (not 18 characters, so no check digit applies).
    static func newPassportNumber() -> String {
        "E" + String(UInt32.random(in: 10_000_000...99_999_999))
    }

    @Test func rolesAddUp() throws {
        let (sandbox, reference) = try Self.vault()
        try sandbox.addUser("mixed", roles: "auditor,staff")
        try sandbox.lend(reference, to: "mixed")
        #expect(try sandbox.run(as: "mixed", ["get", reference, "-o", "-"]).stdout == "matrix document")
        #expect(try sandbox.run(as: "mixed", ["audit", "verify"]).status == 0)
        let input = try sandbox.input("x.pdf", text: "x")
        expectFailure(
            try sandbox.run(as: "mixed", ["file", input, "--category", "CL", "--year", "2024"]), 77,
            ["'mixed' may not file; it needs the role archivist"])
    }

    @Test func refusalComesBeforeTheCommandsOwnChecks() throws {
        // A denied user learns nothing about references or users: the refusal is the same either way.
        let (sandbox, _) = try Self.vault()
        try sandbox.expectNoChange(
            audit: ["get:denied", "user.show:denied", "borrow.approve:denied", "hold.release:denied"]
        ) {
            expectFailure(
                try sandbox.run(as: "auditor", ["get", "J001-CL-2024-D10-0999", "-o", "-"]), 77,
                ["'auditor' may not get"])
            expectFailure(
                try sandbox.run(as: "staff", ["user", "show", "nobody"]), 77, ["'staff' may not user.show"])
            expectFailure(
                try sandbox.run(as: "staff", ["borrow", "approve", "999"]), 77, ["'staff' may not borrow.approve"])
            expectFailure(
                try sandbox.run(as: "compliance", ["hold", "release", "999", "--reason", "x"]), 77,
                ["'compliance' may not hold.release"])
        }
    }
}
