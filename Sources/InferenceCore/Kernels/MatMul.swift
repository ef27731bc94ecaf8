import KernelSource
import ModelFormat

/// Which of llama.cpp's two summation orders a product follows. Quantized kernels are the
/// same either way; F16 products (F16 weights, attention) differ: prompts go through tinyBLAS
/// (one 8-lane accumulator), single-token generation steps through `ggml_vec_dot_f16`.
/// The engine picks the order from the kind of step, never from the batch size.
public enum SummationOrder: Sendable, Hashable {
    /// Prompt / scoring evaluation (any micro-batch size).
    case prompt
    /// One generated token at a time.
    case generation
}

/// A 2-D weight tensor living in the mapped model file: `rows` output features, each a row of
/// `cols` input features encoded as `type` (also the token embedding table: a row per token).
struct WeightMatrix: Sendable {
    let name: String
    let type: GGMLType
    let rows: Int
    let cols: Int
    let mapped: MappedPointer
    let rowBytes: Int
    /// The integer kernels' format for `type`, looked up once here (nil: F32/F16 paths).
    let kernelFormat: BlockWeightFormat?

    init(name: String, type: GGMLType, rows: Int, cols: Int, data: UnsafeRawPointer, rowBytes: Int) {
        self.name = name
        self.type = type
        self.kernelFormat = BlockWeightFormat(type)
        self.rows = rows
        self.cols = cols
        self.mapped = MappedPointer(data)
        self.rowBytes = rowBytes
    }

    /// The first byte of row 0.
    var data: UnsafeRawPointer { mapped.raw }

    var activationFormat: ActivationFormat {
        // Checked at load time; every matrix type the loader accepts has a format.
        ActivationFormat(weightType: type) ?? .f32
    }

    static let supportedTypes: Set<GGMLType> = [.f32, .f16, .q4_0, .q4_1, .q5_0, .q8_0, .q4_K, .q6_K]
}

/// `out[b][r] = W[r] · x[b]` for every activation row `b` and weight row `r`, where `x` has
/// been converted for `w` (`QuantizedActivations` with `w.activationFormat`).
///
/// Work is split over weight-row tiles; each output element is one dot product with a fixed
/// summation order, so results are identical for any batch size or thread count.
func matmul(
    _ w: WeightMatrix, _ x: QuantizedActivations, out: UnsafeMutablePointer<Float>,
    outStride: Int, order: SummationOrder = .prompt, pool: ComputePool
) {
    precondition(x.cols == w.cols, "\(w.name): input has \(x.cols) columns, weight \(w.cols)")
    let batch = x.rows
    let blockFormat = w.type == .q4_1 || w.type == .q8_0 || w.type == .q4_0 || w.type == .q5_0
    let superBlockFormat = w.type == .q4_K || w.type == .q6_K
    let kernels = KernelSets.selected
    if blockFormat || superBlockFormat, pool.threadCount > 1, batch >= 16 * pool.threadCount {
        // Prompt batches: tasks own whole activation columns (all rows), so each task reads
        // its columns once and writes whole output rows (no cache line shared between
        // tasks); the weights stream from cache per four-column group.
        let chunk = columnChunk(batch: batch, threads: pool.threadCount)
        let chunks = (batch + chunk - 1) / chunk
        pool.parallelFor(count: chunks) { c in
            let b0 = c * chunk
            matmulTileBlocks(
                w, x, rows: 0..<w.rows, columns: b0..<min(batch, b0 + chunk), out: out,
                outStride: outStride, kernels: kernels)
        }
        return
    }
    let tile = rowTile(rows: w.rows, batch: batch, threads: pool.threadCount)
    let tiles = (w.rows + tile - 1) / tile
    pool.parallelFor(count: tiles) { t in
        let r0 = t * tile
        let r1 = min(w.rows, r0 + tile)
        matmulTile(w, x, rows: r0..<r1, out: out, outStride: outStride, order: order, kernels: kernels)
    }
}

/// Activation columns per task for prompt batches: about four tasks per thread, in whole groups
/// of eight columns (the AVX-512 kernels' group) where the batch allows.
private func columnChunk(batch: Int, threads: Int) -> Int {
    let share = batch / (threads * 4)
    return share >= 6 ? (share + 7) & ~7 : max(4, (share + 3) & ~3)
}

/// Rows per task: small enough to spread over threads, large enough to amortize dispatch.
private func rowTile(rows: Int, batch: Int, threads: Int) -> Int {
    if threads <= 1 { return max(rows, 1) }
    let targetTasks = threads * (batch > 1 ? 8 : 4)
    var tile = max(1, rows / targetTasks)
    tile = (tile + 3) & ~3
    return min(max(tile, 4), rows)
}

