import ModelFormat

/// One decoder architecture the engine runs, named by `general.architecture`. Each lives in a
/// file of its own (`LlamaModel.swift`, `Qwen2Model.swift`, …): it reads its configuration from
/// the GGUF keys of that architecture, names its tensors as the file does, and states its block
/// structure as data (`TransformerConfig`, `DecoderLayerWeights`) that the shared forward pass
/// (`InferenceSession`) executes.
protocol ModelArchitecture: Sendable {
    /// `general.architecture` value.
    static var name: String { get }
    /// Loads the configuration and maps the weights.
    static func load(_ file: GGUFFile) throws(InferenceError) -> TransformerModel
}

/// The architectures the engine implements: the one list behind loading, help texts and errors.
/// Adding a family = one new file plus one line here.
public enum Architectures {
    static let all: [any ModelArchitecture.Type] = [
        LlamaModel.self,
        Qwen2Model.self,
        Gemma3Model.self,
        Phi3Model.self
    ]

    /// `general.architecture` names, in registration order.
    public static var names: [String] { all.map { $0.name } }

    /// "llama, qwen2, …" for help texts and errors.
    public static var supportedList: String { names.joined(separator: ", ") }

    static func named(_ name: String?) -> (any ModelArchitecture.Type)? {
        all.first { $0.name == name }
    }
}
