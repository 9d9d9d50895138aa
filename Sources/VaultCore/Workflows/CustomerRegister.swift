import FoundationEssentials

/// The customer register (客户档案): people and companies, their classification and account manager.
///
/// Personal fields are sealed as one record bound to the customer; the ID number is
/// also kept as the same blind index documents carry, which links a customer to the
/// documents filed with `--customer-id`. Every change, the registration included,
/// keeps the old and new values (sealed), who and when: `customer history`.
public enum CustomerRegister {
    /// Registers a customer; the kind, name and ID number are required.
    public static func add(_ input: CustomerInput, session: Session) throws -> CustomerDetails {
        try session.perform(.customerAdd) { note in
            guard let kind = input.kind else {
                throw VaultError.usage("customer add needs --kind individual|corporate")
            }
            guard input.fields.name.map(clean) != nil, input.fields.name.map(clean) != "" else {
                throw VaultError.usage("customer add needs --name")
            }
            guard let idNumber = input.fields.idNumber.map(clean), !idNumber.isEmpty else {
                throw VaultError.usage("customer add needs --id-number (resident ID, passport or credit code)")
            }
            let empty = Stored(
                kind: kind, fields: CustomerFields(), valueTier: nil, riskTier: nil, vipLevel: 0, manager: nil)
            let stored = try apply(input, to: empty, session: session)
            let index = try idIndex(idNumber, session: session)
            if let existing = try CustomerTable.find(session.database, idIndex: index) {
                throw VaultError.failure(
                    "customer \(existing.id) already has ID number \(IdentityNumber.masked(idNumber)); "
                        + "'docvault customer update \(existing.id)' changes it")
            }
            let uid = try SecureRandom.bytes(count: 16)
            let now = Timestamp.format(session.now())
            let id = try CustomerTable.insert(
                session.database, uid: uid, kind: stored.kind, idIndex: index,
                recordSealed: try seal(stored.fields, uid: uid, session: session), valueTier: stored.valueTier,
                riskTier: stored.riskTier, vipLevel: stored.vipLevel, manager: stored.manager, at: now,
                by: session.actor.name)
            let changed = diff(from: empty, to: stored, includeKind: true)
            try record(changed, customerID: id, uid: uid, at: now, session: session)
            note.target = "customer:\(id)"
            note.details = ["kind=\(stored.kind.rawValue)", "fields=\(changed.map(\.field).joined(separator: ","))"]
            return try details(try existing(id, session), session: session, withDocuments: false)
        }
    }

    /// Changes the given fields of customer `key` (register number or ID number) and records old and new values.
    public static func update(_ key: String, _ input: CustomerInput, session: Session) throws -> CustomerDetails {
        var note = AuditNote()
        note.sensitive = ["customer=\(key)"]
        return try session.perform(.customerUpdate, note: note) { note in
            let row = try find(key, session: session)
            note.target = "customer:\(row.id)"
            let before = try stored(row, session: session)
            let after = try apply(input, to: before, session: session)
            let changed = diff(from: before, to: after, includeKind: true)
            guard !changed.isEmpty else {
                throw VaultError.usage("nothing to change: the values given are the ones customer \(row.id) has")
            }
            let index = try idIndex(after.fields.idNumber ?? "", session: session)
            if index != row.idIndex, let other = try CustomerTable.find(session.database, idIndex: index) {
                throw VaultError.failure("customer \(other.id) already has that ID number; nothing was changed")
            }
            let now = Timestamp.format(session.now())
            try CustomerTable.update(
                session.database, id: row.id, kind: after.kind, idIndex: index,
                recordSealed: try seal(after.fields, uid: row.uid, session: session), valueTier: after.valueTier,
                riskTier: after.riskTier, vipLevel: after.vipLevel, manager: after.manager, at: now,
                by: session.actor.name)
            try record(changed, customerID: row.id, uid: row.uid, at: now, session: session)
            note.details = ["fields=\(changed.map(\.field).joined(separator: ","))"]
            return try details(try existing(row.id, session), session: session, withDocuments: false)
        }
    }

