import ModelFormat

/// The `llama` architecture (Llama 1–3.x, TinyLlama, SmolLM2, …): RMSNorm, rotary embeddings
/// on adjacent pairs (GGUF stores Q/K permuted accordingly), grouped-query attention, SwiGLU.
/// The output projection is tied to the token embedding when `output.weight` is absent;
/// Llama 3.1+ files carry `rope_freqs.weight` to rescale rotation frequencies.
enum LlamaModel {
    static let architecture = "llama"

    static func load(_ file: GGUFFile) throws(InferenceError) -> TransformerModel {
        let config = try TransformerConfig(file: file, architecture: architecture, ropeStyle: .normal)
        let weights = try TensorReader(file: file).decoderWeights(config: config, qkvBiases: false, ropeFactors: true)
        return TransformerModel(config: config, weights: weights)
    }
}
