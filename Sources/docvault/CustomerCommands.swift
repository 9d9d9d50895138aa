import FoundationEssentials
import VaultCore

/// The options `customer add` and `customer update` share.
private let customerFieldOptions: [OptionSpec] = [
    .value("--kind", name: "kind", help: "individual or corporate."),
    .value("--name", name: "name", help: "Name of the person or company (kept sealed)."),
    .value(
        "--id-number", name: "id", help: "Resident ID, passport number or credit code (sealed; check digit verified)."),
    .value("--phone", name: "phone", help: "Telephone number (sealed)."),
    .value("--address", name: "text", help: "Postal address (sealed)."),
    .value("--postal-code", name: "code", help: "Six-digit postal code (sealed)."),
    .value("--legal-rep", name: "name", help: "Legal representative, for companies (sealed)."),
    .value("--business-scope", name: "text", help: "Business scope, for companies (sealed)."),
    .value("--registered-capital", name: "text", help: "Registered capital, for companies (sealed)."),
    .value("--value-tier", name: "tier", help: "Value tier: high, medium or low."),
    .value("--risk-tier", name: "tier", help: "Risk tier: high, medium or low."),
    .value("--vip", name: "level", help: "VIP level, 0 (none) to 5."),
    .value("--manager", name: "user", help: "The account manager, a user of this vault."),
]

/// The customer input the field options describe; an empty value clears an optional field on update.
private func customerInput(_ arguments: ParsedArguments) throws -> CustomerInput {
    var input = CustomerInput()
    if let kind = arguments.value("--kind") {
        guard let parsed = CustomerKind(rawValue: kind.lowercased()) else {
            throw VaultError(.usage, "--kind is individual or corporate, not '\(kind)'")
        }
        input.kind = parsed
    }
    input.fields.name = arguments.value("--name")
    input.fields.idNumber = arguments.value("--id-number")
    input.fields.phone = arguments.value("--phone")
    input.fields.address = arguments.value("--address")
    input.fields.postalCode = arguments.value("--postal-code")
    input.fields.legalRepresentative = arguments.value("--legal-rep")
    input.fields.businessScope = arguments.value("--business-scope")
    input.fields.registeredCapital = arguments.value("--registered-capital")
    input.valueTier = arguments.value("--value-tier")
    input.riskTier = arguments.value("--risk-tier")
    input.vipLevel = try arguments.integer("--vip")
    input.accountManager = arguments.value("--manager")
    return input
}

/// The single CUSTOMER argument: a register number or an ID number.
private func customerKey(_ arguments: ParsedArguments, _ command: String) throws -> String {
    guard arguments.positionals.count == 1 else {
        throw VaultError(.usage, "\(command) needs one CUSTOMER (register number or ID number)")
    }
    return arguments.positionals[0]
}

let customerAddCommand = Command(
    name: "customer add", abstract: "Register a customer (person or company) in the customer register.",
    usage: "customer add --kind individual|corporate --name <name> --id-number <id> [field options]",
    discussion: """
        Personal fields are sealed; the ID number also links the customer to the documents filed
        with the same --customer-id. An 18-character resident ID or credit code must pass its check digit.
        """,
    options: actorOptions + customerFieldOptions,
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let customer = try CustomerRegister.add(try customerInput(arguments), session: try context.session(arguments))
        Console.out("Registered customer \(customer.number) (\(customer.kind.rawValue)).")
    })

let customerUpdateCommand = Command(
    name: "customer update", abstract: "Change a customer's fields; old and new values are kept in the history.",
    usage: "customer update <customer> [field options]",
    discussion: "An empty value (--phone \"\") clears an optional field. 'customer history' lists every change.",
    options: actorOptions + customerFieldOptions,
    run: { arguments, context in
        let key = try customerKey(arguments, "customer update")
        let customer = try CustomerRegister.update(
            key, try customerInput(arguments), session: try context.session(arguments))
        Console.out(
            "Updated customer \(customer.number); 'docvault customer history \(customer.number)' shows the change.")
    })

