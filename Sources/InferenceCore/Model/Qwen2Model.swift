import ModelFormat

/// The `qwen2` architecture (Qwen2, Qwen2.5): like llama but with biases on the Q/K/V
/// projections, GPT-NeoX-style rotary embeddings (first half paired with second half) and
/// usually a separate `output.weight` (tied to the embedding when absent).
enum Qwen2Model: ModelArchitecture {
    static let name = "qwen2"

    static func load(_ file: GGUFFile) throws(InferenceError) -> TransformerModel {
        let config = try TransformerConfig(file: file, architecture: name, ropeStyle: .neox)
        let reader = TensorReader(file: file)
        let layers = try (0..<config.blockCount).map { index throws(InferenceError) in
            try reader.decoderLayer(index, config: config, requireBiases: true)
        }
        let weights = try reader.decoderWeights(config: config, layers: layers, ropeFactors: nil)
        return TransformerModel(config: config, weights: weights)
    }
}
