import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// The credential a new or re-keyed user receives.
public enum NewCredential {
    /// A new key file written to `KEYS/NAME.key` (mode 0600).
    case keyFile
    /// A password, at least ``UserAdministration/minimumPasswordLength`` characters.
    case password(SecretBytes)
}

/// A user as `user list` and `user show` present them.
public struct UserSummary: Sendable, Codable, Equatable {
    public let name: String
    public let roles: [String]
    public let status: String
    public let credentials: [String]
    public let createdAt: String
    public let disabledAt: String?
}

/// Adding, changing, disabling and re-keying users; admin work, except one's own credential.
public enum UserAdministration {
    /// Passwords shorter than this are refused.
    public static let minimumPasswordLength = 12

    /// Adds user `name` with `roles` and a keyslot for `credential`; returns the key file path if one was written.
    @discardableResult
    public static func add(name: String, roles: [Role], credential: NewCredential, session: Session) throws
        -> String?
    {
        try session.perform(.userAdd, target: name, note: rolesNote(roles)) { _ in
            guard UserRecord.isValidName(name) else {
                throw VaultError.usage(
                    "user name '\(name)' must start with a lowercase letter and use only a-z, 0-9, '.', '_', '-' (max 32)"
                )
            }
            guard try UserTable.find(session.database, name: name) == nil else {
                throw VaultError.failure("user '\(name)' already exists")
            }
            let userID = try UserTable.insert(
                session.database, name: name, roles: roles.map(\.rawValue), createdAt: Timestamp.format(session.now()))
            return try issue(credential, to: name, userID: userID, masterKey: session.masterKey, vault: session.vault)
        }
    }

    /// Every user, by name.
    public static func list(session: Session) throws -> [UserSummary] {
        try session.perform(.userList) { note in
            let users = try UserTable.all(session.database).map { try summary($0, db: session.database) }
            note.details.append("results=\(users.count)")
            return users
        }
    }

    /// One user.
    public static func show(name: String, session: Session) throws -> UserSummary {
        try session.perform(.userShow, target: name) { _ in
            try summary(try existing(name, session.database), db: session.database)
        }
    }

    /// Replaces the roles of `name`; refuses to leave the vault without an enabled admin.
    public static func setRoles(name: String, roles: [Role], session: Session) throws {
        try session.perform(.userRoles, target: name, note: rolesNote(roles)) { _ in
            let user = try existing(name, session.database)
            if user.roles.contains(Role.admin.rawValue) && !roles.contains(.admin) {
                try requireAnotherAdmin(besides: user, session.database)
            }
            try UserTable.setRoles(session.database, id: user.id, roles: roles.map(\.rawValue))
        }
    }

    /// Disables `name`: their credentials stop opening the vault at once and their loans are revoked.
    public static func disable(name: String, session: Session) throws {
        try session.perform(.userDisable, target: name) { note in
            let user = try existing(name, session.database)
            guard user.disabledAt == nil else { throw VaultError.failure("user '\(name)' is already disabled") }
            if user.roles.contains(Role.admin.rawValue) { try requireAnotherAdmin(besides: user, session.database) }
            try UserTable.setDisabled(session.database, id: user.id, at: Timestamp.format(session.now()))
            let revoked = try LoanAccess.revokeAll(of: user.name, session: session)
            note.details.append("loans-revoked=\(revoked)")
        }
    }

    /// Enables `name` again.
    public static func enable(name: String, session: Session) throws {
        try session.perform(.userEnable, target: name) { _ in
            let user = try existing(name, session.database)
            guard user.disabledAt != nil else { throw VaultError.failure("user '\(name)' is not disabled") }
            try UserTable.setDisabled(session.database, id: user.id, at: nil)
        }
    }

    /// Replaces the actor's own key file or password (`docvault passwd`).
    @discardableResult
    public static func changeOwnCredential(_ credential: NewCredential, session: Session) throws -> String? {
        let path = try session.perform(.passwd, target: session.actor.name, note: credentialNote(credential)) { _ in
            try issue(
                credential, to: session.actor.name, userID: session.actor.id, masterKey: session.masterKey,
                vault: session.vault, replacing: true)
        }
        try foldInReplacedSlot(session.database)
        return path
    }

    /// Moves a replaced keyslot out of the write-ahead log, which outlives the process.
    ///
    /// `secure_delete` zeroes the old slot in `catalog.sqlite` only when the WAL is
    /// checkpointed; until then the WAL still holds a page with the old wrapped master
    /// key, which the old password or key file would open. TRUNCATE also empties the WAL.
    static func foldInReplacedSlot(_ db: Database) throws {
        try db.checkpoint()
    }

