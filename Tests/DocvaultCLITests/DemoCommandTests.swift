import Foundation
import Testing

/// `docvault demo`: the walk-through a newcomer runs first must work from an empty folder, twice.
@Suite("docvault demo")
struct DemoCommandTests {
    @Test func demoRunsEveryStepAndCanRunAgain() throws {
        let sandbox = try Sandbox()
        let first = try sandbox.run(["demo"])
        #expect(first.status == 0, "\(first)")
        let lines = first.stdout.split(separator: "\n").map(String.init)
        func has(_ fragment: String) -> Bool { lines.contains { $0.contains(fragment) } }
        // Content needs a loan: refused before, granted by someone else, refused again after the return.
        #expect(has("wang: refused (exit 77): no loan of yours covers J001-CL-2024-D10-0001"))
        #expect(has("wang approves his own loan: refused (exit 77)"))
        #expect(has("zhao approves loan 1; due "))
        #expect(has("retrieved content matches the original"))
        #expect(has("wang: refused (exit 77): loan 1 for J001-CL-2024-D10-0001 was returned"))
        #expect(
            lines.contains { $0.hasPrefix("#1  wang  archivist,staff") && $0.hasSuffix("approved by zhao  returned") })
        // A legal hold covers the claim; its placer cannot release it, another approver can.
        #expect(has("hold 1 on claim C2024-0031: covers 3 documents"))
        #expect(has("docvault show J001-CL-2024-D10-0001: legal holds [1]"))
        #expect(has("qian releases her own hold: refused (exit 77)"))
        #expect(has("zhao releases hold 1: released"))
        // Events start the retention clocks; the short-term policy gets 5 years, the claim 10 after the later event.
        #expect(has("verdict: due since 2034-08-14"))
        #expect(has("J001-UW-2023-D10-0001  5 y after policy-terminated  trigger 2024-08-14  due 2029-08-14  due"))
        #expect(lines.filter { $0.contains("10 y after claim-and-policy  trigger 2024-08-14") }.count == 3)
        // Destruction needs another person's approval, then the document is gone and says so.
        #expect(has("qian approves her own batch: refused (exit 77)"))
        #expect(has("1 shredded (data key erased, blob deleted), register filed as J001-OT-"))
        #expect(has("wang: exit 66: J001-UW-2023-D10-0001 was destroyed by destruction batch 1 on "))
        // A ledger with Chinese headers is imported, then recognised row by row when imported again.
        #expect(has("line 2  J001-HR-2024-D5-0001  filed  contract-1.pdf"))
        #expect(has("line 4  J001-HR-2024-D5-0003  filed  contract-3.pdf"))
        #expect(has("import again: 0 filed, 3 skipped as already imported"))
        #expect(has("no customer name appears in the catalogue file"))
        #expect(has("docvault audit verify: intact"))
        // The reports: the page goes to the scratch folder, never the vault; the access report shows refusals.
        #expect(has("10 active documents in 5 categories; 0 requested, 0 active, 0 overdue loans; wrote "))
        #expect(has("wang get denied output=file; refused=no-loan"))
        #expect(has("CL: 4 ok, 2 denied, 0 failed"))
        let vaultFiles = (try? FileManager.default.subpathsOfDirectory(atPath: sandbox.work + "/vault")) ?? []
        #expect(!vaultFiles.isEmpty && !vaultFiles.contains { $0.hasSuffix(".html") })
        #expect(!has("MISMATCH"))
        #expect(FileManager.default.fileExists(atPath: sandbox.work + "/vault/demo/catalog.sqlite"))

        // Running it again replaces the previous demo vault and tells the same story.
        let second = try sandbox.run(["demo"])
        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.contains("zhao releases hold 1: released"))
    }

    @Test func demoNeverReplacesARealVault() throws {
        let sandbox = try Sandbox()
        try sandbox.initVault()
        let before = try TreeSnapshot(sandbox.vault)
        let refused = try sandbox.run(["demo", "--vault", sandbox.vault, "--keys", sandbox.keys])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("the demo only replaces its own demo vault"))
        #expect(refused.stderr.hasPrefix("error: "))
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused)")
        #expect(try TreeSnapshot(sandbox.vault) == before)
    }
}
