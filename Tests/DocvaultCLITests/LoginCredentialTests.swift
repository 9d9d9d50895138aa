import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Refused logins: each exits 77 with a clear message and leaves one unsealed `login`/`denied` entry.
@Suite struct LoginCredentialTests {
    static func vault() throws -> (Sandbox, String) {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        try sandbox.addUser("staff", roles: "staff")
        let reference = try sandbox.fileOne(try sandbox.input("a.pdf", text: "login"))
        return (sandbox, reference)
    }

    /// Runs `arguments` expecting a refused login by `actor` with `message`, and checks the audit entry.
    static func expectRefusedLogin(
        _ sandbox: Sandbox, _ arguments: [String], actor: String, message: String, stdin: Data? = nil,
        environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let last = try sandbox.auditLog().last?.seq ?? 0
        try sandbox.expectNoChange(audit: ["login:denied"], sourceLocation: sourceLocation) {
            expectFailure(
                try sandbox.run(arguments, stdin: stdin, environment: environment), 77, [message],
                sourceLocation: sourceLocation)
        }
        expectDeniedLogin(
            try sandbox.auditEntries(after: last), actor: actor, reason: message, sourceLocation: sourceLocation)
    }

    @Test func wrongPassword() throws {
        let (sandbox, reference) = try Self.vault()
        let changed = try sandbox.run(
            ["passwd", "--password", "--new-password-stdin"], stdin: Data("the right password\n".utf8))
        #expect(changed.status == 0, "\(changed)")
        try Self.expectRefusedLogin(
            sandbox, ["get", reference, "-o", "-", "--password-stdin"], actor: "clerk",
            message: "wrong password for 'clerk'", stdin: Data("the wrong password\n".utf8))
        try Self.expectRefusedLogin(
            sandbox, ["list"], actor: "clerk", message: "wrong password for 'clerk'",
            environment: ["DOCVAULT_PASSWORD": "the wrong password"])
        // A user without a password slot is told to use the key file.
        try Self.expectRefusedLogin(
            sandbox, ["list", "--user", "staff", "--password-stdin"], actor: "staff",
            message: "'staff' has no password; use the key file", stdin: Data("anything at all\n".utf8))
    }

    /// A password line longer than the first read buffer (4 KiB) is read whole from standard input.
    @Test func aPasswordLongerThanTheReadBufferIsReadWhole() throws {
        let (sandbox, _) = try Self.vault()
        // Different letters on each side of 4096 and 8192, where the buffer grows.
        let password =
            String(repeating: "a", count: 4000) + String(repeating: "b", count: 4000)
            + String(repeating: "c", count: 1000)
        let changed = try sandbox.run(
            ["passwd", "--password", "--new-password-stdin"],
            stdin: Data((password + "\n" + String(repeating: "z", count: 5000) + "\n").utf8))
        #expect(changed.status == 0, "\(changed)")
        // Checked through the environment, which does not read standard input.
        let listed = try sandbox.run(["list"], environment: ["DOCVAULT_PASSWORD": password])
        #expect(listed.status == 0, "\(listed)")
        try Self.expectRefusedLogin(
            sandbox, ["list"], actor: "clerk", message: "wrong password for 'clerk'",
            environment: ["DOCVAULT_PASSWORD": String(password.dropLast())])
    }

    @Test func keyFileOfAnotherUser() throws {
        let (sandbox, _) = try Self.vault()
        try Self.expectRefusedLogin(
            sandbox, ["list", "--key-file", "keys/staff.key"], actor: "clerk",
            message: "key file keys/staff.key belongs to user 'staff', not 'clerk'")
        try Self.expectRefusedLogin(
            sandbox, ["list"], actor: "clerk", message: "belongs to user 'staff', not 'clerk'",
            environment: ["DOCVAULT_KEY_FILE": sandbox.keyFile("staff")])
    }

    @Test func keyFileReadableByOthers() throws {
        let (sandbox, _) = try Self.vault()
        chmod(sandbox.clerkKey, 0o644)
        try Self.expectRefusedLogin(
            sandbox, ["list"], actor: "clerk",
            message: "key file keys/clerk.key is readable by other users; run: chmod 600 keys/clerk.key")
        chmod(sandbox.clerkKey, 0o600)
        #expect(try sandbox.run(["list"]).status == 0)
    }

    @Test func disabledUser() throws {
        let (sandbox, reference) = try Self.vault()
        #expect(try sandbox.run(as: "admin", ["user", "disable", "staff"]).status == 0)
        try Self.expectRefusedLogin(
            sandbox, ["get", reference, "-o", "-"], actor: "staff", message: "user 'staff' is disabled",
            environment: ["DOCVAULT_USER": "staff"])
    }

    @Test func unknownUser() throws {
        let (sandbox, _) = try Self.vault()
        try Self.expectRefusedLogin(
            sandbox, ["list", "--user", "ghost"], actor: "ghost", message: "no user 'ghost' in this vault")
    }
}
