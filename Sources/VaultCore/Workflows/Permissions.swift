import Foundation

/// The roles of DESIGN.md section 1; a user may hold several.
public enum Role: String, CaseIterable, Sendable, Codable {
    case admin
    case archivist
    case approver
    case compliance
    case auditor
    case staff

    /// Parses a comma-separated role list; throws a usage error naming an unknown role.
    public static func parseList(_ text: String) throws -> [Role] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !names.isEmpty, !names.contains(where: \.isEmpty) else {
            throw VaultError.usage("give at least one role: \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var roles: [Role] = []
        for name in names {
            guard let role = Role(rawValue: name) else {
                throw VaultError.usage(
                    "unknown role '\(name)'; use \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if !roles.contains(role) { roles.append(role) }
        }
        return roles
    }
}

/// Everything a person can ask docvault to do; each is one row of the permission table.
public enum Action: String, CaseIterable, Sendable {
    case file
    case `import`
    case get
    case show
    case list
    case search
    case userAdd = "user.add"
    case userList = "user.list"
    case userShow = "user.show"
    case userRoles = "user.roles"
    case userDisable = "user.disable"
    case userEnable = "user.enable"
    case passwd
    case auditLog = "audit.log"
    case auditVerify = "audit.verify"
    case auditHead = "audit.head"
    case borrowRequest = "borrow.request"
    case borrowApprove = "borrow.approve"
    case borrowDeny = "borrow.deny"
    case borrowReturn = "borrow.return"
    case borrowRenew = "borrow.renew"
    case borrowRevoke = "borrow.revoke"
    case borrowList = "borrow.list"
    case borrowShow = "borrow.show"
    case borrowSettings = "borrow.settings"
    case borrowSettingsChange = "borrow.settings.change"
    case retentionRules = "retention.rules"
    case retentionSet = "retention.set"
    case retentionDue = "retention.due"
    case retentionExplain = "retention.explain"
    case eventRecord = "event.record"
    case eventList = "event.list"
    case holdPlace = "hold.place"
    case holdRelease = "hold.release"
    case holdList = "hold.list"
    case purgePropose = "purge.propose"
    case purgeShow = "purge.show"
    case purgeApprove = "purge.approve"
    case purgeReject = "purge.reject"
    case purgeStrike = "purge.strike"
    case purgeExecute = "purge.execute"
    case purgeRegister = "purge.register"
    case verify
    case verifyRepair = "verify.repair"
    case keyRotate = "key.rotate"
    case keyStatus = "key.status"
    case keyReplaceMaster = "key.replace-master"
    case backup
    case restore
    case customerAdd = "customer.add"
    case customerUpdate = "customer.update"
    case customerShow = "customer.show"
    case customerList = "customer.list"
    case customerHistory = "customer.history"
    case customerReassign = "customer.reassign"
    case dossierShow = "dossier.show"
    case completenessRules = "completeness.rules"
    case completenessSet = "completeness.set"
    case completenessCheck = "completeness.check"
    case export
    case reportSummary = "report.summary"
    case reportAccess = "report.access"
}

/// The one permission table that decides every command (DESIGN.md section 1).
///
/// Reading content (`get`) is for roles that work with documents, and only through
/// an active loan (``Borrowing``); the admin role gives no content or catalogue
/// access; auditors read the log and the registers, not the files.
public enum Permissions {
    /// Which roles may take each action.
    public static let table: [Action: Set<Role>] = [
        .file: [.archivist],
        // Importing is filing in bulk: the same roles.
        .import: [.archivist],
        .get: [.archivist, .staff, .approver, .compliance],
        .show: [.archivist, .staff, .approver, .compliance, .auditor],
        .list: [.archivist, .staff, .approver, .compliance, .auditor],
        .search: [.archivist, .staff, .approver, .compliance, .auditor],
        .userAdd: [.admin],
        .userList: [.admin, .auditor],
        .userShow: [.admin, .auditor],
        .userRoles: [.admin],
        .userDisable: [.admin],
        .userEnable: [.admin],
        .passwd: Set(Role.allCases),
        .auditLog: [.auditor, .compliance, .admin],
        .auditVerify: [.auditor, .compliance, .admin],
        .auditHead: [.auditor, .compliance, .admin],
        .borrowRequest: [.archivist, .staff, .approver, .compliance],
        .borrowApprove: [.approver],
        .borrowDeny: [.approver],
        .borrowReturn: [.archivist, .staff, .approver, .compliance],
        .borrowRenew: [.archivist, .staff, .approver, .compliance],
        .borrowRevoke: [.approver, .admin],
        .borrowList: Set(Role.allCases),
        .borrowShow: Set(Role.allCases),
        .borrowSettings: Set(Role.allCases),
        .borrowSettingsChange: [.compliance, .admin],
        .retentionRules: Set(Role.allCases),
        .retentionSet: [.compliance],
        .retentionDue: [.compliance, .archivist, .auditor],
        .retentionExplain: [.compliance, .archivist, .auditor],
        .eventRecord: [.archivist],
        .eventList: [.archivist, .compliance, .auditor, .approver],
        .holdPlace: [.compliance],
        .holdRelease: [.approver],
        .holdList: [.compliance, .approver, .archivist, .auditor],
        .purgePropose: [.compliance],
        .purgeShow: [.compliance, .approver, .auditor],
        .purgeApprove: [.approver],
        .purgeReject: [.approver],
        .purgeStrike: [.compliance, .approver],
        .purgeExecute: [.compliance],
        .purgeRegister: [.compliance, .auditor],
        .verify: [.admin, .compliance, .auditor],
        .verifyRepair: [.admin],
        .keyRotate: [.admin],
        .keyStatus: [.admin, .compliance, .auditor],
        .keyReplaceMaster: [.admin],
        .backup: [.admin],
        .restore: [.admin],
        .customerAdd: [.archivist],
        .customerUpdate: [.archivist],
        .customerShow: [.archivist, .staff, .compliance, .auditor],
        .customerList: [.archivist, .staff, .compliance, .auditor],
        .customerHistory: [.archivist, .compliance, .auditor],
        .customerReassign: [.archivist, .admin],
        .dossierShow: [.archivist, .staff, .approver, .compliance, .auditor],
        .completenessRules: [.archivist, .staff, .approver, .compliance, .auditor],
        .completenessSet: [.compliance],
        .completenessCheck: [.archivist, .compliance, .auditor, .approver],
        .export: [.archivist, .staff, .approver, .compliance],
        .reportSummary: [.admin, .compliance, .auditor],
        .reportAccess: [.admin, .auditor, .compliance],
    ]

    /// Roles that see the whole borrowing register; others see only their own loans.
    public static let registerReaders: Set<Role> = [.archivist, .approver, .compliance, .auditor, .admin]

    /// Whether someone holding `roles` may take `action`.
    public static func allows(_ roles: [Role], _ action: Action) -> Bool {
        guard let allowed = table[action] else { return false }
        return roles.contains { allowed.contains($0) }
    }

    /// The roles that may take `action`, in declaration order.
    public static func roles(for action: Action) -> [Role] {
        Role.allCases.filter { table[action]?.contains($0) ?? false }
    }
}
