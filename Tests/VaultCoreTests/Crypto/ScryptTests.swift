import Testing

@testable import VaultCore

/// `Scrypt` and the bounds `ScryptParameters.validatedForStorage()` puts on stored parameters.
@Suite("scrypt")
struct ScryptTests {
    @Test("RFC 7914 vector: \"password\", \"NaCl\", N = 1024, r = 8, p = 16")
    func rfc7914() throws {
        let output = try Scrypt.derive(
            password: SecretBytes(copying: Array("password".utf8)), salt: Array("NaCl".utf8),
            parameters: ScryptParameters(logN: 10, r: 8, p: 16), length: 64)
        let expected =
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        #expect(output.withUnsafeBytes { Hex.encode($0) } == expected)
    }

    @Test("RFC 7914 vector with empty password and salt: N = 16, r = 1, p = 1")
    func rfc7914Empty() throws {
        let output = try Scrypt.derive(
            password: SecretBytes(copying: []), salt: [], parameters: ScryptParameters(logN: 4, r: 1, p: 1), length: 64)
        let expected =
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede214"
            + "42fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"
        #expect(output.withUnsafeBytes { Hex.encode($0) } == expected)
    }

    @Test("the same inputs derive the same key; a different salt derives another")
    func determinism() throws {
        let password = SecretBytes(copying: Array("correct horse".utf8))
        let parameters = ScryptParameters(logN: 4, r: 8, p: 1)
        let a = try Scrypt.derive(password: password, salt: [1, 2, 3], parameters: parameters)
        let b = try Scrypt.derive(password: password, salt: [1, 2, 3], parameters: parameters)
        let c = try Scrypt.derive(password: password, salt: [1, 2, 4], parameters: parameters)
        #expect(a.count == 32)
        #expect(a == b)
        #expect(a != c)
    }

    @Test("nonsensical parameters and lengths are refused before OpenSSL runs")
    func refusedDerivations() {
        let password = SecretBytes(copying: [1])
        #expect(throws: CryptoError.unacceptableParameters("scrypt parameters")) {
            try Scrypt.derive(password: password, salt: [], parameters: ScryptParameters(logN: 0, r: 8, p: 1))
        }
        #expect(throws: CryptoError.unacceptableParameters("scrypt parameters")) {
            try Scrypt.derive(password: password, salt: [], parameters: ScryptParameters(logN: 4, r: 0, p: 1))
        }
        #expect(throws: CryptoError.unacceptableParameters("scrypt parameters")) {
            try Scrypt.derive(password: password, salt: [], parameters: ScryptParameters(logN: 4, r: 8, p: 0))
        }
        #expect(throws: CryptoError.invalidLength("scrypt output")) {
            try Scrypt.derive(
                password: password, salt: [], parameters: ScryptParameters(logN: 4, r: 8, p: 1), length: 0)
        }
    }

    @Test("validatedForStorage accepts the standard parameters and the edges of each range")
    func acceptedForStorage() throws {
        #expect(ScryptParameters.standard == ScryptParameters(logN: 17, r: 8, p: 1))
        #expect(try ScryptParameters.standard.validatedForStorage() == .standard)
        for parameters in [
            ScryptParameters(logN: 22, r: 8, p: 1), ScryptParameters(logN: 17, r: 32, p: 1),
            ScryptParameters(logN: 17, r: 8, p: 4), ScryptParameters(logN: 20, r: 32, p: 1),
        ] {
            #expect(try parameters.validatedForStorage() == parameters)
        }
    }

    @Test(
        "validatedForStorage refuses values outside the bounds",
        arguments: [
            ScryptParameters(logN: 16, r: 8, p: 1), ScryptParameters(logN: 23, r: 8, p: 1),
            ScryptParameters(logN: 17, r: 7, p: 1), ScryptParameters(logN: 17, r: 33, p: 1),
            ScryptParameters(logN: 17, r: 8, p: 5), ScryptParameters(logN: 17, r: 8, p: 0),
            // Each value in range, together 16 GiB and 8 GiB: refused by the memory bound.
            ScryptParameters(logN: 22, r: 32, p: 1), ScryptParameters(logN: 21, r: 32, p: 1),
        ])
    func refusedForStorage(parameters: ScryptParameters) {
        #expect {
            try parameters.validatedForStorage()
        } throws: { error in
            guard case .unacceptableParameters = error as? CryptoError else { return false }
            return true
        }
    }

    @Test("memoryBytes covers 128 · r · (N + p) plus slack")
    func memory() {
        let parameters = ScryptParameters.standard
        #expect(parameters.memoryBytes == 128 * 8 * ((1 << 17) + 1) + (1 << 20))
    }
}
