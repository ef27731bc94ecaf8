/// How a byte-level BPE vocabulary cuts text into words before merging, named as in
/// `tokenizer.ggml.pre`. Each case reproduces the regular expressions llama.cpp uses for that
/// name, implemented as scanners over Unicode properties (see `SplitStage`).
public enum PreTokenizer: String, Sendable, CaseIterable {
    /// llama.cpp's fallback when a file names no pre-tokenizer (`"default"`): punctuation runs,
    /// the GPT-2 expression, number runs, then groups of three ASCII digits.
    case `default`
    /// The GPT-2 expression (`gpt-2`, `phi-2`, `mpt`, `olmo`, …).
    case gpt2
    /// Llama 3: case-insensitive contractions, numbers in groups of up to three digits.
    case llama3
    /// Qwen2: like Llama 3, one digit per piece.
    case qwen2
    /// StarCoder and SmolLM: every digit isolated, then the GPT-2 expression.
    case starcoder
    /// DeepSeek LLM: newlines, Latin-script words, punctuation, trailing space, CJK, numbers.
    case deepseekLLM
    /// DeepSeek Coder: newlines, letters, punctuation, CJK, single digits.
    case deepseekCoder

    var stages: [SplitStage] {
        switch self {
        case .default:
            return [.punctuationRuns, .gpt2, .numberRuns, .asciiDigitTriples]
        case .gpt2:
            return [.gpt2]
        case .llama3:
            return [.llama3(maxDigits: 3)]
        case .qwen2:
            return [.llama3(maxDigits: 1)]
        case .starcoder:
            return [.isolateNumbers, .gpt2]
        case .deepseekLLM:
            return [
                .isolateNewlines,
                .optionalSpaceThenRun(Self.deepseekLetters),
                .optionalSpaceThenRun(Self.deepseekPunctuation),
                .trailingWhitespace,
                .runs(Self.cjk),
                .numberRuns
            ]
        case .deepseekCoder:
            return [
                .isolateNewlines,
                .optionalSpaceThenCategoryRun(.letter),
                .optionalSpaceThenCategoryRun(.punctuation),
                .runs(Self.cjk),
                .isolateNumbers
            ]
        }
    }

    /// The Latin/Greek/Cyrillic/… letter class of DeepSeek LLM's tokenizer.json expression.
    static let deepseekLetters = CodepointRanges(
        classBody:
            "A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃"
    )

    /// DeepSeek LLM's ASCII and full-width punctuation class.
    static let deepseekPunctuation = CodepointRanges(classBody: "!-/:-~！-／：-～‘-‟　-。")

    /// CJK ideographs, the block before them and Hangul syllables, as DeepSeek groups them.
    static let cjk = CodepointRanges(classBody: "一-龥ࠀ-一가-퟿")

    /// Resolves a `tokenizer.ggml.pre` name; nil or empty means llama.cpp's `default`.
    public init(name: String?) throws(TokenizerError) {
        guard let settings = PreTokenizerSettings(name: name) else {
            throw .unknownPreTokenizer(name ?? "")
        }
        self = settings.preTokenizer
    }

    /// Cuts `text` into the words BPE merges within.
    public func split(_ text: String) -> [String] {
        let cps = text.unicodeScalars.map(\.value)
        return split(codepoints: cps).map { range in
            var scalars = String.UnicodeScalarView()
            for value in cps[range] { if let s = Unicode.Scalar(value) { scalars.append(s) } }
            return String(scalars)
        }
    }

    /// The word ranges of `cps`.
    func split(codepoints cps: [UInt32]) -> [Range<Int>] {
        cps.withUnsafeBufferPointer { buffer in
            var pieces = [0..<buffer.count]
            var next: [Range<Int>] = []
            for stage in stages {
                next.removeAll(keepingCapacity: true)
                next.reserveCapacity(pieces.count * 2)
                stage.apply(buffer, pieces, into: &next)
                swap(&pieces, &next)
            }
            return pieces.filter { !$0.isEmpty }
        }
    }
}

/// What a `tokenizer.ggml.pre` name implies besides the splitting: llama.cpp's
/// `clean_up_tokenization_spaces`, `ignore_merges` and default `add_bos`.
struct PreTokenizerSettings: Sendable {
    var preTokenizer: PreTokenizer
    var cleanSpaces = true
    var ignoreMerges = false
    var addsBOS = false

    init?(name: String?) {
        switch name ?? "" {
        case "", "default":
            preTokenizer = .default
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral":
            preTokenizer = .llama3
            ignoreMerges = true
            addsBOS = true
        case "dbrx", "smaug-bpe":
            preTokenizer = .llama3
        case "qwen2", "deepseek-r1-qwen":
            preTokenizer = .qwen2
            cleanSpaces = false
        case "stablelm2", "megrez":
            preTokenizer = .qwen2
        case "starcoder", "refact", "codeshell", "exaone", "minerva-7b":
            preTokenizer = .starcoder
        case "smollm", "command-r":
            preTokenizer = .starcoder
            cleanSpaces = false
        case "gpt-2", "gpt2", "phi-2", "mpt", "olmo", "jais", "jina-es", "jina-de", "jina-v2-es",
            "jina-v2-de", "gigachat", "exaone4":
            preTokenizer = .gpt2
        case "deepseek-llm":
            preTokenizer = .deepseekLLM
            cleanSpaces = false
        case "deepseek-coder":
            preTokenizer = .deepseekCoder
            cleanSpaces = false
        default:
            return nil
        }
    }
}
