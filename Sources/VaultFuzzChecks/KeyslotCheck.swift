import VaultCore

/// The keyslot target: a keyslot built from fuzzed fields, opened by `KeyslotCrypto.open`.
///
/// Input layout: kind length (1 byte), kind; salt length (1 byte), salt; a flag byte whose
/// low bit says scrypt parameters follow as three big-endian signed 64-bit integers
/// (log2 N, r, p); the rest is the wrapped master key. Each slot is tried with the fixed
/// key-file secret, password and recovery code. Oracle: only the genuine slot of the
/// credential's kind opens, and it yields the fixed master key; scrypt is never reached
/// with parameters outside the stored-parameter bounds.
enum KeyslotCheck {
    /// The vault id bound into every slot's AAD.
    static let vaultID: [UInt8] = (0..<16).map { UInt8(0xC0 + $0) }
    /// The user the key-file and password slots belong to.
    static let user = "fuzz-user"
    /// The master key the genuine slots wrap.
    static let masterKey: [UInt8] = (0..<32).map { UInt8(0x80 ^ $0) }
    static let keyFileSecret: [UInt8] = (0..<32).map { UInt8(0x10 + $0) }
    static let password: [UInt8] = Array("correct horse battery staple".utf8)
    static let recoveryCode: [UInt8] = (0..<20).map { UInt8(0x30 + $0) }

    /// A genuine slot, as `init` or `add-user` would store it (but with a fixed nonce).
    struct GenuineSlot {
        let name: String
        let record: KeyslotRecord
    }

    /// The three credentials, with the user each slot kind binds into its AAD.
    static func credentials() -> [(credential: KeyslotCredential, user: String)] {
        [
            (.keyFileSecret(SecretBytes(copying: keyFileSecret)), user),
            (.password(SecretBytes(copying: password)), user),
            (.recoveryCode(SecretBytes(copying: recoveryCode)), ""),
        ]
    }

    /// The KEK of the genuine password slot, derived once with the real scrypt (N = 2^17, 128 MiB).
    static let genuinePasswordKEK: SecretBytes = {
        do {
            return try Scrypt.derive(
                password: SecretBytes(copying: password), salt: salt(for: "password"), parameters: .standard)
        } catch {
            fatalError("cannot derive the genuine password KEK: \(error)")
        }
    }()

    /// The fixed salt of the genuine slot of `kind`.
    static func salt(for kind: String) -> [UInt8] {
        [UInt8](repeating: UInt8(truncatingIfNeeded: kind.utf8.count), count: 32)
    }

    /// The genuine keyfile, password and recovery slots.
    static func genuineSlots() throws -> [GenuineSlot] {
        try credentials().enumerated().map { index, entry in
            let kind = entry.credential.kind
            let scrypt: ScryptParameters? = kind == "password" ? .standard : nil
            let key: SecretBytes
            switch entry.credential {
            case .keyFileSecret(let secret):
                key = try KeyslotCrypto.keyfileKEK(secret: secret, salt: salt(for: kind))
            case .recoveryCode(let code):
                key = try KeyslotCrypto.recoveryKEK(code: code, salt: salt(for: kind))
            case .password:
                key = genuinePasswordKEK
            }
            let nonce = [UInt8](repeating: UInt8(index + 1), count: AES256GCM.nonceLength)
            let wrapped = try AES256GCM(key: key).seal(
                masterKey, nonce: nonce, aad: KeyLabels.keyslotAAD(vaultID: vaultID, kind: kind, user: entry.user))
            let record = KeyslotRecord(
                id: index + 1, userID: kind == "recovery" ? nil : 1, kind: kind, salt: salt(for: kind), scrypt: scrypt,
                wrappedMasterKey: wrapped)
            return GenuineSlot(name: "genuine-\(kind)", record: record)
        }
    }

    /// The genuine slots, made once per process.
    static let genuine: [GenuineSlot] = {
        do { return try genuineSlots() } catch { fatalError("cannot make the genuine keyslots: \(error)") }
    }()

