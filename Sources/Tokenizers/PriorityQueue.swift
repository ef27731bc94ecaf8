/// A binary min-heap of merge candidates ordered by a 64-bit key; storage is reused across
/// `removeAll`. Both encoders pack their priority into the key (BPE: rank, then left index;
/// SentencePiece: descending score, then left index), so the heap is concrete and fast even in
/// debug builds, which cannot specialize generics across files.
struct MergeQueue {
    struct Entry {
        /// Smaller pops first.
        var key: UInt64
        var left: Int32
        var right: Int32
        var a: Int32
        var b: Int32
        var c: Int32
    }

    private var heap: [Entry] = []

    var isEmpty: Bool { heap.isEmpty }

    mutating func removeAll() { heap.removeAll(keepingCapacity: true) }

    mutating func push(_ entry: Entry) {
        heap.append(entry)
        heap.withUnsafeMutableBufferPointer { h in
            var child = h.count - 1
            let moving = h[child]
            while child > 0 {
                let parent = (child - 1) / 2
                guard moving.key < h[parent].key else { break }
                h[child] = h[parent]
                child = parent
            }
            h[child] = moving
        }
    }

    mutating func pop() -> Entry? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        return heap.withUnsafeMutableBufferPointer { h in
            let top = h[0]
            let count = h.count
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < count else { break }
                var best = left
                if left + 1 < count, h[left + 1].key < h[left].key { best = left + 1 }
                guard h[best].key < last.key else { break }
                h[parent] = h[best]
                parent = best
            }
            h[parent] = last
            return top
        }
    }

    /// Key ordering ascending rank (or any non-negative integer), then ascending `left`.
    static func key(rank: Int32, left: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: left))
    }

    /// Key ordering descending `score`, then ascending `left`.
    static func key(descendingScore score: Float, left: Int32) -> UInt64 {
        let bits = (score == 0 ? Float(0) : score).bitPattern // -0 ties with +0, as in C
        let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return UInt64(~ascending) << 32 | UInt64(UInt32(bitPattern: left))
    }
}
