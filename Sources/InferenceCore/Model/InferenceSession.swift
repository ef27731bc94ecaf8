#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ModelFormat

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
    private var activations: [ActivationFormat: QuantizedActivations] = [:]
    private var logitScratch: UnsafeMutablePointer<Float>
    private var logitCapacity: Int

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
        angles = buffer(b * c.ropeDimensionCount)
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
    /// prompt or single-token summation order (see `SummationOrder`); it never depends on
    /// how the tokens are split into micro-batches.
    public func evaluate(_ newTokens: [Int32], logitsAt: [Int],
                         order: SummationOrder = .prompt) throws(InferenceError) -> [Float] {
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

    /// Converts `rows` rows of `input` for `weights` and multiplies.
    private func project(_ weights: WeightMatrix, input: UnsafeMutablePointer<Float>, rows: Int,
                         inputStride: Int, out: UnsafeMutablePointer<Float>, outStride: Int,
                         order: SummationOrder, prepared: QuantizedActivations? = nil) {
        let acts = prepared ?? buffer(for: weights.activationFormat)
        if prepared == nil {
            acts.load(UnsafePointer(input), rows: rows, cols: weights.cols, stride: inputStride, pool: pool)
        }
        matmul(weights, acts, out: out, outStride: outStride, order: order, pool: pool)
    }

    private func forEachRow(_ count: Int, _ body: (Int) -> Void) {
        if count >= 16 { pool.parallelFor(count: count, body) } else { for i in 0..<count { body(i) } }
    }

    /// One micro-batch through the network; logits of `outputRows` land in `logitScratch`.
    private func forward(_ batch: [Int32], startPosition p0: Int, outputRows: [Int], order: SummationOrder) {
        let c = model.config
        let w = model.weights
        let n = batch.count
        let d = c.embeddingLength
        let qDim = c.queryDimension, kvDim = c.kvDimension, ffn = c.feedForwardLength
        let hd = c.headDimension
        let hidden = self.hidden, normed = self.normed, query = self.query, key = self.key
        let value = self.value, attention = self.attention, gate = self.gate, up = self.up
        let projected = self.projected, angles = self.angles, cache = self.cache

        // Token embeddings (ggml get_rows: dequantized rows).
        let table = w.tokenEmbedding
        for (t, token) in batch.enumerated() {
            try? GGMLCodec.dequantize(type: table.type, from: table.data + Int(token) * table.rowBytes,
                                      count: d, into: hidden + t * d)
        }

        // Rotation angles per position, shared by all layers.
        let ropeDims = c.ropeDimensionCount
        let thetaScale = powf(c.ropeFrequencyBase, -2 / Float(ropeDims))
        w.ropeFrequencyFactors.withUnsafeBufferPointerOrNil { factors in
            for t in 0..<n {
                ropeAngles(position: p0 + t, pairs: ropeDims / 2, thetaScale: thetaScale,
                           freqScale: c.ropeFrequencyScale, factors: factors, into: angles + t * ropeDims)
            }
        }

        let heads = c.headCount, group = c.headCount / c.headCountKV
        let scale = 1 / sqrtf(Float(hd))
        for (l, layer) in w.layers.enumerated() {
            // Attention block.
            layer.attentionNorm.withUnsafeBufferPointer { norm in
                forEachRow(n) { t in
                    rmsNorm(hidden + t * d, norm.baseAddress!, normed + t * d, count: d, epsilon: c.rmsNormEpsilon)
                }
            }
            let qkvInput = buffer(for: layer.query.activationFormat)
            qkvInput.load(UnsafePointer(normed), rows: n, cols: d, stride: d, pool: pool)
            project(layer.query, input: normed, rows: n, inputStride: d, out: query, outStride: qDim, order: order,
                    prepared: qkvInput)
            // Same-format projections share one conversion (distinct formats use distinct buffers).
            project(layer.key, input: normed, rows: n, inputStride: d, out: key, outStride: kvDim, order: order,
                    prepared: layer.key.activationFormat == qkvInput.format ? qkvInput : nil)
            project(layer.value, input: normed, rows: n, inputStride: d, out: value, outStride: kvDim, order: order,
                    prepared: layer.value.activationFormat == qkvInput.format ? qkvInput : nil)
            addBias(layer.queryBias, to: query, rows: n, width: qDim)
            addBias(layer.keyBias, to: key, rows: n, width: kvDim)
            addBias(layer.valueBias, to: value, rows: n, width: kvDim)

            // RoPE, then store K and V (F16) at their positions.
            let style = c.ropeStyle
            forEachRow(n) { t in
                let a = UnsafePointer(angles + t * ropeDims)
                for h in 0..<heads { applyRope(query + t * qDim + h * hd, ropeDims: ropeDims, style: style, angles: a) }
                for h in 0..<c.headCountKV {
                    applyRope(key + t * kvDim + h * hd, ropeDims: ropeDims, style: style, angles: a)
                }
                convertToHalf(key + t * kvDim, cache.keyRow(layer: l, position: p0 + t), count: kvDim)
                cache.storeValues(value + t * kvDim, layer: l, position: p0 + t)
            }

            // Scaled dot-product attention, one task per (position, head).
            pool.parallelFor(count: n * heads) { task in
                let t = task / heads, h = task % heads
                let g = h / group
                let length = p0 + t + 1
                withUnsafeTemporaryAllocation(of: Float.self, capacity: (length + 31) & ~31) { scores in
                    withUnsafeTemporaryAllocation(of: Float16.self, capacity: hd) { qHalf in
                        attendHead(query: query + t * qDim + h * hd,
                                   keys: cache.keyRow(layer: l, position: 0) + g * hd, keyStride: kvDim,
                                   values: cache.valueColumn(layer: l, dimension: g * hd),
                                   valueStride: cache.stride, length: length, headDimension: hd,
                                   scale: scale, order: order, scores: scores.baseAddress!, queryHalf: qHalf.baseAddress!,
                                   out: attention + t * qDim + h * hd)
                    }
                }
            }
            project(layer.attentionOutput, input: attention, rows: n, inputStride: qDim, out: projected,
                    outStride: d, order: order)
            forEachRow(n) { t in addInPlace(hidden + t * d, projected + t * d, count: d) }

            // Feed-forward block (SwiGLU).
            layer.ffnNorm.withUnsafeBufferPointer { norm in
                forEachRow(n) { t in
                    rmsNorm(hidden + t * d, norm.baseAddress!, normed + t * d, count: d, epsilon: c.rmsNormEpsilon)
                }
            }
            let ffnInput = buffer(for: layer.ffnGate.activationFormat)
            ffnInput.load(UnsafePointer(normed), rows: n, cols: d, stride: d, pool: pool)
            project(layer.ffnGate, input: normed, rows: n, inputStride: d, out: gate, outStride: ffn, order: order,
                    prepared: ffnInput)
            project(layer.ffnUp, input: normed, rows: n, inputStride: d, out: up, outStride: ffn, order: order,
                    prepared: layer.ffnUp.activationFormat == ffnInput.format ? ffnInput : nil)
            forEachRow(n) { t in swiglu(gate + t * ffn, up + t * ffn, count: ffn) }
            project(layer.ffnDown, input: gate, rows: n, inputStride: ffn, out: projected, outStride: d, order: order)
            forEachRow(n) { t in addInPlace(hidden + t * d, projected + t * d, count: d) }
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
                rmsNorm(hidden + row * d, norm.baseAddress!, normed + i * d, count: d, epsilon: c.rmsNormEpsilon)
            }
        }
        project(w.output, input: normed, rows: outputRows.count, inputStride: d, out: logitScratch,
                outStride: vocab, order: order)
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