    /// The stand-in for scrypt the check hands to `KeyslotCrypto.open`.
    ///
    /// It first refuses parameters outside the stored-parameter bounds (reaching it with
    /// them is a finding), then returns the real KEK for the genuine password, salt and
    /// parameters and a cheap HKDF of everything else: for any other input real scrypt
    /// would also give an unrelated key, so the oracle loses nothing and the fuzzer does
    /// not spend 128 MiB and a second per input.
    static func stubPasswordKDF() -> (SecretBytes, [UInt8], ScryptParameters) throws -> SecretBytes {
        { candidate, salt, parameters in
            // The bounds FileFormat.md states for stored parameters, written out independently of VaultCore.
            guard (17...22).contains(parameters.logN), (8...32).contains(parameters.r), (1...4).contains(parameters.p)
            else {
                throw FuzzFinding("scrypt reached with unvalidated parameters \(parameters)")
            }
            if candidate == SecretBytes(copying: password), salt == Self.salt(for: "password"), parameters == .standard
            {
                return genuinePasswordKEK
            }
            let info =
                bigEndianBytes(UInt64(parameters.logN)) + bigEndianBytes(UInt64(parameters.r))
                + bigEndianBytes(UInt64(parameters.p))
            return try HKDF.deriveKey(.sha256, inputKey: candidate, salt: salt, info: info, length: 32)
        }
    }

    /// The fuzz input that decodes to `record`.
    static func encode(_ record: KeyslotRecord) -> [UInt8] {
        var out = [UInt8(record.kind.utf8.count)] + Array(record.kind.utf8)
        out += [UInt8(record.salt.count)] + record.salt
        if let scrypt = record.scrypt {
            out.append(1)
            for value in [scrypt.logN, scrypt.r, scrypt.p] { out += bigEndianBytes(UInt64(bitPattern: Int64(value))) }
        } else {
            out.append(0)
        }
        return out + record.wrappedMasterKey
    }

    /// The keyslot `input` describes, or nil when it is too short for its own length fields.
    static func decode(_ input: [UInt8]) -> KeyslotRecord? {
        var reader = ByteReader(input)
        guard let kindLength = reader.byte(), let kind = reader.bytes(Int(kindLength)),
            let saltLength = reader.byte(), let salt = reader.bytes(Int(saltLength)), let flag = reader.byte()
        else { return nil }
        var scrypt: ScryptParameters?
        if flag & 1 == 1 {
            guard let logN = reader.int64(), let r = reader.int64(), let p = reader.int64() else { return nil }
            scrypt = ScryptParameters(logN: Int(logN), r: Int(r), p: Int(p))
        }
        return KeyslotRecord(
            id: 1, userID: 1, kind: String(decoding: kind, as: UTF8.self), salt: salt, scrypt: scrypt,
            wrappedMasterKey: reader.rest())
    }

    /// Opens the decoded slot with each credential; only the genuine slot of that kind may open.
    static func check(_ input: [UInt8]) throws -> FuzzOutcome {
        guard let slot = decode(input) else { return .rejected }
        let kdf = stubPasswordKDF()
        var outcome = FuzzOutcome.rejected
        for (credential, user) in credentials() {
            let opened: SecretBytes?
            do {
                opened = try KeyslotCrypto.open(slot, with: credential, vaultID: vaultID, user: user, passwordKDF: kdf)
            } catch let finding as FuzzFinding {
                throw finding
            } catch {
                // A refusal by throwing (a key derivation refusing its input) is a refusal.
                continue
            }
            guard let opened else { continue }
            guard
                let genuine = genuine.first(where: {
                    $0.record.kind == slot.kind && $0.record.kind == credential.kind && $0.record.salt == slot.salt
                        && $0.record.scrypt == slot.scrypt && $0.record.wrappedMasterKey == slot.wrappedMasterKey
                })
            else {
                throw FuzzFinding("accepted forgery: a \(credential.kind) credential opened a slot that is not genuine")
            }
            guard opened == SecretBytes(copying: masterKey) else {
                throw FuzzFinding("genuine slot \(genuine.name) opened to the wrong master key")
            }
            outcome = .accepted(genuine.name)
        }
        return outcome
    }
}

/// Reads length-prefixed fields from the front of a fuzz input.
struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func byte() -> UInt8? {
        bytes(1)?.first
    }

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, bytes.count - offset >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func int64() -> Int64? {
        guard let raw = bytes(8) else { return nil }
        return Int64(bitPattern: raw.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }

    func rest() -> [UInt8] {
        Array(bytes[offset...])
    }
}
