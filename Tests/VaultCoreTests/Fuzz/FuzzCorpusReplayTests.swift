import Foundation
import Testing

@testable import VaultCore
@testable import VaultFuzzChecks

/// Replays the committed fuzz corpus through the fuzz checks, without the sanitizer, so the oracles are tested.
@Suite("Fuzz corpus replay")
struct FuzzCorpusReplayTests {
    /// `Tests/Fuzz/corpus`, found from this file's path.
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")

    /// Every committed file of `target`'s corpus, by name.
    static func committed(_ target: FuzzTarget) throws -> [(name: String, bytes: [UInt8])] {
        let folder = corpus.appendingPathComponent(target.rawValue)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map {
            ($0, [UInt8](try Data(contentsOf: folder.appendingPathComponent($0))))
        }
    }

    /// Positions to flip in an input of `count` bytes: all of a small one, a spread of a large one.
    static func flipPositions(_ count: Int) -> [Int] {
        guard count > 400 else { return Array(0..<count) }
        let edges = Array(0..<120) + Array((count - 120)..<count)
        let boundary = BlobFormat.header.count + ChunkedEncryption.headerLength + ChunkedEncryption.sealedChunkSize
        return (edges + Array(stride(from: 120, to: count - 120, by: 509)) + [boundary - 1, boundary]).filter {
            $0 < count
        }
    }

    @Test("The committed seeds are exactly what `docvault-fuzz seeds` writes", arguments: FuzzTarget.allCases)
    func seedsAreReproducible(target: FuzzTarget) throws {
        let committed = Dictionary(uniqueKeysWithValues: try Self.committed(target).map { ($0.name, $0.bytes) })
        let seeds = try target.seeds()
        #expect(seeds.count >= 3)
        for seed in seeds {
            #expect(committed[seed.name] == seed.bytes, "\(target.rawValue)/\(seed.name) differs from the generator")
        }
    }

    @Test(
        "Every committed corpus file replays without a finding; genuine seeds are accepted",
        arguments: FuzzTarget.allCases)
    func corpusReplays(target: FuzzTarget) throws {
        for file in try Self.committed(target) {
            let outcome = try target.check(file.bytes)
            if file.name.hasPrefix("genuine-") {
                if target == .keyfile {
                    #expect(outcome != .rejected, "\(file.name) was refused")
                } else {
                    #expect(outcome == .accepted(file.name))
                }
            }
        }
    }

    @Test("A one-byte flip anywhere in a genuine blob or keyslot is rejected", arguments: [FuzzTarget.blob, .keyslot])
    func flipsAreRejected(target: FuzzTarget) throws {
        for seed in try target.seeds() {
            for position in Self.flipPositions(seed.bytes.count) {
                var flipped = seed.bytes
                flipped[position] ^= 0x01
                #expect(try target.check(flipped) == .rejected, "\(seed.name) with byte \(position) flipped")
            }
        }
    }

    @Test("A one-byte change in a key file is refused or changes what it parses to")
    func keyFileFlipsAreNoticed() throws {
        for seed in KeyFileCheck.genuineKeyFiles() {
            let original = try #require(KeyFile.parse(seed.bytes))
            for position in seed.bytes.indices {
                var flipped = seed.bytes
                flipped[position] ^= 0xFF
                #expect(try KeyFileCheck.check(flipped) == .rejected || KeyFile.parse(flipped)?.user != original.user)
            }
        }
    }

    @Test("Genuine blobs cut short or extended are rejected with the length error the formula predicts")
    func truncatedAndExtendedBlobsAreRejected() throws {
        for seed in FuzzFixtures.genuine {
            let blob = seed.blob
            let variants: [[UInt8]] = [
                Array(blob.dropLast()), Array(blob.dropLast(AES256GCM.tagLength)), Array(blob.prefix(64)),
                blob + [0], blob + blob.suffix(AES256GCM.tagLength),
                blob + blob.suffix(from: BlobFormat.header.count + ChunkedEncryption.headerLength),
            ]
            for variant in variants {
                #expect(try BlobCheck.check(variant) == .rejected, "\(seed.name) resized to \(variant.count) bytes")
            }
        }
        #expect(BlobCheck.plaintextSize(forBlobLength: 80) == 0)
        #expect(BlobCheck.plaintextSize(forBlobLength: 16_480) == 16_384)
        #expect(BlobCheck.plaintextSize(forBlobLength: 79) == nil)
        #expect(BlobCheck.plaintextSize(forBlobLength: 80 + 16_384) == nil)
    }

