/// The catalogue's schema, one migration per release that changed it.
///
/// FileFormat.md describes every table that holds key material or sealed fields.
public enum CatalogSchema {
    /// The migrations, in order; never edit a released one, add a new one.
    public static let migrator = Migrator(
        migrations: [
            version1, version2, version3, version4, version5, version6, version7, version8, version9, version10,
            version11,
        ])

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

    /// Version 4: retention rules, business events, legal holds (FileFormat.md, "Retention and holds").
    ///
    /// A vault migrated from version 3 gets the default rules here; a new vault has
    /// no categories yet when migrations run, so `VaultSetup` inserts the same
    /// ``defaultRetentionRules`` after seeding the categories.
    static let version4 = """
        ALTER TABLE documents ADD COLUMN contract_no TEXT;
        CREATE INDEX documents_by_contract ON documents(contract_no);
        CREATE TABLE retention_rules (
            id INTEGER PRIMARY KEY,
            category TEXT NOT NULL REFERENCES categories(code),
            doc_type TEXT CHECK (doc_type IS NULL OR length(doc_type) > 0),
            years INTEGER CHECK (years IS NULL OR years BETWEEN 1 AND 200),
            short_term_years INTEGER CHECK (short_term_years IS NULL OR short_term_years BETWEEN 1 AND 200),
            trigger TEXT NOT NULL CHECK (trigger IN (
                'filed', 'document-date', 'fiscal-year-end', 'policy-terminated', 'claim-closed',
                'claim-and-policy', 'relationship-ended', 'contract-ended')),
            year_end_cutoff INTEGER NOT NULL DEFAULT 0 CHECK (year_end_cutoff IN (0, 1)),
            basis TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        );
        CREATE UNIQUE INDEX retention_rules_by_scope ON retention_rules(category, COALESCE(doc_type, ''));
        CREATE TABLE retention_floors (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id),
            years INTEGER,
            set_at TEXT NOT NULL,
            set_by TEXT NOT NULL
        );
        CREATE TABLE business_events (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN (
                'policy-terminated', 'claim-closed', 'relationship-ended', 'contract-ended')),
            subject TEXT NOT NULL,
            event_date TEXT NOT NULL,
            term_months INTEGER CHECK (term_months IS NULL OR term_months > 0),
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            UNIQUE (kind, subject)
        );
        CREATE TABLE legal_holds (
            id INTEGER PRIMARY KEY,
            scope TEXT NOT NULL CHECK (scope IN ('document', 'policy', 'claim', 'customer')),
            subject TEXT NOT NULL,
            reason_sealed BLOB NOT NULL,
            placed_by TEXT NOT NULL,
            placed_at TEXT NOT NULL,
            released_by TEXT,
            released_at TEXT,
            release_reason_sealed BLOB,
            CHECK ((released_by IS NULL) = (released_at IS NULL))
        );
        CREATE INDEX legal_holds_in_force ON legal_holds(scope, subject) WHERE released_at IS NULL;
        """ + defaultRetentionRules

    /// The rules of DESIGN.md section 5, inserted only where the categories exist (frozen with version 4).
    static let defaultRetentionRules = """
        INSERT INTO retention_rules (category, doc_type, years, short_term_years, trigger, year_end_cutoff, basis,
            updated_at, updated_by)
        SELECT c.code, r.doc_type, r.years, r.short_term_years, r.trigger, r.cutoff, r.basis,
            strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'docvault'
        FROM (
            SELECT 'UW' AS code, NULL AS doc_type, 10 AS years, 5 AS short_term_years,
                'policy-terminated' AS trigger, 0 AS cutoff, 'Insurance Law art. 87' AS basis
            UNION ALL SELECT 'CL', NULL, 10, NULL, 'claim-and-policy', 0, 'Insurance Law arts. 87, 26'
            UNION ALL SELECT 'CU', NULL, 5, NULL, 'relationship-ended', 0, 'anti-money-laundering rules'
            UNION ALL SELECT 'FI', NULL, 30, NULL, 'fiscal-year-end', 0,
                'Accounting Archives Measures 2015 (vouchers, ledgers)'
            UNION ALL SELECT 'FI', 'report', 10, NULL, 'fiscal-year-end', 0,
                'Accounting Archives Measures 2015 (periodic reports)'
            UNION ALL SELECT 'FI', 'statement', 10, NULL, 'fiscal-year-end', 0,
                'Accounting Archives Measures 2015 (bank statements)'
            UNION ALL SELECT 'FI', 'annual-report', NULL, NULL, 'fiscal-year-end', 0,
                'Accounting Archives Measures 2015 (annual reports, permanent)'
            UNION ALL SELECT 'HR', NULL, 2, NULL, 'contract-ended', 0, 'Labour Contract Law art. 50'
            UNION ALL SELECT 'OT', NULL, 10, NULL, 'filed', 0, 'company policy'
        ) AS r JOIN categories c ON c.code = r.code;
        """

