import FoundationEssentials
import VaultCore

/// The time source of a session: the system clock, or in debug builds a later time the tests set.
///
/// End-to-end tests move through due dates with `DOCVAULT_TEST_NOW=<ISO 8601 UTC time>`
/// instead of sleeping. Only debug builds (the ones `swift test` runs) read the
/// variable; release builds, the ones to install, never compile it in. Even in a
/// debug build it may only move the clock forward, which can end a loan early but
/// never extend one, and docvault says on stderr that it is in effect.
enum TestClock {
    /// The clock for a session under `environment`.
    static func from(_ environment: Variables) throws -> @Sendable () -> Date {
        #if DOCVAULT_TEST_CLOCK
            if let text = environment["DOCVAULT_TEST_NOW"] {
                guard let set = Timestamp.parse(text) else {
                    throw VaultError(.usage, "DOCVAULT_TEST_NOW must be a UTC time such as 2026-12-01T09:00:00Z")
                }
                guard set >= Date() else {
                    throw VaultError(.usage, "DOCVAULT_TEST_NOW may only move the clock forward, not back")
                }
                Console.err("warning: test clock in effect (debug build): now is \(text)")
                return { set }
            }
        #endif
        return { Date() }
    }
}
