import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The harness itself: the snapshot must notice every kind of change the other tests rely on it for.
@Suite struct HarnessTests {
    @Test func binaryIsFound() throws {
        let binary = try #require(CLI.binary)
        #expect(FileManager.default.isExecutableFile(atPath: binary))
        #expect(binary.hasSuffix("/docvault"))
    }

    @Test func snapshotNoticesContentModeAndNewFiles() throws {
        let sandbox = try Sandbox()
        let path = try sandbox.input("a.bin", pseudoRandomBytes(count: 100))
        let before = try TreeSnapshot(sandbox.inputs)
        #expect(try TreeSnapshot(sandbox.inputs) == before)

        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[50] ^= 1
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(try TreeSnapshot(sandbox.inputs) != before)
        bytes[50] ^= 1
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(try TreeSnapshot(sandbox.inputs) == before)

        chmod(path, 0o640)
        let afterChmod = try TreeSnapshot(sandbox.inputs)
        chmod(path, 0o604)
        #expect(try TreeSnapshot(sandbox.inputs) != afterChmod)
        try sandbox.input(".hidden.partial", text: "")
        #expect(try TreeSnapshot(sandbox.inputs) != afterChmod)
    }

    @Test func catalogueSnapshotIgnoresAuditGrowthButNoticesOtherTables() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let catalogue = sandbox.vault + "/catalog.sqlite"
        let before = try TreeSnapshot(sandbox.work, catalogueContent: true)
        #expect(try TreeSnapshot(sandbox.work) != TreeSnapshot(sandbox.work, catalogueContent: true))
        let entries = try sandbox.auditLog().count
        #expect(try sandbox.run(["list"]).status == 0)
        #expect(try sandbox.auditLog().count == entries + 1)
        #expect(try TreeSnapshot(sandbox.work, catalogueContent: true) == before)
        try Catalogue.execute(catalogue, "UPDATE users SET roles = 'staff' WHERE name = 'clerk';")
        #expect(try TreeSnapshot(sandbox.work, catalogueContent: true) != before)
        try Catalogue.execute(catalogue, "UPDATE users SET roles = 'archivist,staff' WHERE name = 'clerk';")
        #expect(try TreeSnapshot(sandbox.work, catalogueContent: true) == before)
        // Key files are still compared byte for byte.
        chmod(sandbox.clerkKey, 0o640)
        #expect(try TreeSnapshot(sandbox.work, catalogueContent: true) != before)
    }

    @Test func initVaultMakesTheClerkTheDefaultActor() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        #expect(sandbox.defaultEnvironment["DOCVAULT_USER"] == Sandbox.clerk)
        #expect(sandbox.recoveryCode.count == 39)
        let users = try Catalogue.rows(
            sandbox.vault + "/catalog.sqlite", "SELECT name, roles FROM users ORDER BY name;")
        #expect(users == [["admin", "admin"], ["clerk", "archivist,staff"]])
        #expect(try sandbox.run(["list"]).status == 0)
        #expect(try sandbox.auditLog().last?.actor == Sandbox.clerk)
        #expect(try sandbox.run(as: "admin", ["list"]).status == 77)
        #expect(try sandbox.auditLog().last?.actor == "admin")
    }

    @Test func lendAddsTheLenderOnceAndOpensActiveLoans() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let reference = try sandbox.fileOne(try sandbox.input("a.pdf", text: "lent"))
        #expect(try sandbox.run(["get", reference, "-o", "-"]).status == 77)
        let first = try sandbox.lend(reference)
        let second = try sandbox.lend([reference, reference])
        #expect(second == first + 1)
        #expect(try sandbox.run(["get", reference, "-o", "-"]).stdout == "lent")
        let entries = try sandbox.auditLog().filter { $0.action.hasPrefix("borrow.") || $0.target == Sandbox.lender }
        #expect(
            entries.map { "\($0.actor) \($0.summary) \($0.target)" } == [
                "clerk borrow.request:ok loan:\(first)", "admin user.add:ok \(Sandbox.lender)",
                "\(Sandbox.lender) borrow.approve:ok loan:\(first)", "clerk borrow.request:ok loan:\(second)",
                "\(Sandbox.lender) borrow.approve:ok loan:\(second)",
            ])
        let roles = try Catalogue.rows(
            sandbox.vault + "/catalog.sqlite", "SELECT roles FROM users WHERE name = '\(Sandbox.lender)';")
        #expect(roles == [["approver"]])
    }

    @Test func environmentIsClearedOfDocvaultVariables() throws {
        // Whatever the developer's shell exports, runs start without DOCVAULT_* variables.
        #expect(CLI.baseEnvironment().keys.allSatisfy { !$0.hasPrefix("DOCVAULT_") })
        #expect(CLI.baseEnvironment()["PATH"] == ProcessInfo.processInfo.environment["PATH"])
    }
}
