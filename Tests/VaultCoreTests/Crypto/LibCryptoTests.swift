import COpenSSL
import Testing

@testable import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

/// libcrypto opened at run time: every function at its own name, and a clear refusal of a wrong or missing library.
///
/// This test target links libcrypto itself, so each looked-up pointer can be compared with the
/// function the linker resolves for the same name: two functions of one signature (say
/// `EVP_EncryptInit_ex` and `EVP_DecryptInit_ex`) swapped in the table would compile and fail here.
@Suite("libcrypto at run time")
struct LibCryptoTests {
    /// A function's name with the addresses of the table's entry and of the linked function, both of the entry's C type.
    private static func pair<F>(_ name: String, _ looked: F, _ linked: F) -> (
        String, UnsafeRawPointer, UnsafeRawPointer
    ) {
        (name, unsafeBitCast(looked, to: UnsafeRawPointer.self), unsafeBitCast(linked, to: UnsafeRawPointer.self))
    }

    @Test("Every entry of the table is the function of its name")
    func everyFunctionAtItsName() throws {
        let table = try LibCrypto.open(LibCrypto.soname)
        let linkedHMAC = UnsafeRawPointer(try #require(dlsym(nil, "HMAC")))
        let pairs: [(String, UnsafeRawPointer, UnsafeRawPointer)] = [
            Self.pair("OPENSSL_init_crypto", table.OPENSSL_init_crypto, OPENSSL_init_crypto),
            Self.pair("CRYPTO_memcmp", table.CRYPTO_memcmp, CRYPTO_memcmp),
            Self.pair("RAND_bytes", table.RAND_bytes, RAND_bytes),
            Self.pair("EVP_MAC_fetch", table.EVP_MAC_fetch, EVP_MAC_fetch),
            Self.pair("EVP_MAC_free", table.EVP_MAC_free, EVP_MAC_free),
            Self.pair("EVP_MD_fetch", table.EVP_MD_fetch, EVP_MD_fetch),
            Self.pair("EVP_MD_free", table.EVP_MD_free, EVP_MD_free),
            Self.pair("EVP_CIPHER_fetch", table.EVP_CIPHER_fetch, EVP_CIPHER_fetch),
            Self.pair("EVP_CIPHER_free", table.EVP_CIPHER_free, EVP_CIPHER_free),
            Self.pair("EVP_aes_256_gcm", table.EVP_aes_256_gcm, EVP_aes_256_gcm),
            Self.pair("EVP_sha256", table.EVP_sha256, EVP_sha256),
            Self.pair("EVP_sha512", table.EVP_sha512, EVP_sha512),
            Self.pair("EVP_CIPHER_CTX_new", table.EVP_CIPHER_CTX_new, EVP_CIPHER_CTX_new),
            Self.pair("EVP_CIPHER_CTX_free", table.EVP_CIPHER_CTX_free, EVP_CIPHER_CTX_free),
            Self.pair("EVP_CIPHER_CTX_ctrl", table.EVP_CIPHER_CTX_ctrl, EVP_CIPHER_CTX_ctrl),
            Self.pair("EVP_EncryptInit_ex", table.EVP_EncryptInit_ex, EVP_EncryptInit_ex),
            Self.pair("EVP_EncryptUpdate", table.EVP_EncryptUpdate, EVP_EncryptUpdate),
            Self.pair("EVP_EncryptFinal_ex", table.EVP_EncryptFinal_ex, EVP_EncryptFinal_ex),
            Self.pair("EVP_DecryptInit_ex", table.EVP_DecryptInit_ex, EVP_DecryptInit_ex),
            Self.pair("EVP_DecryptUpdate", table.EVP_DecryptUpdate, EVP_DecryptUpdate),
            Self.pair("EVP_DecryptFinal_ex", table.EVP_DecryptFinal_ex, EVP_DecryptFinal_ex),
            Self.pair("EVP_MD_CTX_new", table.EVP_MD_CTX_new, EVP_MD_CTX_new),
            Self.pair("EVP_MD_CTX_free", table.EVP_MD_CTX_free, EVP_MD_CTX_free),
            Self.pair("EVP_DigestInit_ex", table.EVP_DigestInit_ex, EVP_DigestInit_ex),
            Self.pair("EVP_DigestUpdate", table.EVP_DigestUpdate, EVP_DigestUpdate),
            Self.pair("EVP_DigestFinal_ex", table.EVP_DigestFinal_ex, EVP_DigestFinal_ex),
            // VaultCore's HMAC hides the C function's name here; no other entry has its type, so a
            // swap would not compile, and the name is checked against what the linker bound to it.
            ("HMAC", unsafeBitCast(table.HMAC, to: UnsafeRawPointer.self), linkedHMAC),
            Self.pair("EVP_PBE_scrypt", table.EVP_PBE_scrypt, EVP_PBE_scrypt),
        ]
        // Every field of the table is named above, once.
        #expect(pairs.count * MemoryLayout<UnsafeRawPointer>.size == MemoryLayout<docvault_libcrypto>.size)
        #expect(Set(pairs.map(\.0)).count == pairs.count)
        for (name, looked, linked) in pairs {
            #expect(looked == linked, "\(name)")
        }
    }

    @Test("A library that is not there is refused with its name and what to install")
    func missingLibrary() {
        #expect {
            _ = try LibCrypto.open("libdocvault-absent.so.3")
        } throws: { error in
            guard let unavailable = error as? LibCrypto.Unavailable else { return false }
            return unavailable.message.hasPrefix(
                "cannot load libdocvault-absent.so.3 (OpenSSL 3; apt-get install libssl3): ")
                && unavailable.message.contains("libdocvault-absent.so.3: cannot open shared object file")
        }
    }

    @Test("A library without OpenSSL 3.0's functions is refused before any is called")
    func notOpenSSL() {
        #expect(
            throws: LibCrypto.Unavailable(
                message: "libsqlite3.so.0 has no OPENSSL_init_crypto of version OPENSSL_3.0.0: not OpenSSL 3")
        ) {
            _ = try LibCrypto.open("libsqlite3.so.0")
        }
    }
}
