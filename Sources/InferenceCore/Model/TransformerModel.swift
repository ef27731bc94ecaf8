import Foundation
import ModelFormat

/// A loaded decoder-only model (weights mapped from its GGUF file), ready to be run by
/// `InferenceSession`s. Immutable and shareable across threads.
public final class TransformerModel: Sendable {
    public let config: TransformerConfig
    let weights: TransformerWeights

    init(config: TransformerConfig, weights: TransformerWeights) {
        self.config = config
        self.weights = weights
    }

    /// The mapped file the weights live in.
    public var file: GGUFFile { weights.file }

    /// Whether a row's logits depend on how many rows are evaluated together. ggml's x86
    /// kernels for K-quant matrices (repacked Q4_K, tiled Q6_K) sum in an order chosen by batch
    /// size, so re-using a cached prefix and computing only the suffix gives (last-bit)
    /// different numbers than evaluating the whole sequence at once, as llama.cpp scorers do.
    public var sumsDependOnBatch: Bool {
        let batchDependent: Set<GGMLType> = [.q4_K, .q6_K]
        return weights.layers.contains { layer in
            [layer.query, layer.key, layer.value, layer.attentionOutput, layer.ffnGate, layer.ffnUp, layer.ffnDown]
                .contains { batchDependent.contains($0.type) }
        } || batchDependent.contains(weights.output.type)
    }

    /// Architectures this engine implements, by `general.architecture`.
    public static var supportedArchitectures: [String] { Architectures.names }

    /// Opens (memory-maps) and loads a GGUF model.
    public static func load(contentsOf url: URL) throws(InferenceError) -> TransformerModel {
        let file: GGUFFile
        do {
            file = try GGUFFile(contentsOf: url)
        } catch {
            throw .file(error)
        }
        return try load(file: file)
    }

    /// Loads a model from an opened GGUF file, dispatching on `general.architecture`.
    public static func load(file: GGUFFile) throws(InferenceError) -> TransformerModel {
        guard let architecture = Architectures.named(file.architecture) else {
            throw .unsupportedArchitecture(file.architecture)
        }
        return try architecture.load(file)
    }
}