    @Test("The blob oracle reports a blob under the fuzz key that is not a seed as an accepted forgery")
    func blobOracleCatchesForgery() throws {
        let encryptor = try ChunkedEncryptor(
            inputKey: SecretBytes(copying: FuzzFixtures.dataKeyBytes),
            context: BlobFormat.context(for: FuzzFixtures.binding))
        var blob = BlobFormat.header + encryptor.header
        try [UInt8](repeating: 0x42, count: 10).withUnsafeBytes { bytes in try encryptor.update(bytes) { blob += $0 } }
        try encryptor.finish { blob += $0 }
        #expect(throws: FuzzFinding.self) { try BlobCheck.check(blob) }
    }

    @Test("The keyslot oracle reports a second genuine-key wrapping as an accepted forgery")
    func keyslotOracleCatchesForgery() throws {
        let genuine = try #require(KeyslotCheck.genuine.first { $0.record.kind == "keyfile" }).record
        let kek = try KeyslotCrypto.keyfileKEK(
            secret: SecretBytes(copying: KeyslotCheck.keyFileSecret), salt: genuine.salt)
        let rewrapped = try AES256GCM(key: kek).seal(
            KeyslotCheck.masterKey,
            aad: KeyLabels.keyslotAAD(vaultID: KeyslotCheck.vaultID, kind: "keyfile", user: KeyslotCheck.user))
        let slot = KeyslotRecord(
            id: 9, userID: 1, kind: "keyfile", salt: genuine.salt, scrypt: nil, wrappedMasterKey: rewrapped)
        #expect(throws: FuzzFinding.self) { try KeyslotCheck.check(KeyslotCheck.encode(slot)) }
    }

    @Test(
        "KeyslotCrypto.open refuses out-of-range or misplaced scrypt parameters before deriving any key",
        arguments: [
            ScryptParameters(logN: 40, r: 8, p: 1), ScryptParameters(logN: 16, r: 8, p: 1),
            ScryptParameters(logN: 17, r: 1 << 40, p: 1), ScryptParameters(logN: 17, r: -8, p: 1),
            ScryptParameters(logN: 17, r: 8, p: 0), ScryptParameters(logN: Int.max, r: Int.min, p: Int.max),
        ])
    func outOfRangeParametersNeverReachScrypt(parameters: ScryptParameters) throws {
        let genuine = try #require(KeyslotCheck.genuine.first { $0.record.kind == "password" }).record
        let slot = KeyslotRecord(
            id: 1, userID: 1, kind: "password", salt: genuine.salt, scrypt: parameters,
            wrappedMasterKey: genuine.wrappedMasterKey)
        var derivations = 0
        let opened = try KeyslotCrypto.open(
            slot, with: .password(SecretBytes(copying: KeyslotCheck.password)), vaultID: KeyslotCheck.vaultID,
            user: KeyslotCheck.user,
            passwordKDF: { _, _, _ in
                derivations += 1
                return SecretBytes(zeroedCount: 32)
            })
        #expect(opened == nil)
        #expect(derivations == 0)
        #expect(try KeyslotCheck.check(KeyslotCheck.encode(slot)) == .rejected)
    }

    @Test("A key-file or recovery slot carrying scrypt parameters is refused even with the right secret")
    func misplacedParametersAreRefused() throws {
        for kind in ["keyfile", "recovery"] {
            let genuine = try #require(KeyslotCheck.genuine.first { $0.record.kind == kind }).record
            let slot = KeyslotRecord(
                id: 1, userID: nil, kind: kind, salt: genuine.salt, scrypt: .standard,
                wrappedMasterKey: genuine.wrappedMasterKey)
            #expect(try KeyslotCheck.check(KeyslotCheck.encode(slot)) == .rejected)
        }
    }
}