    /// Re-enables and re-keys admin `name` with the recovery code `init` printed.
    ///
    /// The code opens the recovery keyslot, which yields the master key; the admin
    /// gets a new credential and is enabled. Every attempt is logged as action
    /// `recover` by actor `recovery-code`: a wrong code as an unsealed denial (exit 77),
    /// a right code with a bad target as a sealed failure, success as a sealed `ok`.
    @discardableResult
    public static func recover(vault: Vault, code: String, name: String, credential: NewCredential) throws -> String? {
        let actor = "recovery-code"
        guard let masterKey = try Session.openRecoverySlot(vault: vault, code: code) else {
            _ = try? vault.database.writeTransaction {
                try AuditLog.append(
                    vault.database, key: nil, at: Timestamp.now(), actor: actor, action: "recover", target: name,
                    outcome: .denied, details: "reason=the recovery code does not open the recovery keyslot")
            }
            throw VaultError.denied("the recovery code does not open this vault's recovery keyslot")
        }
        let auditKey = try AuditKeys.load(vault.database, masterKey: masterKey, vaultID: vault.meta.vaultID).current
        let details = credentialNote(credential).details + ["via=recovery-code"]
        func log(_ outcome: AuditOutcome, _ extra: [String]) throws {
            try AuditLog.append(
                vault.database, key: auditKey, at: Timestamp.now(), actor: actor, action: "recover", target: name,
                outcome: outcome, details: (details + extra).joined(separator: "; "))
        }
        do {
            let path = try vault.database.writeTransaction {
                let user = try existing(name, vault.database)
                guard user.roles.contains(Role.admin.rawValue) else {
                    throw VaultError.usage("the recovery code re-keys admins only; '\(name)' is not an admin")
                }
                try UserTable.setDisabled(vault.database, id: user.id, at: nil)
                let path = try issue(
                    credential, to: name, userID: user.id, masterKey: masterKey, vault: vault, replacing: true)
                try log(.ok, [])
                return path
            }
            try foldInReplacedSlot(vault.database)
            return path
        } catch {
            let reason = (error as? VaultError)?.message ?? "\(type(of: error))"
            _ = try? vault.database.writeTransaction { try log(.failed, ["reason=\(reason)"]) }
            throw error
        }
    }

    /// Creates the keyslot for `credential` (inside the caller's transaction).
    ///
    /// A key file is written to a temporary name first and renamed into place only
    /// after the keyslot row exists; with `replacing`, the user's old slots of the
    /// same kind are deleted in the same transaction.
    static func issue(
        _ credential: NewCredential, to name: String, userID: Int, masterKey: SecretBytes, vault: Vault,
        replacing: Bool = false
    ) throws -> String? {
        let db = vault.database
        let vaultID = vault.meta.vaultID
        let now = Timestamp.now()
        switch credential {
        case .password(let password):
            try checkPassword(password)
            let salt = try SecureRandom.bytes(count: 32)
            if replacing { try KeyslotTable.delete(db, userID: userID, kind: "password") }
            try KeyslotCrypto.insertSlot(
                db, userID: userID, user: name, kind: "password", salt: salt, scrypt: .standard,
                kek: try KeyslotCrypto.passwordKEK(password: password, salt: salt, parameters: .standard),
                masterKey: masterKey, vaultID: vaultID, createdAt: now)
            return nil
        case .keyFile:
            let path = vault.location.keyFilePath(for: name)
            if !replacing && FileManager.default.fileExists(atPath: path) {
                throw VaultError.failure("key file \(path) already exists; move it away first")
            }
            try FileSystem.makeDirectory(vault.location.keys)
            let secret = try SecretBytes.random(count: 32)
            let temporary = path + ".new-" + (try SecureRandom.bytes(count: 4).hexString)
            try KeyFile.create(at: temporary, vaultID: vaultID, user: name, secret: secret)
            do {
                let salt = try SecureRandom.bytes(count: 32)
                if replacing { try KeyslotTable.delete(db, userID: userID, kind: "keyfile") }
                try KeyslotCrypto.insertSlot(
                    db, userID: userID, user: name, kind: "keyfile", salt: salt, scrypt: nil,
                    kek: try KeyslotCrypto.keyfileKEK(secret: secret, salt: salt), masterKey: masterKey,
                    vaultID: vaultID, createdAt: now)
                guard rename(temporary, path) == 0 else {
                    throw VaultError.failure("cannot move the new key file into \(path)")
                }
            } catch {
                unlink(temporary)
                throw error
            }
            return path
        }
    }

    /// Refuses passwords shorter than the minimum.
    public static func checkPassword(_ password: SecretBytes) throws {
        let count = password.withUnsafeBytes { String(decoding: $0, as: UTF8.self).count }
        guard count >= minimumPasswordLength else {
            throw VaultError.usage("passwords need at least \(minimumPasswordLength) characters")
        }
    }

    static func existing(_ name: String, _ db: Database) throws -> UserRecord {
        guard let user = try UserTable.find(db, name: name) else {
            throw VaultError.inputMissing("no user '\(name)'; 'docvault user list' shows the users")
        }
        return user
    }

    static func requireAnotherAdmin(besides user: UserRecord, _ db: Database) throws {
        guard try UserTable.enabled(db, withRole: Role.admin.rawValue).contains(where: { $0.id != user.id }) else {
            throw VaultError.failure("'\(user.name)' is the last enabled admin; add another admin first")
        }
    }

    static func summary(_ user: UserRecord, db: Database) throws -> UserSummary {
        UserSummary(
            name: user.name, roles: user.roles, status: user.disabledAt == nil ? "active" : "disabled",
            credentials: try KeyslotTable.kinds(db, userID: user.id), createdAt: user.createdAt,
            disabledAt: user.disabledAt)
    }

    static func rolesNote(_ roles: [Role]) -> AuditNote {
        var note = AuditNote()
        note.details = ["roles=\(roles.map(\.rawValue).joined(separator: ","))"]
        return note
    }

    static func credentialNote(_ credential: NewCredential) -> AuditNote {
        var note = AuditNote()
        if case .keyFile = credential {
            note.details = ["credential=key-file"]
        } else {
            note.details = ["credential=password"]
        }
        return note
    }
}
