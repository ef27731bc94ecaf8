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
    }

    deinit {
        keys.deallocate()
        values.deallocate()
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
