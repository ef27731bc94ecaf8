import ModelFormat

/// The `llama` architecture (Llama 1–3.x, TinyLlama, SmolLM2, …): RMSNorm, rotary embeddings
/// on adjacent pairs (GGUF stores Q/K permuted accordingly), grouped-query attention, SwiGLU.
/// The output projection is tied to the token embedding when `output.weight` is absent;
/// Llama 3.1+ files carry `rope_freqs.weight` to rescale rotation frequencies.
enum LlamaModel: ModelArchitecture {
    static let name = "llama"

    static func load(_ file: GGUFFile) throws(InferenceError) -> TransformerModel {
        try TensorReader.loadDecoder(
            file, architecture: name, ropeStyle: .normal, requireBiases: false, ropeFrequencies: true)
    }
}
