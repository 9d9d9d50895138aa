import Testing

@testable import VaultCore

@Suite("Data-key-wrapping keys by epoch")
struct EpochKeysTests {
    /// A cipher under a key of 32 copies of `byte`.
    func cipher(_ byte: UInt8) throws -> AES256GCM {
        try AES256GCM(key: SecretBytes(copying: [UInt8](repeating: byte, count: 32)))
    }

    @Test func keysAreFoundByEpochAndReplacedInPlace() throws {
        var keys = EpochKeys()
        #expect(keys[1] == nil)
        #expect(keys.newest == nil)
        let first = try cipher(1)
        let second = try cipher(2)
        let third = try cipher(3)
        keys[3] = first
        keys[1] = second
        #expect(keys[3] === first)
        #expect(keys[1] === second)
        #expect(keys[2] == nil)
        #expect(keys.newest == 3)
        keys[1] = third
        #expect(keys[1] === third)
        keys[1] = nil
        #expect(keys[1] === third, "assigning nil removes nothing")
    }

    @Test func mergingAddsNewEpochsAndReplacesKnownOnes() throws {
        var kept = EpochKeys()
        let old = try cipher(1)
        let stale = try cipher(2)
        kept[1] = old
        kept[2] = stale
        var fresh = EpochKeys()
        let renewed = try cipher(3)
        let next = try cipher(4)
        fresh[2] = renewed
        fresh[5] = next
        kept.merge(fresh)
        #expect(kept[1] === old, "an epoch the fresh read no longer has stays")
        #expect(kept[2] === renewed)
        #expect(kept[5] === next)
        #expect(kept.newest == 5)
    }
}
