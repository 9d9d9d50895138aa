import FoundationEssentials

/// How an actor proves who they are.
public enum Credential {
    /// A key file at a path.
    case keyFile(String)
    /// A password (from a prompt, stdin or the environment, never argv).
    case password(SecretBytes)
}

/// What an action adds to its audit entry: plain details and sensitive ones (sealed).
public struct AuditNote: Sendable {
    /// `key=value` details safe to store in clear (no customer data, no secret).
    public var details: [String] = []
    /// Details that name customers (search terms); sealed under the field key.
    public var sensitive: [String] = []
    /// The outcome to record when the action completes; a check that found a problem records `failed`.
    public var outcome: AuditOutcome = .ok
    /// The target to record when the work names it only as it runs (a new loan's number).
    public var target: String?

    /// An empty note.
    public init() {}
}

/// An authenticated actor on an opened vault, holding the unlocked keys.
///
/// Every workflow takes a session; creating one is the authentication. Workflows
/// call ``perform(_:target:note:_:)``, which checks the permission table first,
/// then runs the work and appends its audit entry in the same transaction.
public final class Session {
    /// The vault.
    public let vault: Vault
    /// Who is acting.
    public let actor: UserRecord
    let keys: KeyRing
    let masterKey: SecretBytes
    let auditKey: SecretBytes
    /// The first entry of the audit key generation this session MACs with (0: the derived key, no table rows).
    private let auditGeneration: Int
    /// The time source; tests replace it to move through due dates without sleeping.
    public var clock: @Sendable () -> Date = { Date() }

    /// The current time by ``clock``.
    public func now() -> Date { clock() }

    init(vault: Vault, actor: UserRecord, keys: KeyRing, masterKey: SecretBytes) throws {
        self.vault = vault
        self.actor = actor
        self.keys = keys
        self.masterKey = masterKey
        let auditKeys = try AuditKeys.load(vault.database, masterKey: masterKey, vaultID: vault.meta.vaultID)
        self.auditKey = auditKeys.current
        self.auditGeneration = try AuditKeys.latestFirstSeq(vault.database)
    }

    var database: Database { vault.database }

    /// Authenticates `userName` (default: the vault's initial admin) with `credential`.
    ///
    /// Unknown or disabled users, foreign key files and credentials that open no
    /// keyslot are refused with permission denied (77); a damaged key file is a data
    /// error (65). Each refusal is logged as a `login` entry without a MAC, which the
    /// next authenticated action seals into the chain.
    public static func open(vault: Vault, userName: String?, credential: Credential) throws -> Session {
        let name = userName ?? vault.meta.initialAdmin
        do {
            return try authenticate(vault: vault, name: name, credential: credential)
        } catch let error as VaultError where error.kind == .permissionDenied || error.kind == .dataError {
            _ = try? vault.database.writeTransaction {
                try AuditLog.append(
                    vault.database, key: nil, at: Timestamp.now(), actor: name, action: "login", target: "",
                    outcome: .denied, details: "reason=\(error.message)")
            }
            throw error
        }
    }

    private static func authenticate(vault: Vault, name: String, credential: Credential) throws -> Session {
        guard let user = try UserTable.find(vault.database, name: name) else {
            throw VaultError.denied("no user '\(name)' in this vault; check --user or DOCVAULT_USER")
        }
        guard user.disabledAt == nil else { throw VaultError.denied("user '\(name)' is disabled") }
        let masterKey: SecretBytes
        switch credential {
        case .keyFile(let path):
            let file = try KeyFile.read(at: path)
            guard file.vaultID == vault.meta.vaultID else {
                throw VaultError.denied("key file \(path) belongs to another vault; pass the key file for this vault")
            }
            guard file.user == name else {
                throw VaultError.denied("key file \(path) belongs to user '\(file.user)', not '\(name)'")
            }
            let slots = try KeyslotTable.slots(vault.database, userID: user.id, kind: "keyfile")
            let opened = try slots.lazy.compactMap { slot in
                try KeyslotCrypto.open(
                    slot, with: .keyFileSecret(file.secret), vaultID: vault.meta.vaultID, user: name)
            }.first
            guard let opened else {
                if FileManager.default.fileExists(atPath: path + ".new") {
                    throw VaultError.denied(
                        "key file \(path) no longer opens this vault: the master key was replaced; "
                            + "use \(path).new (move it over \(path))")
                }
                throw VaultError.denied(
                    "key file \(path) does not open a keyslot of '\(name)'; it may have been replaced")
            }
            masterKey = opened
        case .password(let password):
            let slots = try KeyslotTable.slots(vault.database, userID: user.id, kind: "password")
            guard !slots.isEmpty else {
                throw VaultError.denied("'\(name)' has no password; use the key file (--key-file)")
            }
            var opened: SecretBytes?
            for slot in slots {
                if let key = try KeyslotCrypto.open(
                    slot, with: .password(password), vaultID: vault.meta.vaultID, user: name)
                {
                    opened = key
                    break
                }
            }
            guard let opened else { throw VaultError.denied("wrong password for '\(name)'") }
            masterKey = opened
        }
        let keys = try KeyRing(
            masterKey: masterKey, vaultID: vault.meta.vaultID, wrappedKeys: try VaultKeyTable.all(vault.database))
        return try Session(vault: vault, actor: user, keys: keys, masterKey: masterKey)
    }

