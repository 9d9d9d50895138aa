import Foundation
import Testing

@testable import VaultCore

/// Reading the register (who sees which loans, filters) and two people deciding on one loan at once.
@Suite("Borrowing: the register")
struct BorrowingRegisterTests {
    private static func list(
        _ session: Session, mine: Bool = false, status: String? = nil, user: String? = nil
    ) throws -> [Int] {
        var filter = LoanFilter()
        filter.mine = mine
        filter.status = status
        filter.user = user
        return try BorrowingRegister.list(filter, session: session).map(\.id)
    }

    @Test("Staff see only their own loans; register readers see all, filtered by --mine, --status and --user")
    func visibility() throws {
        let test = try TestVault()
        let approver = try test.approver()
        let sam = try test.user("sam", roles: [.staff])
        let auditor = try test.user("audrey", roles: [.auditor])
        let reference = try test.fileText("x")
        let archivists = try test.lend(reference)
        let samsRequest = try test.request([reference], as: sam, purpose: "sam's purpose")
        let samsDenied = try test.request([reference], as: sam)
        _ = try Borrowing.deny(samsDenied.id, reason: "no", session: approver)

        #expect(try Self.list(sam) == [samsRequest.id, samsDenied.id])
        #expect(try test.lastAudit().details == "results=2")
        #expect(try Self.list(sam, user: test.archivist).isEmpty)
        #expect(try Self.list(sam, status: "active").isEmpty)
        #expect(try BorrowingRegister.show(samsRequest.id, session: sam).purpose == "sam's purpose")
        let refused = try test.expectFailure(
            .permissionDenied, exit: 77,
            message:
                "loan \(archivists.id) is not yours; the whole register is for archivists, approvers, compliance and auditors",
            logged: "borrow.show", .denied, details: ""
        ) { _ = try BorrowingRegister.show(archivists.id, session: sam) }
        #expect(refused.target == "loan:\(archivists.id)")
        #expect(refused.actor == "sam")

        let all = [archivists.id, samsRequest.id, samsDenied.id]
        for reader in [auditor, test.session, approver, test.adminSession] {
            #expect(try Self.list(reader) == all, "\(reader.actor.name)")
        }
        #expect(try BorrowingRegister.show(samsDenied.id, session: auditor).reason == "no")
        #expect(try Self.list(test.session, mine: true) == [archivists.id])
        #expect(try Self.list(auditor, mine: true).isEmpty)
        #expect(try Self.list(auditor, user: "sam") == [samsRequest.id, samsDenied.id])
        #expect(try Self.list(auditor, status: "requested") == [samsRequest.id])
        #expect(try Self.list(auditor, status: "denied", user: "sam") == [samsDenied.id])
        #expect(try Self.list(auditor, status: "denied", user: test.archivist).isEmpty)
        #expect(try Self.list(test.session, mine: true, user: "sam").isEmpty)
        let entry = try test.lastAudit()
        #expect(entry.action == "borrow.list")
        #expect(entry.details == "mine; user=sam; results=0")

        try test.expectFailure(
            .usage, exit: 64, message: "--status must be one of requested, active, overdue, returned, denied, revoked",
            logged: "borrow.list", .failed, details: "status=lent"
        ) { _ = try Self.list(auditor, status: "lent") }
        try test.expectFailure(
            .inputMissing, exit: 66, message: "no loan 42; 'docvault borrow list' shows the register",
            logged: "borrow.show", .failed, details: ""
        ) { _ = try BorrowingRegister.show(42, session: auditor) }
    }

    /// Runs `first` and `second` on two threads released together; returns how each ended.
    private static func race(
        _ first: @escaping () throws -> Void, _ second: @escaping () throws -> Void
    ) -> [Result<Void, VaultError>] {
        let race = Race([first, second])
        race.run()
        return race.results
    }