    /// Customer `key` (register number or ID number) with the documents filed under their ID.
    public static func show(_ key: String, session: Session) throws -> CustomerDetails {
        var note = AuditNote()
        note.sensitive = ["customer=\(key)"]
        return try session.perform(.customerShow, note: note) { note in
            let row = try find(key, session: session)
            note.target = "customer:\(row.id)"
            let shown = try details(row, session: session, withDocuments: true)
            note.details = ["documents=\(shown.documents.count)"]
            return shown
        }
    }

    /// The customers matching `filter`, in register order; names opened, ID numbers masked.
    public static func list(_ filter: CustomerFilter, session: Session) throws -> [CustomerSummary] {
        try session.perform(.customerList) { note in
            for tier in [filter.valueTier, filter.riskTier].compactMap({ $0 }) { try checkTier(tier) }
            let rows = try CustomerTable.all(session.database, manager: filter.accountManager).filter { row in
                (filter.valueTier == nil || row.valueTier == filter.valueTier)
                    && (filter.riskTier == nil || row.riskTier == filter.riskTier)
                    && row.vipLevel >= (filter.minimumVIP ?? 0)
            }
            note.details = ["customers=\(rows.count)"]
            return try rows.map { row in
                let fields = try open(row, session: session)
                return CustomerSummary(
                    number: row.id, kind: row.kind, name: fields.name ?? "",
                    maskedID: IdentityNumber.masked(fields.idNumber ?? ""), valueTier: row.valueTier,
                    riskTier: row.riskTier, vipLevel: row.vipLevel, accountManager: row.accountManager)
            }
        }
    }

    /// Every recorded change of customer `key`, oldest first, the registration included.
    public static func history(_ key: String, session: Session) throws -> [CustomerChange] {
        var note = AuditNote()
        note.sensitive = ["customer=\(key)"]
        return try session.perform(.customerHistory, note: note) { note in
            let row = try find(key, session: session)
            note.target = "customer:\(row.id)"
            return try CustomerTable.changes(session.database, customerID: row.id).map { change in
                let id = change.int("id")
                let text = try session.keys.openCustomer(
                    change.bytes("change_sealed") ?? [], customerUID: row.uid, field: "change:\(id)")
                let fields = try JSONDecoder().decode([CustomerChange.Field].self, from: Data(text.utf8))
                return CustomerChange(
                    id: id, at: change.string("changed_at") ?? "", by: change.string("changed_by") ?? "",
                    fields: fields)
            }
        }
    }

    /// Passes every customer of `from` to `to` (an enabled user), recording the change on each; returns their numbers.
    public static func reassign(from: String, to: String, session: Session) throws -> [Int] {
        try session.perform(.customerReassign, target: "user:\(from)") { note in
            guard from != to else { throw VaultError.usage("--from and --to name the same user; name a colleague") }
            guard try UserTable.find(session.database, name: from) != nil else {
                throw VaultError.inputMissing("no user '\(from)' in this vault; 'docvault user list' shows the users")
            }
            try requireManager(to, session: session)
            let rows = try CustomerTable.all(session.database, manager: from)
            let now = Timestamp.format(session.now())
            for row in rows {
                let before = try stored(row, session: session)
                var after = before
                after.manager = to
                try CustomerTable.update(
                    session.database, id: row.id, kind: row.kind, idIndex: row.idIndex, recordSealed: row.recordSealed,
                    valueTier: row.valueTier, riskTier: row.riskTier, vipLevel: row.vipLevel, manager: to, at: now,
                    by: session.actor.name)
                try record(
                    diff(from: before, to: after, includeKind: false), customerID: row.id, uid: row.uid, at: now,
                    session: session)
            }
            note.details = ["to=\(to)", "customers=\(rows.count)"]
            return rows.map(\.id)
        }
    }

    /// How many customers `user` manages; `user disable` warns when some are left.
    public static func managedCount(by user: String, session: Session) throws -> Int {
        try session.database.queryOne(
            "SELECT COUNT(*) AS n FROM customers WHERE account_manager = ?", [user])?.int("n") ?? 0
    }

