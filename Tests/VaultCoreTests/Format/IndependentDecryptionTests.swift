import COpenSSL
import Foundation
import Testing

@testable import VaultCore

/// Decrypts a filed document following only FileFormat.md, with direct libcrypto calls.
///
/// Nothing here calls docvault's AES-GCM, HKDF or chunked-encryption code: key
/// derivation uses OpenSSL's own HKDF (EVP_PKEY), decryption raw EVP calls. If this
/// test passes, the format document is enough to recover documents without docvault.
@Suite struct IndependentDecryptionTests {
    @Test func recoverDocumentFromFormatDocumentAlone() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dv-format-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let location = VaultLocation(vault: root + "/vault", keys: root + "/keys")
        _ = try VaultSetup.create(at: location, fonds: "J001", admin: "admin")
        // Three chunks and a bit, so the counter and the short final chunk are exercised.
        var plaintext = [UInt8](repeating: 0, count: 3 * 16_384 + 1234)
        for index in plaintext.indices { plaintext[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
        let source = root + "/scan.pdf"
        try Data(plaintext).write(to: URL(fileURLWithPath: source))
        let vault = try Vault.open(location)
        let admin = try Session.open(
            vault: vault, userName: "admin", credential: .keyFile(location.keyFilePath(for: "admin")))
        // The admin has no content access; an archivist files. Every keyslot wraps the same master key.
        let clerkKey = try #require(
            try UserAdministration.add(name: "clerk", roles: [.archivist], credential: .keyFile, session: admin))
        let session = try Session.open(vault: vault, userName: "clerk", credential: .keyFile(clerkKey))
        var request = FilingRequest(paths: [source], category: "CL", year: 2024)
        request.title = "理赔申请书"
        let filed = try Filing.file(request, session: session)
        let reference = try #require(filed.first?.reference)

        // 1. Key file and vault id.
        let keyText = try String(contentsOfFile: location.keyFilePath(for: "admin"), encoding: .utf8)
        let keyLines = keyText.split(separator: "\n").map(String.init)
        #expect(keyLines[0] == "docvault key file v1")
        let secret = try #require(hexBytes(String(keyLines[3].dropFirst("secret ".count))))
        let db = try Database(path: location.catalogPath, create: false, readOnly: true)
        let vaultHex = try db.queryOne("SELECT vault_id FROM vault_meta")?.string("vault_id") ?? ""
        let vaultID = try #require(hexBytes(vaultHex))

        // 2. Keyslot → master key.
        let slot = try #require(
            try db.queryOne(
                "SELECT salt, wrapped_master_key FROM keyslots k JOIN users u ON u.id = k.user_id WHERE u.name = 'admin' AND kind = 'keyfile'"
            ))
        let kek = try hkdf(
            md: EVP_sha256(), mode: EVP_PKEY_HKDEF_MODE_EXTRACT_AND_EXPAND, key: secret,
            salt: try #require(slot.bytes("salt")), info: Array("docvault/v1/keyslot/keyfile".utf8), length: 32)
        let masterKey = try openSeal(
            key: kek, sealed: try #require(slot.bytes("wrapped_master_key")),
            aad: Array("docvault/v1/keyslot".utf8) + [0] + vaultID + Array("keyfile".utf8) + [0] + Array("admin".utf8))

        // 3. Document row, data-key-wrap key of its epoch, data key.
        let row = try #require(try db.queryOne("SELECT * FROM documents WHERE reference = ?", [reference]))
        let uid = try #require(hexBytes(row.string("uid") ?? ""))
        let epoch = UInt32(row.int("key_epoch"))
        let version = UInt32(row.int("version"))
        let wrapRow = try #require(
            try db.queryOne(
                "SELECT wrapped_key FROM vault_keys WHERE purpose = 'data-key-wrap' AND epoch = ?", [Int(epoch)]))
        let wrapKey = try openSeal(
            key: masterKey, sealed: try #require(wrapRow.bytes("wrapped_key")),
            aad: Array("docvault/v1/vault-key".utf8) + [0] + vaultID + Array("data-key-wrap".utf8) + [0] + be32(epoch))
        let dataKey = try openSeal(
            key: wrapKey, sealed: try #require(row.bytes("wrapped_data_key")),
            aad: Array("docvault/v1/data-key".utf8) + [0] + vaultID + uid + be32(version) + be32(epoch))

