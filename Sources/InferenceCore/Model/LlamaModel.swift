import ModelFormat

/// The `llama` architecture (Llama 1–3.x, TinyLlama, SmolLM2, …): RMSNorm, rotary embeddings
/// on adjacent pairs (GGUF stores Q/K permuted accordingly), grouped-query attention, SwiGLU.
/// The output projection is tied to the token embedding when `output.weight` is absent;
/// Llama 3.1+ files carry `rope_freqs.weight` to rescale rotation frequencies.
enum LlamaModel {
    static let architecture = "llama"

    static func load(_ file: GGUFFile) throws(InferenceError) -> TransformerModel {
        let config = try TransformerConfig(file: file, architecture: architecture, ropeStyle: .normal)
        let reader = TensorReader(file: file)
        var layers: [DecoderLayerWeights] = []
        for index in 0..<config.blockCount {
            layers.append(try reader.decoderLayer(index, config: config, biases: false))
        }
        let weights = TransformerWeights(
            file: file,
            tokenEmbedding: try reader.embedding("token_embd.weight", rows: config.vocabularySize,
                                                 cols: config.embeddingLength),
            layers: layers,
            outputNorm: try reader.vector("output_norm.weight", count: config.embeddingLength),
            output: try reader.outputMatrix(config: config),
            ropeFrequencyFactors: try reader.optionalVector("rope_freqs.weight",
                                                            count: config.ropeDimensionCount / 2))
        return TransformerModel(config: config, weights: weights)
    }
}
