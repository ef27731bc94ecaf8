import ModelFormat

/// How rotary embeddings pair up dimensions.
public enum RopeStyle: String, Sendable, Hashable, Codable {
    /// Adjacent pairs (x0, x1), (x2, x3)… — llama GGUFs store Q/K permuted for this.
    case normal
    /// Halves (x_i, x_{i+n/2}) — GPT-NeoX / Qwen2 / Gemma / Phi-3.
    case neox
}

/// The gated feed-forward activation: `act(gate) · up`.
public enum FeedForwardActivation: String, Sendable, Hashable, Codable {
    /// SiLU (SwiGLU): llama, qwen2, phi3.
    case silu
    /// GELU, tanh approximation, through ggml's F16 table (GeGLU): gemma.
    case geluTanh
}

/// Attention and rotary settings of one decoder layer (they differ between the local and global
/// layers of interleaved sliding-window models such as Gemma 3).
public struct LayerAttention: Sendable, Hashable, Codable {
    /// Keys older than this many positions are masked (the query's own position counts as one);
    /// `nil` means global attention.
    public var slidingWindow: Int?
    public var ropeFrequencyBase: Float
    /// 1 / linear scaling factor (1 when unscaled).
    public var ropeFrequencyScale: Float
}

/// Hyper-parameters and block structure of a decoder-only transformer. Each architecture file
/// reads its `<arch>.*` keys into one of these; the shared forward pass executes it.
public struct TransformerConfig: Sendable, Hashable, Codable {
    public var architecture: String
    public var embeddingLength: Int
    public var blockCount: Int
    public var headCount: Int
    public var headCountKV: Int
    public var headDimension: Int
    public var feedForwardLength: Int
    public var contextLength: Int
    public var vocabularySize: Int
    public var ropeDimensionCount: Int
    public var ropeStyle: RopeStyle
    public var rmsNormEpsilon: Float

    // Block structure (defaults are the llama block).

    /// Per layer: sliding window and rotary base/scale.
    public var layers: [LayerAttention]
    /// Gated FFN activation.
    public var activation: FeedForwardActivation = .silu
    /// Token embeddings are multiplied by this (Gemma: √d); 1 = unscaled.
    public var embeddingScale: Float = 1
    /// Queries are multiplied by this before the scores (Gemma, Phi-3); the scores then by
    /// `scoreScale`. llama: 1 and 1/√head.
    public var queryScale: Float = 1
    public var scoreScale: Float
    /// Rotary cos/sin multiplier (YaRN/LongRoPE `attn_factor`); 1 = none.
    public var ropeAttentionFactor: Float = 1
    /// `cap · tanh(logit / cap)` on the output logits when set (Gemma 2 style).
    public var finalLogitSoftcap: Float?

    /// Width of one position's keys (and values) in the KV cache.
    public var kvDimension: Int { headCountKV * headDimension }
    /// Width of all query heads.
    public var queryDimension: Int { headCount * headDimension }

    /// Reads the common `<arch>.*` keys; `vocabularySize` comes from the embedding tensor.
    /// Every derived size is checked: metadata is untrusted input.
    init(file: GGUFFile, architecture arch: String, ropeStyle: RopeStyle) throws(InferenceError) {
        func int(_ key: String) throws(InferenceError) -> Int {
            guard let value = file["\(arch).\(key)"]?.int else { throw .missingMetadata(key: "\(arch).\(key)") }
            return value
        }
        func optionalInt(_ key: String) -> Int? { file["\(arch).\(key)"]?.int }
        func optionalFloat(_ key: String) -> Float? { file["\(arch).\(key)"]?.float }
        // One set of limits for the whole project: the parser's (GGUFModelLimits), which keep every
        // product of two sizes far inside `Int`; the engine also needs every size to be positive.
        func bounded(_ key: String, _ value: Int, max cap: Int? = nil) throws(InferenceError) -> Int {
            let upper =
                cap ?? GGUFModelLimits.integerRanges.first { $0.suffix == key }?.range.upperBound ?? Int(Int32.max)
            guard value > 0, value <= upper else {
                throw .invalidMetadata(key: "\(arch).\(key)", reason: "\(value) is outside 1...\(upper)")
            }
            return value
        }

        architecture = arch
        embeddingLength = try bounded("embedding_length", try int("embedding_length"))
        blockCount = try bounded("block_count", try int("block_count"))
        headCount = try bounded("attention.head_count", try int("attention.head_count"))
        headCountKV = try bounded(
            "attention.head_count_kv", optionalInt("attention.head_count_kv") ?? headCount,
            max: headCount)
        feedForwardLength = try bounded("feed_forward_length", try int("feed_forward_length"))
        contextLength = try bounded("context_length", optionalInt("context_length") ?? 2048)
        guard headCount % headCountKV == 0 else {
            throw .invalidMetadata(
                key: "\(arch).attention.head_count_kv",
                reason: "\(headCount) query heads are not a multiple of \(headCountKV) KV heads")
        }
        headDimension = try bounded(
            "attention.key_length",
            optionalInt("attention.key_length") ?? embeddingLength / headCount)
        if let valueLength = optionalInt("attention.value_length"), valueLength != headDimension {
            throw .invalidMetadata(
                key: "\(arch).attention.value_length",
                reason: "\(valueLength) differs from key_length \(headDimension) (not supported)")
        }
        ropeDimensionCount = try bounded(
            "rope.dimension_count", optionalInt("rope.dimension_count") ?? headDimension,
            max: headDimension)
        guard ropeDimensionCount % 2 == 0 else {
            throw .invalidMetadata(key: "\(arch).rope.dimension_count", reason: "must be even")
        }
        let base = optionalFloat("rope.freq_base") ?? 10_000
        guard base.isFinite, base > 0 else {
            throw .invalidMetadata(key: "\(arch).rope.freq_base", reason: "must be a positive number")
        }
        var scale: Float = 1
        if let type = file["\(arch).rope.scaling.type"]?.string, type == "linear",
            let factor = optionalFloat("rope.scaling.factor"), factor > 0, factor.isFinite
        {
            scale = 1 / factor
        } else if let factor = optionalFloat("rope.scale_linear"), factor > 0, factor.isFinite {
            scale = 1 / factor
        }
        self.ropeStyle = ropeStyle
        let epsilon = optionalFloat("attention.layer_norm_rms_epsilon") ?? 1e-5
        guard epsilon.isFinite, epsilon >= 0 else {
            throw .invalidMetadata(key: "\(arch).attention.layer_norm_rms_epsilon", reason: "must be ≥ 0")
        }
        rmsNormEpsilon = epsilon
        layers = Array(
            repeating: LayerAttention(slidingWindow: nil, ropeFrequencyBase: base, ropeFrequencyScale: scale),
            count: blockCount)
        scoreScale = 1 / (Float(headDimension)).squareRoot()
        guard let embedding = file.tensor(named: "token_embd.weight"), embedding.dimensions.count == 2 else {
            throw .missingTensor(name: "token_embd.weight")
        }
        vocabularySize = try bounded("vocab_size", embedding.dimensions[1])
        guard embedding.dimensions[0] == embeddingLength else {
            throw .tensorShape(
                name: "token_embd.weight", expected: [embeddingLength, vocabularySize],
                actual: embedding.dimensions)
        }
    }

    /// The file's value of `<arch>.key` as a float, if present and finite.
    static func float(_ file: GGUFFile, _ arch: String, _ key: String) -> Float? {
        guard let value = file["\(arch).\(key)"]?.float, value.isFinite else { return nil }
        return value
    }
}