    // MARK: - Rules

    /// The values of one customer that changes compare.
    struct Stored {
        var kind: CustomerKind
        var fields: CustomerFields
        var valueTier: String?
        var riskTier: String?
        var vipLevel: Int
        var manager: String?
    }

    /// `current` with `input` applied and checked: nil leaves a value, empty text clears an optional one.
    static func apply(_ input: CustomerInput, to current: Stored, session: Session) throws -> Stored {
        var next = current
        if let kind = input.kind { next.kind = kind }
        for (name, path) in CustomerFields.all {
            guard let given = input.fields[keyPath: path] else { continue }
            let value = clean(given)
            if value.isEmpty && (name == "name" || name == "id_number") {
                throw VaultError.usage("a customer's \(name.replacingEvery("_", with: " ")) cannot be empty")
            }
            // An ID number is kept in its canonical form, so it reads the same wherever it is shown.
            let stored = name == "id_number" ? IdentityNumber.normalized(value) : value
            next.fields[keyPath: path] = stored.isEmpty ? nil : stored
        }
        if next.kind == .individual {
            let companyOnly = CustomerFields.all.filter {
                CustomerFields.corporateOnly.contains($0.name) && next.fields[keyPath: $0.path] != nil
            }
            if let field = companyOnly.first {
                throw VaultError.usage(
                    "\(field.name.replacingEvery("_", with: " ")) is kept for corporate customers only")
            }
        }
        if let id = next.fields.idNumber, let problem = IdentityNumber.problem(id, kind: next.kind) {
            throw VaultError.usage(problem)
        }
        if let phone = next.fields.phone {
            let digits = phone.filter(\.isNumber).count
            guard (5...20).contains(digits), phone.allSatisfy({ $0.isNumber || "+-() ".contains($0) }) else {
                throw VaultError.usage("a phone number has 5 to 20 digits (with + - ( ) and spaces allowed)")
            }
        }
        if let code = next.fields.postalCode, !(code.count == 6 && code.allSatisfy { $0.isASCII && $0.isNumber }) {
            throw VaultError.usage("a postal code has six digits")
        }
        if let tier = input.valueTier { next.valueTier = try tierValue(tier) }
        if let tier = input.riskTier { next.riskTier = try tierValue(tier) }
        if let level = input.vipLevel {
            guard (0...5).contains(level) else { throw VaultError.usage("a VIP level is 0 (none) to 5") }
            next.vipLevel = level
        }
        if let manager = input.accountManager {
            let name = clean(manager)
            if !name.isEmpty { try requireManager(name, session: session) }
            next.manager = name.isEmpty ? nil : name
        }
        return next
    }

    /// The fields that differ between two states, with old and new values.
    static func diff(from old: Stored, to new: Stored, includeKind: Bool) -> [CustomerChange.Field] {
        var changed: [CustomerChange.Field] = []
        func compare(_ field: String, _ a: String?, _ b: String?) {
            if a != b { changed.append(CustomerChange.Field(field: field, old: a, new: b)) }
        }
        if includeKind { compare("kind", old.fields.name == nil ? nil : old.kind.rawValue, new.kind.rawValue) }
        for (name, path) in CustomerFields.all { compare(name, old.fields[keyPath: path], new.fields[keyPath: path]) }
        compare("value_tier", old.valueTier, new.valueTier)
        compare("risk_tier", old.riskTier, new.riskTier)
        compare("vip_level", old.fields.name == nil ? nil : String(old.vipLevel), String(new.vipLevel))
        compare("account_manager", old.manager, new.manager)
        return changed
    }

    private static func record(
        _ changed: [CustomerChange.Field], customerID: Int, uid: [UInt8], at: String, session: Session
    ) throws {
        let id = try CustomerTable.nextChangeID(session.database)
        let json = String(decoding: try JSONEncoder().encode(changed), as: UTF8.self)
        try CustomerTable.insertChange(
            session.database, id: id, customerID: customerID, at: at, by: session.actor.name,
            fields: changed.map(\.field).joined(separator: ","),
            sealed: try session.keys.sealCustomer(json, customerUID: uid, field: "change:\(id)"))
    }