/// Computes one tile of rows for every batch column.
@inline(__always)
func matmulTile(
    _ w: WeightMatrix, _ x: QuantizedActivations, rows: Range<Int>,
    out: UnsafeMutablePointer<Float>, outStride: Int, order: SummationOrder,
    kernels: any KernelSet.Type = KernelSets.selected
) {
    let batch = x.rows
    let cols = w.cols
    switch w.type {
    case .q4_1, .q8_0, .q4_0, .q5_0, .q4_K, .q6_K:
        matmulTileBlocks(w, x, rows: rows, columns: 0..<x.rows, out: out, outStride: outStride, kernels: kernels)
    case .f16:
        for b in 0..<batch {
            let xh = UnsafePointer(x.halves + b * cols)
            if order == .generation {
                for r in rows { out[b * outStride + r] = dotF16Single(w.data + r * w.rowBytes, xh, count: cols) }
            } else {
                for r in rows { out[b * outStride + r] = dotF16(w.data + r * w.rowBytes, xh, count: cols) }
            }
        }
    case .f32:
        guard let floats = x.floats else { return }
        for b in 0..<batch {
            let xf = floats + b * x.floatStride
            for r in rows {
                out[b * outStride + r] = dotF32(w.data + r * w.rowBytes, xf, count: cols)
            }
        }
    default:
        preconditionFailure("\(w.name): no kernel for \(w.type.name) (rejected at load time)")
    }
}

/// One projection of a shared, already converted input: `out[b][r] = weights[r] · x[b]`.
struct MatmulTarget {
    let weights: WeightMatrix
    let out: UnsafeMutablePointer<Float>
    let outStride: Int
}

/// Several projections of the same converted input (Q/K/V, gate/up) as one unit of work:
/// one pool dispatch covers every target. Every target's weights must take `x.format`
/// activations. Each output element is the same dot product as in `matmul` (same kernel, same
/// order), so results equal calling `matmul` once per target.
func matmul(
    _ targets: [MatmulTarget], _ x: QuantizedActivations, order: SummationOrder = .prompt,
    pool: ComputePool
) {
    for target in targets {
        precondition(
            target.weights.activationFormat == x.format,
            "\(target.weights.name): needs \(target.weights.activationFormat) activations")
        precondition(
            x.cols == target.weights.cols,
            "\(target.weights.name): input has \(x.cols) columns, weight \(target.weights.cols)")
    }
    if targets.count == 1, let only = targets.first {
        matmul(only.weights, x, out: only.out, outStride: only.outStride, order: order, pool: pool)
        return
    }
    let batch = x.rows
    let kernels = KernelSets.selected
    let integer = targets.allSatisfy { $0.weights.blockView != nil }
    // Work items: (target, rows, columns). Prompt batches split columns as `matmul` does;
    // otherwise rows, in tiles sized for the total row count.
    var items: [(target: Int, rows: Range<Int>, columns: Range<Int>)] = []
    if integer, pool.threadCount > 1, batch >= 16 * pool.threadCount {
        let chunk = columnChunk(batch: batch, threads: pool.threadCount)
        for (t, target) in targets.enumerated() {
            var b0 = 0
            while b0 < batch {
                items.append((t, 0..<target.weights.rows, b0..<min(batch, b0 + chunk)))
                b0 += chunk
            }
        }
    } else {
        let totalRows = targets.reduce(0) { $0 + $1.weights.rows }
        let tile = rowTile(rows: totalRows, batch: batch, threads: pool.threadCount)
        for (t, target) in targets.enumerated() {
            var r0 = 0
            while r0 < target.weights.rows {
                items.append((t, r0..<min(target.weights.rows, r0 + tile), 0..<batch))
                r0 += tile
            }
        }
    }
    items.withUnsafeBufferPointer { work in
        targets.withUnsafeBufferPointer { targets in
            pool.parallelFor(count: work.count) { i in
                let item = work[i]
                let target = targets[item.target]
                if item.columns == 0..<batch {
                    matmulTile(
                        target.weights, x, rows: item.rows, out: target.out, outStride: target.outStride,
                        order: order, kernels: kernels)
                } else {
                    matmulTileBlocks(
                        target.weights, x, rows: item.rows, columns: item.columns, out: target.out,
                        outStride: target.outStride, kernels: kernels)
                }
            }
        }
    }
}