    /// Version 5: destruction batches, their items and the tombstones they leave (FileFormat.md, "Destruction").
    ///
    /// A destroyed document keeps its `documents` row as a tombstone (`status = 'destroyed'`,
    /// `wrapped_data_key` empty, sealed fields and blind indexes NULL); its shredded
    /// `destruction_items` row names the batch, the dates and the time it was shredded.
    static let version5 = """
        CREATE TABLE destruction_batches (
            id INTEGER PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected', 'executed')),
            as_of TEXT NOT NULL,
            category TEXT,
            proposed_by TEXT NOT NULL,
            proposed_at TEXT NOT NULL,
            decided_by TEXT,
            decided_at TEXT,
            reject_reason_sealed BLOB,
            executed_by TEXT,
            executed_at TEXT,
            audit_anchor TEXT,
            register_reference TEXT,
            register_csv_reference TEXT,
            CHECK (status = 'proposed' OR decided_by IS NOT NULL)
        );
        CREATE TABLE destruction_items (
            batch_id INTEGER NOT NULL REFERENCES destruction_batches(id),
            document_id INTEGER NOT NULL REFERENCES documents(id),
            reference TEXT NOT NULL,
            rule TEXT NOT NULL,
            trigger_date TEXT NOT NULL,
            due_date TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('proposed', 'struck', 'shredded', 'skipped')),
            reason_sealed BLOB,
            changed_by TEXT,
            changed_at TEXT,
            title_sealed BLOB,
            sha256_sealed BLOB,
            PRIMARY KEY (batch_id, document_id)
        ) WITHOUT ROWID;
        CREATE INDEX destruction_items_by_document ON destruction_items(document_id, status);
        """ + registerRetentionRule

    /// The destruction register is kept permanently (frozen with version 5; `VaultSetup` inserts it too).
    static let registerRetentionRule = """
        INSERT INTO retention_rules (category, doc_type, years, short_term_years, trigger, year_end_cutoff, basis,
            updated_at, updated_by)
        SELECT code, 'destruction-register', NULL, NULL, 'filed', 0,
            'Accounting Archives Measures 2015 (destruction registers, permanent)',
            strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'docvault'
        FROM categories WHERE code = 'OT';
        """

    /// Version 6: audit-chain keys across master keys (FileFormat.md, "Audit log" and
    /// "Replacing a compromised master key").
    ///
    /// Empty until the master key is first replaced: every entry's key is then derived
    /// from the master key as before. Otherwise entry `n` uses the key of the row with
    /// the greatest `first_seq <= n`, sealed under the current master key.
    static let version6 = """
        CREATE TABLE audit_keys (
            first_seq INTEGER PRIMARY KEY,
            wrapped_key BLOB NOT NULL,
            created_at TEXT NOT NULL
        );
        """

    /// Version 7: the customer register (客户档案) and the history of every change to it.
    static let version7 = """
        CREATE TABLE customers (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('individual', 'corporate')),
            id_index BLOB NOT NULL UNIQUE,
            record_sealed BLOB NOT NULL,
            value_tier TEXT CHECK (value_tier IN ('high', 'medium', 'low')),
            risk_tier TEXT CHECK (risk_tier IN ('high', 'medium', 'low')),
            vip_level INTEGER NOT NULL DEFAULT 0 CHECK (vip_level BETWEEN 0 AND 5),
            account_manager TEXT,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        );
        CREATE INDEX customers_by_manager ON customers(account_manager);
        CREATE TABLE customer_changes (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers(id),
            changed_at TEXT NOT NULL,
            changed_by TEXT NOT NULL,
            fields TEXT NOT NULL,
            change_sealed BLOB NOT NULL
        );
        CREATE INDEX customer_changes_by_customer ON customer_changes(customer_id, id);
        """

