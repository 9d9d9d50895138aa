import Foundation
import Testing

@testable import VaultCore

/// The permission table against DESIGN.md section 1, and the role list parser.
@Suite("Permissions")
struct PermissionsTests {
    /// The intended matrix, written out independently of `Permissions.allowed(_:)`.
    ///
    /// archivist files; reading content is for the roles that work with documents
    /// (archivist, staff, approver, compliance), never for admin or auditor; the
    /// catalogue (show, list, search) is also open to auditors; admins manage users;
    /// auditors may see users; the audit log is for auditor, compliance and admin;
    /// everyone may change their own credential. Loans are requested, returned and renewed by the roles
    /// that read content, decided only by approvers, revoked by approvers and admins; everyone may read
    /// the register (non-readers see only their own loans), and compliance or admins set the loan periods.
    private static let expected: [(Action, Set<Role>)] = [
        (.file, [.archivist]),
        (.import, [.archivist]),
        (.get, [.archivist, .staff, .approver, .compliance]),
        (.show, [.archivist, .staff, .approver, .compliance, .auditor]),
        (.list, [.archivist, .staff, .approver, .compliance, .auditor]),
        (.search, [.archivist, .staff, .approver, .compliance, .auditor]),
        (.userAdd, [.admin]),
        (.userList, [.admin, .auditor]),
        (.userShow, [.admin, .auditor]),
        (.userRoles, [.admin]),
        (.userDisable, [.admin]),
        (.userEnable, [.admin]),
        (.passwd, [.admin, .archivist, .approver, .compliance, .auditor, .staff]),
        (.auditLog, [.auditor, .compliance, .admin]),
        (.auditVerify, [.auditor, .compliance, .admin]),
        (.auditHead, [.auditor, .compliance, .admin]),
        (.borrowRequest, [.archivist, .staff, .approver, .compliance]),
        (.borrowApprove, [.approver]),
        (.borrowDeny, [.approver]),
        (.borrowReturn, [.archivist, .staff, .approver, .compliance]),
        (.borrowRenew, [.archivist, .staff, .approver, .compliance]),
        (.borrowRevoke, [.approver, .admin]),
        (.borrowList, [.admin, .archivist, .approver, .compliance, .auditor, .staff]),
        (.borrowShow, [.admin, .archivist, .approver, .compliance, .auditor, .staff]),
        (.borrowSettings, Set(Role.allCases)),
        (.borrowSettingsChange, [.compliance, .admin]),
        (.retentionRules, Set(Role.allCases)),
        (.retentionSet, [.compliance]),
        (.retentionDue, [.compliance, .archivist, .auditor]),
        (.retentionExplain, [.compliance, .archivist, .auditor]),
        (.eventRecord, [.archivist]),
        (.eventList, [.archivist, .compliance, .auditor, .approver]),
        (.holdPlace, [.compliance]),
        (.holdRelease, [.approver]),
        (.holdList, [.compliance, .approver, .archivist, .auditor]),
        (.purgePropose, [.compliance]),
        (.purgeShow, [.compliance, .approver, .auditor]),
        (.purgeApprove, [.approver]),
        (.purgeReject, [.approver]),
        (.purgeStrike, [.compliance, .approver]),
        (.purgeExecute, [.compliance]),
        (.purgeRegister, [.compliance, .auditor]),
        (.verify, [.admin, .compliance, .auditor]),
        (.verifyRepair, [.admin]),
        (.keyRotate, [.admin]),
        (.keyStatus, [.admin, .compliance, .auditor]),
        (.keyReplaceMaster, [.admin]),
        (.backup, [.admin]),
        (.restore, [.admin]),
        (.customerAdd, [.archivist]),
        (.customerUpdate, [.archivist]),
        (.customerShow, [.archivist, .staff, .compliance, .auditor]),
        (.customerList, [.archivist, .staff, .compliance, .auditor]),
        (.customerHistory, [.archivist, .compliance, .auditor]),
        (.customerReassign, [.archivist, .admin]),
        (.dossierShow, [.archivist, .staff, .approver, .compliance, .auditor]),
        (.completenessRules, [.archivist, .staff, .approver, .compliance, .auditor]),
        (.completenessSet, [.compliance]),
        (.completenessCheck, [.archivist, .compliance, .auditor, .approver]),
        (.export, [.archivist, .staff, .approver, .compliance]),
        (.reportSummary, [.admin, .compliance, .auditor]),
        (.reportAccess, [.admin, .auditor, .compliance]),
    ]

