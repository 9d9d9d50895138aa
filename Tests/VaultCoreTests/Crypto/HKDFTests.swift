import Testing

@testable import VaultCore

/// `HKDF` over SHA-256 and SHA-512: Wycheproof vectors, RFC 5869 and output bounds.
@Suite("HKDF")
struct HKDFTests {
    /// Returns a copy of the secret's bytes as hex.
    private func hex(_ secret: SecretBytes) -> String {
        secret.withUnsafeBytes { Hex.encode($0) }
    }

    @Test("all Wycheproof HKDF-SHA-256 vectors")
    func wycheproof() throws {
        let file = try HKDFVectorFile.load()
        var valid = 0
        var invalid = 0
        for vector in file.testGroups.flatMap(\.tests) {
            let ikm = SecretBytes(copying: try Hex.decode(vector.ikm))
            let salt = try Hex.decode(vector.salt)
            let info = try Hex.decode(vector.info)
            switch vector.result {
            case .valid, .acceptable:
                let okm = try HKDF.deriveKey(.sha256, inputKey: ikm, salt: salt, info: info, length: vector.size)
                #expect(hex(okm) == vector.okm, "tcId \(vector.tcId)")
                valid += 1
            case .invalid:
                // The invalid vectors ask for more than 255 blocks of output.
                #expect(vector.size > 255 * 32, "tcId \(vector.tcId)")
                #expect(throws: CryptoError.invalidLength("HKDF output"), "tcId \(vector.tcId)") {
                    try HKDF.deriveKey(.sha256, inputKey: ikm, salt: salt, info: info, length: vector.size)
                }
                invalid += 1
            }
        }
        #expect(valid + invalid == file.numberOfTests)
        #expect(file.numberOfTests == 86)
        #expect(invalid == 3)
    }

    @Test("RFC 5869 test case 1 through deriveKey, and through extract then expand")
    func rfc5869Case1() throws {
        let ikm = SecretBytes(copying: [UInt8](repeating: 0x0b, count: 22))
        let salt = try Hex.decode("000102030405060708090a0b0c")
        let info = try Hex.decode("f0f1f2f3f4f5f6f7f8f9")
        let expectedPRK = "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"
        let expectedOKM =
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        #expect(hex(try HKDF.deriveKey(.sha256, inputKey: ikm, salt: salt, info: info, length: 42)) == expectedOKM)
        let prk = try HKDF.extract(.sha256, inputKey: ikm, salt: salt)
        #expect(hex(prk) == expectedPRK)
        #expect(hex(try HKDF.expand(.sha256, pseudoRandomKey: prk, info: info, length: 42)) == expectedOKM)
    }

    @Test("RFC 5869 test case 3: empty salt and info")
    func rfc5869Case3() throws {
        let ikm = SecretBytes(copying: [UInt8](repeating: 0x0b, count: 22))
        let okm = try HKDF.deriveKey(.sha256, inputKey: ikm, salt: [], info: [], length: 42)
        #expect(
            hex(okm)
                == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
    }

    @Test("output length bounds for SHA-256 and SHA-512")
    func bounds() throws {
        let prk = SecretBytes(copying: [UInt8](repeating: 1, count: 32))
        #expect(try HKDF.expand(.sha256, pseudoRandomKey: prk, info: [], length: 255 * 32).count == 255 * 32)
        #expect(try HKDF.expand(.sha512, pseudoRandomKey: prk, info: [], length: 255 * 64).count == 255 * 64)
        #expect(try HKDF.expand(.sha256, pseudoRandomKey: prk, info: [], length: 0).count == 0)
        #expect(throws: CryptoError.invalidLength("HKDF output")) {
            try HKDF.expand(.sha256, pseudoRandomKey: prk, info: [], length: 255 * 32 + 1)
        }
        #expect(throws: CryptoError.invalidLength("HKDF output")) {
            try HKDF.expand(.sha512, pseudoRandomKey: prk, info: [], length: 255 * 64 + 1)
        }
        #expect(throws: CryptoError.invalidLength("HKDF output")) {
            try HKDF.expand(.sha256, pseudoRandomKey: prk, info: [], length: -1)
        }
    }

    @Test("shorter outputs are prefixes of longer ones, and info longer than 1024 bytes works")
    func prefixesAndLongInfo() throws {
        let prk = SecretBytes(copying: Array(0..<64))
        let info = [UInt8](repeating: 0x5a, count: 3_000)
        let long = try HKDF.expand(.sha512, pseudoRandomKey: prk, info: info, length: 200)
        let short = try HKDF.expand(.sha512, pseudoRandomKey: prk, info: info, length: 65)
        #expect(hex(long).hasPrefix(hex(short)))
        #expect(hex(short).count == 130)
    }

    @Test("HMAC-SHA-256 and HMAC-SHA-512, RFC 4231 test case 2")
    func hmac() throws {
        let key = SecretBytes(copying: Array("Jefe".utf8))
        let message = Array("what do ya want for nothing?".utf8)
        #expect(
            Hex.encode(try HMAC.authenticate(.sha256, key: key, message: message))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let expected512 =
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        #expect(Hex.encode(try HMAC.authenticate(.sha512, key: key, message: message)) == expected512)
    }

    @Test("SHA-256 and SHA-512 of \"abc\", in one call and streamed")
    func digests() throws {
        let abc = Array("abc".utf8)
        #expect(
            Hex.encode(try StreamingHash.digest(.sha256, abc))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let hasher = try StreamingHash(.sha512)
        try hasher.update([UInt8(ascii: "a")])
        try hasher.update([])
        try hasher.update(Array("bc".utf8))
        let expected512 =
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        #expect(Hex.encode(try hasher.finish()) == expected512)
    }
}
