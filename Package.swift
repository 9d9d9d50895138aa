// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "docvault",
    products: [
        .executable(name: "docvault", targets: ["docvault"]),
        .library(name: "VaultCore", targets: ["VaultCore"]),
        .executable(name: "docvault-fuzz", targets: ["docvault-fuzz"]),
    ],
    targets: [
        // OpenSSL 3's headers (libssl-dev) only: VaultCore opens libcrypto.so.3 at run time (LibCrypto.swift).
        .systemLibrary(name: "COpenSSL"),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // sync_file_range(2), which Swift's Glibc module leaves out.
        .systemLibrary(name: "CSystem"),
        .target(
            name: "VaultCore",
            dependencies: ["COpenSSL", "CSQLite", "CSystem"],
            // Debug builds (what `swift test` runs) can stop at named points for the crash tests; release builds cannot.
            swiftSettings: [
                .define("DOCVAULT_FAULT_POINTS", .when(configuration: .debug)),
                // Debug builds can log every SQL statement they prepare, for the query-plan coverage test.
                .define("DOCVAULT_SQL_TRACE", .when(configuration: .debug)),
            ]
        ),
        .executableTarget(
            name: "docvault",
            dependencies: ["VaultCore"],
            // Debug builds (what `swift test` runs) let tests move the clock forward; release builds cannot.
            swiftSettings: [.define("DOCVAULT_TEST_CLOCK", .when(configuration: .debug))]
        ),
        .executableTarget(
            name: "docvault-bench",
            dependencies: ["VaultCore"]
        ),
        // The reference process of the bench's whole-process scenarios: Swift and Foundation start-up only.
        .executableTarget(name: "bench-hello"),
        // The fuzz checks (blob reader, key file parser, keyslot opening) and their driver: libFuzzer
        // with `-DFUZZING -sanitize=fuzzer` (.ci/fuzz), a corpus replay otherwise.
        .target(
            name: "VaultFuzzChecks",
            dependencies: ["VaultCore"]
        ),
        .executableTarget(
            name: "docvault-fuzz",
            dependencies: ["VaultFuzzChecks"]
        ),
        .testTarget(
            name: "VaultCoreTests",
            dependencies: ["VaultCore", "COpenSSL", "VaultFuzzChecks"],
            resources: [.copy("Resources")],
            // IndependentDecryptionTests calls OpenSSL directly, apart from VaultCore's table.
            linkerSettings: [.linkedLibrary("crypto")]
        ),
        .testTarget(
            name: "DocvaultBenchTests",
            dependencies: ["docvault-bench"]
        ),
        .testTarget(
            name: "DocvaultCLITests",
            dependencies: ["docvault"]
        ),
    ]
)
