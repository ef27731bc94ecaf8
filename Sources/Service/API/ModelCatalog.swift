import Evaluation
import Foundation
import InferenceCore
import Synchronization

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

/// A GGUF file the catalog can load.
public struct ServableFile: Sendable, Hashable {
    public var model: ServedModel
    public var path: URL
    /// Recorded as the engine's model identity (the registered SHA-256, or the file name).
    public var identity: String
    public var bytes: Int64
    /// For a registered version: what runs (base file plus LoRA adapters for `adapter_of` versions).
    public var runnable: RunnableModel?

    public init(model: ServedModel, path: URL, identity: String, bytes: Int64, runnable: RunnableModel? = nil) {
        self.runnable = runnable
        self.model = model
        self.path = path
        self.identity = identity
        self.bytes = bytes
    }
}

/// Several models (`assay serve --model A --model B …`), each loaded on first use. Loaded
/// models stay resident while their files' total size fits `memoryBudgetBytes`; loading one
/// more unloads the least recently used first (a request in flight keeps its engine alive).
/// A request selects a model by id or alias; without `model` the first one serves.
public final class LazyModelCatalog: ModelCatalog, Sendable {
    public typealias Loader = @Sendable (ServableFile) throws -> any Backend

    public let files: [ServableFile]
    public let memoryBudgetBytes: Int64
    private let loader: Loader
    struct State {
        var loaded: [String: any Backend] = [:]
        var lastUse: [String: UInt64] = [:]
        var clock: UInt64 = 0
        var loads = 0
    }

    private let state = Mutex(State())
    /// Loads performed (for /metrics).
    public var loads: Int { state.withLock { $0.loads } }

    public init(files: [ServableFile], memoryBudgetBytes: Int64, loader: @escaping Loader) {
        self.files = files
        self.memoryBudgetBytes = memoryBudgetBytes
        self.loader = loader
    }

    public func models() -> [ServedModel] { files.map(\.model) }

    /// Ids of the models loaded now.
    public var loadedModels: [String] { state.withLock { $0.loaded.keys.sorted() } }

    public func backend(for requested: String?) throws -> (ServedModel, any Backend) {
        guard
            let file = requested.map({ name in files.first { $0.model.id == name || $0.model.aliases.contains(name) } })
                ?? files.first
        else {
            let names = files.flatMap { [$0.model.id] + $0.model.aliases }.joined(separator: ", ")
            throw OpenAIError(
                status: .notFound, "model '\(requested ?? "")' is not served here (served: \(names))",
                param: "model", code: "model_not_found")
        }
        // One load at a time; requests for loaded models only take the lock briefly.
        let (servable, budget, loader) = (files, memoryBudgetBytes, loader)
        let backend: any Backend = try state.withLock { state in
            state.clock += 1
            state.lastUse[file.model.id] = state.clock
            if let backend = state.loaded[file.model.id] { return backend }
            let loaded = state.loaded
            var resident = servable.filter { loaded[$0.model.id] != nil }
            while !resident.isEmpty, resident.reduce(file.bytes, { $0 + $1.bytes }) > budget {
                let lastUse = state.lastUse
                let victim = resident.min { (lastUse[$0.model.id] ?? 0) < (lastUse[$1.model.id] ?? 0) }!
                state.loaded[victim.model.id] = nil
                resident.removeAll { $0.model.id == victim.model.id }
            }
            let backend = try loader(file)
            state.loads += 1
            state.loaded[file.model.id] = backend
            return backend
        }
        return (file.model, backend)
    }
}
