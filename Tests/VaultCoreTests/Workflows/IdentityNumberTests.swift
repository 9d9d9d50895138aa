import Testing

@testable import VaultCore

@Suite("Identity numbers")
struct IdentityNumberTests {
    @Test("Resident ID check digits (ISO 7064 MOD 11-2), X included")
    func residentCheckDigits() {
        #expect(IdentityNumber.problem("11010519491231002X", kind: .individual) == nil)
        #expect(IdentityNumber.problem("110105 19491231 002x", kind: .individual) == nil)
        #expect(IdentityNumber.problem("440524188001010014", kind: .individual) == nil)
        for wrong in ["110105194912310021", "440524188001010015", "11010519491231003X"] {
            #expect(
                IdentityNumber.problem(wrong, kind: .individual)?.contains("fails its check digit") == true, "\(wrong)")
        }
    }

    @Test("Unified social credit codes (GB 32100-2015 MOD 31)")
    func creditCodes() {
        #expect(IdentityNumber.problem("91350100M000100Y43", kind: .corporate) == nil)
        #expect(IdentityNumber.problem("91350100M000100Y44", kind: .corporate)?.contains("check character") == true)
        // A credit code is not checked as a resident ID, nor the other way round.
        #expect(IdentityNumber.problem("91350100M000100Y43", kind: .individual) == nil)
    }

    @Test("Other identifiers are accepted by shape only")
    func otherShapes() {
        #expect(IdentityNumber.problem("G12345678", kind: .individual) == nil)
        #expect(IdentityNumber.problem("110105491231002", kind: .individual) == nil)
        #expect(IdentityNumber.problem("G1", kind: .individual) != nil)
        #expect(IdentityNumber.problem("G123/45678", kind: .individual) != nil)
        #expect(IdentityNumber.problem(String(repeating: "1", count: 33), kind: .individual) != nil)
    }

    @Test("Masking keeps three leading and four trailing characters")
    func masking() {
        #expect(IdentityNumber.masked("11010519491231002x") == "110***********002X")
        #expect(IdentityNumber.masked("G12345678") == "G12**5678")
        #expect(IdentityNumber.masked("ABC1234") == "*******")
    }
}
