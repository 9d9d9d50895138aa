import Testing

/// Checks the test-only hex codec.
@Suite("Hex (test support)")
struct HexTests {
    @Test("round trip and case-insensitive decoding")
    func roundTrip() throws {
        #expect(try Hex.decode("00ff10Ab") == [0x00, 0xff, 0x10, 0xab])
        #expect(Hex.encode([0x00, 0xff, 0x10, 0xab]) == "00ff10ab")
        #expect(try Hex.decode("").isEmpty)
    }

    @Test("malformed hex is refused")
    func malformed() {
        #expect(throws: Hex.DecodingError.oddLength) { try Hex.decode("abc") }
        #expect(throws: Hex.DecodingError.invalidDigit("g")) { try Hex.decode("0g") }
    }
}
