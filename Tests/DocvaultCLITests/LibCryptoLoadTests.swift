import Foundation
import Testing

/// docvault opens libcrypto.so.3 itself; a library that is not OpenSSL 3 stops it with one line and exit 127.
@Suite struct LibCryptoLoadTests {
    /// The directory of the executable is searched first (its `$ORIGIN` run path), so a copy of docvault
    /// beside a file named libcrypto.so.3 that is really SQLite loads that file instead of the system's.
    @Test func aLibraryThatIsNotOpenSSL3StopsTheCommandAndChangesNothing() throws {
        let sqlite = ["/usr/lib/x86_64-linux-gnu/libsqlite3.so.0", "/lib/x86_64-linux-gnu/libsqlite3.so.0"]
            .first { FileManager.default.fileExists(atPath: $0) }
        let impostor = try #require(sqlite, "libsqlite3.so.0 not found in the multiarch folders")
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let reference = try sandbox.fileOne(try sandbox.input("claim.pdf", text: "a claim"))
        let folder = sandbox.root + "/impostor"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // The multiarch name is a symbolic link; copy the library it names.
        let library = URL(fileURLWithPath: impostor).resolvingSymlinksInPath().path
        try FileManager.default.copyItem(atPath: library, toPath: folder + "/libcrypto.so.3")
        // The launcher copies the binary it is given into the folder once and runs the copy there.
        let copy = folder + "/docvault"
        let launcher = ["/bin/sh", "-c", "[ -x '\(copy)' ] || cp \"$0\" '\(copy)'; exec '\(copy)' \"$@\""]
        try sandbox.expectNoChange {
            for arguments in [["show", reference], ["list", "--category", "CL", "--year", "2024"]] {
                let result = try sandbox.run(arguments, launcher: launcher)
                #expect(result.status == 127, "\(arguments): \(result)")
                #expect(result.stdout.isEmpty, "\(result)")
                #expect(
                    result.stderr
                        == "error: libcrypto.so.3 has no OPENSSL_init_crypto of version OPENSSL_3.0.0: not OpenSSL 3\n",
                    "\(result)")
            }
        }
        // The same binary beside no impostor works.
        let shown = try sandbox.run(["show", reference])
        #expect(shown.status == 0, "\(shown)")
    }

    /// The system's openssl.cnf is not read; one that `OPENSSL_CONF` names is, and a provider set
    /// without docvault's algorithms stops every command with one line naming the file.
    @Test func anOpenSSLConfigurationWithoutTheAlgorithmsStopsTheCommandAndChangesNothing() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let reference = try sandbox.fileOne(try sandbox.input("claim.pdf", text: "a claim"))
        // Only OpenSSL's null provider: with a provider activated, the default one is not loaded.
        let config = sandbox.root + "/null-provider.cnf"
        try Data(
            """
            openssl_conf = openssl_init
            [openssl_init]
            providers = provider_sect
            [provider_sect]
            null = null_sect
            [null_sect]
            activate = 1

            """.utf8
        ).write(to: URL(fileURLWithPath: config))
        try sandbox.expectNoChange {
            for arguments in [["show", reference], ["list", "--category", "CL", "--year", "2024"]] {
                let result = try sandbox.run(arguments, environment: ["OPENSSL_CONF": config])
                #expect(result.status == 127, "\(arguments): \(result)")
                #expect(result.stdout.isEmpty, "\(result)")
                #expect(
                    result.stderr
                        == "error: libcrypto.so.3 offers no HMAC, SHA256, AES-256-GCM; check the providers"
                        + " OPENSSL_CONF=\(config) activates\n", "\(result)")
            }
        }
        // A configuration that loads the default provider works like none.
        let defaultProvider = sandbox.root + "/default-provider.cnf"
        try Data(
            "openssl_conf = openssl_init\n[openssl_init]\nproviders = provider_sect\n[provider_sect]\ndefault = default_sect\n[default_sect]\nactivate = 1\n"
                .utf8
        ).write(to: URL(fileURLWithPath: defaultProvider))
        let shown = try sandbox.run(["show", reference], environment: ["OPENSSL_CONF": defaultProvider])
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.stdout.contains(reference), "\(shown)")
    }
}
