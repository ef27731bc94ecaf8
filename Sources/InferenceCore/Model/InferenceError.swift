import ModelFormat

/// Why a model could not be loaded or run by the native engine.
public enum InferenceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be opened or parsed.
    case file(GGUFError)
    /// `general.architecture` is missing or not one the engine implements.
    case unsupportedArchitecture(String?)
    /// A required metadata key is missing or has the wrong type.
    case missingMetadata(key: String)
    /// A metadata value is out of range or inconsistent with others.
    case invalidMetadata(key: String, reason: String)
    /// A required tensor is missing.
    case missingTensor(name: String)
    /// A tensor's shape does not match the model configuration.
    case tensorShape(name: String, expected: [Int], actual: [Int])
    /// A tensor's element type has no kernel in this engine.
    case unsupportedTensorType(name: String, type: GGMLType)
    /// A sequence would exceed the KV cache.
    case contextOverflow(requested: Int, capacity: Int)
    /// A token id outside the vocabulary.
    case invalidToken(Int32, vocabularySize: Int)
    /// The tokenizer could not be built from the file.
    case tokenizer(String)
    /// A request is invalid (empty prompt, bad parameter…).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .file(let error): return "model file: \(error)"
        case .unsupportedArchitecture(let arch):
            return "unsupported architecture '\(arch ?? "<missing>")' (supported: \(Architectures.supportedList))"
        case .missingMetadata(let key): return "missing or mistyped metadata key '\(key)'"
        case .invalidMetadata(let key, let reason): return "invalid metadata '\(key)': \(reason)"
        case .missingTensor(let name): return "missing tensor '\(name)'"
        case .tensorShape(let name, let expected, let actual):
            return "tensor '\(name)' has shape \(actual), expected \(expected)"
        case .unsupportedTensorType(let name, let type):
            return "tensor '\(name)' has type \(type.name), which the native engine cannot compute with"
        case .contextOverflow(let requested, let capacity):
            return "sequence of \(requested) tokens exceeds the context of \(capacity)"
        case .invalidToken(let token, let size): return "token id \(token) outside vocabulary of \(size)"
        case .tokenizer(let message): return "tokenizer: \(message)"
        case .invalidRequest(let message): return "invalid request: \(message)"
        }
    }
}
