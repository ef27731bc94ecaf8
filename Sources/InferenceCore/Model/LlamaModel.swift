import ModelFormat

/// The `llama` architecture (Llama 1–3.x, TinyLlama, SmolLM2, …): RMSNorm, rotary embeddings
/// on adjacent pairs (GGUF stores Q/K permuted accordingly), grouped-query attention, SwiGLU.
/// The output projection is tied to the token embedding when `output.weight` is absent;
/// Llama 3.1+ files carry `rope_freqs.weight` to rescale rotation frequencies.
enum LlamaModel: ModelArchitecture {
    static let name = "llama"

    static func load(_ file: GGUFFile) throws(InferenceError) -> TransformerModel {
        let config = try TransformerConfig(file: file, architecture: name, ropeStyle: .normal)
        let reader = TensorReader(file: file)
        let layers = try (0..<config.blockCount).map { index throws(InferenceError) in
            try reader.decoderLayer(index, config: config)
        }
        let weights = try reader.decoderWeights(
            config: config, layers: layers,
            ropeFactors: try reader.optionalVector(
                "rope_freqs.weight", count: config.ropeDimensionCount / 2))
        return TransformerModel(config: config, weights: weights)
    }
}
