/// RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a field in double quotes may
/// contain commas, line breaks and doubled quotes (`""` → `"`). A final line break is optional.
///
/// Like Python's `csv` module (which read the MMLU release for every published score), the parser
/// is lenient where real files break the RFC: a quote inside an unquoted field is a literal
/// character (MMLU's college_medicine val has one), and text after a closing quote is appended to
/// the field. Only an unterminated quoted field is an error.
public enum CSV {
    /// A malformed CSV text, with the 1-based line where the problem starts.
    public struct ParseError: Error, CustomStringConvertible, Sendable, Equatable {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// One record and the 1-based line it starts on.
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
    }

    /// Parses `text` into records. An empty text has no records; an empty line is a record with
    /// one empty field (as RFC 4180 reads it).
    public static func parse(_ text: String) throws(ParseError) -> [Record] {
        let bytes = Array(text.utf8)
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var i = 0
        var inQuotes = false
        var fieldWasQuoted = false
        var quoteOpenedLine = 0
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            records.append(Record(line: recordLine, fields: fields))
            fields.removeAll(keepingCapacity: true)
        }

        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == quote {
                    if i + 1 < bytes.count && bytes[i + 1] == quote {
                        field.append(quote)
                        i += 2
                        continue
                    }
                    inQuotes = false
                    i += 1
                    continue
                }
                if c == lf { line += 1 }
                field.append(c)
                i += 1
                continue
            }
            switch c {
            case quote where field.isEmpty && !fieldWasQuoted:
                inQuotes = true
                fieldWasQuoted = true
                quoteOpenedLine = line
                i += 1
            case comma:
                endField()
                i += 1
            case cr:
                endRecord()
                i += (i + 1 < bytes.count && bytes[i + 1] == lf) ? 2 : 1
                line += 1
                recordLine = line
            case lf:
                endRecord()
                i += 1
                line += 1
                recordLine = line
            default:
                field.append(c)
                i += 1
            }
        }
        if inQuotes { throw ParseError(line: quoteOpenedLine, reason: "unterminated quoted field") }
        // A record is pending unless the text ended right after a line break (or is empty).
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }

    /// Writes records as RFC 4180 text (CRLF-free: LF line ends), quoting fields only when needed.
    public static func render(_ records: [[String]]) -> String {
        records.map { fields in
            fields.map { field in
                if field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    || (field.isEmpty && fields.count == 1)
                {
                    return "\"" + field.map { $0 == "\"" ? "\"\"" : String($0) }.joined() + "\""
                }
                return field
            }.joined(separator: ",") + "\n"
        }.joined()
    }
}
