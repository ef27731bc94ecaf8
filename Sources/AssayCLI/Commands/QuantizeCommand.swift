import Foundation
import ModelFormat

/// `assay quantize IN OUT --type q8_0|q4_0|f16`: re-encodes a GGUF model's weight matrices.
struct QuantizeCommand: Command {
    static let help = CommandHelp(
        "quantize", abstract: "Write a copy of a GGUF model with its weight matrices re-encoded as Q8_0, Q4_0 or F16.",
        usage: "IN OUT --type q8_0|q4_0|f16 [--json]",
        discussion: """
            Every tensor with two or more dimensions (the token embedding included) is decoded and
            re-encoded with ggml's reference quantizer, so blocks are bit-identical to llama.cpp's;
            one-dimensional tensors (norms, biases) are stored as F32. Metadata is copied and
            general.file_type is set to the new type. OUT is written to a temporary file next to it
            and renamed into place, so an interrupted run never leaves a partial model behind.
            """,
        options: [.value("--type", "TYPE", "Target type: q8_0, q4_0 or f16", hidden: "-t")],
        examples: [
            "assay quantize SmolLM2-135M-Instruct.Q4_1.gguf smollm2-f16.gguf --type f16",
            "assay quantize smollm2-f16.gguf smollm2-q8_0.gguf --type q8_0"
        ])

    let input: String
    let output: String
    let type: GGMLType

    init(arguments: inout Arguments) throws(CLIError) {
        let raw = try arguments.required("--type", missing: "missing --type (one of: \(Self.choices))")
        guard let type = GGMLType(name: raw), GGUFQuantizer.targets.contains(type) else {
            throw .usage("unsupported --type '\(raw)' (one of: \(Self.choices))")
        }
        self.type = type
        input = try arguments.requiredPositional("IN (the model to quantize)")
        output = try arguments.requiredPositional("OUT (where to write the result)")
    }

    static var choices: String { GGUFQuantizer.targets.map { $0.name.lowercased() }.joined(separator: ", ") }

    struct Report: Encodable {
        var input: String
        var output: String
        var type: String
        var tensors: Int
        var converted: [String: Int]
        var inputBytes: Int
        var outputBytes: Int
        var seconds: Double
    }

    func run(context: CommandContext) async throws -> Int32 {
        let inURL = context.resolve(input)
        let outURL = context.resolve(output)
        let file = try context.openGGUF(input)
        let start = ContinuousClock.now
        let total = file.tensors.count
        var lastShown = -1
        let result: GGUFQuantizer.Result
        do {
            result = try GGUFQuantizer.quantize(file, to: outURL, target: type) { done, count, name in
                if context.output.stderrIsTTY {
                    if !context.globals.quiet {
                        context.output.err("\r[\(done)/\(count)] \(name)\u{1B}[K" + (done == count ? "\n" : ""))
                    }
                } else {
                    let decile = done * 10 / max(1, count)
                    if decile != lastShown {
                        lastShown = decile
                        context.progress("quantize: \(done)/\(count) tensors (\(decile * 10)%)")
                    }
                }
            }
        } catch {
            throw CLIError.failure(error.description)
        }
        let seconds =
            Double((ContinuousClock.now - start).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - start).components.seconds)
        var converted: [String: Int] = [:]
        for decision in result.decisions { converted[decision.to.name, default: 0] += 1 }
        let report = Report(
            input: inURL.path, output: outURL.path, type: type.name, tensors: total,
            converted: converted, inputBytes: file.fileSize, outputBytes: result.outputSize,
            seconds: seconds)
        return try context.respond(json: report) {
            let kinds = converted.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            context.print(
                "Wrote \(output): \(type.name), \(total) tensors (\(kinds)), "
                    + "\(formatBytes(result.outputSize)) from \(formatBytes(file.fileSize)) "
                    + String(format: "in %.1f s", seconds))
        }
    }
}