let customerShowCommand = Command(
    name: "customer show", abstract: "A customer's record and case files (by register number or ID number).",
    usage: "customer show <customer> [--json]", discussion: nil,
    options: actorOptions + [.flag("--json", help: "Print one JSON object.")],
    run: { arguments, context in
        let customer = try CustomerRegister.show(
            try customerKey(arguments, "customer show"), session: try context.session(arguments))
        if arguments.has("--json") {
            Console.out(try Render.json(customer))
            return
        }
        let f = customer.fields
        let lines: [(String, String?)] = [
            ("Customer", "\(customer.number) (\(customer.kind.rawValue))"), ("Name", f.name), ("ID number", f.idNumber),
            ("Phone", f.phone), ("Address", f.address), ("Postal code", f.postalCode),
            ("Legal rep.", f.legalRepresentative), ("Business scope", f.businessScope),
            ("Reg. capital", f.registeredCapital), ("Value tier", customer.valueTier),
            ("Risk tier", customer.riskTier), ("VIP level", String(customer.vipLevel)),
            ("Manager", customer.accountManager), ("Registered", "\(customer.createdAt) by \(customer.createdBy)"),
            ("Last change", "\(customer.updatedAt) by \(customer.updatedBy)"),
        ]
        for (label, value) in lines {
            guard let value else { continue }
            Console.out(Render.padded(label, to: 15) + Render.singleLine(value))
        }
        Console.out("")
        guard !customer.documents.isEmpty else {
            Console.out("No documents filed with this customer's ID.")
            return
        }
        let files = Dictionary(grouping: customer.documents, by: \.caseFile)
        Console.out(
            "Case files: " + files.keys.sorted().map { "\($0) (\(files[$0]?.count ?? 0))" }.joined(separator: ", "))
        let rows = customer.documents.map { d in
            [d.reference, d.caseFile, d.type ?? "", d.date ?? "", d.status]
        }
        for line in Render.table(headers: ["REFERENCE", "CASE FILE", "TYPE", "DATE", "STATUS"], rows: rows) {
            Console.out(line)
        }
    })

let customerListCommand = Command(
    name: "customer list", abstract: "The customer register: names, masked ID numbers, tiers and managers.",
    usage:
        "customer list [--manager <user>] [--value-tier <t>] [--risk-tier <t>] [--vip <min>] [--json|--csv [--excel]]",
    discussion: nil,
    options: actorOptions + [
        .value("--manager", name: "user", help: "Only the customers of this account manager."),
        .value("--value-tier", name: "tier", help: "Only this value tier."),
        .value("--risk-tier", name: "tier", help: "Only this risk tier."),
        .value("--vip", name: "level", help: "Only customers at this VIP level or above."),
    ] + listingOptions,
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let format = try ListingFormat.from(arguments)
        var filter = CustomerFilter()
        filter.accountManager = arguments.value("--manager")
        filter.valueTier = arguments.value("--value-tier")?.lowercased()
        filter.riskTier = arguments.value("--risk-tier")?.lowercased()
        filter.minimumVIP = try arguments.integer("--vip")
        let customers = try CustomerRegister.list(filter, session: try context.session(arguments))
        if case .table = format, customers.isEmpty {
            Console.err("no customers match")
            return
        }
        let rows = customers.map { c in
            [
                String(c.number), c.kind.rawValue, c.name, c.maskedID, c.valueTier ?? "", c.riskTier ?? "",
                String(c.vipLevel), c.accountManager ?? "",
            ]
        }
        printRows(
            customers, headers: ["customer", "kind", "name", "id", "value", "risk", "vip", "manager"], rows: rows,
            format: format)
    })

let customerHistoryCommand = Command(
    name: "customer history", abstract: "Every change to a customer: old and new values, who and when.",
    usage: "customer history <customer> [--json]", discussion: nil,
    options: actorOptions + [.flag("--json", help: "Print one JSON object per change.")],
    run: { arguments, context in
        let changes = try CustomerRegister.history(
            try customerKey(arguments, "customer history"), session: try context.session(arguments))
        if arguments.has("--json") {
            for change in changes { Console.out(try Render.json(change)) }
            return
        }
        for change in changes {
            Console.out("\(change.at)  \(change.by)")
            for field in change.fields {
                Console.out(
                    "    \(field.field): \(Render.singleLine(field.old ?? "-")) -> \(Render.singleLine(field.new ?? "-"))"
                )
            }
        }
    })

let customerReassignCommand = Command(
    name: "customer reassign", abstract: "Pass every customer of a departing user to a colleague.",
    usage: "customer reassign --from <user> --to <user>", discussion: nil,
    options: actorOptions + [
        .value("--from", name: "user", help: "The user whose customers move."),
        .value("--to", name: "user", help: "The colleague who takes them over (an enabled user)."),
    ],
    run: { arguments, context in
        try requireNoPositionals(arguments)
        let from = try arguments.required("--from", "USER", for: "customer reassign")
        let to = try arguments.required("--to", "USER", for: "customer reassign")
        let moved = try CustomerRegister.reassign(from: from, to: to, session: try context.session(arguments))
        guard !moved.isEmpty else {
            Console.out("'\(from)' manages no customers; nothing moved.")
            return
        }
        Console.out(
            "Moved \(moved.count) customer(s) from '\(from)' to '\(to)': \(moved.map(String.init).joined(separator: ", "))."
        )
    })
