import FoundationEssentials

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
            .map { $0.trimmingSpaces().lowercased() }
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
    /// Which roles may take `action`: the table itself, one case per action.
    ///
    /// A switch rather than a dictionary: the compiler insists on a row for every action, and
    /// building a dictionary of sets cost 0.83 M instructions at the start of every command (callgrind).
    public static func allowed(_ action: Action) -> [Role] {
        switch action {
        case .file: [.archivist]
        // Importing is filing in bulk: the same roles.
        case .import: [.archivist]
        case .get: [.archivist, .staff, .approver, .compliance]
        case .show: [.archivist, .staff, .approver, .compliance, .auditor]
        case .list: [.archivist, .staff, .approver, .compliance, .auditor]
        case .search: [.archivist, .staff, .approver, .compliance, .auditor]
        case .userAdd: [.admin]
        case .userList: [.admin, .auditor]
        case .userShow: [.admin, .auditor]
        case .userRoles: [.admin]
        case .userDisable: [.admin]
        case .userEnable: [.admin]
        case .passwd: Role.allCases
        case .auditLog: [.auditor, .compliance, .admin]
        case .auditVerify: [.auditor, .compliance, .admin]
        case .auditHead: [.auditor, .compliance, .admin]
        case .borrowRequest: [.archivist, .staff, .approver, .compliance]
        case .borrowApprove: [.approver]
        case .borrowDeny: [.approver]
        case .borrowReturn: [.archivist, .staff, .approver, .compliance]
        case .borrowRenew: [.archivist, .staff, .approver, .compliance]
        case .borrowRevoke: [.approver, .admin]
        case .borrowList: Role.allCases
        case .borrowShow: Role.allCases
        case .borrowSettings: Role.allCases
        case .borrowSettingsChange: [.compliance, .admin]
        case .retentionRules: Role.allCases
        case .retentionSet: [.compliance]
        case .retentionDue: [.compliance, .archivist, .auditor]
        case .retentionExplain: [.compliance, .archivist, .auditor]
        case .eventRecord: [.archivist]
        case .eventList: [.archivist, .compliance, .auditor, .approver]
        case .holdPlace: [.compliance]
        case .holdRelease: [.approver]
        case .holdList: [.compliance, .approver, .archivist, .auditor]
        case .purgePropose: [.compliance]
        case .purgeShow: [.compliance, .approver, .auditor]
        case .purgeApprove: [.approver]
        case .purgeReject: [.approver]
        case .purgeStrike: [.compliance, .approver]
        case .purgeExecute: [.compliance]
        case .purgeRegister: [.compliance, .auditor]
        case .verify: [.admin, .compliance, .auditor]
        case .verifyRepair: [.admin]
        case .keyRotate: [.admin]
        case .keyStatus: [.admin, .compliance, .auditor]
        case .keyReplaceMaster: [.admin]
        case .backup: [.admin]
        case .restore: [.admin]
        case .customerAdd: [.archivist]
        case .customerUpdate: [.archivist]
        case .customerShow: [.archivist, .staff, .compliance, .auditor]
        case .customerList: [.archivist, .staff, .compliance, .auditor]
        case .customerHistory: [.archivist, .compliance, .auditor]
        case .customerReassign: [.archivist, .admin]
        case .dossierShow: [.archivist, .staff, .approver, .compliance, .auditor]
        case .completenessRules: [.archivist, .staff, .approver, .compliance, .auditor]
        case .completenessSet: [.compliance]
        case .completenessCheck: [.archivist, .compliance, .auditor, .approver]
        case .export: [.archivist, .staff, .approver, .compliance]
        case .reportSummary: [.admin, .compliance, .auditor]
        case .reportAccess: [.admin, .auditor, .compliance]
        }
    }

    /// Roles that see the whole borrowing register; others see only their own loans.
    public static let registerReaders: Set<Role> = [.archivist, .approver, .compliance, .auditor, .admin]

    /// Whether someone holding `roles` may take `action`.
    public static func allows(_ roles: [Role], _ action: Action) -> Bool {
        let allowed = allowed(action)
        return roles.contains { allowed.contains($0) }
    }

    /// The roles that may take `action`, in declaration order.
    public static func roles(for action: Action) -> [Role] {
        let allowed = allowed(action)
        return Role.allCases.filter { allowed.contains($0) }
    }
}
