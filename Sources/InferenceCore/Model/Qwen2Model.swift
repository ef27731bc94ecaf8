import ModelFormat

/// The `qwen2` architecture (Qwen2, Qwen2.5): like llama but with biases on the Q/K/V
/// projections, GPT-NeoX-style rotary embeddings (first half paired with second half) and
/// usually a separate `output.weight` (tied to the embedding when absent).
enum Qwen2Model: ModelArchitecture {
    static let name = "qwen2"

    static func load(_ file: GGUFFile) throws(InferenceError) -> TransformerModel {
        try TensorReader.loadDecoder(
            file, architecture: name, ropeStyle: .neox, requireBiases: true, ropeFrequencies: false)
    }
}
