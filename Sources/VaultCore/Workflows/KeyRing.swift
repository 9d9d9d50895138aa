import FoundationEssentials

/// The keys an authenticated session holds, all unwrapped from the master key.
///
/// Data-key-wrapping keys by epoch, the field-sealing key and the blind-index key
/// (FileFormat.md, "Vault keys"). Everything zeroes itself when the session ends.
final class KeyRing {
    let vaultID: [UInt8]
    private var dataKeyWrap: EpochKeys
    private(set) var currentEpoch: Int
    let fieldSeal: AES256GCM
    let blindIndex: SecretBytes

    static let dataKeyWrapPurpose = "data-key-wrap"
    static let fieldSealPurpose = "field-seal"
    static let blindIndexPurpose = "blind-index"

    /// Unwraps every vault key with `masterKey`; a failure means the catalogue was tampered with.
    init(masterKey: SecretBytes, vaultID: [UInt8], wrappedKeys: [(purpose: String, epoch: Int, wrapped: [UInt8])])
        throws
    {
        self.vaultID = vaultID
        let unwrapper = try AES256GCM(key: masterKey)
        var wrap = EpochKeys()
        var seal: AES256GCM?
        var index: SecretBytes?
        for entry in wrappedKeys {
            let aad = KeyLabels.vaultKeyAAD(vaultID: vaultID, purpose: entry.purpose, epoch: UInt32(entry.epoch))
            let key: SecretBytes
            do {
                key = try unwrapper.openSecret(entry.wrapped, aad: aad)
            } catch {
                throw VaultError.dataError(
                    "the catalogue's \(entry.purpose) key failed authentication; restore from backup")
            }
            switch entry.purpose {
            case Self.dataKeyWrapPurpose: wrap[entry.epoch] = try AES256GCM(key: key)
            case Self.fieldSealPurpose: seal = try AES256GCM(key: key)
            case Self.blindIndexPurpose: index = key
            default: continue
            }
        }
        guard let seal, let index, let current = wrap.newest else {
            throw VaultError.dataError("the catalogue lacks its vault keys; restore from backup")
        }
        dataKeyWrap = wrap
        currentEpoch = current
        fieldSeal = seal
        blindIndex = index
    }

    /// Unwraps every `data-key-wrap` row of the catalogue with `masterKey`, by epoch.
    ///
    /// A row that does not open is a data error, except that a session whose master
    /// key was replaced meanwhile learns so here and is told to start again.
    static func dataKeyWraps(_ db: Database, masterKey: SecretBytes, vaultID: [UInt8]) throws -> EpochKeys {
        let unwrapper = try AES256GCM(key: masterKey)
        var wraps = EpochKeys()
        for (epoch, wrapped) in try VaultKeyTable.epochs(db, purpose: dataKeyWrapPurpose) {
            let aad = KeyLabels.vaultKeyAAD(vaultID: vaultID, purpose: dataKeyWrapPurpose, epoch: UInt32(epoch))
            guard let key = try? unwrapper.openSecret(wrapped, aad: aad) else {
                throw VaultError.dataError(
                    "the catalogue's data-key-wrap key of epoch \(epoch) failed authentication; restore from backup")
            }
            wraps[epoch] = try AES256GCM(key: key)
        }
        return wraps
    }

    /// Whether this ring holds the data-key-wrap key of `epoch`.
    func knowsEpoch(_ epoch: Int) -> Bool { dataKeyWrap[epoch] != nil }

    /// Re-reads the data-key-wrap epochs after a rotation started by another process.
    ///
    /// Keys of epochs already deleted stay in memory so a data key wrapped under them
    /// before the rotation can still be moved to the current epoch.
    func refreshEpochs(_ db: Database, masterKey: SecretBytes) throws {
        let fresh = try Self.dataKeyWraps(db, masterKey: masterKey, vaultID: vaultID)
        dataKeyWrap.merge(fresh)
        if let newest = fresh.newest { currentEpoch = newest }
    }

    /// Creates the first generation of vault keys, wrapped by `masterKey`, and records them.
    static func createInitialKeys(_ db: Database, masterKey: SecretBytes, vaultID: [UInt8], now: String) throws {
        let wrapper = try AES256GCM(key: masterKey)
        for purpose in [dataKeyWrapPurpose, fieldSealPurpose, blindIndexPurpose] {
            let key = try SecretBytes.random(count: 32)
            let aad = KeyLabels.vaultKeyAAD(vaultID: vaultID, purpose: purpose, epoch: 1)
            let wrapped = try key.withUnsafeBytes { try wrapper.seal($0, aad: aad) }
            try VaultKeyTable.insert(db, purpose: purpose, epoch: 1, wrapped: wrapped, createdAt: now)
        }
    }

