import ModelFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One sequence being run through a model: its KV cache, the tokens the cache holds, and the
/// scratch memory of the forward pass. Not thread-safe: owned by one engine behind a lock.
///
/// `evaluate` appends tokens; `truncate(to:)` drops a suffix so that a new sequence sharing a
/// prefix with the cached one only computes the tokens after the prefix.
public final class InferenceSession {
    public let model: TransformerModel
    let pool: ComputePool
    let cache: KVCache
    /// Tokens whose keys and values are in the cache (positions `0..<tokens.count`).
    public private(set) var tokens: [Int32] = []
    /// Most tokens run through the network at once (llama.cpp's micro-batch).
    public let maxBatch: Int

    private let hidden: UnsafeMutablePointer<Float>
    private let normed: UnsafeMutablePointer<Float>
    private let query: UnsafeMutablePointer<Float>
    private let key: UnsafeMutablePointer<Float>
    private let value: UnsafeMutablePointer<Float>
    private let attention: UnsafeMutablePointer<Float>
    private let gate: UnsafeMutablePointer<Float>
    private let up: UnsafeMutablePointer<Float>
    private let projected: UnsafeMutablePointer<Float>
    private let angles: UnsafeMutablePointer<Float>
    /// Distinct rotary settings (base, scale) and which one each layer uses; `angles` holds one
    /// table of `maxBatch × ropeDims` per setting.
    private let ropeSettings: [LayerAttention]
    private let layerRope: [Int]
    /// Rotary frequency factors for this session's context (llama 3 `rope_freqs`, LongRoPE).
    private let ropeFactors: [Float]?
    private var activations: [ActivationFormat: QuantizedActivations] = [:]
    private var logitScratch: UnsafeMutablePointer<Float>
    private var logitCapacity: Int
    /// Observes intermediate tensors (name as in llama.cpp's graph, layer, values of the whole
    /// micro-batch) for layer-by-layer comparisons with llama.cpp's eval callback.
    var trace: ((String, Int, UnsafePointer<Float>, Int) -> Void)?

    /// Context capacity (positions) of this session.
    public var capacity: Int { cache.capacity }

