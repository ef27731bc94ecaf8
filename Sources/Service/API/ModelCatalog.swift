import Foundation
import InferenceCore

/// A model the inference API serves, as `/v1/models` lists it.
public struct ServedModel: Sendable, Hashable {
    /// The id clients put in `model` (e.g. "smollm2@q4_1" or a file's name).
    public var id: String
    /// Unix time the model was registered (or its file written).
    public var created: Int64
    public var ownedBy: String
    /// Other names that select it (e.g. "smollm2@production" next to "smollm2@1.0").
    public var aliases: [String]

    public init(id: String, created: Int64, ownedBy: String = "assay", aliases: [String] = []) {
        self.id = id
        self.created = created
        self.ownedBy = ownedBy
        self.aliases = aliases
    }
}

/// Which models the inference API serves and the backend of each (loaded on first use).
public protocol ModelCatalog: Sendable {
    /// The served models, in listing order.
    func models() -> [ServedModel]
    /// The model `requested` names (nil: the default one) and its backend; throws a 404
    /// `OpenAIError` (code `model_not_found`) for names it does not serve.
    func backend(for requested: String?) throws -> (ServedModel, any Backend)
}

/// One backend under one id (`assay serve --model FILE`). Any requested name selects it, as
/// llama-server answers whatever `model` says: with one model there is nothing to choose.
public struct SingleModelCatalog: ModelCatalog {
    public let model: ServedModel
    public let backend: any Backend

    public init(backend: any Backend, model: ServedModel) {
        self.backend = backend
        self.model = model
    }

    public func models() -> [ServedModel] { [model] }

    public func backend(for requested: String?) throws -> (ServedModel, any Backend) { (model, backend) }
}
