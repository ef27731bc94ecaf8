import ModelFormat

/// How rotary embeddings pair up dimensions.
public enum RopeStyle: String, Sendable, Hashable, Codable {
    /// Adjacent pairs (x0, x1), (x2, x3)… — llama GGUFs store Q/K permuted for this.
    case normal
    /// Halves (x_i, x_{i+n/2}) — GPT-NeoX / Qwen2.
    case neox
}

/// Hyper-parameters of a decoder-only transformer, read from `<arch>.*` metadata.
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
    public var ropeFrequencyBase: Float
    /// 1 / linear scaling factor (1 when unscaled).
    public var ropeFrequencyScale: Float
    public var ropeStyle: RopeStyle
    public var rmsNormEpsilon: Float

    /// Width of one position's keys (and values) in the KV cache.
    public var kvDimension: Int { headCountKV * headDimension }
    /// Width of all query heads.
    public var queryDimension: Int { headCount * headDimension }

    /// Reads the common `<arch>.*` keys; `vocabularySize` comes from the embedding tensor.
    init(file: GGUFFile, architecture arch: String, ropeStyle: RopeStyle) throws(InferenceError) {
        func int(_ key: String) throws(InferenceError) -> Int {
            guard let value = file["\(arch).\(key)"]?.int else { throw .missingMetadata(key: "\(arch).\(key)") }
            return value
        }
        func optionalInt(_ key: String) -> Int? { file["\(arch).\(key)"]?.int }
        func optionalFloat(_ key: String) -> Float? { file["\(arch).\(key)"]?.float }

        architecture = arch
        embeddingLength = try int("embedding_length")
        blockCount = try int("block_count")
        headCount = try int("attention.head_count")
        headCountKV = optionalInt("attention.head_count_kv") ?? headCount
        feedForwardLength = try int("feed_forward_length")
        contextLength = optionalInt("context_length") ?? 2048
        guard embeddingLength > 0, blockCount > 0, headCount > 0, headCountKV > 0,
              feedForwardLength > 0, headCount % headCountKV == 0 else {
            throw .invalidMetadata(key: "\(arch).attention.head_count",
                                   reason: "dimensions must be positive and heads a multiple of KV heads")
        }
        headDimension = optionalInt("attention.key_length") ?? embeddingLength / headCount
        ropeDimensionCount = optionalInt("rope.dimension_count") ?? headDimension
        guard headDimension > 0, ropeDimensionCount > 0, ropeDimensionCount <= headDimension,
              ropeDimensionCount % 2 == 0 else {
            throw .invalidMetadata(key: "\(arch).rope.dimension_count",
                                   reason: "must be even and at most the head dimension")
        }
        ropeFrequencyBase = optionalFloat("rope.freq_base") ?? 10_000
        var scale: Float = 1
        if let type = file["\(arch).rope.scaling.type"]?.string, type == "linear",
           let factor = optionalFloat("rope.scaling.factor"), factor > 0 {
            scale = 1 / factor
        } else if let factor = optionalFloat("rope.scale_linear"), factor > 0 {
            scale = 1 / factor
        }
        ropeFrequencyScale = scale
        self.ropeStyle = ropeStyle
        rmsNormEpsilon = optionalFloat("attention.layer_norm_rms_epsilon") ?? 1e-5
        guard let embedding = file.tensor(named: "token_embd.weight"), embedding.dimensions.count == 2 else {
            throw .missingTensor(name: "token_embd.weight")
        }
        vocabularySize = embedding.dimensions[1]
    }
}