    /// - Parameters:
    ///   - contextLength: KV cache positions (clamped to at least 1).
    ///   - maxBatch: tokens per forward micro-batch.
    public init(model: TransformerModel, pool: ComputePool, contextLength: Int, maxBatch: Int = 512) {
        let c = model.config
        self.model = model
        self.pool = pool
        self.maxBatch = max(1, maxBatch)
        cache = KVCache(layers: c.blockCount, capacity: max(1, contextLength), kvDimension: c.kvDimension)
        let b = self.maxBatch
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            return p
        }
        hidden = buffer(b * c.embeddingLength)
        normed = buffer(b * max(c.embeddingLength, c.queryDimension))
        query = buffer(b * c.queryDimension)
        key = buffer(b * c.kvDimension)
        value = buffer(b * c.kvDimension)
        attention = buffer(b * c.queryDimension)
        gate = buffer(b * c.feedForwardLength)
        up = buffer(b * c.feedForwardLength)
        projected = buffer(b * c.embeddingLength)
        var settings: [LayerAttention] = []
        var layerRope: [Int] = []
        for layer in c.layers {
            let key = LayerAttention(
                slidingWindow: nil, ropeFrequencyBase: layer.ropeFrequencyBase,
                ropeFrequencyScale: layer.ropeFrequencyScale)
            if let index = settings.firstIndex(of: key) {
                layerRope.append(index)
            } else {
                layerRope.append(settings.count)
                settings.append(key)
            }
        }
        ropeSettings = settings
        ropeFactors = model.weights.ropeFactors(contextLength: max(1, contextLength))
        self.layerRope = layerRope
        angles = buffer(b * c.ropeDimensionCount * max(1, settings.count))
        logitCapacity = 0
        logitScratch = buffer(0)
    }

    deinit {
        for p in [hidden, normed, query, key, value, attention, gate, up, projected, angles, logitScratch] {
            p.deallocate()
        }
    }

    /// Forgets everything after the first `length` tokens (their cache entries are overwritten later).
    public func truncate(to length: Int) {
        if length < tokens.count { tokens.removeLast(tokens.count - max(0, length)) }
    }

    /// Length of the common prefix of the cached tokens and `sequence`.
    public func commonPrefixLength(with sequence: [Int32]) -> Int {
        var n = 0
        let limit = min(tokens.count, sequence.count)
        while n < limit, tokens[n] == sequence[n] { n += 1 }
        return n
    }

    /// Runs `newTokens` after the cached ones and returns the logits (vocabulary-sized rows,
    /// concatenated) at the indices `logitsAt` of `newTokens`, in the order given.
    /// Only those positions go through the output projection. `order` selects llama.cpp's
    /// prompt or single-token summation order (see `SummationOrder`). As in llama.cpp, K-quant
    /// products are summed the way ggml's kernel for the micro-batch's size sums them (see
    /// KernelSource/SuperBlock.swift), so for such models results follow llama.cpp's
    /// micro-batching (`maxBatch`, 512 like its `n_ubatch`) and logit rows.
    public func evaluate(
        _ newTokens: [Int32], logitsAt: [Int],
        order: SummationOrder = .prompt
    ) throws(InferenceError) -> [Float] {
        let vocab = model.config.vocabularySize
        guard tokens.count + newTokens.count <= cache.capacity else {
            throw .contextOverflow(requested: tokens.count + newTokens.count, capacity: cache.capacity)
        }
        for token in newTokens where token < 0 || Int(token) >= vocab {
            throw .invalidToken(token, vocabularySize: vocab)
        }
        for index in logitsAt where index < 0 || index >= newTokens.count {
            throw .invalidRequest("logit index \(index) outside the \(newTokens.count) new tokens")
        }
        var result = [Float](repeating: 0, count: logitsAt.count * vocab)
        var start = 0
        while start < newTokens.count {
            let end = min(newTokens.count, start + maxBatch)
            // Which requested outputs fall into this micro-batch, and where they go.
            var rows: [Int] = []
            var destinations: [Int] = []
            for (slot, index) in logitsAt.enumerated() where index >= start && index < end {
                rows.append(index - start)
                destinations.append(slot)
            }
            let position = tokens.count
            forward(Array(newTokens[start..<end]), startPosition: position, outputRows: rows, order: order)
            tokens.append(contentsOf: newTokens[start..<end])
            result.withUnsafeMutableBufferPointer { out in
                for (i, slot) in destinations.enumerated() {
                    (out.baseAddress! + slot * vocab).update(from: logitScratch + i * vocab, count: vocab)
                }
            }
            start = end
        }
        return result
    }

    private func buffer(for format: ActivationFormat) -> QuantizedActivations {
        if let existing = activations[format] { return existing }
        let created = QuantizedActivations(format: format)
        activations[format] = created
        return created
    }

    /// One product of a forward step: `out[t][r] = weights[r] · input[t]` (+ LoRA updates).
    private struct Projection {
        let weights: WeightMatrix
        let out: UnsafeMutablePointer<Float>
        let outStride: Int
        var adapters: [LoRAWeights] = []
    }

    /// Converts `rows` rows of `input` for `weights` and multiplies.
    private func project(
        _ weights: WeightMatrix, input: UnsafeMutablePointer<Float>, rows: Int,
        inputStride: Int, out: UnsafeMutablePointer<Float>, outStride: Int,
        order: SummationOrder, adapters: [LoRAWeights] = []
    ) {
        project(
            [Projection(weights: weights, out: out, outStride: outStride, adapters: adapters)],
            input: input, rows: rows, inputStride: inputStride, order: order)
    }

    /// Several projections of the same input (Q/K/V, gate/up): the input is converted once per
    /// activation format and the products sharing it run as one unit of work; LoRA updates
    /// are added after, as llama.cpp adds `scale · B·(A·x)` to `W·x`.
    private func project(
        _ targets: [Projection], input: UnsafeMutablePointer<Float>, rows: Int,
        inputStride: Int, order: SummationOrder
    ) {
        var formats: [ActivationFormat] = []
        for target in targets where !formats.contains(target.weights.activationFormat) {
            formats.append(target.weights.activationFormat)
        }
        for format in formats {
            let acts = buffer(for: format)
            acts.load(UnsafePointer(input), rows: rows, cols: targets[0].weights.cols, stride: inputStride, pool: pool)
            let group = targets.filter { $0.weights.activationFormat == format }
                .map { MatmulTarget(weights: $0.weights, out: $0.out, outStride: $0.outStride) }
            matmul(group, acts, order: order, pool: pool)
        }
        for target in targets {
            for lora in target.adapters {
                applyLoRA(
                    lora, input: input, rows: rows, inputStride: inputStride, out: target.out,
                    outStride: target.outStride, order: order)
            }
        }
    }

    private func applyLoRA(
        _ lora: LoRAWeights, input: UnsafeMutablePointer<Float>, rows: Int, inputStride: Int,
        out: UnsafeMutablePointer<Float>, outStride: Int, order: SummationOrder
    ) {
        let rank = lora.a.rows
        let outputs = lora.b.rows
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rows * rank) { low in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: rows * outputs) { update in
                let down = QuantizedActivations(format: lora.a.activationFormat)
                down.load(UnsafePointer(input), rows: rows, cols: lora.a.cols, stride: inputStride, pool: pool)
                matmul(lora.a, down, out: low.baseAddress!, outStride: rank, order: order, pool: pool)
                let upward = QuantizedActivations(format: lora.b.activationFormat)
                upward.load(UnsafePointer(low.baseAddress!), rows: rows, cols: rank, stride: rank, pool: pool)
                matmul(lora.b, upward, out: update.baseAddress!, outStride: outputs, order: order, pool: pool)
                for t in 0..<rows {
                    let o = out + t * outStride
                    let u = update.baseAddress! + t * outputs
                    for i in 0..<outputs { o[i] += u[i] * lora.scale }
                }
            }
        }
    }

    private func forEachRow(_ count: Int, _ body: (Int) -> Void) {
        if count >= 16 { pool.parallelFor(count: count, body) } else { for i in 0..<count { body(i) } }
    }

    /// `y = RMSNorm(x) · weight` for `rows` rows of `width` (in place when `y == x`).
    private func normRows(
        _ x: UnsafeMutablePointer<Float>, _ weight: [Float], into y: UnsafeMutablePointer<Float>,
        rows: Int, width: Int, epsilon: Float
    ) {
        weight.withUnsafeBufferPointer { w in
            forEachRow(rows) { t in
                rmsNorm(x + t * width, w.baseAddress!, y + t * width, count: width, epsilon: epsilon)
            }
        }
    }

    /// One micro-batch through the network; logits of `outputRows` land in `logitScratch`.
    /// The block structure comes from the model's configuration and weights: whatever an
    /// architecture declares (biases, Q/K norms, post norms, activation, scales, windows) is
    /// applied here, in llama.cpp's order of operations.
    private func forward(_ batch: [Int32], startPosition p0: Int, outputRows: [Int], order: SummationOrder) {
        let c = model.config
        let w = model.weights
        var n = batch.count
        let d = c.embeddingLength
        let qDim = c.queryDimension
        let kvDim = c.kvDimension
        let ffn = c.feedForwardLength
        let hd = c.headDimension
        let eps = c.rmsNormEpsilon
        let hidden = self.hidden
        let normed = self.normed
        let query = self.query
        let key = self.key
        let value = self.value
        let attention = self.attention
        let gate = self.gate
        let up = self.up
        let projected = self.projected
        let angles = self.angles
        let cache = self.cache

        // Token embeddings (ggml get_rows: dequantized rows), scaled when the architecture says so.
        let table = w.tokenEmbedding
        for (t, token) in batch.enumerated() {
            try? GGMLCodec.dequantize(
                type: table.type, from: table.data + Int(token) * table.rowBytes,
                count: d, into: hidden + t * d)
            if c.embeddingScale != 1 { scaleInPlace(hidden + t * d, by: c.embeddingScale, count: d) }
        }

        // Rotation angles per position, one table per distinct rotary setting.
        let ropeDims = c.ropeDimensionCount
        let tableSize = maxBatch * ropeDims
        ropeFactors.withUnsafeBufferPointerOrNil { factors in
            for (s, setting) in ropeSettings.enumerated() {
                let thetaScale = powf(setting.ropeFrequencyBase, -2 / Float(ropeDims))
                for t in 0..<n {
                    ropeAngles(
                        position: p0 + t, pairs: ropeDims / 2, thetaScale: thetaScale,
                        freqScale: setting.ropeFrequencyScale, factors: factors,
                        attentionFactor: c.ropeAttentionFactor,
                        into: angles + s * tableSize + t * ropeDims)
                }
            }
        }

        trace?("inp_scaled", -1, hidden, n * d)
        var compacted = false
        let heads = c.headCount
        let kvHeads = c.headCountKV
        let group = c.headCount / c.headCountKV
        let scale = c.scoreScale
        for (l, layer) in w.layers.enumerated() {
            // Attention block.
            normRows(hidden, layer.attentionNorm, into: normed, rows: n, width: d, epsilon: eps)
            trace?("attn_norm", l, normed, n * d)
            project(
                [
                    Projection(
                        weights: layer.query, out: query, outStride: qDim, adapters: layer.adapters[.query] ?? []),
                    Projection(weights: layer.key, out: key, outStride: kvDim, adapters: layer.adapters[.key] ?? []),
                    Projection(
                        weights: layer.value, out: value, outStride: kvDim, adapters: layer.adapters[.value] ?? [])
                ],
                input: normed, rows: n, inputStride: d, order: order)
            addBias(layer.queryBias, to: query, rows: n, width: qDim)
            addBias(layer.keyBias, to: key, rows: n, width: kvDim)
            addBias(layer.valueBias, to: value, rows: n, width: kvDim)
            trace?("Qcur", l, query, n * qDim)
            if let norm = layer.queryNorm {
                normRows(query, norm, into: query, rows: n * heads, width: hd, epsilon: eps)
            }
            if let norm = layer.keyNorm { normRows(key, norm, into: key, rows: n * kvHeads, width: hd, epsilon: eps) }
            trace?("Qcur_normed", l, query, n * qDim)
            trace?("Kcur_normed", l, key, n * kvDim)
            trace?("Vcur", l, value, n * kvDim)

            // RoPE, query scale, then store K and V (F16) at their positions.
            let style = c.ropeStyle
            let layerAngles = angles + layerRope[l] * tableSize
            let queryScale = c.queryScale
            forEachRow(n) { t in
                let a = UnsafePointer(layerAngles + t * ropeDims)
                for h in 0..<heads { applyRope(query + t * qDim + h * hd, ropeDims: ropeDims, style: style, angles: a) }
                if queryScale != 1 { scaleInPlace(query + t * qDim, by: queryScale, count: qDim) }
                for h in 0..<kvHeads {
                    applyRope(key + t * kvDim + h * hd, ropeDims: ropeDims, style: style, angles: a)
                }
                convertToHalf(key + t * kvDim, cache.keyRow(layer: l, position: p0 + t), count: kvDim)
                cache.storeValues(value + t * kvDim, layer: l, position: p0 + t)
            }
            trace?("Qscaled", l, query, n * qDim)
            trace?("Krope", l, key, n * kvDim)

            // Scaled dot-product attention, one task per (position, head); keys outside a
            // sliding window are masked.
            let window = c.layers[l].slidingWindow
            // Prompt batches convert the layer's cached keys and values to F32 once, for all heads.
            let widen = order == .prompt && n >= 4
            if widen { cache.widen(layer: l, length: p0 + n, pool: pool) }
            let wideKeys = UnsafePointer(cache.wideKeys)
            let wideValues = UnsafePointer(cache.wideValues)
            pool.parallelFor(count: n * heads) { task in
                let t = task / heads
                let h = task % heads
                let g = h / group
                let length = p0 + t + 1
                let firstKey = window.map { max(0, length - $0) } ?? 0
                withUnsafeTemporaryAllocation(of: Float.self, capacity: (length + 31) & ~31) { scores in
                    withUnsafeTemporaryAllocation(of: Float16.self, capacity: hd) { qHalf in
                        attendHead(
                            query: query + t * qDim + h * hd,
                            keys: cache.keyRow(layer: l, position: 0) + g * hd, keyStride: kvDim,
                            values: cache.valueColumn(layer: l, dimension: g * hd),
                            valueStride: cache.stride, length: length, firstKey: firstKey,
                            headDimension: hd, scale: scale, order: order, scores: scores.baseAddress!,
                            queryHalf: qHalf.baseAddress!, out: attention + t * qDim + h * hd,
                            widened: widen ? (wideKeys + g * hd, wideValues + g * hd * cache.stride) : nil)
                    }
                }
            }
            project(
                layer.attentionOutput, input: attention, rows: n, inputStride: qDim, out: projected,
                outStride: d, order: order, adapters: layer.adapters[.attentionOutput] ?? [])
            trace?("kqv_out", l, attention, n * qDim)
            trace?("attn_out", l, projected, n * d)
            if l == w.layers.count - 1 {
                // Past the last attention only the rows whose logits are wanted matter; like
                // llama.cpp (its `inp_out_ids`), keep just those, so the rest of the block runs
                // on (and its K-quant kernels are chosen for) that many rows.
                if outputRows.isEmpty { return }
                if outputRows.count < n, zip(outputRows, outputRows.dropFirst()).allSatisfy({ $0 < $1 }) {
                    for (i, row) in outputRows.enumerated() where i != row {
                        (projected + i * d).update(from: projected + row * d, count: d)
                        (hidden + i * d).update(from: hidden + row * d, count: d)
                    }
                    n = outputRows.count
                    compacted = true
                }
            }
            if let norm = layer.postAttentionNorm {
                normRows(projected, norm, into: projected, rows: n, width: d, epsilon: eps)
            }
            trace?("attn_post_norm", l, projected, n * d)
            forEachRow(n) { t in addInPlace(hidden + t * d, projected + t * d, count: d) }
            trace?("sa_out", l, hidden, n * d)

            // Gated feed-forward block.
            normRows(hidden, layer.ffnNorm, into: normed, rows: n, width: d, epsilon: eps)
            trace?("ffn_norm", l, normed, n * d)
            project(
                [
                    Projection(
                        weights: layer.ffnGate, out: gate, outStride: ffn, adapters: layer.adapters[.ffnGate] ?? []),
                    Projection(weights: layer.ffnUp, out: up, outStride: ffn, adapters: layer.adapters[.ffnUp] ?? [])
                ],
                input: normed, rows: n, inputStride: d, order: order)
            switch c.activation {

            case .silu: forEachRow(n) { t in swiglu(gate + t * ffn, up + t * ffn, count: ffn) }
            case .geluTanh: forEachRow(n) { t in geglu(gate + t * ffn, up + t * ffn, count: ffn) }
            }
            trace?("ffn_geglu", l, gate, n * ffn)
            project(
                layer.ffnDown, input: gate, rows: n, inputStride: ffn, out: projected, outStride: d, order: order,
                adapters: layer.adapters[.ffnDown] ?? [])
            trace?("ffn_out", l, projected, n * d)
            if let norm = layer.postFFNNorm {
                normRows(projected, norm, into: projected, rows: n, width: d, epsilon: eps)
            }
            trace?("ffn_post_norm", l, projected, n * d)
            forEachRow(n) { t in addInPlace(hidden + t * d, projected + t * d, count: d) }
            trace?("l_out", l, hidden, n * d)
        }

        // Output head, only for the requested rows.
        guard !outputRows.isEmpty else { return }
        let vocab = c.vocabularySize
        if logitCapacity < outputRows.count * vocab {
            logitScratch.deallocate()
            logitCapacity = outputRows.count * vocab
            logitScratch = .allocate(capacity: logitCapacity)
        }
        w.outputNorm.withUnsafeBufferPointer { norm in
            for (i, row) in outputRows.enumerated() {
                rmsNorm(hidden + (compacted ? i : row) * d, norm.baseAddress!, normed + i * d, count: d, epsilon: eps)
            }
        }
        project(
            w.output, input: normed, rows: outputRows.count, inputStride: d, out: logitScratch,
            outStride: vocab, order: order)
        if let cap = c.finalLogitSoftcap {
            softcap(logitScratch, count: outputRows.count * vocab, cap: cap)
        }
    }

    private func addBias(_ bias: [Float]?, to x: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        guard let bias else { return }
        bias.withUnsafeBufferPointer { b in
            for t in 0..<rows { addInPlace(x + t * width, b.baseAddress!, count: width) }
        }
    }
}

extension Optional where Wrapped == [Float] {
    func withUnsafeBufferPointerOrNil<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        switch self {
        case .some(let array): return array.withUnsafeBufferPointer { body($0.baseAddress) }
        case .none: return body(nil)
        }
    }
}
