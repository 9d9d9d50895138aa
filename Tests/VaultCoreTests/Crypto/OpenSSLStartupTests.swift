import COpenSSL
import Testing

@testable import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

@Suite("OpenSSL start-up thread")
struct OpenSSLStartupTests {
    /// A CPU set holding exactly `cpus`.
    func set(_ cpus: [Int]) -> cpu_set_t {
        var set = cpu_set_t()
        withUnsafeMutableBytes(of: &set) { raw in
            let words = raw.bindMemory(to: UInt.self)
            for cpu in cpus { words[cpu / UInt.bitWidth] |= 1 << UInt(cpu % UInt.bitWidth) }
        }
        return set
    }

    /// The CPU numbers in `set`.
    func members(_ set: cpu_set_t?) -> [Int] {
        guard var set else { return [] }
        return withUnsafeBytes(of: &set) { raw in
            let words = raw.bindMemory(to: UInt.self)
            return (0..<(words.count * UInt.bitWidth)).filter { cpu in
                words[cpu / UInt.bitWidth] & (1 << UInt(cpu % UInt.bitWidth)) != 0
            }
        }
    }

    @Test func theThreadMayUseEveryAllowedCPUButTheCurrentOne() {
        #expect(members(OpenSSLStartup.otherCPUs(than: 0, in: set([0, 1]))) == [1])
        #expect(members(OpenSSLStartup.otherCPUs(than: 1, in: set([0, 1, 2, 3]))) == [0, 2, 3])
        // Bits past the first machine word are kept and cleared like the others.
        #expect(members(OpenSSLStartup.otherCPUs(than: 70, in: set([3, 70, 130]))) == [3, 130])
        // A current CPU outside the allowed set leaves the set as it was.
        #expect(members(OpenSSLStartup.otherCPUs(than: 5, in: set([0, 1]))) == [0, 1])
    }

    @Test func noSetIsGivenWhenNoOtherCPUIsAllowed() {
        #expect(OpenSSLStartup.otherCPUs(than: 2, in: set([2])) == nil)
        #expect(OpenSSLStartup.otherCPUs(than: -1, in: set([0, 1])) == nil)
        #expect(OpenSSLStartup.otherCPUs(than: 1 << 20, in: set([0, 1])) == nil)
    }

    @Test func theSystemConfigurationIsReadOnlyWhenOPENSSL_CONFNamesOne() {
        let unset = OpenSSLStartup.initOptions(configFile: false)
        let named = OpenSSLStartup.initOptions(configFile: true)
        #expect(unset & UInt64(OPENSSL_INIT_NO_LOAD_CONFIG) != 0)
        #expect(named & UInt64(OPENSSL_INIT_NO_LOAD_CONFIG) == 0)
        // Neither registers OpenSSL's exit-time clean-up, which would free its tables under the start-up thread.
        #expect(unset & UInt64(OPENSSL_INIT_NO_ATEXIT) != 0)
        #expect(named & UInt64(OPENSSL_INIT_NO_ATEXIT) != 0)
    }
}
