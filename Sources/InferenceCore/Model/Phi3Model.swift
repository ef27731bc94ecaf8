import ModelFormat

/// The `phi3` architecture (Phi-3, Phi-3.5 mini): the llama block with
/// - fused projections: `attn_qkv` holds Q, K and V rows in that order, `ffn_up` holds the gate
///   rows then the up rows (SwiGLU over the split);
/// - NeoX RoPE with LongRoPE factors (`rope_factors_short/long.weight`, chosen by the session's
///   context against `rope.scaling.original_context_length`) and the cos/sin multiplier
///   `rope.scaling.attn_factor`;
/// - queries scaled by 1/√head before the scores (scores unscaled).
enum Phi3Model: ModelArchitecture {
    static let name = "phi3"

    static func load(_ file: GGUFFile) throws(InferenceError) -> TransformerModel {
        var config = try TransformerConfig(file: file, architecture: name, ropeStyle: .neox)
        config.queryScale = 1 / Float(config.headDimension).squareRoot()
        config.scoreScale = 1
        if let factor = TransformerConfig.float(file, name, "rope.scaling.attn_factor"), factor > 0 {
            config.ropeAttentionFactor = factor
        }
        let reader = TensorReader(file: file)
        let d = config.embeddingLength
        let ffn = config.feedForwardLength
        let q = config.queryDimension
        let kv = config.kvDimension
        let layers = try (0..<config.blockCount).map { index throws(InferenceError) in
            let p = "blk.\(index)."
            let qkv = p + "attn_qkv.weight"
            let up = p + "ffn_up.weight"
            return DecoderLayerWeights(
                attentionNorm: try reader.vector(p + "attn_norm.weight", count: d),
                query: try reader.matrixRows(qkv, 0..<q, of: q + 2 * kv, cols: d),
                key: try reader.matrixRows(qkv, q..<(q + kv), of: q + 2 * kv, cols: d),
                value: try reader.matrixRows(qkv, (q + kv)..<(q + 2 * kv), of: q + 2 * kv, cols: d),
                attentionOutput: try reader.matrix(p + "attn_output.weight", rows: d, cols: q),
                ffnNorm: try reader.vector(p + "ffn_norm.weight", count: d),
                ffnGate: try reader.matrixRows(up, 0..<ffn, of: 2 * ffn, cols: d),
                ffnUp: try reader.matrixRows(up, ffn..<(2 * ffn), of: 2 * ffn, cols: d),
                ffnDown: try reader.matrix(p + "ffn_down.weight", rows: d, cols: ffn))
        }
        var weights = try reader.decoderWeights(config: config, layers: layers, ropeFactors: nil)
        let pairs = config.ropeDimensionCount / 2
        if let short = try reader.optionalVector("rope_factors_short.weight", count: pairs),
            let long = try reader.optionalVector("rope_factors_long.weight", count: pairs)
        {
            let original = file["\(name).rope.scaling.original_context_length"]?.int ?? config.contextLength
            weights.longRope = LongRopeFactors(short: short, long: long, originalContext: original)
        }
        return TransformerModel(config: config, weights: weights)
    }
}
