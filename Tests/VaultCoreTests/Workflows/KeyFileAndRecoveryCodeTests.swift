import Testing

@testable import VaultCore

/// Unit tests of the key file format parser and the recovery code encoding.
@Suite("Key files and recovery codes")
struct KeyFileAndRecoveryCodeTests {
    private static let vaultHex = "00112233445566778899aabbccddeeff"
    private static let secretHex = String(repeating: "0123456789abcdef", count: 4)

    /// A key file's bytes from its four lines plus `extra`.
    private static func keyFile(
        first: String = "docvault key file v1", vault: String = "vault " + vaultHex, user: String = "user alice",
        secret: String = "secret " + secretHex, extra: String = "\n"
    ) -> [UInt8] {
        Array("\(first)\n\(vault)\n\(user)\n\(secret)\(extra)".utf8)
    }

    @Test("A well-formed key file parses to its vault, user and secret")
    func parsesWellFormed() throws {
        let parsed = try #require(KeyFile.parse(Self.keyFile()))
        #expect(parsed.vaultID.hexString == Self.vaultHex)
        #expect(parsed.user == "alice")
        #expect(parsed.secret.withUnsafeBytes { [UInt8]($0) }.hexString == Self.secretHex)
        #expect(KeyFile.parse(Self.keyFile(extra: "")) != nil)
        #expect(KeyFile.parse(Self.keyFile(extra: "\n\n")) != nil)
        #expect(KeyFile.parse(Self.keyFile(secret: "secret " + Self.secretHex.uppercased())) != nil)
    }

    @Test(
        "Malformed key files are refused",
        arguments: [
            keyFile(first: "docvault key file v2"),
            keyFile(first: "Docvault key file v1"),
            keyFile(first: "docvault key file v1 "),
            keyFile(vault: "vault " + String(vaultHex.dropLast(2))),
            keyFile(vault: "vault " + vaultHex + "00"),
            keyFile(vault: "vault " + "zz" + String(vaultHex.dropFirst(2))),
            keyFile(vault: "vaults " + vaultHex),
            keyFile(user: "user "),
            keyFile(user: "name alice"),
            keyFile(secret: "secret " + String(secretHex.dropLast(2))),
            keyFile(secret: "secret " + secretHex + "00"),
            keyFile(secret: "secret " + "g" + String(secretHex.dropFirst())),
            keyFile(secret: "secret  " + String(secretHex.dropLast())),
            keyFile(extra: "\nextra line\n"),
            keyFile(extra: "\n\nsecret " + secretHex + "\n"),
            Array("docvault key file v1\nvault \(vaultHex)\nuser alice\n".utf8),
            [],
        ])
    func refusesMalformed(raw: [UInt8]) {
        #expect(KeyFile.parse(raw) == nil)
    }

    @Test("Recovery codes print as eight groups of four Crockford base32 characters")
    func formatShape() throws {
        #expect(RecoveryCode.format(SecretBytes(zeroedCount: 20)) == "0000-0000-0000-0000-0000-0000-0000-0000")
        #expect(
            RecoveryCode.format(SecretBytes(copying: [UInt8](repeating: 0xFF, count: 20)))
                == "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ")
        // 0x08 0x42 ... : the first 5-bit groups of 00001 00001 00001 ... are "1111".
        let pattern: [UInt8] = [0x08, 0x42, 0x10, 0x84, 0x21]
        let ones = SecretBytes(copying: (0..<20).map { pattern[$0 % 5] })
        #expect(RecoveryCode.format(ones) == "1111-1111-1111-1111-1111-1111-1111-1111")
    }

    @Test("Formatting then parsing returns the secret, whatever case and separators are typed")
    func roundTrip() throws {
        for _ in 0..<20 {
            let secret = try SecretBytes.random(count: RecoveryCode.byteCount)
            let code = RecoveryCode.format(secret)
            #expect(code.utf8.count == 39)
            for typed in [code, code.lowercased(), code.replacingOccurrencesOfHyphens] {
                let parsed = try #require(RecoveryCode.parse(typed))
                #expect(parsed == secret)
            }
        }
    }

    @Test("Look-alike letters map to digits: O to 0, I and L to 1")
    func lookAlikes() throws {
        let zeros = try #require(RecoveryCode.parse("OOOO-oooo-0000-0000-0000-0000-0000-0000"))
        #expect(zeros == SecretBytes(zeroedCount: 20))
        let ones = try #require(RecoveryCode.parse("IIII LLLL iiii llll 1111 1111 1111 1111"))
        #expect(ones == (try #require(RecoveryCode.parse("1111-1111-1111-1111-1111-1111-1111-1111"))))
    }

    @Test(
        "Codes of the wrong length or with characters outside the alphabet are refused",
        arguments: [
            "", "0000-0000-0000-0000-0000-0000-0000-000", "0000-0000-0000-0000-0000-0000-0000-00000",
            "U000-0000-0000-0000-0000-0000-0000-0000", "0000_0000-0000-0000-0000-0000-0000-0000",
            "0000-0000-0000-0000-0000-0000-0000-000\u{00D8}",
        ])
    func refusesMalformedCodes(text: String) {
        #expect(RecoveryCode.parse(text) == nil)
    }
}

extension String {
    /// The string with its hyphens removed.
    fileprivate var replacingOccurrencesOfHyphens: String { String(filter { $0 != "-" }) }
}
