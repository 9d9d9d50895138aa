/// One record of a CSV file and the line it starts on.
public struct CSVRecord: Sendable, Equatable {
    /// The 1-based line of the file where the record starts.
    public let line: Int
    /// Its fields, unquoted.
    public let fields: [String]
}

/// A CSV record that breaks RFC 4180, with the line where it starts.
public struct CSVProblem: Sendable, Equatable {
    /// The 1-based line.
    public let line: Int
    /// What is wrong, without the line number.
    public let message: String
}

/// Reads RFC 4180 CSV: fields separated by commas, records by CRLF, LF or CR.
///
/// A quoted field may hold commas, line breaks and doubled quotes (`""` for `"`). A quote
/// inside an unquoted field is kept as a character, as spreadsheets read it. Blank lines
/// are skipped. Line numbers count physical lines, so a record with a line break inside
/// a quoted field moves the next record's line on by one.
public enum CSVReader {
    /// Splits `text` into records; problems (an unclosed quote, text after a closing quote) are collected, not thrown.
    public static func records(_ text: String) -> (records: [CSVRecord], problems: [CSVProblem]) {
        let bytes = Array(text.utf8)
        var records: [CSVRecord] = []
        var problems: [CSVProblem] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var index = 0
        var quoted = false
        var afterQuote = false
        var reportedAfterQuote = false

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            afterQuote = false
        }
        func endRecord() {
            endField()
            if fields.contains(where: { !$0.isEmpty }) || fields.count > 1 {
                records.append(CSVRecord(line: recordLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
            reportedAfterQuote = false
        }

        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == 0x22 {
                    if index < bytes.count && bytes[index] == 0x22 {
                        field.append(0x22)
                        index += 1
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if byte == 0x0A || (byte == 0x0D && (index >= bytes.count || bytes[index] != 0x0A)) { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case 0x2C:
                endField()
            case 0x0D, 0x0A:
                if byte == 0x0D && index < bytes.count && bytes[index] == 0x0A { index += 1 }
                endRecord()
                line += 1
                recordLine = line
            case 0x22 where field.isEmpty && !afterQuote:
                quoted = true
            default:
                if afterQuote && !reportedAfterQuote {
                    problems.append(
                        CSVProblem(line: line, message: "text after a closing quote; quote the whole field"))
                    reportedAfterQuote = true
                }
                field.append(byte)
            }
        }
        if quoted {
            problems.append(
                CSVProblem(line: recordLine, message: "a quoted field is not closed before the end of the file"))
        }
        if !field.isEmpty || !fields.isEmpty || afterQuote { endRecord() }
        return (records, problems)
    }
}
