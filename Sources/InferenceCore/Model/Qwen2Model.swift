import ModelFormat

/// The `qwen2` architecture (Qwen2, Qwen2.5): like llama but with biases on the Q/K/V
/// projections, GPT-NeoX-style rotary embeddings (first half paired with second half) and
/// usually a separate `output.weight` (tied to the embedding when absent).
enum Qwen2Model {
    static let architecture = "qwen2"

    static func load(_ file: GGUFFile) throws(InferenceError) -> TransformerModel {
        let config = try TransformerConfig(file: file, architecture: architecture, ropeStyle: .neox)
        let reader = TensorReader(file: file)
        var layers: [DecoderLayerWeights] = []
        for index in 0..<config.blockCount {
            layers.append(try reader.decoderLayer(index, config: config, biases: true))
        }
        let weights = TransformerWeights(
            file: file,
            tokenEmbedding: try reader.embedding("token_embd.weight", rows: config.vocabularySize,
                                                 cols: config.embeddingLength),
            layers: layers,
            outputNorm: try reader.vector("output_norm.weight", count: config.embeddingLength),
            output: try reader.outputMatrix(config: config),
            ropeFrequencyFactors: nil)
        return TransformerModel(config: config, weights: weights)
    }
}
