import Foundation
import InferenceCore
import JSON
import ModelFormat
import Registry

/// What the native engine runs for a registered model version: the version's GGUF file or, for a
/// version whose file is a GGUF LoRA adapter (`general.type = adapter`) registered `adapter_of` a
/// base version, the base's file with the adapter applied (as llama.cpp's `--lora FILE` /
/// `--lora-scaled FILE S`). Adapters of adapters chain down to the first full model.
/// Evaluation, the gate, `assay run --model M@V` and `assay serve` all resolve versions here, so a
/// registered adapter is scored and served as base + adapter.
public struct RunnableModel: Sendable, Hashable {
    public struct Adapter: Sendable, Hashable {
        public var version: VersionReference
        public var file: URL
        public var sha256: String
        /// The user scale from the `adapter_of` edge's `scale` parameter (default 1).
        public var scale: Float
    }

    /// The version asked for.
    public var version: VersionReference
    /// The base model version whose file runs (the version itself unless it is an adapter).
    public var base: VersionReference
    public var modelFile: URL
    public var modelSHA256: String
    /// Adapters applied to the base, nearest to the base first.
    public var adapters: [Adapter]

    /// The identity of what runs (request-cache key and run records): the base file's sha256,
    /// then `+lora:<sha256>@<scale>` per adapter.
    public var identity: String {
        adapters.reduce(modelSHA256) { $0 + "+lora:\($1.sha256)@\($1.scale)" }
    }

    /// Loads the engine (base weights with the adapters applied).
    public func engine(threads: Int?, contextLength: Int? = nil) throws(InferenceError) -> NativeEngine {
        var loaded: [LoRAAdapter] = []
        for adapter in adapters { loaded.append(try LoRAAdapter(contentsOf: adapter.file, scale: adapter.scale)) }
        return try NativeEngine(
            modelURL: modelFile, threads: threads, contextLength: contextLength,
            modelIdentity: identity, adapters: loaded)
    }
}

/// Why a registered version cannot be run natively.
public enum RunnableModelError: Error, Sendable, Equatable, CustomStringConvertible {
    case noGGUF(VersionReference)
    case fileMissing(VersionReference, path: String)
    case notVerified(VersionReference, reason: String)
    case unreadable(VersionReference, reason: String)
    case adapterWithoutBase(VersionReference)
    case invalidScale(VersionReference, String)
    case cycle(VersionReference)

    public var description: String {
        switch self {
        case .noGGUF(let v): return "\(v) has no GGUF file to run"
        case .fileMissing(let v, let path):
            return "the GGUF file of \(v) is not at \(path) any more (registered files must stay in place to be run)"
        case .notVerified(let v, let reason): return "\(v): \(reason)"
        case .unreadable(let v, let reason): return "\(v): cannot read its GGUF header: \(reason)"
        case .adapterWithoutBase(let v):
            return
                "\(v) is a LoRA adapter but has no adapter_of edge to a base version (register it with --base BASE@V --relation adapter_of)"
        case .invalidScale(let v, let text): return "\(v): adapter_of parameter scale=\(text) is not a finite number"
        case .cycle(let v): return "\(v): adapter_of edges form a cycle"
        }
    }
}

extension RunnableModel {
    /// Resolves `version` through its `adapter_of` edges; every file is checked against its
    /// registered digest (`ArtifactVerifier`) unless `verify` is false.
    public static func resolve(_ version: ModelVersion, store: RegistryStore, verify: Bool = true) throws
        -> RunnableModel
    {
        var current = version
        var adapters: [Adapter] = []
        var seen: Set<VersionReference> = [version.reference]
        while true {
            let reference = current.reference
            guard let artifact = current.artifacts.first(where: { $0.format == .gguf }) else {
                throw RunnableModelError.noGGUF(reference)
            }
            guard FileManager.default.fileExists(atPath: artifact.uri) else {
                throw RunnableModelError.fileMissing(reference, path: artifact.uri)
            }
            if verify {
                do { _ = try ArtifactVerifier(home: store.home).verify(artifact) } catch {
                    throw RunnableModelError.notVerified(reference, reason: error.description)
                }
            }
            let url = URL(fileURLWithPath: artifact.uri)
            let isAdapter: Bool
            do { isAdapter = try GGUFFile(contentsOf: url)["general.type"]?.string == "adapter" } catch {
                throw RunnableModelError.unreadable(reference, reason: "\(error)")
            }
            guard isAdapter else {
                return RunnableModel(
                    version: version.reference, base: reference, modelFile: url,
                    modelSHA256: artifact.sha256, adapters: adapters)
            }
            guard let edge = current.lineage.first(where: { $0.relation == .adapterOf && $0.parentKind == "model" })
            else {
                throw RunnableModelError.adapterWithoutBase(reference)
            }
            var scale: Float = 1
            if let parameters = try? JSONValue.parse(edge.parameters), let value = parameters.objectValue?["scale"] {
                switch value {
                case .integer(let i): scale = Float(i)
                case .number(let d): scale = Float(d)
                case .string(let s): scale = Float(s) ?? .nan
                default: scale = .nan
                }
                guard scale.isFinite else { throw RunnableModelError.invalidScale(reference, "\(value)") }
            }
            adapters.insert(Adapter(version: reference, file: url, sha256: artifact.sha256, scale: scale), at: 0)
            guard seen.insert(edge.parent).inserted else { throw RunnableModelError.cycle(reference) }
            current = try store.modelVersion(edge.parent)
        }
    }
}