        // 4. Blob: header, C2SP key schedule, commitment, chunks.
        let blobID = try #require(row.string("blob_id"))
        let blobPath =
            "\(location.blobsPath)/\(blobID.prefix(2))/\(blobID.dropFirst(2).prefix(2))/\(blobID).blob"
        let blob = [UInt8](try Data(contentsOf: URL(fileURLWithPath: blobPath)))
        let header = Array(blob[0..<8])
        #expect(header == Array("DVBLOB".utf8) + [1, 1])
        let context = Array("docvault/v1/blob".utf8) + [0] + vaultID + uid + be32(version) + header
        let salt = Array(blob[8..<32])
        let info = Array("c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM".utf8) + [0] + salt + context
        let okm = try hkdf(
            md: EVP_sha512(), mode: EVP_PKEY_HKDEF_MODE_EXPAND_ONLY, key: dataKey, salt: [], info: info, length: 76)
        #expect(Array(okm[44..<76]) == Array(blob[32..<64]), "commitment")
        let chunkKey = Array(okm[0..<32])
        let baseNonce = Array(okm[32..<44])
        var recovered: [UInt8] = []
        var offset = 64
        var counter: UInt64 = 0
        while offset < blob.count {
            let end = min(offset + 16_400, blob.count)
            var nonce = baseNonce
            for byte in 0..<8 { nonce[11 - byte] ^= UInt8((counter >> UInt64(8 * byte)) & 0xFF) }
            let sealed = Array(blob[offset..<end])
            recovered += try gcmOpen(
                key: chunkKey, nonce: nonce, ciphertext: Array(sealed.dropLast(16)), tag: Array(sealed.suffix(16)),
                aad: [])
            offset = end
            counter += 1
        }
        #expect(counter == 4)
        #expect(recovered == plaintext)
        #expect(blob.count == 8 + 56 + 3 * 16_400 + 1234 + 16)

        // 5. A sealed field, by the same rules.
        let sealKeyRow = try #require(
            try db.queryOne("SELECT wrapped_key FROM vault_keys WHERE purpose = 'field-seal' AND epoch = 1"))
        let sealKey = try openSeal(
            key: masterKey, sealed: try #require(sealKeyRow.bytes("wrapped_key")),
            aad: Array("docvault/v1/vault-key".utf8) + [0] + vaultID + Array("field-seal".utf8) + [0] + be32(1))
        let title = try openSeal(
            key: sealKey, sealed: try #require(row.bytes("title_sealed")),
            aad: Array("docvault/v1/field".utf8) + [0] + vaultID + uid + Array("title".utf8))
        #expect(String(decoding: title, as: UTF8.self) == "理赔申请书")
        let digest = try openSeal(
            key: sealKey, sealed: try #require(row.bytes("sha256_sealed")),
            aad: Array("docvault/v1/field".utf8) + [0] + vaultID + uid + Array("sha256".utf8))
        var expected = [UInt8](repeating: 0, count: 32)
        _ = SHA256(plaintext, plaintext.count, &expected)
        #expect(digest == expected)
    }

    private func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    private func hexBytes(_ hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        return stride(from: 0, to: chars.count, by: 2).compactMap {
            UInt8(String(decoding: chars[$0..<$0 + 2], as: UTF8.self), radix: 16)
        }
    }

    private struct OpenSSLFailure: Error { let step: String }

    /// HKDF through OpenSSL's EVP_PKEY interface (not docvault's HMAC-based implementation).
    private func hkdf(md: OpaquePointer?, mode: Int32, key: [UInt8], salt: [UInt8], info: [UInt8], length: Int) throws
        -> [UInt8]
    {
        guard let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nil) else { throw OpenSSLFailure(step: "ctx") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: length)
        var outLength = length
        guard EVP_PKEY_derive_init(ctx) == 1, EVP_PKEY_CTX_set_hkdf_md(ctx, md) == 1,
            EVP_PKEY_CTX_set_hkdf_mode(ctx, mode) == 1,
            EVP_PKEY_CTX_set1_hkdf_key(ctx, key, Int32(key.count)) == 1,
            salt.isEmpty || EVP_PKEY_CTX_set1_hkdf_salt(ctx, salt, Int32(salt.count)) == 1,
            EVP_PKEY_CTX_add1_hkdf_info(ctx, info, Int32(info.count)) == 1,
            EVP_PKEY_derive(ctx, &out, &outLength) == 1, outLength == length
        else { throw OpenSSLFailure(step: "hkdf") }
        return out
    }

    /// Opens `nonce(12) || ciphertext || tag(16)`.
    private func openSeal(key: [UInt8], sealed: [UInt8], aad: [UInt8]) throws -> [UInt8] {
        try gcmOpen(
            key: key, nonce: Array(sealed[0..<12]), ciphertext: Array(sealed[12..<(sealed.count - 16)]),
            tag: Array(sealed.suffix(16)), aad: aad)
    }

    /// AES-256-GCM decryption with raw EVP calls.
    private func gcmOpen(key: [UInt8], nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8], aad: [UInt8]) throws
        -> [UInt8]
    {
        guard let ctx = EVP_CIPHER_CTX_new() else { throw OpenSSLFailure(step: "ctx") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var length: Int32 = 0
        var tagCopy = tag
        var ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nil, key, nonce) == 1
        if ok && !aad.isEmpty { ok = EVP_DecryptUpdate(ctx, nil, &length, aad, Int32(aad.count)) == 1 }
        if ok && !ciphertext.isEmpty {
            ok = EVP_DecryptUpdate(ctx, &out, &length, ciphertext, Int32(ciphertext.count)) == 1
        }
        ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, &tagCopy) == 1
        var scratch = [UInt8](repeating: 0, count: 16)
        ok = ok && EVP_DecryptFinal_ex(ctx, &scratch, &length) == 1
        guard ok else { throw OpenSSLFailure(step: "gcm open") }
        return Array(out[0..<ciphertext.count])
    }
}
