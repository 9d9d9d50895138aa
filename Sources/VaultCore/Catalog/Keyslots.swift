/// One keyslot: the master key wrapped under a key derived from one credential.
///
/// `package` so the fuzz harness (`docvault-fuzz keyslot`) can build slots from fuzzed fields.
package struct KeyslotRecord {
    package let id: Int
    package let userID: Int?
    package let kind: String
    package let salt: [UInt8]
    package let scrypt: ScryptParameters?
    package let wrappedMasterKey: [UInt8]

    /// Creates a slot from its fields, as a catalogue row would hold them; for fuzzing and recovery tools.
    package init(
        id: Int, userID: Int?, kind: String, salt: [UInt8], scrypt: ScryptParameters?, wrappedMasterKey: [UInt8]
    ) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.salt = salt
        self.scrypt = scrypt
        self.wrappedMasterKey = wrappedMasterKey
    }

    init(row: Row) {
        id = row.int("id")
        userID = row["user_id"].integer.map { Int($0) }
        kind = row.string("kind") ?? ""
        salt = row.bytes("salt") ?? []
        if let logN = row["kdf_log_n"].integer {
            scrypt = ScryptParameters(logN: Int(logN), r: row.int("kdf_r"), p: row.int("kdf_p"))
        } else {
            scrypt = nil
        }
        wrappedMasterKey = row.bytes("wrapped_master_key") ?? []
    }
}

/// Queries on the `keyslots` table.
enum KeyslotTable {
    static func insert(
        _ db: Database, userID: Int?, kind: String, salt: [UInt8], scrypt: ScryptParameters?, wrapped: [UInt8],
        createdAt: String
    ) throws {
        try db.run(
            """
            INSERT INTO keyslots (user_id, kind, salt, kdf_log_n, kdf_r, kdf_p, wrapped_master_key, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [userID, kind, salt, scrypt?.logN, scrypt?.r, scrypt?.p, wrapped, createdAt])
    }

    static func slots(_ db: Database, userID: Int, kind: String) throws -> [KeyslotRecord] {
        try db.query("SELECT * FROM keyslots WHERE user_id = ? AND kind = ? ORDER BY id", [userID, kind])
            .map(KeyslotRecord.init(row:))
    }

    static func delete(_ db: Database, userID: Int, kind: String) throws {
        try db.run("DELETE FROM keyslots WHERE user_id = ? AND kind = ?", [userID, kind])
    }

    static func kinds(_ db: Database, userID: Int) throws -> [String] {
        try db.query("SELECT DISTINCT kind FROM keyslots WHERE user_id = ? ORDER BY kind", [userID]).compactMap {
            $0.string("kind")
        }
    }

    static func recoverySlots(_ db: Database) throws -> [KeyslotRecord] {
        try db.query("SELECT * FROM keyslots WHERE kind = 'recovery' ORDER BY id").map(KeyslotRecord.init(row:))
    }
}

/// Queries on the `vault_keys` table.
enum VaultKeyTable {
    static func insert(_ db: Database, purpose: String, epoch: Int, wrapped: [UInt8], createdAt: String) throws {
        try db.run(
            "INSERT INTO vault_keys (purpose, epoch, wrapped_key, created_at) VALUES (?, ?, ?, ?)",
            [purpose, epoch, wrapped, createdAt])
    }

    static func all(_ db: Database) throws -> [(purpose: String, epoch: Int, wrapped: [UInt8])] {
        try db.query("SELECT purpose, epoch, wrapped_key FROM vault_keys ORDER BY purpose, epoch").map {
            ($0.string("purpose") ?? "", $0.int("epoch"), $0.bytes("wrapped_key") ?? [])
        }
    }

    /// The wrapped keys of one purpose by epoch, oldest first.
    static func epochs(_ db: Database, purpose: String) throws -> [(epoch: Int, wrapped: [UInt8])] {
        try db.query("SELECT epoch, wrapped_key FROM vault_keys WHERE purpose = ? ORDER BY epoch", [purpose]).map {
            ($0.int("epoch"), $0.bytes("wrapped_key") ?? [])
        }
    }

    /// Each epoch of one purpose with its creation time, oldest first.
    static func epochTimes(_ db: Database, purpose: String) throws -> [(epoch: Int, createdAt: String)] {
        try db.query("SELECT epoch, created_at FROM vault_keys WHERE purpose = ? ORDER BY epoch", [purpose]).map {
            ($0.int("epoch"), $0.string("created_at") ?? "")
        }
    }

    /// Deletes every key of `purpose` older than `epoch`; returns how many rows went.
    @discardableResult
    static func deleteOlder(_ db: Database, purpose: String, than epoch: Int) throws -> Int {
        try db.run("DELETE FROM vault_keys WHERE purpose = ? AND epoch < ?", [purpose, epoch])
        return db.changes
    }
}
