import Foundation
import ModelFormat

/// One low-rank update of a projection, applied as llama.cpp applies LoRA adapters:
/// `out = W·x + scale · B·(A·x)` with `scale = userScale · alpha / rank` (or `userScale` when the
/// adapter has no alpha). `a` has `rank` rows of the projection's inputs, `b` has one row of
/// `rank` values per output.
struct LoRAWeights: Sendable {
    let a: WeightMatrix
    let b: WeightMatrix
    let scale: Float
}

/// A GGUF LoRA adapter (`general.type = adapter`, `adapter.type = lora`): pairs of tensors
/// `<base tensor>.lora_a` / `.lora_b` for the base model's projections.
public struct LoRAAdapter: Sendable {
    let file: GGUFFile
    /// `adapter.lora.alpha` (0 when absent).
    public let alpha: Float
    /// User multiplier (`--lora-scale`).
    public let userScale: Float
    /// Base tensor name → (A, B).
    let pairs: [String: (a: GGUFTensorInfo, b: GGUFTensorInfo)]

    /// Opens and checks an adapter file.
    public init(contentsOf url: URL, scale: Float = 1) throws(InferenceError) {
        let file: GGUFFile
        do { file = try GGUFFile(contentsOf: url) } catch { throw .file(error) }
        try self.init(file: file, scale: scale)
    }

    init(file: GGUFFile, scale: Float) throws(InferenceError) {
        guard file["general.type"]?.string == "adapter" else {
            throw .invalidMetadata(key: "general.type", reason: "not an adapter file (expected 'adapter')")
        }
        guard file["adapter.type"]?.string == "lora" else {
            throw .invalidMetadata(key: "adapter.type", reason: "only 'lora' adapters are supported")
        }
        guard scale.isFinite else { throw .invalidRequest("LoRA scale must be a finite number") }
        let alpha = file["adapter.lora.alpha"]?.float ?? 0
        guard alpha.isFinite, alpha >= 0 else {
            throw .invalidMetadata(key: "adapter.lora.alpha", reason: "must be a non-negative number")
        }
        var pairs: [String: (a: GGUFTensorInfo, b: GGUFTensorInfo)] = [:]
        for info in file.tensors where info.name.hasSuffix(".lora_a") {
            let base = String(info.name.dropLast(".lora_a".count))
            guard let b = file.tensor(named: base + ".lora_b") else { throw .missingTensor(name: base + ".lora_b") }
            pairs[base] = (info, b)
        }
        for info in file.tensors where info.name.hasSuffix(".lora_b") {
            let base = String(info.name.dropLast(".lora_b".count))
            guard pairs[base] != nil else { throw .missingTensor(name: base + ".lora_a") }
        }
        guard !pairs.isEmpty else {
            throw .invalidMetadata(key: "tensors", reason: "adapter has no lora_a/lora_b pairs")
        }
        self.file = file
        self.alpha = alpha
        self.userScale = scale
        self.pairs = pairs
    }

    /// `general.architecture` the adapter was made for.
    public var architecture: String? { file.architecture }

    /// The update for the base projection `weights`, checked against its shape.
    func weights(for base: WeightMatrix) throws(InferenceError) -> LoRAWeights? {
        guard let pair = pairs[base.name] else { return nil }
        let reader = TensorReader(file: file)
        guard pair.a.dimensions.count == 2, pair.a.dimensions[0] == base.cols else {
            throw .tensorShape(
                name: pair.a.name, expected: [base.cols, pair.a.dimensions.last ?? 0], actual: pair.a.dimensions)
        }
        let rank = pair.a.dimensions[1]
        guard rank > 0, rank <= 4096 else {
            throw .invalidMetadata(key: pair.a.name, reason: "rank \(rank) is outside 1...4096")
        }
        let a = try reader.matrix(pair.a.name, rows: rank, cols: base.cols)
        let b = try reader.matrix(pair.b.name, rows: base.rows, cols: rank)
        let scale = alpha > 0 ? userScale * alpha / Float(rank) : userScale
        return LoRAWeights(a: a, b: b, scale: scale)
    }
}

extension TransformerModel {
    /// This model with LoRA adapters applied to the projections they name. Every adapter
    /// tensor must match a projection of this model (a typed error names the first that does not).
    public func applying(_ adapters: [LoRAAdapter]) throws(InferenceError) -> TransformerModel {
        guard !adapters.isEmpty else { return self }
        var weights = self.weights
        for adapter in adapters {
            if let arch = adapter.architecture, arch != config.architecture {
                throw .invalidMetadata(
                    key: "general.architecture",
                    reason: "adapter is for '\(arch)', the model is '\(config.architecture)'")
            }
            var used = Set<String>()
            for l in weights.layers.indices {
                var layer = weights.layers[l]
                for slot in DecoderLayerWeights.Projection.allCases {
                    let base = layer[slot]
                    if let update = try adapter.weights(for: base) {
                        layer.adapters[slot, default: []].append(update)
                        used.insert(base.name)
                    }
                }
                weights.layers[l] = layer
            }
            if let unused = adapter.pairs.keys.sorted().first(where: { !used.contains($0) }) {
                throw .missingTensor(name: "\(unused) (named by the adapter, absent from the model)")
            }
            weights.adapterFiles.append(adapter.file)
        }
        return TransformerModel(config: config, weights: weights)
    }

    /// Loads a model and applies adapters given as (file, scale).
    public static func load(contentsOf url: URL, adapters: [(url: URL, scale: Float)]) throws(InferenceError)
        -> TransformerModel
    {
        let model = try load(contentsOf: url)
        var loaded: [LoRAAdapter] = []
        for adapter in adapters { loaded.append(try LoRAAdapter(contentsOf: adapter.url, scale: adapter.scale)) }
        return try model.applying(loaded)
    }
}

extension DecoderLayerWeights {
    /// The projections of a block, for adapters.
    enum Projection: CaseIterable, Hashable {
        case query, key, value, attentionOutput, ffnGate, ffnUp, ffnDown
    }

    subscript(projection: Projection) -> WeightMatrix {
        switch projection {
        case .query: query
        case .key: key
        case .value: value
        case .attentionOutput: attentionOutput
        case .ffnGate: ffnGate
        case .ffnUp: ffnUp
        case .ffnDown: ffnDown
        }
    }
}
