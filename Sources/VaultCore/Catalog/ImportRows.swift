/// The `import_rows` table: which document each imported ledger row became (schema version 10).
enum ImportRowTable {
    /// The reference filed for the row with identity `key`, or nil when it was never imported.
    static func reference(_ db: Database, key: [UInt8]) throws -> String? {
        try db.queryOne("SELECT reference FROM import_rows WHERE row_key = ?", [key])?.string("reference")
    }

    /// Records that the row with identity `key` became `reference`; call in the transaction that inserts the row.
    static func insert(_ db: Database, key: [UInt8], reference: String, at time: String) throws {
        try db.run(
            "INSERT INTO import_rows (row_key, reference, imported_at) VALUES (?, ?, ?)", [key, reference, time])
    }
}