    /// Wraps a document's data key under the current epoch.
    func wrapDataKey(_ dataKey: SecretBytes, documentUID: [UInt8], version: UInt32) throws -> (
        wrapped: [UInt8], epoch: Int
    ) {
        let aad = KeyLabels.dataKeyAAD(
            vaultID: vaultID, documentUID: documentUID, version: version, epoch: UInt32(currentEpoch))
        guard let cipher = dataKeyWrap[currentEpoch] else {
            throw VaultError.dataError("the current key epoch \(currentEpoch) is unknown; run 'docvault key status'")
        }
        let wrapped = try dataKey.withUnsafeBytes { try cipher.seal($0, aad: aad) }
        return (wrapped, currentEpoch)
    }

    /// Unwraps a document's data key; throws a data error when it does not authenticate.
    func unwrapDataKey(_ wrapped: [UInt8], epoch: Int, documentUID: [UInt8], version: UInt32) throws -> SecretBytes {
        guard let cipher = dataKeyWrap[epoch] else {
            throw VaultError.dataError("a document's key epoch \(epoch) is unknown; run 'docvault verify'")
        }
        let aad = KeyLabels.dataKeyAAD(
            vaultID: vaultID, documentUID: documentUID, version: version, epoch: UInt32(epoch))
        do {
            return try cipher.openSecret(wrapped, aad: aad)
        } catch {
            throw VaultError.dataError("a document's data key failed authentication; the catalogue was altered")
        }
    }

    /// Seals a catalogue field of one document; nil stays nil.
    func seal(_ value: String?, field: String, documentUID: [UInt8]) throws -> [UInt8]? {
        guard let value else { return nil }
        return try seal(bytes: Array(value.utf8), field: field, documentUID: documentUID)
    }

    /// Seals raw bytes as a catalogue field of one document.
    func seal(bytes: [UInt8], field: String, documentUID: [UInt8]) throws -> [UInt8] {
        try fieldSeal.seal(bytes, aad: KeyLabels.fieldAAD(vaultID: vaultID, documentUID: documentUID, field: field))
    }

    /// Opens a sealed field; a field that fails authentication is a data error.
    func open(_ sealed: [UInt8]?, field: String, documentUID: [UInt8]) throws -> [UInt8]? {
        guard let sealed else { return nil }
        do {
            return try fieldSeal.open(
                sealed, aad: KeyLabels.fieldAAD(vaultID: vaultID, documentUID: documentUID, field: field))
        } catch {
            throw VaultError.dataError("a sealed catalogue field failed authentication; the catalogue was altered")
        }
    }