    /// Opens the recovery keyslot with the code `init` printed; returns true when it opens.
    public static func checkRecoveryCode(vault: Vault, code: String) throws -> Bool {
        try openRecoverySlot(vault: vault, code: code) != nil
    }

    /// The master key behind the recovery slot, or nil when `code` does not open it.
    static func openRecoverySlot(vault: Vault, code: String) throws -> SecretBytes? {
        guard let secret = RecoveryCode.parse(code) else { return nil }
        for slot in try KeyslotTable.recoverySlots(vault.database) {
            if let key = try KeyslotCrypto.open(
                slot, with: .recoveryCode(secret), vaultID: vault.meta.vaultID, user: "")
            {
                return key
            }
        }
        return nil
    }

    /// Unwraps a document's data key, first re-reading the key epochs if a rotation began after this session opened.
    ///
    /// Call inside the transaction that read the row, so the row and the epochs agree.
    func unwrapDataKey(_ wrapped: [UInt8], epoch: Int, documentUID: [UInt8], version: UInt32) throws -> SecretBytes {
        if !keys.knowsEpoch(epoch) { try refreshEpochs() }
        return try keys.unwrapDataKey(wrapped, epoch: epoch, documentUID: documentUID, version: version)
    }

    /// Re-reads the data-key-wrap epochs; a master key replaced meanwhile asks the user to start again.
    func refreshEpochs() throws {
        do {
            try keys.refreshEpochs(database, masterKey: masterKey)
        } catch let error as VaultError where error.kind == .dataError {
            throw VaultError.temporaryFailure(
                "the vault's keys changed while this command ran; run it again")
        }
    }

    /// The actor's roles that docvault knows.
    public var roles: [Role] { actor.roles.compactMap(Role.init(rawValue:)) }

    /// Refuses `action` unless the permission table allows it, logging the refusal.
    public func authorize(_ action: Action, target: String = "") throws {
        guard Permissions.allows(roles, action) else {
            let needed = Permissions.roles(for: action).map(\.rawValue).joined(separator: ", ")
            let reason = "'\(actor.name)' may not \(action.rawValue); it needs the role \(needed)"
            try database.writeTransaction {
                try appendAudit(action: action.rawValue, target: target, outcome: .denied, note: note(reason))
            }
            throw VaultError.denied(reason)
        }
    }

    /// Checks permission, runs `body` in a write transaction and logs it there.
    ///
    /// If `body` throws, its changes roll back and a `failed` (or `denied`) entry
    /// is written in a transaction of its own, so every attempt leaves a record.
    @discardableResult
    public func perform<T>(
        _ action: Action, target: String = "", note initial: AuditNote = AuditNote(),
        _ body: (inout AuditNote) throws -> T
    ) throws -> T {
        try authorize(action, target: target)
        var note = initial
        do {
            return try database.writeTransaction {
                let value = try body(&note)
                try appendAudit(
                    action: action.rawValue, target: note.target ?? target, outcome: note.outcome, note: note)
                return value
            }
        } catch {
            recordFailure(action: action, target: target, note: note, error: error)
            throw error
        }
    }

    /// Logs a failed (or refused) attempt in a transaction of its own; best effort.
    func recordFailure(action: Action, target: String, note: AuditNote, error: Error) {
        let refused = (error as? VaultError)?.kind == .permissionDenied || note.outcome == .denied
        let outcome: AuditOutcome = refused ? .denied : .failed
        var failure = note
        // The message may name an input file or a search term, so it is sealed, not stored in clear.
        failure.sensitive.append("reason=\((error as? VaultError)?.message ?? "\(type(of: error))")")
        _ = try? database.writeTransaction {
            try appendAudit(action: action.rawValue, target: target, outcome: outcome, note: failure)
        }
    }

    /// Appends one authenticated entry; call inside a write transaction.
    func appendAudit(action: String, target: String, outcome: AuditOutcome, note: AuditNote) throws {
        // A master key replaced by another process since this session opened changes the audit key.
        guard try AuditKeys.latestFirstSeq(database) == auditGeneration else {
            throw VaultError.temporaryFailure(
                "the master key was replaced while this command ran; run it again with your new key file")
        }
        let sensitive = note.sensitive
        try AuditLog.append(
            database, key: auditKey, at: Timestamp.format(now()), actor: actor.name, action: action, target: target,
            outcome: outcome, details: note.details.joined(separator: "; "),
            sensitive: sensitive.isEmpty
                ? nil
                : { seq in try self.keys.sealAudit(sensitive.joined(separator: "; "), seq: seq) })
    }

    private func note(_ reason: String) -> AuditNote {
        var note = AuditNote()
        note.details = ["reason=\(reason)"]
        return note
    }
}
