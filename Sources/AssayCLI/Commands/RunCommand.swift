import Foundation
import InferenceCore

/// `assay run --model FILE -p TEXT`: generate text with the native engine, streaming tokens.
struct RunCommand: Command {
    static let help = CommandHelp(
        "run", abstract: "Generate text from a prompt with the native GGUF engine (streams tokens).",
        usage:
            "--model FILE|M@V|M@ALIAS -p TEXT [--chat [--system TEXT]] [-n N] [--temperature T] [--top-p P] [--seed S] [--threads T] [--stop S]... [--ctx N] [--lora FILE [--lora-scale S]]... [--json]",
        discussion: """
            Runs the model in-process with llama.cpp's numerics. Temperature 0 (the default) is
            greedy decoding; otherwise sampling is seeded and reproducible. Generation stops after
            N tokens, at an end-of-generation token, or at a --stop string. Timing goes to stderr
            (or into the --json object).

            With --chat the prompt is one user message (after an optional --system message),
            rendered in the model's chat format: the one named in the file's
            tokenizer.chat_template (ChatML, Gemma, Llama 3, Phi-3), recognised as llama.cpp does.
            The template's turn markers become special tokens; the message text never does.
            """,
        options: [
            .value(
                ["--model", "-m"], "FILE|M@V|M@ALIAS",
                "GGUF model file (\(Architectures.supportedList)), or a registered version or alias (its GGUF file is run)"
            ),
            .value(["--prompt", "-p"], "TEXT", "Prompt text"),
            .integer(["-n", "--max-tokens"], "N", in: 0...1_000_000, "Tokens to generate (default 128)"),
            .value("--temperature", "T", "Sampling temperature; 0 = greedy (default 0)", hidden: "--temp"),
            .value("--top-p", "P", "Nucleus sampling mass (default 1)"),
            .integer("--seed", "S", in: 0...Int.max, "Sampler seed (default 0)"),
            .threads,
            .repeated("--stop", "S", "Stop string (repeatable)"),
            .integer("--ctx", "N", in: 16...1_048_576, "Context length (default: min(model, 4096))", hidden: "-c"),
            .flag("--no-special", "Do not add BOS to the prompt"),
            .flag("--chat", "Treat the prompt as a user message in the model's chat format"),
            .value("--system", "TEXT", "System message before the prompt (with --chat)"),
            .repeated("--lora", "FILE", "Apply a GGUF LoRA adapter (repeatable; scale alpha/rank × --lora-scale)"),
            .value("--lora-scale", "S", "User scale of the adapters (default 1)")
        ],
        examples: [
            "assay run --model .cache/models/SmolLM2-135M-Instruct.Q4_1.gguf -p 'The capital of France is' -n 16",
            "assay run --model .cache/models/qwen2.5-0.5b-q4.gguf --chat -p 'Name a color.'"
        ])

    let model: String
    let prompt: String
    let maxTokens: Int
    let temperature: Double
    let topP: Double
    let seed: Int
    let threads: Int?
    let stop: [String]
    let contextLength: Int?
    let addSpecial: Bool
    let chat: ChatOptions?
    let adapters: [String]
    let adapterScale: Double

    init(arguments: inout Arguments) throws(CLIError) {
        model = try arguments.required("--model", missing: "missing --model FILE")
        prompt = try arguments.required("--prompt", missing: "missing -p TEXT")
        maxTokens = try arguments.int("-n") ?? 128
        temperature = try arguments.double("--temperature") ?? 0
        topP = try arguments.double("--top-p") ?? 1
        seed = try arguments.int("--seed") ?? 0
        threads = try arguments.int("--threads")
        stop = try arguments.options("--stop")
        contextLength = try arguments.int("--ctx")
        addSpecial = !arguments.flag("--no-special")
        let chatOptions = try ChatOptions(arguments: &arguments)
        adapters = try arguments.options("--lora")
        adapterScale = try arguments.double("--lora-scale") ?? 1
        try arguments.finish()
        guard adapterScale.isFinite else { throw .usage("--lora-scale must be a finite number") }
        chat = try chatOptions.validated()
        if chat != nil && !addSpecial { throw .usage("--no-special cannot be combined with --chat") }
        guard temperature >= 0 else { throw .usage("--temperature must be ≥ 0") }
        guard topP > 0, topP <= 1 else { throw .usage("--top-p must be in (0, 1]") }
    }

    struct Output: Encodable {
        var text: String
        var tokens: [Int32]
        var promptTokens: Int
        var finishReason: String
        var promptTokensPerSecond: Double
        var generatedTokensPerSecond: Double
        /// The chat format used (with --chat).
        var chatTemplate: String?
    }

    func run(context: CommandContext) async throws -> Int32 {
        let file = try ServeCommand.servable(model, context: context, registry: { try context.openRegistry() })
        var loras: [LoRAAdapter] = []
        for adapter in file.runnable?.adapters ?? [] {
            loras.append(try LoRAAdapter(contentsOf: adapter.file, scale: adapter.scale))
        }
        for path in adapters {
            loras.append(try LoRAAdapter(contentsOf: context.resolve(path), scale: Float(adapterScale)))
        }
        let engine = try NativeEngine(
            modelURL: file.path, threads: threads, contextLength: contextLength,
            modelIdentity: file.identity, adapters: loras)
        var request = GenerationRequest(
            prompt: prompt, maxTokens: maxTokens, stop: stop,
            temperature: Float(temperature), topP: Float(topP),
            seed: UInt64(seed), addSpecial: addSpecial)
        if let chat {
            let segments = engine.chatPrompt(chat.messages(user: prompt))
            request.segments = segments
            request.prompt = segments.map(\.text).joined()
        }
        let json = context.json
        let sink = context.output
        let result = try await engine.generate(request) { piece in
            if !json { sink.out(piece) }
        }
        let t = result.timing
        let ppRate = t.prefillSeconds > 0 ? Double(t.prefillTokens) / t.prefillSeconds : 0
        let tgRate = t.decodeSeconds > 0 ? Double(max(0, t.decodeTokens - 1)) / t.decodeSeconds : 0
        if json {
            try context.printJSON(
                Output(
                    text: result.text, tokens: result.tokens, promptTokens: result.promptTokenCount,
                    finishReason: result.finishReason.rawValue,
                    promptTokensPerSecond: ppRate, generatedTokensPerSecond: tgRate,
                    chatTemplate: chat != nil ? engine.chatTemplate.rawValue : nil))
        } else {
            context.print()
            if !context.globals.quiet {
                context.printError(
                    String(
                        format: "[%d prompt tokens %.1f t/s, %d generated %.1f t/s, %@]",
                        result.promptTokenCount, ppRate, result.tokens.count, tgRate,
                        result.finishReason.rawValue))
            }
        }
        return ExitCode.success
    }
}
