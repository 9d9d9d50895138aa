import Foundation

// MERGE POINT for issue 8's import row. `docvault import` and `benchImport()` (ImportScenario.swift) are
// being built on another branch. At merge, replace the body below with a call that returns the import row:
// `docvault import` of 10,000 x 100 KiB from a manifest beside `cp -r` + `sync`, target `.atMost(2, times: "cp -r + sync")`.

/// The `import` row: "not available in this build" until `docvault import` exists.
func benchImportSlot(_ settings: SuiteSettings) throws -> [SuiteRow] {
    let help = measure([docvault, "import", "--help"])
    let note =
        help.status == 0
        ? "docvault import exists: wire benchImport() in ImportSlot.swift" : "not available in this build"
    return [
        SuiteRow(
            scenario: "import 10,000 x 100 KiB", targets: [.atMost(2, times: "cp -r + sync")], note: note)
    ]
}