    /// Version 8: what a complete case file holds, per category (FileFormat.md, "Case files and completeness").
    ///
    /// A vault migrated from version 7 gets the default requirements here; a new vault has
    /// no categories yet when migrations run, so `VaultSetup` inserts the same
    /// ``defaultCompletenessRules`` after seeding the categories.
    static let version8 = """
        CREATE TABLE completeness_rules (
            id INTEGER PRIMARY KEY,
            category TEXT NOT NULL REFERENCES categories(code),
            requirement TEXT NOT NULL CHECK (requirement IN ('type', 'field')),
            name TEXT NOT NULL CHECK (length(name) > 0),
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            UNIQUE (category, requirement, name)
        );
        """ + defaultCompletenessRules

    /// The checklists of the claim and underwriting archive checks, inserted only where the categories exist
    /// (frozen with version 8).
    static let defaultCompletenessRules = """
        INSERT INTO completeness_rules (category, requirement, name, updated_at, updated_by)
        SELECT c.code, r.requirement, r.name, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'docvault'
        FROM (
            SELECT 'CL' AS code, 'type' AS requirement, 'claim-form' AS name
            UNION ALL SELECT 'CL', 'type', 'loss-assessment'
            UNION ALL SELECT 'CL', 'type', 'payment-voucher'
            UNION ALL SELECT 'CL', 'type', 'id-copy'
            UNION ALL SELECT 'UW', 'type', 'application'
            UNION ALL SELECT 'UW', 'type', 'policy'
            UNION ALL SELECT 'UW', 'type', 'id-copy'
            UNION ALL SELECT 'UW', 'field', 'policy'
            UNION ALL SELECT 'CL', 'field', 'claim'
            UNION ALL SELECT 'CU', 'field', 'customer-id'
        ) AS r JOIN categories c ON c.code = r.code;
        """

    /// Version 9: loans get a kind; `read` lets the borrower get the documents, `export` also lets them export a transfer package.
    static let version9 = """
        ALTER TABLE loans ADD COLUMN kind TEXT NOT NULL DEFAULT 'read' CHECK (kind IN ('read', 'export'));
        """

    /// Version 10: what bulk import filed, by a keyed identity of each ledger row, so a re-run skips it.
    ///
    /// `row_key` is HMAC-SHA-256 under the blind-index key of the row's normalised fields
    /// (FileFormat.md, "Import records"); it reveals nothing of the row without that key.
    static let version10 = """
        CREATE TABLE import_rows (
            row_key BLOB PRIMARY KEY CHECK (length(row_key) = 32),
            reference TEXT NOT NULL UNIQUE REFERENCES documents(reference),
            imported_at TEXT NOT NULL
        ) WITHOUT ROWID;
        """

    /// Version 11: how many catalogue rows each category and year holds.
    ///
    /// `list --category --year` records its result count in the audit entry before the first
    /// row; counting 15,000 rows of one shelf at a million documents was a third of that
    /// command's instructions before its first row (callgrind). ``DocumentTable/insert(_:_:)``
    /// adds each new row in the same transaction: an insert trigger made every insert a
    /// multi-row statement, so SQLite kept a statement journal of catalogue pages in a temporary
    /// file under `/var/tmp`, and seeding slowed from 1.6 to 2.5 s per 20,000 rows. Rows are
    /// never deleted and never change shelf; the delete and update triggers keep the count true
    /// if one ever does, and `verify` compares the table with a fresh count.
    ///
    /// It also drops `documents_by_category_year`: the unique index on (category, year, item_no)
    /// of version 1 serves every look-up by category and year, and the second index cost every
    /// filing an update (200,000 inserts in one transaction: 2.68–2.73 s with it, 2.35–2.36 s
    /// without).
    static let version11 = """
        DROP INDEX documents_by_category_year;
        CREATE TABLE document_counts (
            category TEXT NOT NULL,
            year INTEGER NOT NULL,
            n INTEGER NOT NULL CHECK (n >= 0),
            PRIMARY KEY (category, year)
        ) WITHOUT ROWID;
        INSERT INTO document_counts (category, year, n)
        SELECT category, year, COUNT(*) FROM documents GROUP BY category, year;
        CREATE TRIGGER documents_count_delete AFTER DELETE ON documents BEGIN
            UPDATE document_counts SET n = n - 1 WHERE category = OLD.category AND year = OLD.year;
        END;
        CREATE TRIGGER documents_count_move AFTER UPDATE OF category, year ON documents BEGIN
            UPDATE document_counts SET n = n - 1 WHERE category = OLD.category AND year = OLD.year;
            INSERT INTO document_counts (category, year, n) VALUES (NEW.category, NEW.year, 1)
            ON CONFLICT (category, year) DO UPDATE SET n = n + 1;
        END;
        """
}
