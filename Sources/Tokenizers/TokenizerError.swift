/// Why a vocabulary could not be turned into a tokenizer.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `tokenizer.ggml.model` names an algorithm this module does not implement.
    case unsupportedModel(String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer this module does not implement.
    case unknownPreTokenizer(String)
    /// A required metadata key is absent or has the wrong type.
    case missingKey(String)
    /// A metadata key has the wrong type or shape.
    case invalidKey(String, reason: String)
    /// The vocabulary has no tokens.
    case emptyVocabulary
    /// Two entries of `tokenizer.ggml.tokens` have the same bytes.
    case duplicateToken(text: String, firstID: Int, secondID: Int)
    /// `add_bos`/`add_eos` is set but the vocabulary has no such token.
    case missingSpecialToken(String)

    public var description: String {
        switch self {
        case .unsupportedModel(let name):
            return "unsupported tokenizer model '\(name)' (supported: llama (SentencePiece), gpt2 (byte-level BPE))"
        case .unknownPreTokenizer(let name):
            return "unknown pre-tokenizer '\(name)' in tokenizer.ggml.pre"
        case .missingKey(let key):
            return "tokenizer metadata '\(key)' is missing"
        case .invalidKey(let key, let reason):
            return "tokenizer metadata '\(key)' is invalid: \(reason)"
        case .emptyVocabulary:
            return "tokenizer vocabulary is empty"
        case .duplicateToken(let text, let first, let second):
            return "duplicate token in vocabulary: '\(text)' has ids \(first) and \(second)"
        case .missingSpecialToken(let what):
            return "\(what) is enabled but the vocabulary defines no such token"
        }
    }
}
