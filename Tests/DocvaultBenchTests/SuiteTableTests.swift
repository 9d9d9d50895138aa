import Testing

@testable import docvault_bench

/// The suite table's medians, ratios, target verdicts and layout.
@Suite struct SuiteTableTests {
    @Test func medianOfOddEvenAndNoValues() {
        #expect(median([3, 1, 2]) == 2)
        #expect(median([4, 1, 3, 2]) == 2.5)
        #expect(median([]) == 0)
    }

    @Test func ratioIsDocvaultOverTheNamedReference() throws {
        let row = SuiteRow(
            scenario: "file 1 GiB", seconds: 2.6,
            references: [ReferenceTime(tool: "dd", seconds: 2), ReferenceTime(tool: "age", seconds: 5.2)])
        #expect(try #require(row.ratio(to: "dd")) == 1.3)
        #expect(try #require(row.ratio(to: "age")) == 0.5)
        #expect(row.ratio(to: "gpg") == nil)
        #expect(SuiteRow(scenario: "x", seconds: nil, references: row.references).ratio(to: "dd") == nil)
        #expect(
            SuiteRow(scenario: "x", seconds: 1, references: [ReferenceTime(tool: "dd", seconds: 0)]).ratio(to: "dd")
                == nil)
    }

    @Test func targetsAreJudgedAtTheirBoundaries() {
        let atLimit = SuiteRow(
            scenario: "file", seconds: 1.3, references: [ReferenceTime(tool: "dd", seconds: 1)],
            targets: [.atMost(1.3, times: "dd")])
        #expect(atLimit.isMet(.atMost(1.3, times: "dd")) == true)
        #expect(atLimit.isMet(.atMost(1.2, times: "dd")) == false)
        #expect(atLimit.isMet(.fasterThan("dd")) == false)
        #expect(atLimit.isMet(.fasterThan("age")) == nil)
        #expect(atLimit.isMet(.report) == nil)
        let memory = SuiteRow(scenario: "peak", peakKiB: 64 * 1024)
        #expect(memory.isMet(.peakBelow(mebibytes: 64)) == false)
        #expect(SuiteRow(scenario: "peak", peakKiB: 64 * 1024 - 1).isMet(.peakBelow(mebibytes: 64)) == true)
    }

    @Test func verdictNeedsEveryJudgedTargetAndSkipsMissingTools() {
        var row = SuiteRow(
            scenario: "file", seconds: 1.2, references: [ReferenceTime(tool: "dd", seconds: 1)],
            targets: [.atMost(1.3, times: "dd"), .fasterThan("age")])
        // age is not installed: its target cannot be judged and does not fail the row.
        #expect(row.verdict == "yes")
        row.references.append(ReferenceTime(tool: "age", seconds: 1.1))
        #expect(row.verdict == "NO")
        #expect(SuiteRow(scenario: "report", seconds: 1).verdict == "-")
        #expect(
            SuiteRow(scenario: "import", note: "not available in this build").verdict == "not available in this build")
    }

    @Test func tableHasOneLinePerReferenceAndPaddedColumns() {
        let rows = [
            SuiteRow(
                scenario: "get 1 GiB", seconds: 2.5,
                references: [ReferenceTime(tool: "age -d", seconds: 2.5), ReferenceTime(tool: "cp", seconds: 0.5)],
                targets: [.atMost(1.2, times: "age -d")], peakKiB: 35 * 1024),
            SuiteRow(
                scenario: "import", targets: [.atMost(2, times: "cp -r + sync")], note: "not available in this build"),
        ]
        let cells = SuiteTable.cells(rows)
        #expect(cells.count == 3)
        #expect(cells[0] == ["get 1 GiB", "2.50 s", "age -d 2.50 s", "1.0x", "<= 1.2x age -d", "yes", "35 MiB"])
        #expect(cells[1] == ["", "", "cp 500.0 ms", "5.0x", "", "", ""])
        #expect(cells[2] == ["import", "-", "-", "-", "<= 2.0x cp -r + sync", "not available in this build", "-"])
        let lines = SuiteTable.render(rows).split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("| scenario"))
        #expect(Set(lines.map(\.count)).count == 1)
    }
}
