import Testing

@testable import VaultCore

/// `SecretBytes`: copying, constant-time equality, slicing and random generation.
@Suite("SecretBytes")
struct SecretBytesTests {
    /// Returns a copy of the secret's bytes for inspection.
    private func bytes(of secret: SecretBytes) -> [UInt8] {
        secret.withUnsafeBytes { [UInt8]($0) }
    }

    @Test("equal contents compare equal")
    func equal() {
        let a = SecretBytes(copying: [1, 2, 3, 4])
        let b = SecretBytes(copying: [1, 2, 3, 4])
        #expect(a.constantTimeEquals(b))
        #expect(a == b)
        #expect(SecretBytes(zeroedCount: 0) == SecretBytes(copying: []))
    }

    @Test("different contents compare unequal, in any byte")
    func unequal() {
        let base: [UInt8] = [1, 2, 3, 4]
        for index in base.indices {
            var other = base
            other[index] ^= 0x80
            #expect(!SecretBytes(copying: base).constantTimeEquals(SecretBytes(copying: other)))
            #expect(SecretBytes(copying: base) != SecretBytes(copying: other))
        }
    }

    @Test("different lengths compare unequal")
    func differentLengths() {
        #expect(SecretBytes(copying: [1, 2, 3]) != SecretBytes(copying: [1, 2, 3, 4]))
        #expect(SecretBytes(copying: [1, 2, 3, 4]) != SecretBytes(copying: [1, 2, 3]))
        #expect(SecretBytes(copying: []) != SecretBytes(copying: [0]))
    }

    @Test("the free constantTimeEquals on arrays")
    func arrayEquality() {
        #expect(constantTimeEquals([9, 8, 7], [9, 8, 7]))
        #expect(!constantTimeEquals([9, 8, 7], [9, 8, 6]))
        #expect(!constantTimeEquals([9, 8], [9, 8, 7]))
        #expect(constantTimeEquals([], []))
    }

    @Test("zeroed secrets hold zeros and copies hold the source")
    func contents() {
        #expect(bytes(of: SecretBytes(zeroedCount: 5)) == [0, 0, 0, 0, 0])
        #expect(bytes(of: SecretBytes(copying: [7, 8, 9].dropFirst())) == [8, 9])
        #expect(SecretBytes(zeroedCount: 3).count == 3)
    }

    @Test("slice copies the requested range")
    func slice() {
        let secret = SecretBytes(copying: Array(0..<10))
        #expect(bytes(of: secret.slice(2..<5)) == [2, 3, 4])
        #expect(bytes(of: secret.slice(0..<10)) == Array(0..<10))
        #expect(secret.slice(4..<4).count == 0)
        #expect(bytes(of: secret.slice(9..<10)) == [9])
    }

    @Test("slices are independent copies")
    func sliceIsCopy() {
        let secret = SecretBytes(copying: [1, 2, 3])
        let part = secret.slice(0..<2)
        secret.withUnsafeMutableBytes { $0[0] = 0xff }
        #expect(bytes(of: part) == [1, 2])
    }

    @Test("random secrets have the requested length and differ between calls")
    func random() throws {
        let first = try SecretBytes.random(count: 32)
        let second = try SecretBytes.random(count: 32)
        #expect(first.count == 32)
        #expect(second.count == 32)
        #expect(first != second)
        #expect(try SecretBytes.random(count: 0).count == 0)
    }

    @Test("secureZero clears an array")
    func secureZeroClears() {
        var bytes: [UInt8] = [1, 2, 3]
        secureZero(&bytes)
        #expect(bytes == [0, 0, 0])
    }

    @Test("SecureRandom returns the requested count and fresh bytes")
    func secureRandom() throws {
        let a = try SecureRandom.bytes(count: 24)
        let b = try SecureRandom.bytes(count: 24)
        #expect(a.count == 24)
        #expect(a != b)
        #expect(try SecureRandom.bytes(count: 0).isEmpty)
    }
}
