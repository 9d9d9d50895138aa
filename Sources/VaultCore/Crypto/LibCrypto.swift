internal import COpenSSL
import CSystem

#if canImport(Glibc)
    import Glibc
#endif

/// OpenSSL 3's libcrypto, opened at run time rather than linked.
///
/// Linked, it cost every command the dynamic linker's binding of its 4,191 symbols on the main
/// thread before `main` (Debian builds it `BIND_NOW`): opened here, the main thread of
/// `docvault list` runs 12.1 M instructions before its first write instead of 14.9 M, 2.8 M
/// fewer of them in the dynamic linker (callgrind, same catalogue). ``OpenSSLStartup`` opens it on the
/// thread that also builds OpenSSL's tables, beside the rest of start-up. Every function is
/// looked up once, at the symbol version of OpenSSL 3.0's ABI, so a library that lacks one is
/// refused before any of them is called.
enum LibCrypto {
    /// The library's name in the system's search path (its package: libssl3).
    static let soname = "libcrypto.so.3"
    /// The symbol version of OpenSSL 3.0's functions.
    static let symbolVersion = "OPENSSL_3.0.0"

    /// Why the library could not be used.
    struct Unavailable: Error, Equatable {
        /// One line naming the library and what failed.
        let message: String
    }

    /// Opens `name` and looks up every function docvault calls.
    static func open(_ name: String) throws(Unavailable) -> docvault_libcrypto {
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            throw Unavailable(message: "cannot load \(name) (OpenSSL 3; apt-get install libssl3): \(reason)")
        }
        func function<F>(_ symbol: String) throws(Unavailable) -> F {
            guard let address = dlvsym(handle, symbol, symbolVersion) else {
                throw Unavailable(message: "\(name) has no \(symbol) of version \(symbolVersion): not OpenSSL 3")
            }
            return unsafeBitCast(address, to: F.self)
        }
        return docvault_libcrypto(
            OPENSSL_init_crypto: try function("OPENSSL_init_crypto"),
            CRYPTO_memcmp: try function("CRYPTO_memcmp"),
            RAND_bytes: try function("RAND_bytes"),
            EVP_MAC_fetch: try function("EVP_MAC_fetch"),
            EVP_MAC_free: try function("EVP_MAC_free"),
            EVP_MD_fetch: try function("EVP_MD_fetch"),
            EVP_MD_free: try function("EVP_MD_free"),
            EVP_CIPHER_fetch: try function("EVP_CIPHER_fetch"),
            EVP_CIPHER_free: try function("EVP_CIPHER_free"),
            EVP_aes_256_gcm: try function("EVP_aes_256_gcm"),
            EVP_sha256: try function("EVP_sha256"),
            EVP_sha512: try function("EVP_sha512"),
            EVP_CIPHER_CTX_new: try function("EVP_CIPHER_CTX_new"),
            EVP_CIPHER_CTX_free: try function("EVP_CIPHER_CTX_free"),
            EVP_CIPHER_CTX_ctrl: try function("EVP_CIPHER_CTX_ctrl"),
            EVP_EncryptInit_ex: try function("EVP_EncryptInit_ex"),
            EVP_EncryptUpdate: try function("EVP_EncryptUpdate"),
            EVP_EncryptFinal_ex: try function("EVP_EncryptFinal_ex"),
            EVP_DecryptInit_ex: try function("EVP_DecryptInit_ex"),
            EVP_DecryptUpdate: try function("EVP_DecryptUpdate"),
            EVP_DecryptFinal_ex: try function("EVP_DecryptFinal_ex"),
            EVP_MD_CTX_new: try function("EVP_MD_CTX_new"),
            EVP_MD_CTX_free: try function("EVP_MD_CTX_free"),
            EVP_DigestInit_ex: try function("EVP_DigestInit_ex"),
            EVP_DigestUpdate: try function("EVP_DigestUpdate"),
            EVP_DigestFinal_ex: try function("EVP_DigestFinal_ex"),
            HMAC: try function("HMAC"),
            EVP_PBE_scrypt: try function("EVP_PBE_scrypt"))
    }

    /// Opens the system's libcrypto, or ends the process as the dynamic linker would have.
    ///
    /// Before docvault opened it itself, a missing libcrypto stopped every command before `main`
    /// with the dynamic linker's message and exit status 127; this keeps that status, with a
    /// line in the form of docvault's other errors that says what to install. Nothing secret exists yet when it happens.
    static func openOrExit() -> docvault_libcrypto {
        do {
            return try open(soname)
        } catch {
            unusable(error.message)
        }
    }

    /// Writes `error: message` to standard error and ends the process with status 127, from any thread.
    static func unusable(_ message: String) -> Never {
        let line = "error: \(message)\n"
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
        _exit(127)
    }
}

/// The libcrypto functions, once OpenSSL is initialised (``OpenSSLStartup/library``).
var libcrypto: docvault_libcrypto {
    @inline(__always) get { OpenSSLStartup.library }
}