    @Test("Every (role, action) pair is decided as the intended matrix says")
    func matrix() {
        #expect(Set(Self.expected.map(\.0)) == Set(Action.allCases))
        #expect(Self.expected.count == Action.allCases.count)
        for (action, allowed) in Self.expected {
            for role in Role.allCases {
                #expect(
                    Permissions.allows([role], action) == allowed.contains(role), "\(role.rawValue) \(action.rawValue)")
            }
            #expect(Permissions.roles(for: action) == Role.allCases.filter { allowed.contains($0) })
        }
    }

    @Test("The admin role gives no content or catalogue access; passwd is open to every role")
    func adminHasNoContentAccess() {
        for action in [Action.file, .get, .show, .list, .search] {
            #expect(!Permissions.allows([.admin], action), "\(action)")
        }
        for role in Role.allCases {
            #expect(Permissions.allows([role], .passwd), "\(role)")
        }
        #expect(!Permissions.allows([.auditor], .get))
        #expect(!Permissions.allows([.auditor], .file))
    }

    @Test("Several roles combine; no roles allow nothing")
    func roleUnion() {
        #expect(Permissions.allows([.admin, .staff], .get))
        #expect(Permissions.allows([.staff, .admin], .userAdd))
        #expect(!Permissions.allows([.staff, .auditor], .file))
        for action in Action.allCases {
            #expect(!Permissions.allows([], action), "\(action)")
        }
    }

    @Test("A session holding only admin is refused content work and each refusal is logged")
    func adminSessionRefused() throws {
        let test = try TestVault()
        let reference = try test.fileText("content")
        let before = try test.auditCount()
        let output = test.folder.path + "/out.txt"
        let attempts: [(String, () throws -> Void)] = [
            ("get", { try Retrieval.get(reference, to: .file(output, overwrite: false), session: test.adminSession) }),
            ("show", { _ = try CatalogQueries.show(reference, session: test.adminSession) }),
            ("list", { _ = try CatalogQueries.list(DocumentFilter(), session: test.adminSession) }),
            ("search", { _ = try CatalogQueries.search(SearchCriteria(), session: test.adminSession) }),
            ("file", { try test.fileAs(test.adminSession, [try test.input("x.txt", text: "x")]) }),
        ]
        for (action, attempt) in attempts {
            let error = #expect(throws: VaultError.self, "\(action)") { try attempt() }
            #expect(error?.kind == .permissionDenied, "\(action)")
            #expect(error?.exitCode == 77, "\(action)")
        }
        #expect(!FileManager.default.fileExists(atPath: output))
        let added = try test.auditEntries().dropFirst(before)
        #expect(added.map(\.action) == attempts.map(\.0))
        #expect(added.allSatisfy { $0.outcome == .denied && $0.actor == "alice" && $0.mac != nil })
        #expect(added.first?.target == reference)
        #expect(added.first?.details.contains("needs the role archivist, approver, compliance, staff") == true)
        #expect(try test.documentCount() == 1)
    }

    @Test("Role lists parse case- and space-insensitively and collapse duplicates")
    func parseList() throws {
        #expect(try Role.parseList("archivist") == [.archivist])
        #expect(try Role.parseList(" Archivist , STAFF") == [.archivist, .staff])
        #expect(try Role.parseList("staff,staff,Staff,auditor") == [.staff, .auditor])
        #expect(try Role.parseList(Role.allCases.map(\.rawValue).joined(separator: ",")) == Role.allCases)
    }

    @Test("Unknown roles and empty lists or entries are usage errors", arguments: ["wizard", "staff,root", "admins"])
    func parseListUnknown(text: String) throws {
        let error = #expect(throws: VaultError.self) { _ = try Role.parseList(text) }
        #expect(error?.kind == .usage)
        #expect(error?.message.contains("unknown role") == true)
    }

    @Test("Empty role lists and empty entries are refused", arguments: ["", " ", ",", " , ", "admin,,staff", "admin,"])
    func parseListEmpty(text: String) throws {
        let error = #expect(throws: VaultError.self) { _ = try Role.parseList(text) }
        #expect(error?.kind == .usage)
    }
}
