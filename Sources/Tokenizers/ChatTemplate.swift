/// One message of a conversation.
public struct ChatMessage: Sendable, Hashable, Codable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A piece of a rendered prompt. Template pieces (turn markers, role headers) may contain
/// special-token text that the tokenizer turns into those tokens; content pieces (what users
/// and the model wrote) never do, so a user typing "<|im_end|>" gets that text, not the token.
public struct PromptSegment: Sendable, Hashable, Codable {
    public var text: String
    /// True for the template's own text; false for message content.
    public var isTemplate: Bool

    public init(_ text: String, isTemplate: Bool) {
        self.text = text
        self.isTemplate = isTemplate
    }

    public static func template(_ text: String) -> PromptSegment { PromptSegment(text, isTemplate: true) }
    public static func content(_ text: String) -> PromptSegment { PromptSegment(text, isTemplate: false) }
}

/// The chat formats Assay renders, recognised from a GGUF file's `tokenizer.chat_template`
/// (a Jinja template we do not execute) by distinctive substrings, in the order llama.cpp's
/// built-in detection checks them, and rendered exactly as llama.cpp's built-in renderer does
/// (so prompts tokenize to the same ids as `llama_chat_apply_template` + `llama_tokenize`).
public enum ChatTemplate: String, Sendable, Hashable, Codable, CaseIterable {
    /// `<|im_start|>role\ncontent<|im_end|>\n` (SmolLM2, Qwen2.5, many others).
    case chatml
    /// `<|role|>\ncontent<|end|>\n` (Phi-3).
    case phi3
    /// `<start_of_turn>role\ncontent<end_of_turn>\n`, "assistant" spelled "model", system text
    /// merged into the first user turn (Gemma 1–3).
    case gemma
    /// `<|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>` (Llama 3.x).
    case llama3

    /// The format of a model whose file carries `template`: a template name ("chatml",
    /// "gemma", "llama3", "phi3") or a Jinja template recognised by its markers. Nil when the
    /// template is recognised as none of these (callers fall back to ChatML, as llama-server does).
    public static func detect(_ template: String) -> ChatTemplate? {
        if let named = ChatTemplate(rawValue: template) { return named }
        func has(_ marker: String) -> Bool { template.contains(marker) }
        // llama.cpp checks these before the ones we render; a template that matches one of them
        // is some other format (Phi-4, SmolVLM, Mistral, GLM, Falcon 3, Zephyr, ...).
        if has("<|im_start|>") {
            return has("<|im_sep|>") || has("<end_of_utterance>") ? nil : .chatml
        }
        if template.hasPrefix("mistral") || has("[INST]") { return nil }
        if has("<|assistant|>") && has("<|end|>") { return .phi3 }
        if has("[gMASK]<sop>") || (has("<|assistant|>") && has("<|user|>")) { return nil }
        if has("<|{{ item['role'] }}|>") && has("<|begin_of_image|>") { return nil }
        if has("<|user|>") && has("<|endoftext|>") { return nil }
        if has("bos_token + message['role']") { return nil }
        if has("<start_of_turn>") { return .gemma }
        if has("'\\n\\nAssistant: ' + eos_token") || has("GPT4 Correct ") || (has("USER: ") && has("ASSISTANT: "))
            || (has("### Instruction:") && has("<|EOT|>")) || (has("<|START_OF_TURN_TOKEN|>") && has("<|USER_TOKEN|>"))
        {
            return nil
        }
        if has("<|start_header_id|>") && has("<|end_header_id|>") { return .llama3 }
        return nil
    }

    /// Template to use for a model file: the format recognised in its `tokenizer.chat_template`;
    /// when the file has none (the Gemma 3 270M file, for one) or one we do not render, the
    /// format whose turn markers the vocabulary has as tokens (`hasToken(text)`); else ChatML.
    /// (llama.cpp uses ChatML whenever the file has no template, which turns Gemma's prompt
    /// into plain text.)
    public static func forModel(chatTemplate: String?, hasToken: (String) -> Bool = { _ in false }) -> ChatTemplate {
        if let chatTemplate, !chatTemplate.isEmpty, let detected = detect(chatTemplate) { return detected }
        if hasToken("<start_of_turn>") && hasToken("<end_of_turn>") { return .gemma }
        if hasToken("<|start_header_id|>") && hasToken("<|end_header_id|>") && hasToken("<|eot_id|>") { return .llama3 }
        if hasToken("<|im_start|>") && hasToken("<|im_end|>") { return .chatml }
        if hasToken("<|assistant|>") && hasToken("<|end|>") { return .phi3 }
        return .chatml
    }

    /// `forModel` for a tokenizer's vocabulary.
    public static func forModel(chatTemplate: String?, tokenizer: Tokenizer) -> ChatTemplate {
        forModel(chatTemplate: chatTemplate, hasToken: { tokenizer.token(forText: $0) != nil })
    }

    /// The roles a message may have.
    public static let roles: Set<String> = ["system", "user", "assistant"]

    /// Renders `messages`, ending with the header of an assistant turn when `addAssistant`.
    /// Roles must be in `roles` (callers validate); content is kept apart from the template.
    public func render(_ messages: [ChatMessage], addAssistant: Bool = true) -> [PromptSegment] {
        var out: [PromptSegment] = []
        func t(_ s: String) { out.append(.template(s)) }
        func c(_ s: String) { if !s.isEmpty { out.append(.content(s)) } }
        if let turns = turnLayout {
            for m in messages {
                t(turns.header(m.role))
                c(turns.trimsContent ? Self.trim(m.content) : m.content)
                t(turns.end)
            }
            if addAssistant { t(turns.header("assistant")) }
            return out
        }
        // Gemma: no system role (the system text opens the first user turn), "model" for the
        // assistant.
        var system = ""
        for m in messages {
            if m.role == "system" {
                system += Self.trim(m.content)
                continue
            }
            let role = m.role == "assistant" ? "model" : m.role
            t("<start_of_turn>\(role)\n")
            if !system.isEmpty && role != "model" {
                c(system)
                t("\n\n")
                system = ""
            }
            c(Self.trim(m.content))
            t("<end_of_turn>\n")
        }
        if addAssistant { t("<start_of_turn>model\n") }
        return out
    }

    /// Templates where every message is `header(role)`, its content, `end` (nil: Gemma).
    private var turnLayout: (header: (String) -> String, end: String, trimsContent: Bool)? {
        switch self {
        case .chatml: return ({ "<|im_start|>\($0)\n" }, "<|im_end|>\n", false)
        case .phi3: return ({ "<|\($0)|>\n" }, "<|end|>\n", false)
        case .llama3: return ({ "<|start_header_id|>\($0)<|end_header_id|>\n\n" }, "<|eot_id|>", true)
        case .gemma: return nil
        }
    }

    /// Whitespace trimmed from both ends (C `isspace`: space, \t, \n, \v, \f, \r).
    static func trim(_ s: String) -> String {
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || ("\t"..."\r").contains($0) }
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
