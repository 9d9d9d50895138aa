import Foundation
import Testing

/// Finding the vault: `--vault`, `DOCVAULT_DIR`, `DOCVAULT_KEYS`, and folders that are not vaults.
@Suite struct VaultLocationTests {
    static let commands: [[String]] = [
        ["list"], ["show", "J001-CL-2024-D10-0001"], ["get", "J001-CL-2024-D10-0001", "-o", "-"],
        ["search", "--text", "x"],
    ]

    @Test func missingVaultFolderIsInputMissing() throws {
        let sandbox = try Sandbox()
        let path = try sandbox.input("a.pdf", text: "x")
        try sandbox.expectNoChange {
            for command in Self.commands {
                expectFailure(
                    try sandbox.run(command + ["--vault", "nowhere"]), 66,
                    ["no vault at nowhere; run 'docvault init' or pass --vault DIR"])
            }
            expectFailure(try sandbox.run(["list"]), 66, ["no vault at vault"])
            expectFailure(
                try sandbox.run(["file", path, "--category", "CL", "--year", "2024", "--vault", "nowhere"]), 66,
                ["no vault at nowhere"])
        }
    }

    @Test func folderThatIsNotAVaultIsInputMissing() throws {
        let sandbox = try Sandbox()
        try FileManager.default.createDirectory(atPath: sandbox.work + "/papers", withIntermediateDirectories: false)
        try Data("not mine".utf8).write(to: URL(fileURLWithPath: sandbox.work + "/papers/letter.txt"))
        try sandbox.expectNoChange {
            for command in Self.commands {
                expectFailure(
                    try sandbox.run(command + ["--vault", "papers"]), 66,
                    ["papers is not a docvault vault (no catalog.sqlite)"])
            }
        }
    }

    @Test(arguments: [
        Data("this is not a database at all, just words".utf8), pseudoRandomBytes(count: 8_192),
        Data("SQLite format 3\0".utf8) + pseudoRandomBytes(count: 4_080),
    ])
    func garbageCatalogueIsDataError(garbage: Data) throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try garbage.write(to: URL(fileURLWithPath: sandbox.vault + "/catalog.sqlite"))
        let path = try sandbox.input("a.pdf", text: "x")
        try sandbox.expectNoChange {
            for command in Self.commands + [["file", path, "--category", "CL", "--year", "2024"]] {
                expectFailure(
                    try sandbox.run(command), 65, ["vault/catalog.sqlite is damaged or not a docvault catalogue"])
            }
        }
    }

    @Test func environmentVariablesChooseVaultAndKeys() throws {
        let sandbox = try Sandbox()
        let environment = [
            "DOCVAULT_DIR": sandbox.root + "/elsewhere/v", "DOCVAULT_KEYS": sandbox.root + "/elsewhere/k",
        ]
        try FileManager.default.createDirectory(atPath: sandbox.root + "/elsewhere", withIntermediateDirectories: false)
        let created = try sandbox.run(["init"], environment: environment)
        #expect(created.status == 0)
        #expect(FileManager.default.fileExists(atPath: sandbox.root + "/elsewhere/v/catalog.sqlite"))
        #expect(FileManager.default.fileExists(atPath: sandbox.root + "/elsewhere/k/admin.key"))
        #expect(sandbox.names().isEmpty)
        let added = try sandbox.run(
            ["user", "add", "clerk", "--role", "archivist", "--key-file"],
            environment: environment.merging(["DOCVAULT_USER": "admin"]) { _, new in new })
        #expect(added.status == 0, "\(added)")
        #expect(FileManager.default.fileExists(atPath: sandbox.root + "/elsewhere/k/clerk.key"))
        sandbox.defaultEnvironment["DOCVAULT_USER"] = Sandbox.clerk
        let path = try sandbox.input("a.pdf", text: "via environment")
        let filed = try sandbox.run(["file", path, "--category", "OT", "--year", "2020"], environment: environment)
        #expect(filed.status == 0)
        try sandbox.lend("J001-OT-2020-D10-0001", environment: environment)
        #expect(FileManager.default.fileExists(atPath: sandbox.root + "/elsewhere/k/\(Sandbox.lender).key"))
        let got = try sandbox.run(["get", "J001-OT-2020-D10-0001", "-o", "-"], environment: environment)
        #expect(got.stdout == "via environment")
        // Without the variables the default ./vault is used, and there is none.
        expectFailure(try sandbox.run(["list"]), 66, ["no vault at vault"])
        // Options beat the environment.
        expectFailure(
            try sandbox.run(["list", "--vault", "other"], environment: environment), 66, ["no vault at other"])
    }

    @Test func vaultOptionWorksFromAnotherFolder() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let path = try sandbox.input("a.pdf", text: "x")
        _ = try sandbox.fileOne(path)
        let result = try sandbox.run(
            ["list", "--json", "--vault", sandbox.vault, "--keys", sandbox.keys], cwd: sandbox.inputs)
        #expect(result.status == 0)
        #expect(result.stdout.contains("J001-CL-2024-D10-0001"))
    }
}

/// OpenSSL's tables are built on a second thread, started before `main` (`EarlyStart.swift`, `OpenSSLStartup`).
@Suite struct StartupTests {
    /// A command that fails before any cryptography ends while that thread may still be inside
    /// OpenSSL; no exit-time clean-up may free its tables under it, so every run exits with its own code.
    @Test func commandsEndingBeforeAnyCryptographyExitWithTheirOwnCode() throws {
        let sandbox = try Sandbox()
        for _ in 0..<40 {
            expectFailure(try sandbox.run(["list", "--vault", "nowhere"]), 66, ["no vault at nowhere"])
        }
    }

    /// The thread starts for any first word but `help` and options, so a wrong subcommand ends beside it too.
    @Test func wrongAndHelpCommandLinesEndCleanly() throws {
        let sandbox = try Sandbox()
        for _ in 0..<20 {
            expectFailure(try sandbox.run(["frobnicate"]), 64, ["unknown subcommand 'frobnicate'"])
        }
        let help = try sandbox.run(["help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: docvault <subcommand>"))
        let bare = try sandbox.run([])
        #expect(bare.status == 64)
        #expect(bare.stderr.contains("USAGE: docvault <subcommand>"))
    }

    /// Confined to one CPU there is no other CPU for the thread; it then shares that one and every command still works.
    @Test func commandsWorkWhenTheProcessMayUseOneCPU() throws {
        let taskset = "/usr/bin/taskset"
        try #require(FileManager.default.isExecutableFile(atPath: taskset), "util-linux taskset is missing")
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let path = try sandbox.input("a.pdf", text: "one CPU")
        let filed = try sandbox.run(
            ["file", path, "--category", "CL", "--year", "2024"], launcher: [taskset, "-c", "0"])
        #expect(filed.status == 0, "\(filed)")
        let reference = String(filed.stdout.prefix { $0 != " " })
        #expect(reference.hasPrefix("J001-CL-2024-"))
        let shown = try sandbox.run(["show", reference], launcher: [taskset, "-c", "0"])
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.stdout.contains("a.pdf"))
    }
}
