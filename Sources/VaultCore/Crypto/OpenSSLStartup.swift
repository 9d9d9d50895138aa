internal import COpenSSL

#if canImport(Glibc)
    import Glibc
#endif

/// Builds OpenSSL's algorithm tables once per process, on the second core while a command starts.
///
/// OpenSSL 3.0 reads its configuration and builds its provider tables on the first fetch of
/// each kind of algorithm. callgrind counts 8.7 M instructions for a command's first HMAC and
/// first AES-GCM, a third of a whole `docvault list` or `show`. ``begin()`` starts that work on
/// another thread as soon as a command is known, so it overlaps with opening the catalogue
/// and reading the key file. Every primitive evaluates ``loaded`` first: one that needs
/// OpenSSL before the tables are built waits for them instead of building them a second time.
public enum OpenSSLStartup {
    /// Starts building the tables on a detached thread; returns at once.
    ///
    /// Falls back to building them on first use if no thread can be started.
    public static func begin() {
        var thread = pthread_t()
        guard
            pthread_create(
                &thread, nil,
                { _ in
                    _ = OpenSSLStartup.loaded
                    return nil
                }, nil) == 0
        else { return }
        pthread_detach(thread)
    }

    /// Initialises OpenSSL and fetches what docvault uses; evaluated once, other callers wait for it.
    ///
    /// No exit-time clean-up is registered: a command that ends while this is still running on the
    /// other thread must not free OpenSSL's tables under it. The process's memory goes with it.
    static let loaded: Void = {
        _ = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil)
        EVP_MAC_free(EVP_MAC_fetch(nil, "HMAC", nil))
        EVP_MD_free(EVP_MD_fetch(nil, "SHA256", nil))
        EVP_CIPHER_free(EVP_CIPHER_fetch(nil, "AES-256-GCM", nil))
    }()
}
