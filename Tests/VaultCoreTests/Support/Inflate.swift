/// A small DEFLATE (RFC 1951) and zlib (RFC 1950) decoder for compressed test vectors.
///
/// The package may link only libcrypto and sqlite3, so the tests carry their own
/// decoder. It follows the structure of Mark Adler's `puff.c`: canonical Huffman
/// codes decoded one bit at a time, which is slow per symbol but simple to check,
/// and the vectors it reads are small before decompression.
enum Inflate {
    /// Reasons a stream is refused.
    enum Failure: Error, Equatable {
        /// The input ended before the stream did.
        case truncated
        /// The zlib header is malformed, names a method other than deflate or asks for a dictionary.
        case badHeader
        /// The Adler-32 trailer does not match the decompressed bytes.
        case badChecksum
        /// Bytes follow the zlib trailer.
        case trailingData
        /// Block type 3, which RFC 1951 reserves.
        case badBlockType
        /// A stored block's length and its complement disagree.
        case badStoredLength
        /// A dynamic block's code lengths do not form a usable Huffman code.
        case badCodeLengths
        /// A Huffman code or symbol that the format does not allow.
        case badSymbol
        /// A back-reference reaches before the start of the output.
        case badDistance
    }

    /// Decodes a zlib stream: header, DEFLATE data and Adler-32 trailer, with nothing after it.
    static func zlib(_ data: [UInt8]) throws -> [UInt8] {
        guard data.count >= 2 else { throw Failure.truncated }
        let cmf = data[0]
        let flg = data[1]
        guard cmf & 0x0f == 8, cmf >> 4 <= 7, (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0, flg & 0x20 == 0 else {
            throw Failure.badHeader
        }
        var reader = BitReader(data, start: 2)
        let output = try inflate(&reader)
        let trailerStart = reader.alignedPosition
        guard data.count >= trailerStart + 4 else { throw Failure.truncated }
        guard data.count == trailerStart + 4 else { throw Failure.trailingData }
        let stored = data[trailerStart..<(trailerStart + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard adler32(output) == stored else { throw Failure.badChecksum }
        return output
    }

    /// Decodes raw DEFLATE data (no zlib wrapper); bytes after the final block are ignored.
    static func raw(_ data: [UInt8]) throws -> [UInt8] {
        var reader = BitReader(data, start: 0)
        return try inflate(&reader)
    }

    /// The Adler-32 checksum of RFC 1950.
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        let modulus: UInt32 = 65_521
        var a: UInt32 = 1
        var b: UInt32 = 0
        var index = 0
        while index < bytes.count {
            // 5552 bytes is the most that cannot overflow 32 bits before reducing.
            let end = min(index + 5_552, bytes.count)
            while index < end {
                a &+= UInt32(bytes[index])
                b &+= a
                index += 1
            }
            a %= modulus
            b %= modulus
        }
        return b << 16 | a
    }

    // MARK: - Blocks

    private static func inflate(_ reader: inout BitReader) throws -> [UInt8] {
        var output: [UInt8] = []
        var last = false
        while !last {
            last = try reader.bits(1) == 1
            switch try reader.bits(2) {
            case 0: try stored(&reader, into: &output)
            case 1: try codes(&reader, into: &output, literals: fixedLiterals, distances: fixedDistances)
            case 2:
                let tables = try dynamicTables(&reader)
                try codes(&reader, into: &output, literals: tables.literals, distances: tables.distances)
            default: throw Failure.badBlockType
            }
        }
        return output
    }

    private static func stored(_ reader: inout BitReader, into output: inout [UInt8]) throws {
        var position = reader.alignedPosition
        let data = reader.data
        guard data.count >= position + 4 else { throw Failure.truncated }
        let length = Int(data[position]) | Int(data[position + 1]) << 8
        let complement = Int(data[position + 2]) | Int(data[position + 3]) << 8
        guard length == ~complement & 0xffff else { throw Failure.badStoredLength }
        position += 4
        guard data.count >= position + length else { throw Failure.truncated }
        output.append(contentsOf: data[position..<(position + length)])
        reader.restart(at: position + length)
    }

    private static func codes(
        _ reader: inout BitReader, into output: inout [UInt8], literals: Huffman, distances: Huffman
    ) throws {
        while true {
            let symbol = try literals.decode(&reader)
            if symbol < 256 {
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < lengthBase.count else { throw Failure.badSymbol }
            let length = lengthBase[lengthIndex] + (try reader.bits(lengthExtra[lengthIndex]))
            let distanceSymbol = try distances.decode(&reader)
            guard distanceSymbol < distanceBase.count else { throw Failure.badSymbol }
            let distance = distanceBase[distanceSymbol] + (try reader.bits(distanceExtra[distanceSymbol]))
            guard distance <= output.count else { throw Failure.badDistance }
            // Byte by byte, because a distance shorter than the length repeats bytes just written.
            var from = output.count - distance
            for _ in 0..<length {
                output.append(output[from])
                from += 1
            }
        }
    }

    private static func dynamicTables(_ reader: inout BitReader) throws -> (literals: Huffman, distances: Huffman) {
        let literalCount = try reader.bits(5) + 257
        let distanceCount = try reader.bits(5) + 1
        let codeLengthCount = try reader.bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw Failure.badCodeLengths }

        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var codeLengthLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeLengthCount { codeLengthLengths[order[index]] = try reader.bits(3) }
        let codeLengthCode = try Huffman(lengths: codeLengthLengths)
        guard codeLengthCode.isComplete else { throw Failure.badCodeLengths }

        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
            let symbol = try codeLengthCode.decode(&reader)
            switch symbol {
            case 0...15:
                lengths.append(symbol)
            case 16:
                guard let previous = lengths.last else { throw Failure.badCodeLengths }
                lengths.append(contentsOf: repeatElement(previous, count: 3 + (try reader.bits(2))))
            case 17:
                lengths.append(contentsOf: repeatElement(0, count: 3 + (try reader.bits(3))))
            default:
                lengths.append(contentsOf: repeatElement(0, count: 11 + (try reader.bits(7))))
            }
        }
        guard lengths.count == literalCount + distanceCount else { throw Failure.badCodeLengths }
        guard lengths[256] != 0 else { throw Failure.badCodeLengths }

        let literals = try Huffman(lengths: Array(lengths[0..<literalCount]))
        // An incomplete code is allowed only when it is empty or a single code of length one.
        guard literals.isComplete || literals.isEmptyOrSingleOneBitCode else { throw Failure.badCodeLengths }
        let distances = try Huffman(lengths: Array(lengths[literalCount...]))
        guard distances.isComplete || distances.isEmptyOrSingleOneBitCode else { throw Failure.badCodeLengths }
        return (literals, distances)
    }

    // MARK: - Tables

    private static let lengthBase = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    private static let lengthExtra = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    private static let distanceBase = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    private static let distanceExtra = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    private static let fixedLiterals: Huffman = {
        var lengths = [Int](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        // Force-unwrapped: these lengths are fixed by RFC 1951 and always form a valid code.
        return try! Huffman(lengths: lengths)
    }()

    private static let fixedDistances: Huffman = {
        // Symbols 30 and 31 take part in the code but are rejected when decoded.
        try! Huffman(lengths: [Int](repeating: 5, count: 32))
    }()
}

/// Reads a byte array as a little-endian stream of bits, least significant bit first.
struct BitReader {
    /// The whole input.
    let data: [UInt8]
    private var position: Int
    private var buffer: UInt32 = 0
    private var bufferedBits = 0

    /// Starts reading `data` at byte `start`.
    init(_ data: [UInt8], start: Int) {
        self.data = data
        self.position = start
    }

    /// Returns the next `count` bits (at most 24) as an integer.
    mutating func bits(_ count: Int) throws -> Int {
        while bufferedBits < count {
            guard position < data.count else { throw Inflate.Failure.truncated }
            buffer |= UInt32(data[position]) << UInt32(bufferedBits)
            position += 1
            bufferedBits += 8
        }
        let value = Int(buffer & ((1 << UInt32(count)) - 1))
        buffer >>= UInt32(count)
        bufferedBits -= count
        return value
    }

    /// The position of the next whole byte, skipping the unread bits of the current one.
    ///
    /// Bytes are loaded only when a read needs them, so the buffered bits (fewer than
    /// eight) always belong to the byte just before `position`.
    var alignedPosition: Int { position }

    /// Continues reading at byte `newPosition` with an empty bit buffer.
    mutating func restart(at newPosition: Int) {
        position = newPosition
        buffer = 0
        bufferedBits = 0
    }
}

/// A canonical Huffman code stored as code counts per length and symbols in code order.
struct Huffman {
    private var countPerLength = [Int](repeating: 0, count: 16)
    private var symbols: [Int] = []
    /// Whether every bit pattern up to the longest length leads to a symbol.
    private(set) var isComplete = true
    /// Whether the code is empty or one symbol with a one-bit code, the incomplete codes DEFLATE allows.
    var isEmptyOrSingleOneBitCode: Bool { codeCount <= 1 && countPerLength[1] == codeCount }
    private var codeCount = 0

    /// Builds the code from one length (0 meaning unused, at most 15) per symbol.
    init(lengths: [Int]) throws {
        for length in lengths {
            guard (0...15).contains(length) else { throw Inflate.Failure.badCodeLengths }
            countPerLength[length] += 1
        }
        codeCount = lengths.count - countPerLength[0]
        var left = 1
        for length in 1...15 {
            left <<= 1
            left -= countPerLength[length]
            guard left >= 0 else { throw Inflate.Failure.badCodeLengths }
        }
        isComplete = left == 0
        var offsets = [Int](repeating: 0, count: 16)
        for length in 1..<15 { offsets[length + 1] = offsets[length] + countPerLength[length] }
        symbols = [Int](repeating: 0, count: codeCount)
        for (symbol, length) in lengths.enumerated() where length != 0 {
            symbols[offsets[length]] = symbol
            offsets[length] += 1
        }
    }

    /// Reads one code from `reader` and returns its symbol.
    func decode(_ reader: inout BitReader) throws -> Int {
        var code = 0
        var first = 0
        var index = 0
        for length in 1...15 {
            code |= try reader.bits(1)
            let count = countPerLength[length]
            if code - first < count { return symbols[index + code - first] }
            index += count
            first += count
            first <<= 1
            code <<= 1
        }
        throw Inflate.Failure.badSymbol
    }
}
