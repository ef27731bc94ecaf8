/// The tokenizer part of a GGUF file (`tokenizer.ggml.*`) as plain values.
///
/// Optional fields are "not stated in the file": the tokenizer then applies llama.cpp's
/// defaults for the model type (for example SentencePiece adds BOS and a space prefix, byte-level
/// BPE does neither unless its pre-tokenizer is Llama 3's).
public struct TokenizerVocabulary: Sendable, Hashable {
    /// The algorithm, `tokenizer.ggml.model`.
    public enum Model: String, Sendable, Hashable {
        /// SentencePiece BPE with byte fallback (`llama`).
        case sentencePiece = "llama"
        /// Byte-level BPE (`gpt2`).
        case bytePairEncoding = "gpt2"
    }

    public var model: Model
    /// `tokenizer.ggml.pre`, e.g. "smollm"; nil when absent.
    public var preTokenizerName: String?
    /// `tokenizer.ggml.tokens`.
    public var tokens: [String]
    /// `tokenizer.ggml.scores` (SentencePiece merge priorities); empty when absent.
    public var scores: [Float] = []
    /// `tokenizer.ggml.token_type` (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused,
    /// 6 byte); empty when absent (all normal).
    public var tokenTypes: [Int32] = []
    /// `tokenizer.ggml.merges`, "left right" per line, in rank order (BPE only).
    public var merges: [String] = []

    public var bosTokenID: Int32?
    public var eosTokenID: Int32?
    public var unknownTokenID: Int32?
    public var paddingTokenID: Int32?
    /// `tokenizer.ggml.eot_token_id` (end of turn).
    public var eotTokenID: Int32?
    /// `tokenizer.ggml.eom_token_id` (end of message).
    public var eomTokenID: Int32?

    public var addBOS: Bool?
    public var addEOS: Bool?
    public var addSpacePrefix: Bool?
    /// `general.name`, which llama.cpp consults for per-model token attributes (Phi-3).
    public var modelName: String?
}

/// llama.cpp's per-token attributes, derived from the token type and a few name rules.
struct TokenAttributes: OptionSet, Sendable, Hashable {
    let rawValue: UInt16
    static let unknown = TokenAttributes(rawValue: 1 << 0)
    static let unused = TokenAttributes(rawValue: 1 << 1)
    static let normal = TokenAttributes(rawValue: 1 << 2)
    static let control = TokenAttributes(rawValue: 1 << 3)
    static let userDefined = TokenAttributes(rawValue: 1 << 4)
    static let byte = TokenAttributes(rawValue: 1 << 5)
    /// Strip white space to the left of this token when splitting special tokens out.
    static let lstrip = TokenAttributes(rawValue: 1 << 7)
    /// Strip white space to the right of this token when splitting special tokens out.
    static let rstrip = TokenAttributes(rawValue: 1 << 8)

    /// Tokens split out of raw text before the tokenizer proper runs.
    static let special: TokenAttributes = [.control, .userDefined, .unknown]

    init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The attribute of each `tokenizer.ggml.token_type` value, indexed by it: 0 undefined (none),
    /// 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte.
    private static let ofType: [TokenAttributes] = [[], .normal, .unknown, .control, .userDefined, .unused, .byte]

    /// The attribute of a token type; none for an undefined or unknown type.
    init(type: Int32) {
        self = Self.ofType.indices.contains(Int(type)) ? Self.ofType[Int(type)] : []
    }
}
