import ModelFormat

/// The weights of one decoder block; matrices point into the mapped file.
/// Optional pieces (biases, Q/K norms, post norms) are present exactly when the architecture
/// has them; the forward pass applies what is there.
struct DecoderLayerWeights: Sendable {
    var attentionNorm: [Float]
    var query: WeightMatrix
    var key: WeightMatrix
    var value: WeightMatrix
    var queryBias: [Float]?
    var keyBias: [Float]?
    var valueBias: [Float]?
    /// RMSNorm weights applied to each query / key head before RoPE (Gemma 3, Qwen3).
    var queryNorm: [Float]?
    var keyNorm: [Float]?
    var attentionOutput: WeightMatrix
    /// RMSNorm of the attention output before the residual add (Gemma 2/3).
    var postAttentionNorm: [Float]?
    var ffnNorm: [Float]
    var ffnGate: WeightMatrix
    var ffnUp: WeightMatrix
    var ffnDown: WeightMatrix
    /// RMSNorm of the FFN output before the residual add (Gemma 2/3).
    var postFFNNorm: [Float]?
    /// LoRA updates per projection (empty without adapters).
    var adapters: [Projection: [LoRAWeights]] = [:]
}

/// Everything the forward pass reads. Holds the `GGUFFile` so the mapping outlives every pointer.
struct TransformerWeights: Sendable {
    let file: GGUFFile
    /// The token embedding table, one row per token (any type GGMLCodec decodes).
    var tokenEmbedding: WeightMatrix
    var layers: [DecoderLayerWeights]
    var outputNorm: [Float]
    var output: WeightMatrix
    /// Llama 3.1+ `rope_freqs.weight`: per-pair divisors of the rotation angle.
    var ropeFrequencyFactors: [Float]?
    /// LongRoPE (Phi-3): per-pair divisors for short and long contexts; a session whose
    /// context exceeds `originalContext` uses the long ones (as llama.cpp decides by n_ctx).
    var longRope: LongRopeFactors?
    /// LoRA adapter files merged into this model's layers (kept so their mappings outlive the
    /// pointers in `DecoderLayerWeights.adapters`).
    var adapterFiles: [GGUFFile] = []

    /// The rotary frequency factors a session of `contextLength` positions uses.
    func ropeFactors(contextLength: Int) -> [Float]? {
        if let longRope { return contextLength > longRope.originalContext ? longRope.long : longRope.short }
        return ropeFrequencyFactors
    }
}

/// Phi-3's `rope_factors_short/long.weight` and `rope.scaling.original_context_length`.
struct LongRopeFactors: Sendable {
    var short: [Float]
    var long: [Float]
    var originalContext: Int
}

/// Reads tensors by GGUF name and checks their shapes against the configuration.
struct TensorReader {
    let file: GGUFFile

    func info(_ name: String) throws(InferenceError) -> GGUFTensorInfo {
        guard let info = file.tensor(named: name) else { throw .missingTensor(name: name) }
        return info
    }

    /// A matrix with GGUF dimensions `[cols, rows]`.
    func matrix(_ name: String, rows: Int, cols: Int) throws(InferenceError) -> WeightMatrix {
        let info = try info(name)
        guard info.dimensions.count == 2, info.dimensions[0] == cols, info.dimensions[1] == rows else {
            throw .tensorShape(name: name, expected: [cols, rows], actual: info.dimensions)
        }
        guard WeightMatrix.supportedTypes.contains(info.type), cols % info.type.blockSize == 0 else {
            throw .unsupportedTensorType(name: name, type: info.type)
        }
        return WeightMatrix(
            name: name, type: info.type, rows: rows, cols: cols,
            data: file.tensorPointer(info), rowBytes: info.rowByteCount)
    }

    /// Rows `range` of a fused matrix with GGUF dimensions `[cols, totalRows]` (e.g. Phi-3's
    /// `attn_qkv`): every output row is one dot product, so a row view computes exactly what a
    /// separate tensor with those rows would.
    func matrixRows(_ name: String, _ range: Range<Int>, of totalRows: Int, cols: Int) throws(InferenceError)
        -> WeightMatrix
    {
        let whole = try matrix(name, rows: totalRows, cols: cols)
        return WeightMatrix(
            name: "\(name)[\(range.lowerBound)..<\(range.upperBound)]", type: whole.type,
            rows: range.count, cols: cols, data: whole.data + range.lowerBound * whole.rowBytes,
            rowBytes: whole.rowBytes)
    }

    func optionalMatrix(_ name: String, rows: Int, cols: Int) throws(InferenceError) -> WeightMatrix? {
        guard file.tensor(named: name) != nil else { return nil }
        return try matrix(name, rows: rows, cols: cols)
    }

    /// A 1-D tensor of `count` values, decoded to F32 (norm weights, biases: small).
    func vector(_ name: String, count: Int) throws(InferenceError) -> [Float] {
        let info = try info(name)
        guard info.elementCount == count, info.dimensions.count == 1 else {
            throw .tensorShape(name: name, expected: [count], actual: info.dimensions)
        }
        var values = [Float](repeating: 0, count: count)
        do {
            try values.withUnsafeMutableBufferPointer { buffer throws(GGMLCodecError) in
                try GGMLCodec.dequantize(
                    type: info.type, from: file.tensorPointer(info), count: count,
                    into: buffer.baseAddress!)
            }
        } catch {
            throw .unsupportedTensorType(name: name, type: info.type)
        }
        return values
    }

