import Foundation
import ModelFormat

/// `assay inspect FILE`: a GGUF file's header — metadata, tensor table, parameter count and
/// bytes per type — without loading any weights.
struct InspectCommand: Command {
    static let help = CommandHelp(
        "inspect", abstract: "Show a GGUF model file's metadata, tensors, parameter count and bytes per type.",
        usage: "FILE [--json]",
        discussion: """
            Reads only the header (the file is memory-mapped; no weights are loaded). Long arrays such
            as the tokenizer vocabulary are summarised; --json gives the same facts machine-readably.
            """,
        examples: [
            "assay inspect .cache/models/SmolLM2-135M-Instruct.Q4_1.gguf",
            "assay inspect model.gguf --json"
        ])

    let path: String

    init(arguments: inout Arguments) throws(CLIError) {
        path = try arguments.requiredPositional("FILE (a .gguf model)")
    }

    func run(context: CommandContext) async throws -> Int32 {
        let url = context.resolve(path)
        let file = try context.openGGUF(path)
        let report = InspectReport(file, path: url.path)
        return try context.respond(json: report) {
            context.print(report.text())
        }
    }
}

/// Everything `assay inspect` shows; Encodable for `--json`.
struct InspectReport: Encodable {
    struct Entry: Encodable {
        var key: String
        var type: String
        var value: MetadataJSON
    }

    var path: String
    var fileSize: Int
    var version: UInt32
    var alignment: Int
    var dataOffset: Int
    var summary: GGUFSummary
    var metadata: [Entry]
    var tensors: [GGUFTensorInfo]
    var types: [GGUFTypeTotal]

    init(_ file: GGUFFile, path: String) {
        self.path = path
        fileSize = file.fileSize
        version = file.version
        alignment = file.alignment
        dataOffset = file.dataOffset
        summary = file.summary
        metadata = file.metadata.map {
            Entry(key: $0.key, type: Self.typeName($0.value), value: MetadataJSON($0.value))
        }
        tensors = file.tensors
        types = GGUFTypeTotal.totals(of: file.tensors)
    }

    static func typeName(_ value: GGUFValue) -> String {
        if case .array(let array) = value { return "[\(array.elementType.name)]" }
        return value.type.name
    }

    func text() -> String {
        var out = "\(path)\n"
        out += "  GGUF v\(version), \(formatBytes(fileSize)), alignment \(alignment), data at byte \(dataOffset)\n"
        var model: [String] = []
        if let name = summary.name { model.append(name) }
        if let arch = summary.architecture { model.append("arch \(arch)") }
        model.append("\(Self.parameters(summary.parameterCount)) parameters")
        if let q = summary.quantization { model.append(q) }
        if let ctx = summary.contextLength { model.append("context \(ctx)") }
        if let vocab = summary.vocabularySize { model.append("vocabulary \(vocab)") }
        out += "  " + model.joined(separator: ", ") + "\n\n"

        out += "Metadata (\(metadata.count) keys)\n"
        var meta = TextTable(["KEY", "TYPE", "VALUE"])
        for entry in metadata {
            meta.add([entry.key, entry.type, entry.value.shortText])
        }
        out += meta.render() + "\n"

        out += "Tensors (\(tensors.count))\n"
        var table = TextTable(["NAME", "TYPE", "SHAPE", "BYTES"], rightAligned: [3])
        for t in tensors {
            table.add([t.name, t.type.name, t.shapeDescription, String(t.byteCount)])
        }
        out += table.render() + "\n"

        out += "By type\n"
        var byType = TextTable(["TYPE", "TENSORS", "PARAMETERS", "BYTES", "SHARE"], rightAligned: [1, 2, 3, 4])
        let totalBytes = max(1, types.reduce(0) { $0 + $1.bytes })
        for t in types {
            byType.add([
                t.type, String(t.tensors), String(t.elements), formatBytes(t.bytes),
                String(format: "%.1f%%", 100 * Double(t.bytes) / Double(totalBytes))
            ])
        }
        byType.add(["total", String(tensors.count), String(summary.parameterCount), formatBytes(totalBytes), "100.0%"])
        out += byType.render()
        return out
    }

    static func parameters(_ n: Int) -> String {
        if n >= 1_000_000_000 { return String(format: "%.2fB", Double(n) / 1e9) }
        if n >= 1_000_000 { return String(format: "%.1fM", Double(n) / 1e6) }
        if n >= 1_000 { return String(format: "%.1fK", Double(n) / 1e3) }
        return String(n)
    }
}

/// A metadata value as JSON: scalars as themselves; arrays as their element type, count and up
/// to 16 leading elements (vocabularies are far too long to print whole).
enum MetadataJSON: Encodable {
    case integer(Int64)
    case unsigned(UInt64)
    case number(Double)
    case bool(Bool)
    case string(String)
    case array(elementType: String, count: Int, head: [MetadataJSON])

    static let headLength = 16

    init(_ value: GGUFValue) {
        switch value {
        case .uint8(let v): self = .unsigned(UInt64(v))
        case .uint16(let v): self = .unsigned(UInt64(v))
        case .uint32(let v): self = .unsigned(UInt64(v))
        case .uint64(let v): self = .unsigned(v)
        case .int8(let v): self = .integer(Int64(v))
        case .int16(let v): self = .integer(Int64(v))
        case .int32(let v): self = .integer(Int64(v))
        case .int64(let v): self = .integer(v)
        // Through the shortest decimal form, so 1e-05 stays 1e-05 rather than 9.99999974e-06.
        case .float32(let v): self = .number(Double("\(v)") ?? Double(v))
        case .float64(let v): self = .number(v)
        case .bool(let v): self = .bool(v)
        case .string(let s): self = .string(s)
        case .array(let a): self = MetadataJSON(a)
        }
    }

    init(_ array: GGUFArray) {
        let head = (0..<min(array.count, Self.headLength)).compactMap { array.element(at: $0) }.map(MetadataJSON.init)
        self = .array(elementType: array.elementType.name, count: array.count, head: head)
    }

    var shortText: String {
        switch self {
        case .integer(let v): return String(v)
        case .unsigned(let v): return String(v)
        case .number(let v): return String(v)
        case .bool(let v): return String(v)
        case .string(let s):
            let quoted = GGUFValue.string(s).description
            return quoted.count > 72 ? String(quoted.prefix(64)) + "…\" (\(s.utf8.count) bytes)" : quoted
        case .array(let type, let count, let head):
            let shown = head.prefix(6).map(\.shortText)
            var text = "[" + shown.joined(separator: ", ")
            if count > shown.count { text += (shown.isEmpty ? "" : ", ") + "… \(count - shown.count) more" }
            text += "] (\(type) × \(count))"
            if text.count > 100, shown.count > 2 {
                text = "[" + shown.prefix(2).joined(separator: ", ") + ", … \(count - 2) more] (\(type) × \(count))"
            }
            return text
        }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .integer(let v): try container.encode(v)
        case .unsigned(let v): try container.encode(v)
        case .number(let v):
            if v.isFinite { try container.encode(v) } else { try container.encode(String(v)) }
        case .bool(let v): try container.encode(v)
        case .string(let s): try container.encode(s)
        case .array(let type, let count, let head):
            try container.encode(ArrayJSON(elementType: type, count: count, head: head))
        }
    }

    private struct ArrayJSON: Encodable {
        var elementType: String
        var count: Int
        var head: [MetadataJSON]
    }
}