    private static func requireManager(_ name: String, session: Session) throws {
        guard let user = try UserTable.find(session.database, name: name) else {
            throw VaultError.inputMissing("no user '\(name)' in this vault; 'docvault user list' shows the users")
        }
        guard user.disabledAt == nil else {
            throw VaultError.usage("user '\(name)' is disabled; customers need a colleague who is still active")
        }
    }

    private static func tierValue(_ text: String) throws -> String? {
        let value = clean(text).lowercased()
        if value.isEmpty { return nil }
        try checkTier(value)
        return value
    }

    private static func checkTier(_ value: String) throws {
        guard ["high", "medium", "low"].contains(value) else {
            throw VaultError.usage("a tier is high, medium or low, not '\(value)'")
        }
    }

    private static func clean(_ text: String) -> String {
        text.trimmingSpacesAndNewlines()
    }

    // MARK: - Storage

    /// Finds a customer by register number (up to 9 digits) or by ID number.
    static func find(_ key: String, session: Session) throws -> CustomerRow {
        let trimmed = clean(key)
        if trimmed.count <= 9, let number = Int(trimmed) {
            guard let row = try CustomerTable.find(session.database, id: number) else {
                throw VaultError.inputMissing("no customer \(number); 'docvault customer list' shows the register")
            }
            return row
        }
        guard let row = try CustomerTable.find(session.database, idIndex: try idIndex(trimmed, session: session)) else {
            throw VaultError.inputMissing(
                "no customer with ID number \(IdentityNumber.masked(trimmed)); 'docvault customer add' registers one")
        }
        return row
    }

    private static func existing(_ id: Int, _ session: Session) throws -> CustomerRow {
        guard let row = try CustomerTable.find(session.database, id: id) else {
            throw VaultError.inputMissing("no customer \(id)")
        }
        return row
    }

    private static func idIndex(_ idNumber: String, session: Session) throws -> [UInt8] {
        guard let index = try session.keys.blindIndex(idNumber, field: "customer_id") else {
            throw VaultError.usage("an ID number cannot be empty")
        }
        return index
    }

    private static func seal(_ fields: CustomerFields, uid: [UInt8], session: Session) throws -> [UInt8] {
        let json = String(decoding: try JSONEncoder().encode(fields), as: UTF8.self)
        return try session.keys.sealCustomer(json, customerUID: uid, field: "record")
    }

    private static func open(_ row: CustomerRow, session: Session) throws -> CustomerFields {
        let json = try session.keys.openCustomer(row.recordSealed, customerUID: row.uid, field: "record")
        return try JSONDecoder().decode(CustomerFields.self, from: Data(json.utf8))
    }

    private static func stored(_ row: CustomerRow, session: Session) throws -> Stored {
        Stored(
            kind: row.kind, fields: try open(row, session: session), valueTier: row.valueTier,
            riskTier: row.riskTier, vipLevel: row.vipLevel, manager: row.accountManager)
    }

    private static func details(_ row: CustomerRow, session: Session, withDocuments: Bool) throws -> CustomerDetails {
        var shown = CustomerDetails(
            number: row.id, kind: row.kind, fields: try open(row, session: session), valueTier: row.valueTier,
            riskTier: row.riskTier, vipLevel: row.vipLevel, accountManager: row.accountManager,
            createdAt: row.createdAt, createdBy: row.createdBy, updatedAt: row.updatedAt, updatedBy: row.updatedBy)
        if withDocuments {
            shown.documents = try CustomerTable.documents(session.database, idIndex: row.idIndex).map { doc in
                CustomerDocument(
                    reference: doc.string("reference") ?? "", type: doc.string("doc_type"),
                    date: doc.string("doc_date"), policy: doc.string("policy_no"), claim: doc.string("claim_no"),
                    status: doc.string("status") ?? "")
            }
        }
        return shown
    }
}
