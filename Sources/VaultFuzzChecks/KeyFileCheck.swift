import VaultCore

/// The key file target: fuzz bytes through `KeyFile.parse`, the parser behind `KeyFile.read(at:)`.
///
/// The parser must never crash; whatever it accepts must be a well-formed key (16-byte
/// vault id, 32-byte secret, a non-empty one-line user) that survives being written out
/// in canonical form and parsed again unchanged.
enum KeyFileCheck {
    /// The vault id in the genuine key files.
    static let vaultHex = "00112233445566778899aabbccddeeff"
    /// The secret in the genuine key files.
    static let secretHex = String(repeating: "0123456789abcdef", count: 4)

    /// Genuine key files: as `init` writes them, with upper-case hex, and with trailing blank lines.
    static func genuineKeyFiles() -> [(name: String, bytes: [UInt8])] {
        [
            ("genuine-canonical", canonical(vaultHex: vaultHex, user: "alice", secretHex: secretHex)),
            (
                "genuine-uppercase",
                canonical(vaultHex: vaultHex.uppercased(), user: "bob", secretHex: secretHex.uppercased())
            ),
            (
                "genuine-blank-lines",
                canonical(vaultHex: vaultHex, user: "carol.d", secretHex: secretHex) + [0x0A, 0x0A]
            ),
        ]
    }

    /// The four lines of a key file (FileFormat.md, "Key files").
    static func canonical(vaultHex: String, user: String, secretHex: String) -> [UInt8] {
        Array("docvault key file v1\nvault \(vaultHex)\nuser \(user)\nsecret \(secretHex)\n".utf8)
    }

    /// Parses `input`; throws a finding when an accepted key file is not well-formed.
    static func check(_ input: [UInt8]) throws -> FuzzOutcome {
        guard let parsed = KeyFile.parse(input) else { return .rejected }
        guard parsed.vaultID.count == 16 else {
            throw FuzzFinding("key file parsed to a \(parsed.vaultID.count)-byte vault id")
        }
        guard parsed.secret.count == 32 else {
            throw FuzzFinding("key file parsed to a \(parsed.secret.count)-byte secret")
        }
        guard !parsed.user.isEmpty, !parsed.user.utf8.contains(0x0A) else {
            throw FuzzFinding("key file parsed to an empty or multi-line user name")
        }
        let secretHex = parsed.secret.withUnsafeBytes { hex(Array($0)) }
        let again = canonical(vaultHex: hex(parsed.vaultID), user: parsed.user, secretHex: secretHex)
        guard let reparsed = KeyFile.parse(again), reparsed.vaultID == parsed.vaultID, reparsed.user == parsed.user,
            reparsed.secret == parsed.secret
        else {
            throw FuzzFinding("an accepted key file does not survive being written out and parsed again")
        }
        let name = genuineKeyFiles().first { $0.bytes == input }?.name ?? "well-formed"
        return .accepted(name)
    }

    /// Lower-case hex of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }
}
