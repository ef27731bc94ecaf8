import Foundation
import ModelFormat
import Tokenizers

/// `assay tokenize --model FILE TEXT`: the token ids (and pieces) a model's own tokenizer gives
/// for a text, as llama.cpp would produce them.
struct TokenizeCommand: Command {
    static let help = CommandHelp(
        "tokenize", abstract: "Tokenize text with a GGUF model's tokenizer and print the token ids.",
        usage: "--model FILE (TEXT | --file PATH) [--no-special] [--parse-special] [--chat [--system TEXT]] [--json]",
        discussion: """
            Uses the vocabulary stored in the GGUF file (SentencePiece or byte-level BPE with its
            pre-tokenizer). BOS/EOS are added as the file says unless --no-special is given;
            --parse-special turns control-token text such as "<|im_start|>" into those tokens.
            Text output lists one token per line with its piece; --json prints ids and pieces.
            With --chat the text is one user message (after an optional --system message)
            rendered in the model's chat format, as 'assay run --chat' and /v1/chat/completions
            send it: the template's turn markers are special tokens, the message text never.
            """,
        options: [
            .value("--model", "FILE", "GGUF model (or vocabulary-only) file", hidden: "-m"),
            .value("--file", "PATH", "Read the text from a file instead of the TEXT argument", hidden: "-f"),
            .flag("--no-special", "Do not add BOS/EOS"),
            .flag("--parse-special", "Recognise special-token text in the input"),
            .flag("--chat", "Render TEXT as a user message in the model's chat format first"),
            .value("--system", "TEXT", "System message before it (with --chat)")
        ],
        examples: [
            "assay tokenize --model .cache/models/SmolLM2-135M-Instruct.Q4_1.gguf 'Hello world'",
            "assay tokenize --model model.gguf --parse-special '<|im_start|>user' --json"
        ])

    /// Where the text comes from: the TEXT argument or `--file PATH`.
    enum Input {
        case text(String)
        case file(String)
    }

    /// How the text becomes tokens: rendered as a chat turn (the template decides the special
    /// tokens), or encoded as it is.
    enum Encoding {
        case chat(ChatOptions)
        case plain(addSpecial: Bool, parseSpecial: Bool)
    }

    let model: String
    let input: Input
    let encoding: Encoding

    init(arguments: inout Arguments) throws(CLIError) {
        model = try arguments.required("--model", missing: "missing --model FILE (a .gguf file)")
        let file = try arguments.option("--file")
        let addSpecial = !arguments.flag("--no-special")
        let parseSpecial = arguments.flag("--parse-special")
        let chatOptions = try ChatOptions(arguments: &arguments)
        let text = arguments.positional()
        try arguments.finish()
        switch (text, file) {
        case (let text?, nil): input = .text(text)
        case (nil, let file?): input = .file(file)
        default: throw .usage("give either TEXT or --file PATH")
        }
        if let chat = try chatOptions.validated() {
            if parseSpecial || !addSpecial {
                throw .usage("--chat decides special tokens itself; drop --parse-special/--no-special")
            }
            encoding = .chat(chat)
        } else {
            encoding = .plain(addSpecial: addSpecial, parseSpecial: parseSpecial)
        }
    }

    func run(context: CommandContext) async throws -> Int32 {
        let text: String
        switch input {
        case .text(let given): text = given
        case .file(let path): text = try context.readText(path)
        }
        let tokenizer: Tokenizer
        let gguf: GGUFFile
        do {
            gguf = try GGUFFile(contentsOf: context.resolve(model))
            tokenizer = try Tokenizer(gguf: gguf)
        } catch let error as GGUFError {
            throw CLIError.failure("\(model): \(error.description)")
        } catch let error as TokenizerError {
            throw CLIError.failure("\(model): \(error.description)")
        }
        let tokens: [Int32]
        switch encoding {
        case .chat(let chat):
            let template = ChatTemplate.forModel(
                chatTemplate: gguf["tokenizer.chat_template"]?.string, tokenizer: tokenizer)
            tokens = tokenizer.encode(template.render(chat.messages(user: text)))
            if !context.json { context.printError("chat format: \(template.rawValue)") }
        case .plain(let addSpecial, let parseSpecial):
            tokens = tokenizer.encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial)
        }
        let report = TokenizeReport(tokens: tokens, tokenizer: tokenizer)
        return try context.respond(json: report) {
            context.print(report.text())
        }
    }
}

/// What `assay tokenize` prints; Encodable for `--json`.
struct TokenizeReport: Encodable {
    var count: Int
    var tokens: [Int32]
    /// Each token's piece; bytes that are not valid UTF-8 on their own appear as `\xNN`.
    var pieces: [String]

    init(tokens: [Int32], tokenizer: Tokenizer) {
        count = tokens.count
        self.tokens = tokens
        pieces = tokens.map { Self.display(tokenizer.pieceBytes(for: $0, renderSpecial: true)) }
    }

    static func display(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return bytes.map { $0 < 0x80 ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
    }

    func text() -> String {
        let width = max(6, tokens.map { String($0).count }.max() ?? 0)
        var lines: [String] = []
        for (token, piece) in zip(tokens, pieces) {
            let id = String(token)
            let escaped = piece.unicodeScalars.map { scalar -> String in
                switch scalar {
                case "\n": return "\\n"
                case "\t": return "\\t"
                case "\r": return "\\r"
                case "'": return "\\'"
                default: return String(scalar)
                }
            }.joined()
            lines.append(String(repeating: " ", count: width - id.count) + id + " -> '" + escaped + "'")
        }
        lines.append("\(count) token\(count == 1 ? "" : "s")")
        return lines.joined(separator: "\n")
    }
}
