internal import COpenSSL
import CSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Opens libcrypto and builds OpenSSL's algorithm tables once per process, on the second core while a command starts.
///
/// OpenSSL 3.0 reads its configuration and builds its provider tables on the first fetch of
/// each kind of algorithm. callgrind counts 8.7 M instructions for a command's first HMAC and
/// first AES-GCM, a third of a whole `docvault list` or `show`. ``begin()`` starts that work on
/// another CPU (the executable calls it from its initialiser, before `main`), so it overlaps
/// with the rest of start-up, opening the catalogue
/// and reading the key file. Every primitive reaches libcrypto through ``library``: one that needs
/// OpenSSL before the tables are built waits for them instead of building them a second time.
public enum OpenSSLStartup {
    /// Starts building the tables on a detached thread on another CPU; returns at once.
    ///
    /// Falls back to building them on first use if no thread can be started.
    public static func begin() {
        var attributes = pthread_attr_t()
        guard pthread_attr_init(&attributes) == 0 else { return }
        defer { pthread_attr_destroy(&attributes) }
        if var others = otherCPUs() {
            _ = pthread_attr_setaffinity_np(&attributes, MemoryLayout<cpu_set_t>.size, &others)
        }
        var thread = pthread_t()
        guard
            pthread_create(
                &thread, &attributes,
                { _ in
                    _ = OpenSSLStartup.library
                    return nil
                }, nil) == 0
        else { return }
        pthread_detach(thread)
    }

    /// The CPUs this process may use other than the one running the caller; nil when there is none.
    ///
    /// Linux places a new thread on its creator's CPU. On this project's two-CPU machine the
    /// second one then stayed idle: the OpenSSL thread first ran when `main` blocked waiting
    /// for it, 0.5 to 2.3 ms later, so the tables were built after the command's own start-up
    /// instead of beside it. A thread allowed only the other CPUs starts there at once.
    static func otherCPUs() -> cpu_set_t? {
        var allowed = cpu_set_t()
        guard sched_getaffinity(0, MemoryLayout<cpu_set_t>.size, &allowed) == 0 else { return nil }
        return otherCPUs(than: Int(sched_getcpu()), in: allowed)
    }

    /// `allowed` without CPU `current`; nil when that leaves none or `current` is not a CPU number.
    static func otherCPUs(than current: Int, in allowed: cpu_set_t) -> cpu_set_t? {
        var others = allowed
        let bits = UInt.bitWidth
        let remaining = withUnsafeMutableBytes(of: &others) { raw -> Int in
            let words = raw.bindMemory(to: UInt.self)
            guard current >= 0, current / bits < words.count else { return 0 }
            words[current / bits] &= ~(1 << UInt(current % bits))
            return words.reduce(0) { $0 + $1.nonzeroBitCount }
        }
        return remaining > 0 ? others : nil
    }

    /// `OPENSSL_init_crypto`'s options: no exit-time clean-up, and the system's `openssl.cnf` read only when `OPENSSL_CONF` names one.
    ///
    /// docvault names every algorithm it uses (AES-256-GCM, SHA-256, HMAC, scrypt) and takes
    /// them from OpenSSL's default provider, so a configuration file cannot change what it
    /// computes. Reading and parsing Debian's `openssl.cnf`, which activates nothing, cost
    /// 0.35 ms of every command's start-up (a C program timing the same calls, 15 runs). An
    /// operator who must load a provider, a FIPS one say, names the file in `OPENSSL_CONF`.
    static func initOptions(configFile: Bool) -> UInt64 {
        UInt64(OPENSSL_INIT_NO_ATEXIT) | (configFile ? 0 : UInt64(OPENSSL_INIT_NO_LOAD_CONFIG))
    }

    /// Opens libcrypto, initialises OpenSSL and fetches what docvault uses; evaluated once, other callers wait for it.
    ///
    /// No exit-time clean-up is registered: a command that ends while this is still running on the
    /// other thread must not free OpenSSL's tables under it. The process's memory goes with it.
    /// A library whose providers lack one of the algorithms (an `OPENSSL_CONF` that activates
    /// other providers only) ends the process as a missing library does, with one line.
    static let library: docvault_libcrypto = {
        let library = LibCrypto.openOrExit()
        let configFile = getenv("OPENSSL_CONF").map { String(cString: $0) }
        _ = library.OPENSSL_init_crypto(initOptions(configFile: configFile != nil), nil)
        let mac = library.EVP_MAC_fetch(nil, "HMAC", nil)
        let digest = library.EVP_MD_fetch(nil, "SHA256", nil)
        let cipher = library.EVP_CIPHER_fetch(nil, "AES-256-GCM", nil)
        defer {
            library.EVP_MAC_free(mac)
            library.EVP_MD_free(digest)
            library.EVP_CIPHER_free(cipher)
        }
        let missing = [(mac, "HMAC"), (digest, "SHA256"), (cipher, "AES-256-GCM")].filter { $0.0 == nil }.map(\.1)
        if !missing.isEmpty {
            LibCrypto.unusable(
                "\(LibCrypto.soname) offers no \(missing.joined(separator: ", "))"
                    + (configFile.map { "; check the providers OPENSSL_CONF=\($0) activates" } ?? ""))
        }
        return library
    }()
}
