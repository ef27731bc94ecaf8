/// Keys and values of every processed position, stored as F16 like llama.cpp's default cache.
/// Keys: `[layer][position][kvDimension]`. Values are kept transposed, as llama.cpp does
/// without flash attention: `[layer][kvDimension][position]`, so each output dimension of
/// attention is one contiguous dot product over positions.
final class KVCache {
    let layers: Int
    /// Usable positions.
    let capacity: Int
    /// Allocated positions per row (capacity rounded up to 32; the padding stays zero).
    let stride: Int
    let kvDimension: Int
    let keys: UnsafeMutablePointer<Float16>
    let values: UnsafeMutablePointer<Float16>
    /// One layer's keys and values widened to F32 for prompt attention (`widen`): every query
    /// head of a KV group then reads converted values instead of converting them again. Same
    /// layouts as one layer of `keys` and `values`.
    let wideKeys: UnsafeMutablePointer<Float>
    let wideValues: UnsafeMutablePointer<Float>

    init(layers: Int, capacity: Int, kvDimension: Int) {
        self.layers = layers
        self.capacity = capacity
        self.stride = (capacity + 31) & ~31
        self.kvDimension = kvDimension
        let count = layers * stride * kvDimension
        keys = .allocate(capacity: count)
        values = .allocate(capacity: count)
        keys.initialize(repeating: 0, count: count)
        values.initialize(repeating: 0, count: count)
        wideKeys = .allocate(capacity: stride * kvDimension)
        wideValues = .allocate(capacity: stride * kvDimension)
        wideKeys.initialize(repeating: 0, count: stride * kvDimension)
        wideValues.initialize(repeating: 0, count: stride * kvDimension)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
        wideKeys.deallocate()
        wideValues.deallocate()
    }

    /// Converts layer `layer`'s keys of positions `0..<length` and its values of positions up to
    /// `length` rounded up to 32 into `wideKeys` / `wideValues` (F16 → F32 is exact).
    func widen(layer: Int, length: Int, pool: ComputePool) {
        let keyCount = length * kvDimension
        let source = UnsafeRawPointer(keyRow(layer: layer, position: 0))
        let keys = UnsafeMutableRawPointer(wideKeys)
        let padded = min(stride, (length + 31) & ~31)
        let chunks = (keyCount + 255) / 256
        pool.parallelFor(count: chunks + kvDimension) { task in
            if task < chunks {
                var i = task * 256
                let end = min(keyCount, i + 256)
                while i + 8 <= end {
                    let half = source.loadUnaligned(fromByteOffset: i * 2, as: SIMD8<Float16>.self)
                    keys.storeBytes(of: SIMD8<Float>(half), toByteOffset: i * 4, as: SIMD8<Float>.self)
                    i += 8
                }
                while i < end {
                    keys.storeBytes(
                        of: Float(source.load(fromByteOffset: i * 2, as: Float16.self)), toByteOffset: i * 4,
                        as: Float.self)
                    i += 1
                }
            } else {
                let d = task - chunks
                let row = UnsafeRawPointer(valueColumn(layer: layer, dimension: d))
                let out = UnsafeMutableRawPointer(wideValues + d * stride)
                var j = 0
                while j < padded {
                    let half = row.loadUnaligned(fromByteOffset: j * 2, as: SIMD8<Float16>.self)
                    out.storeBytes(of: SIMD8<Float>(half), toByteOffset: j * 4, as: SIMD8<Float>.self)
                    j += 8
                }
            }
        }
    }

    /// Keys of `position` (all KV heads).
    @inline(__always)
    func keyRow(layer: Int, position: Int) -> UnsafeMutablePointer<Float16> {
        keys + (layer * stride + position) * kvDimension
    }

    /// Values of dimension `dimension` across positions.
    @inline(__always)
    func valueColumn(layer: Int, dimension: Int) -> UnsafeMutablePointer<Float16> {
        values + (layer * kvDimension + dimension) * stride
    }

    /// Stores one position's values (F32 → F16).
    @inline(__always)
    func storeValues(_ v: UnsafePointer<Float>, layer: Int, position: Int) {
        let base = values + layer * kvDimension * stride + position
        for d in 0..<kvDimension {
            base[d * stride] = Float16(v[d])
        }
    }
}
