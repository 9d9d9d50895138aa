import Foundation
import VaultCore

/// `show REF`, `search --policy NO` and `search --customer-id ID` at the seeded size, each a whole process,
/// beside the hello-world process measured in the same runs.
///
/// `show` names the document filed by `docvault file` after seeding; the policy and customer
/// ID each match a handful of seeded rows and that document.
func benchLookup(_ settings: SuiteSettings) throws -> [SuiteRow] {
    let archive = try seededArchive(settings)
    let env = archive.environment("clerk")
    let size = countLabel(settings.documents)
    let commands: [(String, [String])] = [
        ("show REF at \(size)", ["show", archive.realReference]),
        ("search --policy at \(size)", ["search", "--policy", archive.seeded.samplePolicy]),
        ("search --customer-id at \(size)", ["search", "--customer-id", archive.seeded.sampleCustomerID]),
    ]
    var times = commands.map { _ in [Measurement]() }
    var hellos: [Double] = []
    for _ in 1...settings.runs {
        hellos += helloTimes(1)
        for (index, command) in commands.enumerated() {
            let run = measure([docvault] + command.1, environment: env, wrapped: false)
            require(run, "docvault \(command.1.joined(separator: " "))")
            times[index].append(run)
        }
    }
    return commands.enumerated().map { index, command in
        var result = row(
            command.0, times[index], references: [("hello", hellos)], targets: [.atMost(3, times: "hello")])
        result.peakKiB = peakKiB([docvault] + command.1, environment: env)
        return result
    }
}

/// 1,000,000 as `1M`, 20,000 as `20k`.
func countLabel(_ count: Int) -> String {
    count >= 1_000_000 && count % 1_000_000 == 0
        ? "\(count / 1_000_000)M" : count >= 1000 && count % 1000 == 0 ? "\(count / 1000)k" : String(count)
}