    /// Approver A and approver B, each on a connection of their own, decide the same requests at once.
    @Test("Approve and deny racing on two connections: exactly one wins, the loser is told the loan's status")
    func approveRacesDeny() throws {
        let test = try TestVault()
        let approverA = try test.approver()
        _ = try test.user("quinn", roles: [.approver])
        let otherConnection = try Vault.open(test.location)
        let approverB = try Session.open(
            vault: otherConnection, userName: "quinn", credential: .keyFile(test.location.keyFilePath(for: "quinn")))
        let reference = try test.fileText("x")
        for _ in 0..<6 {
            let loan = try test.request([reference])
            let entriesBefore = try test.auditCount()
            let results = Self.race(
                { _ = try Borrowing.approve(loan.id, days: nil, session: approverA) },
                { _ = try Borrowing.deny(loan.id, reason: "raced", session: approverB) })
            let wins = results.filter { (try? $0.get()) != nil }.count
            #expect(wins == 1, "\(results)")
            // One ok entry for the winner, one failed entry for the loser, nothing else.
            let added = try test.auditEntries().dropFirst(entriesBefore)
            #expect(added.map(\.outcome).sorted { $0.rawValue < $1.rawValue } == [.failed, .ok])
            let row = try test.loanRow(loan.id)
            if case .failure(let error) = results[0] {
                #expect(error.kind == .failure)
                #expect(
                    error.message
                        == "loan \(loan.id) is denied with no renewal waiting; only requests and renewals can be approved"
                )
                #expect(row.status == "denied" && row.decidedBy == "quinn" && row.dueAt == nil)
                #expect(try BorrowingRegister.show(loan.id, session: test.session).reason == "raced")
            }
            if case .failure(let error) = results[1] {
                #expect(error.kind == .failure)
                #expect(
                    error.message
                        == "loan \(loan.id) is active with no renewal waiting; only requests and renewals can be denied"
                )
                #expect(row.status == "active" && row.decidedBy == test.approverName && row.dueAt != nil)
                #expect(row.reasonSealed == nil)
            }
        }
        try Self.expectChainIntact(test)
    }

    /// Approver A approves while admin B, on another connection, revokes the same request.
    ///
    /// Revoking an approved loan is allowed, so the revocation always succeeds: either before the
    /// approval (which is then refused) or after it (both succeed). Either way the loan ends revoked,
    /// carrying a due date exactly when the approval went through.
    @Test("Approve and revoke racing on two connections leave a consistent row")
    func approveRacesRevoke() throws {
        let test = try TestVault()
        let approverA = try test.approver()
        let otherConnection = try Vault.open(test.location)
        let adminB = try Session.open(
            vault: otherConnection, userName: "alice", credential: .keyFile(test.creation.keyFilePath))
        let reference = try test.fileText("x")
        for _ in 0..<6 {
            let loan = try test.request([reference])
            let results = Self.race(
                { _ = try Borrowing.approve(loan.id, days: nil, session: approverA) },
                { _ = try Borrowing.revoke(loan.id, reason: "raced", session: adminB) })
            #expect((try? results[1].get()) != nil, "\(results)")
            let row = try test.loanRow(loan.id)
            #expect(row.status == "revoked")
            #expect(row.closedBy == "alice")
            switch results[0] {
            case .success:
                #expect(row.decidedBy == test.approverName && row.dueAt != nil)
            case .failure(let error):
                #expect(
                    error.message
                        == "loan \(loan.id) is revoked with no renewal waiting; only requests and renewals can be approved"
                )
                #expect(row.decidedBy == nil && row.dueAt == nil)
            }
            try test.expectGetRefused(
                reference, message: "loan \(loan.id) for \(reference) was revoked",
                details: "output=file; loan=\(loan.id); refused=revoked")
        }
        try Self.expectChainIntact(test)
    }

    /// The borrower returns a loan while admin B, on another connection, revokes it.
    @Test("Return and revoke racing on two connections: exactly one wins")
    func returnRacesRevoke() throws {
        let test = try TestVault()
        let otherConnection = try Vault.open(test.location)
        let adminB = try Session.open(
            vault: otherConnection, userName: "alice", credential: .keyFile(test.creation.keyFilePath))
        let reference = try test.fileText("x")
        for _ in 0..<6 {
            let loan = try test.lend(reference)
            let results = Self.race(
                { _ = try Borrowing.returnLoan(loan.id, session: test.session) },
                { _ = try Borrowing.revoke(loan.id, reason: "raced", session: adminB) })
            #expect(results.filter { (try? $0.get()) != nil }.count == 1, "\(results)")
            let row = try test.loanRow(loan.id)
            if case .failure(let error) = results[0] {
                #expect(error.message == "loan \(loan.id) is revoked, not out on loan; nothing to return")
                #expect(row.status == "revoked" && row.returnedBy == nil)
            }
            if case .failure(let error) = results[1] {
                #expect(error.message == "loan \(loan.id) is returned; only requests and active loans can be revoked")
                #expect(row.status == "returned" && row.closedBy == nil)
            }
        }
        try Self.expectChainIntact(test)
    }

    /// Verifies the whole audit chain through `audit verify`, as an auditor would.
    private static func expectChainIntact(_ test: TestVault, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let auditor = try test.user("audrey", roles: [.auditor])
        let count = try test.auditCount()
        let result = try AuditQueries.verify(anchor: nil, session: auditor)
        #expect(result.firstBroken == nil, "\(result.problem ?? "")", sourceLocation: sourceLocation)
        #expect(result.entries == count, sourceLocation: sourceLocation)
        let seqs = try test.auditEntries().map(\.seq)
        #expect(seqs == Array(1...seqs.count), sourceLocation: sourceLocation)
    }
}

/// Two bodies run on two threads released at the same moment; the results are read after both end.
///
/// Each body uses a session on a database connection of its own, which is what makes sharing
/// them across threads safe here, hence `@unchecked Sendable`.
private final class Race: @unchecked Sendable {
    private let bodies: [() throws -> Void]
    private let lock = NSLock()
    private var outcomes: [Int: Result<Void, VaultError>] = [:]
    private let ready = DispatchSemaphore(value: 0)
    private let start = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(_ bodies: [() throws -> Void]) {
        self.bodies = bodies
    }

    /// How each body ended, in order; an error other than `VaultError` is a test failure.
    var results: [Result<Void, VaultError>] {
        lock.withLock { (0..<bodies.count).map { outcomes[$0] ?? .failure(VaultError(.failure, "did not run")) } }
    }

    func run() {
        for index in bodies.indices {
            Thread { [self] in
                ready.signal()
                start.wait()
                let outcome: Result<Void, VaultError>
                do {
                    try bodies[index]()
                    outcome = .success(())
                } catch let error as VaultError {
                    outcome = .failure(error)
                } catch {
                    outcome = .failure(VaultError(.failure, "unexpected \(error)"))
                }
                lock.withLock { outcomes[index] = outcome }
                done.signal()
            }.start()
        }
        for _ in bodies { ready.wait() }
        for _ in bodies { start.signal() }
        for _ in bodies { done.wait() }
    }
}