    func optionalVector(_ name: String, count: Int) throws(InferenceError) -> [Float]? {
        guard file.tensor(named: name) != nil else { return nil }
        return try vector(name, count: count)
    }

    func embedding(_ name: String, rows: Int, cols: Int) throws(InferenceError) -> WeightMatrix {
        let info = try info(name)
        guard info.dimensions.count == 2, info.dimensions[0] == cols, info.dimensions[1] == rows else {
            throw .tensorShape(name: name, expected: [cols, rows], actual: info.dimensions)
        }
        guard GGMLCodec.canDequantize(info.type) else { throw .unsupportedTensorType(name: name, type: info.type) }
        return WeightMatrix(
            name: name, type: info.type, rows: rows, cols: cols, data: file.tensorPointer(info),
            rowBytes: info.rowByteCount)
    }

    /// The llama-family block layout (`blk.N.attn_q.weight`, …); Q/K/V biases are read when
    /// present (required when `requireBiases`). Architectures add or replace pieces after.
    func decoderLayer(_ index: Int, config c: TransformerConfig, requireBiases: Bool = false)
        throws(InferenceError) -> DecoderLayerWeights
    {
        let p = "blk.\(index)."
        let d = c.embeddingLength
        func bias(_ name: String, _ count: Int) throws(InferenceError) -> [Float]? {
            requireBiases ? try vector(p + name, count: count) : try optionalVector(p + name, count: count)
        }
        return DecoderLayerWeights(
            attentionNorm: try vector(p + "attn_norm.weight", count: d),
            query: try matrix(p + "attn_q.weight", rows: c.queryDimension, cols: d),
            key: try matrix(p + "attn_k.weight", rows: c.kvDimension, cols: d),
            value: try matrix(p + "attn_v.weight", rows: c.kvDimension, cols: d),
            queryBias: try bias("attn_q.bias", c.queryDimension),
            keyBias: try bias("attn_k.bias", c.kvDimension),
            valueBias: try bias("attn_v.bias", c.kvDimension),
            attentionOutput: try matrix(p + "attn_output.weight", rows: d, cols: c.queryDimension),
            ffnNorm: try vector(p + "ffn_norm.weight", count: d),
            ffnGate: try matrix(p + "ffn_gate.weight", rows: c.feedForwardLength, cols: d),
            ffnUp: try matrix(p + "ffn_up.weight", rows: c.feedForwardLength, cols: d),
            ffnDown: try matrix(p + "ffn_down.weight", rows: d, cols: c.feedForwardLength))
    }

    /// The whole decoder: embedding, the given layers, final norm, output projection (tied to
    /// the embedding when `output.weight` is absent) and optional rotary frequency factors.
    func decoderWeights(config: TransformerConfig, layers: [DecoderLayerWeights], ropeFactors: [Float]?)
        throws(InferenceError) -> TransformerWeights
    {
        TransformerWeights(
            file: file,
            tokenEmbedding: try embedding(
                "token_embd.weight", rows: config.vocabularySize, cols: config.embeddingLength),
            layers: layers,
            outputNorm: try vector("output_norm.weight", count: config.embeddingLength),
            output: try outputMatrix(config: config),
            ropeFrequencyFactors: ropeFactors)
    }

    /// `output.weight`, or the token embedding when the output is tied.
    func outputMatrix(config c: TransformerConfig) throws(InferenceError) -> WeightMatrix {
        if let output = try optionalMatrix("output.weight", rows: c.vocabularySize, cols: c.embeddingLength) {
            return output
        }
        return try matrix("token_embd.weight", rows: c.vocabularySize, cols: c.embeddingLength)
    }
}

extension TensorReader {
    /// The plain decoder-only load shared by `llama` and `qwen2`: the configuration, every
    /// block's standard layer (Q/K/V biases required when `requireBiases`), the shared weights,
    /// and, when `ropeFrequencies`, the optional `rope_freqs.weight` rescaling (Llama 3.1+).
    static func loadDecoder(
        _ file: GGUFFile, architecture: String, ropeStyle: RopeStyle, requireBiases: Bool,
        ropeFrequencies: Bool
    ) throws(InferenceError) -> TransformerModel {
        let config = try TransformerConfig(file: file, architecture: architecture, ropeStyle: ropeStyle)
        let reader = TensorReader(file: file)
        let layers = try (0..<config.blockCount).map { index throws(InferenceError) in
            try reader.decoderLayer(index, config: config, requireBiases: requireBiases)
        }
        let ropeFactors =
            ropeFrequencies
            ? try reader.optionalVector("rope_freqs.weight", count: config.ropeDimensionCount / 2) : nil
        let weights = try reader.decoderWeights(config: config, layers: layers, ropeFactors: ropeFactors)
        return TransformerModel(config: config, weights: weights)
    }
}
