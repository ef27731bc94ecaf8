import Foundation
import JSON

extension CommandContext {
    /// Prints a resource in its one JSON shape (`Representation`, shared with the HTTP API):
    /// pretty-printed, keys sorted.
    func printJSON(_ value: JSONValue) throws {
        try printJSON(EncodableJSON(value))
    }
}

/// Encodes a `JSONValue` through `JSONEncoder`, so `--json` output of resources is formatted
/// exactly like every other `--json` output.
struct EncodableJSON: Encodable {
    var value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static func encodeSingle<T: Encodable>(_ scalar: T, to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(scalar)
    }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b): try Self.encodeSingle(b, to: encoder)
        case .integer(let i): try Self.encodeSingle(i, to: encoder)
        case .number(let d): try Self.encodeSingle(d, to: encoder)
        case .string(let s): try Self.encodeSingle(s, to: encoder)
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(EncodableJSON(item)) }
        case .object(let members):
            var c = encoder.container(keyedBy: Key.self)
            for (k, v) in members { try c.encode(EncodableJSON(v), forKey: Key(stringValue: k)) }
        }
    }
}

/// The CLI's `--json` member names are snake_case, like the HTTP API's. Resources are printed
/// from `Representation` (already snake_case); other reports are Swift values whose property
/// names (`promptTokens`) become `prompt_tokens` here. Only property-like keys change (a
/// lower-case letter first, letters and digits only): data keys such as tensor types (`Q4_1`),
/// metric names (`acc,none`) or already snake_case names pass through.
enum JSONKeyStyle {
    static func snakeCased(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members { out[snakeCase(key)] = snakeCased(member) }
            return .object(out)
        case .array(let items):
            return .array(items.map(snakeCased))
        default:
            return value
        }
    }

    static func snakeCase(_ key: String) -> String {
        guard let first = key.unicodeScalars.first, ("a"..."z").contains(first),
            key.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
            }),
            key.unicodeScalars.contains(where: { ("A"..."Z").contains($0) })
        else { return key }
        var out = ""
        let scalars = Array(key.unicodeScalars)
        for (i, c) in scalars.enumerated() {
            if ("A"..."Z").contains(c) {
                // "fileTypeRaw" → file_type_raw; "onlyACorrect" → only_a_correct; "cpuID" → cpu_id
                let previousLower = i > 0 && !("A"..."Z").contains(scalars[i - 1])
                let nextLower = i + 1 < scalars.count && ("a"..."z").contains(scalars[i + 1])
                if previousLower || (nextLower && i > 0) { out += "_" }
                out.unicodeScalars.append(contentsOf: String(c).lowercased().unicodeScalars)
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
