import JSON

/// One training record, reduced to what the checks look at.
struct ParsedRecord {
    var format: RecordFormat
    /// All text of the record (chat contents joined by newlines, instruction + input + output...).
    var text: String
    var roles: [String] = []
    var label: String?
}

/// A problem with one record.
struct RecordIssue: Error {
    var kind: String
    var message: String
}

/// Turns raw lines into records, per file format (see `RecordFormat`).
enum RecordParser {
    static let chatRoles: Set<String> = ["system", "user", "assistant", "tool", "function", "developer"]

    /// Picks the file's format from its name, else from its first byte.
    static func format(forPath path: String, firstByte: UInt8?) -> FileKind {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") { return .jsonl }
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".txt") || lower.hasSuffix(".md") || lower.hasSuffix(".text") { return .text }
        return firstByte == 0x7b ? .jsonl : .text
    }

    enum FileKind { case jsonl, csv, text }

    /// Decodes UTF-8, rejecting invalid sequences and NUL bytes.
    static func decode(_ bytes: [UInt8]) throws(RecordIssue) -> String {
        var ascii = true
        for b in bytes {
            if b >= 0x80 {
                ascii = false
                break
            }
            if b == 0 { throw RecordIssue(kind: "encoding", message: "NUL byte (binary data?)") }
        }
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw RecordIssue(kind: "encoding", message: "invalid UTF-8")
        }
        if s.utf8.contains(0) { throw RecordIssue(kind: "encoding", message: "NUL byte (binary data?)") }
        return s
    }

    /// One JSONL line.
    static func jsonRecord(_ bytes: [UInt8]) throws(RecordIssue) -> ParsedRecord {
        _ = try decode(bytes)
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch {
            throw RecordIssue(kind: "invalid_json", message: "invalid JSON: \(error.description)")
        }
        guard case .object(let o) = value else {
            throw RecordIssue(kind: "schema", message: "expected a JSON object per line")
        }
        var label: String?
        if let l = o["label"] {
            switch l {
            case .string(let s): label = s
            case .integer(let i): label = String(i)
            case .bool(let b): label = String(b)
            default: break
            }
        }
        func text(_ key: String, required: Bool) throws(RecordIssue) -> String? {
            guard let v = o[key] else {
                if required { throw RecordIssue(kind: "schema", message: "missing '\(key)'") }
                return nil
            }
            guard case .string(let s) = v else {
                throw RecordIssue(kind: "schema", message: "'\(key)' must be a string")
            }
            return s
        }
        if let messages = o["messages"] {
            guard case .array(let list) = messages, !list.isEmpty else {
                throw RecordIssue(kind: "schema", message: "'messages' must be a non-empty array")
            }
            var parts: [String] = []
            var roles: [String] = []
            for (i, m) in list.enumerated() {
                guard case .object(let mo) = m else {
                    throw RecordIssue(kind: "schema", message: "messages[\(i)] must be an object")
                }
                guard case .string(let role)? = mo["role"] else {
                    throw RecordIssue(kind: "schema", message: "messages[\(i)] has no string 'role'")
                }
                guard chatRoles.contains(role) else {
                    throw RecordIssue(
                        kind: "schema",
                        message:
                            "messages[\(i)] has unknown role '\(role)' (expected \(chatRoles.sorted().joined(separator: ", ")))"
                    )
                }
                guard case .string(let content)? = mo["content"] else {
                    throw RecordIssue(kind: "schema", message: "messages[\(i)] has no string 'content'")
                }
                roles.append(role)
                parts.append(content)
            }
            guard roles.contains("assistant") else {
                throw RecordIssue(kind: "schema", message: "a chat record needs at least one assistant message")
            }
            return ParsedRecord(format: .chat, text: parts.joined(separator: "\n"), roles: roles, label: label)
        }
        if o["instruction"] != nil {
            let instruction = try text("instruction", required: true) ?? ""
            let input = try text("input", required: false) ?? ""
            let output = try text("output", required: true) ?? ""
            if output.isEmpty { throw RecordIssue(kind: "empty", message: "'output' is empty") }
            return ParsedRecord(
                format: .instruction, text: [instruction, input, output].filter { !$0.isEmpty }.joined(separator: "\n"),
                label: label)
        }
        if o["prompt"] != nil || o["completion"] != nil {
            let prompt = try text("prompt", required: true) ?? ""
            let completion = try text("completion", required: true) ?? ""
            if completion.isEmpty { throw RecordIssue(kind: "empty", message: "'completion' is empty") }
            return ParsedRecord(format: .promptCompletion, text: prompt + "\n" + completion, label: label)
        }
        if o["text"] != nil {
            return ParsedRecord(format: .textJSONL, text: try text("text", required: true) ?? "", label: label)
        }
        throw RecordIssue(
            kind: "schema",
            message:
                "unrecognised record (expected 'messages', 'instruction'/'output', 'prompt'/'completion' or 'text'; found \(o.keys.sorted().prefix(6).joined(separator: ", ")))"
        )
    }
}

/// RFC 4180 CSV, fed line by line (quoted fields may span lines).
struct CSVRecordAssembler {
    private(set) var header: [String]?
    private var fields: [String] = []
    private var field: [UInt8] = []
    private var inQuotes = false
    private(set) var startLine = 0
    var pending: Bool { inQuotes }
    var pendingBytes: Int { field.count + fields.reduce(0) { $0 + $1.utf8.count } }

    /// Feeds one physical line; returns the fields when a record is complete.
    mutating func feed(_ line: [UInt8], lineNumber: Int) throws(RecordIssue) -> [String]? {
        if !inQuotes {
            startLine = lineNumber
            fields = []
            field = []
        } else {
            field.append(0x0a)
        }
        var i = 0
        let n = line.count
        while i < n {
            let b = line[i]
            if inQuotes {
                if b == 0x22 {
                    if i + 1 < n, line[i + 1] == 0x22 {
                        field.append(0x22)
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    field.append(b)
                }
            } else if b == 0x22 && field.isEmpty {
                inQuotes = true
            } else if b == 0x2c {
                fields.append(try RecordParser.decode(field))
                field = []
            } else {
                field.append(b)
            }
            i += 1
        }
        if inQuotes { return nil }
        fields.append(try RecordParser.decode(field))
        field = []
        if header == nil {
            header = fields
            return []
        }
        return fields
    }
}