    /// Opens a sealed text field.
    func openText(_ sealed: [UInt8]?, field: String, documentUID: [UInt8]) throws -> String? {
        try open(sealed, field: field, documentUID: documentUID).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Seals the sensitive details of audit entry `seq`.
    func sealAudit(_ text: String, seq: Int) throws -> [UInt8] {
        try fieldSeal.seal(Array(text.utf8), aad: KeyLabels.auditAAD(vaultID: vaultID, seq: seq))
    }

    /// Opens the sensitive details of audit entry `seq`.
    func openAudit(_ sealed: [UInt8], seq: Int) throws -> String {
        do {
            return String(
                decoding: try fieldSeal.open(sealed, aad: KeyLabels.auditAAD(vaultID: vaultID, seq: seq)),
                as: UTF8.self)
        } catch {
            throw VaultError.dataError("audit entry \(seq)'s sealed details failed authentication")
        }
    }

    /// Seals a loan's free text (purpose, reason), bound to the loan and the field.
    func sealLoan(_ text: String, loanID: Int, field: String) throws -> [UInt8] {
        try sealText(text, aad: KeyLabels.loanAAD(vaultID: vaultID, loanID: loanID, field: field))
    }

    /// Opens a loan's sealed text.
    func openLoan(_ sealed: [UInt8], loanID: Int, field: String) throws -> String {
        try openText(
            sealed, aad: KeyLabels.loanAAD(vaultID: vaultID, loanID: loanID, field: field),
            failure: "loan \(loanID)'s sealed \(field) failed authentication; the register was altered")
    }

    /// Seals a destruction batch's free text, bound to the batch and the field.
    func sealBatch(_ text: String, batchID: Int, field: String) throws -> [UInt8] {
        try sealText(text, aad: KeyLabels.batchAAD(vaultID: vaultID, batchID: batchID, field: field))
    }

    /// Opens a destruction batch's sealed text.
    func openBatch(_ sealed: [UInt8], batchID: Int, field: String) throws -> String {
        try openText(
            sealed, aad: KeyLabels.batchAAD(vaultID: vaultID, batchID: batchID, field: field),
            failure: "destruction batch \(batchID)'s sealed \(field) failed authentication; the catalogue was altered")
    }

    /// Seals a legal hold's free text (`reason`, `release_reason`), bound to the hold and the field.
    func sealHold(_ text: String, holdID: Int, field: String) throws -> [UInt8] {
        try sealText(text, aad: KeyLabels.holdAAD(vaultID: vaultID, holdID: holdID, field: field))
    }

    /// Opens a legal hold's sealed text.
    func openHold(_ sealed: [UInt8], holdID: Int, field: String) throws -> String {
        try openText(
            sealed, aad: KeyLabels.holdAAD(vaultID: vaultID, holdID: holdID, field: field),
            failure: "hold \(holdID)'s sealed \(field) failed authentication; the hold register was altered")
    }

    /// Seals a customer's record or one of its changes, bound to the customer and the field.
    func sealCustomer(_ text: String, customerUID: [UInt8], field: String) throws -> [UInt8] {
        try sealText(text, aad: KeyLabels.customerAAD(vaultID: vaultID, customerUID: customerUID, field: field))
    }

    /// Opens a customer's sealed record or change.
    func openCustomer(_ sealed: [UInt8], customerUID: [UInt8], field: String) throws -> String {
        try openText(
            sealed, aad: KeyLabels.customerAAD(vaultID: vaultID, customerUID: customerUID, field: field),
            failure: "a customer's sealed \(field) failed authentication; the customer register was altered")
    }

    /// Seals UTF-8 `text` with the field-seal key under `aad`.
    private func sealText(_ text: String, aad: [UInt8]) throws -> [UInt8] {
        try fieldSeal.seal(Array(text.utf8), aad: aad)
    }

    /// Opens text sealed under `aad`; any failure is one data error with `failure` as its message.
    private func openText(_ sealed: [UInt8], aad: [UInt8], failure: String) throws -> String {
        do {
            return String(decoding: try fieldSeal.open(sealed, aad: aad), as: UTF8.self)
        } catch {
            throw VaultError.dataError(failure)
        }
    }

    /// The blind index of a value: HMAC-SHA-256 over the field name and the normalised value.
    func blindIndex(_ value: String?, field: String) throws -> [UInt8]? {
        guard let value else { return nil }
        let normalized = BlindIndex.normalize(value, field: field)
        guard !normalized.isEmpty else { return nil }
        return try HMAC.authenticate(
            .sha256, key: blindIndex,
            message: KeyLabels.blindIndexMessage(field: field, normalizedValue: normalized))
    }

    /// The keyed identity of an import manifest row: HMAC-SHA-256 under the blind-index key.
    ///
    /// `canonical` is the row's normalised fields (``ImportRowIdentity``); the result reveals
    /// nothing of them without the key.
    func importRowKey(_ canonical: String) throws -> [UInt8] {
        try HMAC.authenticate(
            .sha256, key: blindIndex,
            message: KeyLabels.blindIndexMessage(field: "import_row", normalizedValue: canonical))
    }
}

/// How values are normalised before blind indexing, so look-ups match what a person means.
public enum BlindIndex {
    /// Normalises `value` for the blind index of `field`.
    ///
    /// Customer names: Unicode NFKC, case-folded, inner whitespace collapsed to one space.
    /// Customer ID numbers: NFKC, uppercase, spaces and hyphens removed.
    public static func normalize(_ value: String, field: String) -> String {
        // ASCII text is its own NFKC form. Foundation's mapping bridges through NSString and
        // cost 0.48 M instructions of a whole `search --customer-id` (callgrind), for digits.
        let nfkc = UnicodeNormalization.nfkc(value)
        switch field {
        case "customer_id":
            return String(
                nfkc.uppercased().unicodeScalars.filter { $0 != " " && $0 != "-" && !$0.properties.isWhitespace })
        default:
            return nfkc.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        }
    }
}
