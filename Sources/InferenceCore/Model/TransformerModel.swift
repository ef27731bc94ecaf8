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
