/// The catalogue's schema, one migration per release that changed it.
///
/// FileFormat.md describes every table that holds key material or sealed fields.
public enum CatalogSchema {
    /// The migrations, in order; never edit a released one, add a new one.
    public static let migrator = Migrator(migrations: [version1, version2, version3])

    static let version1 = """
        CREATE TABLE vault_meta (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            vault_id TEXT NOT NULL,
            fonds TEXT NOT NULL,
            format_version INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            initial_admin TEXT NOT NULL,
            is_demo INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            roles TEXT NOT NULL,
            created_at TEXT NOT NULL,
            disabled_at TEXT
        );
        CREATE TABLE keyslots (
            id INTEGER PRIMARY KEY,
            user_id INTEGER REFERENCES users(id),
            kind TEXT NOT NULL CHECK (kind IN ('keyfile', 'password', 'recovery')),
            salt BLOB NOT NULL,
            kdf_log_n INTEGER,
            kdf_r INTEGER,
            kdf_p INTEGER,
            wrapped_master_key BLOB NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE vault_keys (
            purpose TEXT NOT NULL CHECK (purpose IN ('data-key-wrap', 'field-seal', 'blind-index')),
            epoch INTEGER NOT NULL,
            wrapped_key BLOB NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (purpose, epoch)
        );
        CREATE TABLE categories (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            retention_code TEXT NOT NULL CHECK (retention_code IN ('Y', 'D30', 'D10', 'D5')),
            retention_rule TEXT NOT NULL,
            trigger_event TEXT NOT NULL,
            legal_basis TEXT NOT NULL
        );
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            reference TEXT NOT NULL UNIQUE,
            category TEXT NOT NULL REFERENCES categories(code),
            year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2100),
            item_no INTEGER NOT NULL,
            retention_code TEXT NOT NULL,
            doc_type TEXT,
            doc_date TEXT,
            filed_at TEXT NOT NULL,
            filed_by TEXT NOT NULL,
            policy_no TEXT,
            claim_no TEXT,
            size INTEGER NOT NULL,
            media_type TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            status TEXT NOT NULL DEFAULT 'active',
            blob_id TEXT NOT NULL UNIQUE,
            wrapped_data_key BLOB NOT NULL,
            key_epoch INTEGER NOT NULL,
            title_sealed BLOB,
            customer_name_sealed BLOB,
            customer_id_sealed BLOB,
            file_name_sealed BLOB,
            notes_sealed BLOB,
            sha256_sealed BLOB NOT NULL,
            customer_name_index BLOB,
            customer_id_index BLOB,
            UNIQUE (category, year, item_no)
        );
        CREATE INDEX documents_by_category_year ON documents(category, year);
        CREATE INDEX documents_by_policy ON documents(policy_no);
        CREATE INDEX documents_by_claim ON documents(claim_no);
        CREATE INDEX documents_by_customer_name ON documents(customer_name_index);
        CREATE INDEX documents_by_customer_id ON documents(customer_id_index);
        CREATE INDEX documents_by_size ON documents(size);
        """

    /// Version 2: the hash-chained audit log (FileFormat.md, "Audit log").
    static let version2 = """
        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
            details TEXT NOT NULL DEFAULT '',
            sensitive_sealed BLOB,
            mac BLOB
        );
        CREATE INDEX audit_by_actor ON audit_log(actor);
        CREATE INDEX audit_by_target ON audit_log(target);
        CREATE INDEX audit_pending ON audit_log(seq) WHERE mac IS NULL;
        """

    /// Version 3: the borrowing register (FileFormat.md, "Loans").
    static let version3 = """
        CREATE TABLE loans (
            id INTEGER PRIMARY KEY,
            requester TEXT NOT NULL,
            purpose_sealed BLOB NOT NULL,
            scope TEXT NOT NULL,
            requested_days INTEGER NOT NULL CHECK (requested_days > 0),
            status TEXT NOT NULL CHECK (status IN ('requested', 'active', 'returned', 'denied', 'revoked')),
            requested_at TEXT NOT NULL,
            decided_by TEXT,
            decided_at TEXT,
            due_at TEXT,
            renewal_days INTEGER CHECK (renewal_days > 0),
            renewed_by TEXT,
            renewed_at TEXT,
            returned_by TEXT,
            returned_at TEXT,
            closed_by TEXT,
            closed_at TEXT,
            reason_sealed BLOB,
            CHECK (status = 'requested' OR decided_by IS NOT NULL OR closed_by IS NOT NULL),
            CHECK (status NOT IN ('active', 'returned') OR due_at IS NOT NULL)
        );
        CREATE TABLE loan_items (
            loan_id INTEGER NOT NULL REFERENCES loans(id),
            document_id INTEGER NOT NULL REFERENCES documents(id),
            PRIMARY KEY (loan_id, document_id)
        ) WITHOUT ROWID;
        CREATE INDEX loans_by_requester ON loans(requester, status);
        CREATE INDEX loans_by_status ON loans(status);
        CREATE INDEX loan_items_by_document ON loan_items(document_id, loan_id);
        CREATE TABLE vault_settings (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        INSERT INTO vault_settings (name, value) VALUES ('loan.default_days', '7'), ('loan.max_days', '30');
        """
}
