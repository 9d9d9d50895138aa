import Foundation
import Testing

@testable import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

/// How filing reports what stopped it: a full disk is 74 with one message, a busy catalogue 75.
@Suite struct FilingErrorMappingTests {
    static let blobFull =
        "the disk is full (or a file size limit was hit) while writing the blob; nothing was filed; "
        + "free space on the vault's disk and file again"

    @Test(arguments: [ENOSPC, EFBIG, EDQUOT])
    func outOfSpaceWritingABlobIsAnIOError(code: Int32) {
        let mapped = Filing.map(POSIXFailure(operation: "write", path: "/v/blobs/tmp/x.partial", code: code))
        let error = mapped as? VaultError
        #expect(error?.kind == .ioError)
        #expect(error?.exitCode == 74)
        #expect(error?.message == Self.blobFull)
    }

    @Test func otherWriteFailuresStayFailuresNamingTheCall() {
        let error =
            Filing.map(POSIXFailure(operation: "fsync", path: "/v/blobs/tmp/x.partial", code: EIO))
            as? VaultError
        #expect(error?.kind == .failure)
        #expect(error?.message.hasPrefix("filing failed: fsync /v/blobs/tmp/x.partial: ") == true)
    }

    @Test func aFullCatalogueIsAnIOErrorNamingTheCatalogue() {
        for code: Int32 in [13, 4874] {
            let error = Filing.map(DatabaseError(code: code, message: "database or disk is full")) as? VaultError
            #expect(error?.kind == .ioError, "code \(code)")
            #expect(error?.message.contains("while writing the catalogue; nothing was filed") == true)
        }
    }

    @Test func aBusyCatalogueIsATemporaryFailure() {
        // SQLITE_BUSY and SQLITE_LOCKED, plain and extended (BUSY_SNAPSHOT).
        for code: Int32 in [5, 6, 517] {
            let error = Filing.map(DatabaseError(code: code, message: "database is locked")) as? VaultError
            #expect(error?.kind == .temporaryFailure, "code \(code)")
            #expect(error?.exitCode == 75)
            #expect(error?.message == "the catalogue is busy (another docvault is writing); try again")
        }
    }

    @Test func vaultErrorsPassThroughUnchanged() {
        let original = VaultError(.inputMissing, "no such file: a.pdf")
        let error = Filing.map(original) as? VaultError
        #expect(error?.kind == .inputMissing && error?.message == "no such file: a.pdf")
    }
}
