import Testing

@testable import VaultCore

/// Checks the test-only DEFLATE decoder against streams produced by Python's zlib.
@Suite("Inflate (test support)")
struct InflateTests {
    /// Inflates `hex` and returns the SHA-256 of the result with its length.
    private func inflate(_ hex: String) throws -> (length: Int, sha256: String) {
        let output = try Inflate.zlib(Hex.decode(hex))
        return (output.count, Hex.encode(try StreamingHash.digest(.sha256, output)))
    }

    @Test("stored block")
    func storedBlock() throws {
        // zlib.compress(b"Hello, stored block!", 0)
        let output = try Inflate.zlib(Hex.decode("7801011400ebff48656c6c6f2c2073746f72656420626c6f636b214b8c071e"))
        #expect(String(decoding: output, as: UTF8.self) == "Hello, stored block!")
    }

    @Test("fixed-Huffman block with back-references")
    func fixedBlock() throws {
        // compressobj(strategy=Z_FIXED) of b"abcabcabcabcabcabcabc hello hello hello"
        let output = try Inflate.zlib(Hex.decode("78014b4c4a4ec4400a19a93939f9c8240025a70ea7"))
        #expect(String(decoding: output, as: UTF8.self) == "abcabcabcabcabcabcabc hello hello hello")
    }

    @Test("dynamic-Huffman block")
    func dynamicBlock() throws {
        // 300 words drawn with random.seed(7) from a ten-word list, compressed at level 9.
        let hex =
            "78da6d545b8e83300cbc4aae6621baacdac2c7d24a7bfb261e3fc6292a85e08c5fe309a7fcb4657bedf7b61ccfe7efd9def27a9"
            + "cedbefeb7735bf1ec90e3661bc3b81ffbb212d03ced312c40789012b9474a4484ed8b7e152067d1285ae59f3c22132c5e66f7d7"
            + "cdc49ab55f88351ae1c6383b10c2f50eb88c3dd1a506070ce1b3494e2de6a7066b7622c2ea0ee6e59afbee3c30fed742f4e6213"
            + "5055ee1e939a5d0349cb12f94d44a93c236dca8bb3a5ae49a8a1ea592df97358bb0257398f1382b8f5e7ba6d9eb0d5b5f098d26"
            + "232ee511832ef3bd7c80930b21a668856a2f67230711255f9ea1a2ffa209a80858c8c8672df65344b2e6b14d0a99944b776ae6d"
            + "d9851886942f61545d8325254cff32ae34d3f2101924c850f54b4eb62af1f11e73d8fb15b306d56b71356aa91492b860b59d3f0"
            + "598db8b3d8f470c532be0dc96c7e7dd4ed03bb85e990"
        let compressed = try Hex.decode(hex)
        #expect((compressed[2] >> 1) & 3 == 2, "the first block must be dynamic")
        let result = try inflate(hex)
        #expect(result.length == 1375)
        #expect(result.sha256 == "c7a4512a2e067d1bdd0fc9accf49aa9d60b1b5454e616311af83ce5527f03fb0")
    }

    @Test("several blocks, including an empty stored block from a full flush")
    func multipleBlocks() throws {
        let hex =
            "789c4acb2c2a2e5148cac94fce562849ad28d151484313b15600000000ffff2b4e4dcecf4b5148cac94fce56484c2b492d524854"
            + "28aecc4b5648cb292dce000046ba1891"
        let output = try Inflate.zlib(Hex.decode(hex))
        #expect(
            String(decoding: output, as: UTF8.self)
                == "first block text, first block text; second block after a sync flush")
    }

    @Test("long overlapping back-references (100 000 zeros)")
    func longRun() throws {
        let hex =
            "78daedc1a10100000803a01dab75ff47df3000090000000000000000000000000000000000000000000000000000000000000000"
            + "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000f0d5760e89210138"
        let result = try inflate(hex)
        #expect(result.length == 100_003)
        #expect(result.sha256 == "9e46b529d4c7c5464586ae5ee5fe24b3145376ce6855984efe9b83f2725daa32")
    }

    @Test("empty input")
    func emptyStream() throws {
        #expect(try Inflate.zlib(Hex.decode("78da030000000001")).isEmpty)
    }

    @Test("corrupt streams are refused")
    func corruptStreams() throws {
        let good = try Hex.decode("78014b4c4a4ec4400a19a93939f9c8240025a70ea7")
        var badChecksum = good
        badChecksum[badChecksum.count - 1] ^= 1
        #expect(throws: Inflate.Failure.badChecksum) { try Inflate.zlib(badChecksum) }
        #expect(throws: Inflate.Failure.truncated) { try Inflate.zlib(Array(good.dropLast(5))) }
        #expect(throws: Inflate.Failure.trailingData) { try Inflate.zlib(good + [0]) }
        var badHeader = good
        badHeader[1] ^= 1
        #expect(throws: Inflate.Failure.badHeader) { try Inflate.zlib(badHeader) }
        // A final block of reserved type 3.
        #expect(throws: Inflate.Failure.badBlockType) { try Inflate.raw([0x07]) }
        // A stored block whose length complement is wrong.
        #expect(throws: Inflate.Failure.badStoredLength) { try Inflate.raw([0x01, 0x01, 0x00, 0x00, 0x00, 0x41]) }
    }

    @Test("Adler-32 of a known string")
    func adler32() {
        // RFC 1950's checksum of "Wikipedia" is the example in most references.
        #expect(Inflate.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Inflate.adler32([]) == 1)
    }
}
