import Foundation
import InferenceCore

/// `assay perplexity --model FILE --file TEXT --ctx N`: llama-perplexity's protocol.
struct PerplexityCommand: Command {
    static let help = CommandHelp(
        "perplexity", abstract: "Measure perplexity of a model on a text file (llama-perplexity's protocol).",
        usage: "--model FILE --file TEXT [--ctx N] [--threads T] [--json]",
        discussion: """
            Tokenizes the whole file (BOS as the model says), splits it into chunks of N tokens,
            evaluates each chunk from an empty cache and scores the second half of each.
            Prints the running estimate per chunk and the final PPL with its uncertainty, in
            the same form as llama-perplexity, so the numbers can be compared directly.
            """,
        options: [
            .value(["--model", "-m"], "FILE", "GGUF model file"),
            .value(["--file", "-f"], "TEXT", "UTF-8 text file"),
            .integer(["--ctx", "-c"], "N", in: 4...1_048_576, "Tokens per chunk (default 512)"),
            .integer(["--threads", "-t"], "T", in: 1...1024, "Compute threads (default: all cores)")
        ],
        examples: [
            "assay perplexity --model .cache/models/SmolLM2-135M-Instruct.Q4_1.gguf --file /usr/share/common-licenses/GPL-3 --ctx 512"
        ])

    let model: String
    let file: String
    let contextLength: Int
    let threads: Int?

    init(arguments: inout Arguments) throws(CLIError) {
        model = try arguments.required("--model", missing: "missing --model FILE")
        file = try arguments.required("--file", missing: "missing --file TEXT")
        contextLength = try arguments.int("--ctx") ?? 512
        threads = try arguments.int("--threads")
    }

    func run(context: CommandContext) async throws -> Int32 {
        let text = try context.readText(file)
        let engine = try NativeEngine(modelURL: context.resolve(model), threads: threads, contextLength: contextLength)
        let json = context.json
        let sink = context.output
        let result = try engine.perplexity(text: text, contextLength: contextLength) { progress in
            if !json { sink.out(String(format: "[%d]%.4f,", progress.chunk, progress.estimate)) }
        }
        if json {
            try context.printJSON(result)
        } else {
            context.print()
            context.print(
                String(
                    format: "%d chunks of %d tokens (%d tokens in file), %.1f s",
                    result.chunks, contextLength, result.totalTokens, result.seconds))
            context.print(String(format: "Final estimate: PPL = %.4f +/- %.5f", result.perplexity, result.uncertainty))
        }
        return ExitCode.success
    }
}
