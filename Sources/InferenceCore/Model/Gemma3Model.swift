import ModelFormat

/// The `gemma3` architecture (Gemma 3 text models, e.g. Gemma 3 270M):
/// - token embeddings scaled by √d; output tied to the embedding unless `output.weight` exists;
/// - per head RMSNorm of queries and keys (`attn_q_norm`, `attn_k_norm`) before NeoX RoPE;
/// - RMSNorm of the attention output and of the FFN output before each residual add
///   (`post_attention_norm`, `post_ffw_norm`); GELU-tanh gated FFN (GeGLU);
/// - interleaved attention: with `gemma3.attention.sliding_window` set, layers are local
///   (sliding window, rope base `rope.freq_base_swa`, default 10,000, unscaled) except every
///   `attention.sliding_window_pattern`-th (default 6): global layers use `rope.freq_base`;
/// - queries scaled by 1/√head_dim (1/√(d/heads) for the 62-layer 27B) and the scores by 1;
/// - optional `final_logit_softcapping`.
enum Gemma3Model: ModelArchitecture {
    static let name = "gemma3"

    static func load(_ file: GGUFFile) throws(InferenceError) -> TransformerModel {
        var config = try TransformerConfig(file: file, architecture: name, ropeStyle: .neox)
        config.activation = .geluTanh
        config.embeddingScale = Float(config.embeddingLength).squareRoot()
        config.queryScale =
            config.blockCount == 62
            ? 1 / Float(config.embeddingLength / config.headCount).squareRoot()
            : 1 / Float(config.headDimension).squareRoot()
        config.scoreScale = 1
        if let cap = TransformerConfig.float(file, name, "final_logit_softcapping"), cap > 0 {
            config.finalLogitSoftcap = cap
        }
        if let window = file["\(name).attention.sliding_window"]?.int, window > 0 {
            let pattern = file["\(name).attention.sliding_window_pattern"]?.int ?? 6
            guard pattern > 0 else {
                throw .invalidMetadata(key: "\(name).attention.sliding_window_pattern", reason: "must be positive")
            }
            let localBase = TransformerConfig.float(file, name, "rope.freq_base_swa") ?? 10_000
            for index in config.layers.indices where index % pattern < pattern - 1 {
                config.layers[index] = LayerAttention(
                    slidingWindow: window, ropeFrequencyBase: localBase,
                    ropeFrequencyScale: 1)
            }
        }

        let reader = TensorReader(file: file)
        let hd = config.headDimension
        let d = config.embeddingLength
        let layers = try (0..<config.blockCount).map { index throws(InferenceError) in
            let p = "blk.\(index)."
            var layer = try reader.decoderLayer(index, config: config)
            layer.queryNorm = try reader.vector(p + "attn_q_norm.weight", count: hd)
            layer.keyNorm = try reader.vector(p + "attn_k_norm.weight", count: hd)
            layer.postAttentionNorm = try reader.vector(p + "post_attention_norm.weight", count: d)
            layer.postFFNNorm = try reader.vector(p + "post_ffw_norm.weight", count: d)
            return layer
        }
        let weights = try reader.decoderWeights(config: config, layers: layers, ropeFactors: nil)
        return TransformerModel(config: config, weights: weights)
    }
}
