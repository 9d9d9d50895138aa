/// Domain-separation labels and associated-data layouts of the key hierarchy (FileFormat.md, "Keys").
package enum KeyLabels {
    static let keyfileSlot = Array("docvault/v1/keyslot/keyfile".utf8)
    static let recoverySlot = Array("docvault/v1/keyslot/recovery".utf8)
    static let audit = Array("docvault/v1/audit".utf8)

    /// AAD of a loan's sealed purpose or reason.
    static func loanAAD(vaultID: [UInt8], loanID: Int, field: String) -> [UInt8] {
        Array("docvault/v1/loan".utf8) + [0] + vaultID + bigEndianBytes(UInt64(loanID)) + Array(field.utf8)
    }

    /// AAD of a legal hold's sealed reason or release reason.
    static func holdAAD(vaultID: [UInt8], holdID: Int, field: String) -> [UInt8] {
        Array("docvault/v1/hold".utf8) + [0] + vaultID + bigEndianBytes(UInt64(holdID)) + Array(field.utf8)
    }

    /// AAD of a destruction batch's sealed free text (`reject_reason`, `reason:DOCUMENT-ID`).
    static func batchAAD(vaultID: [UInt8], batchID: Int, field: String) -> [UInt8] {
        Array("docvault/v1/destruction".utf8) + [0] + vaultID + bigEndianBytes(UInt64(batchID)) + Array(field.utf8)
    }

    /// AAD of a customer's sealed record (`record`) or of one sealed change (`change:ID`).
    static func customerAAD(vaultID: [UInt8], customerUID: [UInt8], field: String) -> [UInt8] {
        Array("docvault/v1/customer".utf8) + [0] + vaultID + customerUID + Array(field.utf8)
    }

    /// AAD of an audit entry's sealed sensitive details.
    static func auditAAD(vaultID: [UInt8], seq: Int) -> [UInt8] {
        Array("docvault/v1/audit".utf8) + [0] + vaultID + bigEndianBytes(UInt64(seq))
    }

    /// AAD of an audit-chain key kept in `audit_keys`, bound to the first entry it MACs.
    static func auditKeyAAD(vaultID: [UInt8], firstSeq: Int) -> [UInt8] {
        Array("docvault/v1/audit-key".utf8) + [0] + vaultID + bigEndianBytes(UInt64(firstSeq))
    }

    /// AAD of a keyslot's wrapped master key.
    package static func keyslotAAD(vaultID: [UInt8], kind: String, user: String) -> [UInt8] {
        Array("docvault/v1/keyslot".utf8) + [0] + vaultID + Array(kind.utf8) + [0] + Array(user.utf8)
    }

    /// AAD of a vault key (data-key-wrap, field-seal, blind-index) wrapped by the master key.
    static func vaultKeyAAD(vaultID: [UInt8], purpose: String, epoch: UInt32) -> [UInt8] {
        Array("docvault/v1/vault-key".utf8) + [0] + vaultID + Array(purpose.utf8) + [0] + bigEndianBytes(epoch)
    }

    /// AAD of a document's wrapped data key.
    static func dataKeyAAD(vaultID: [UInt8], documentUID: [UInt8], version: UInt32, epoch: UInt32) -> [UInt8] {
        Array("docvault/v1/data-key".utf8) + [0] + vaultID + documentUID + bigEndianBytes(version)
            + bigEndianBytes(epoch)
    }

    /// AAD of a sealed catalogue field.
    static func fieldAAD(vaultID: [UInt8], documentUID: [UInt8], field: String) -> [UInt8] {
        Array("docvault/v1/field".utf8) + [0] + vaultID + documentUID + Array(field.utf8)
    }

    /// Message of a blind index: field name, zero byte, normalised value.
    static func blindIndexMessage(field: String, normalizedValue: String) -> [UInt8] {
        Array(field.utf8) + [0] + Array(normalizedValue.utf8)
    }
}
