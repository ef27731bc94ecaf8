/// Near-duplicate detection: MinHash signatures over word 5-gram shingles, LSH banding, and an
/// estimated Jaccard similarity check on every candidate pair.
///
/// Signatures use one-permutation hashing (each shingle hash falls into one of 128 bins, the bin
/// keeps its minimum; empty bins borrow from the next non-empty bin, rotated) so a record costs
/// O(shingles + 128) rather than O(shingles × 128). Each bin's minimum is stored as a 16-bit
/// hash (b-bit MinHash): 256 bytes per record. LSH uses 32 bands of 4 rows, so a pair with
/// Jaccard 0.8 becomes a candidate with probability 1 − (1 − 0.8⁴)³² > 0.9999; candidates are
/// kept when the fraction of equal bins is ≥ the threshold (default 0.8).
///
/// Memory is bounded by `maxRecords` (default 1,000,000 records ≈ 270 MB); records beyond it are
/// not compared and the result says so.
public struct NearDuplicateDetector: Sendable {
    public static let bins = 128
    public static let bands = 32
    public static let rows = 4
    public static let shingleSize = 5

    public let threshold: Double
    public let maxRecords: Int
    /// b-bit signatures, `bins` per record, in record order.
    private var signatures: [UInt16] = []
    /// Caller-supplied locations (opaque), one per record.
    private var locations: [UInt64] = []
    private var scratch = [UInt64](repeating: .max, count: NearDuplicateDetector.bins)
    public private(set) var skipped = 0

    public init(threshold: Double = 0.8, maxRecords: Int = 1_000_000) {
        self.threshold = threshold
        self.maxRecords = maxRecords
    }

    public var count: Int { locations.count }

    /// Adds one record (its normalised word hashes) with an opaque location.
    public mutating func add(words: [UInt64], location: UInt64) {
        guard !words.isEmpty else { return }
        guard locations.count < maxRecords else {
            skipped += 1
            return
        }
        let signature = Self.signature(words: words, scratch: &scratch)
        add(signature: signature, location: location)
    }

    /// Adds one record by its precomputed `signature(words:scratch:)` (parallel checks compute
    /// signatures on worker threads and add them in record order).
    public mutating func add(signature: [UInt16], location: UInt64) {
        guard signature.count == Self.bins else { return }
        guard locations.count < maxRecords else {
            skipped += 1
            return
        }
        signatures.append(contentsOf: signature)
        locations.append(location)
    }

    /// The b-bit MinHash signature of a record (`bins` values); `scratch` is working space.
    public static func signature(words: [UInt64], scratch: inout [UInt64]) -> [UInt16] {
        guard !words.isEmpty else { return [] }
        let bins = Self.bins
        if scratch.count != bins { scratch = [UInt64](repeating: .max, count: bins) }
        for i in 0..<bins { scratch[i] = .max }
        @inline(__always) func place(_ h: UInt64) {
            let bin = Int(h >> 57)
            let value = h & 0x01ff_ffff_ffff_ffff
            if value < scratch[bin] { scratch[bin] = value }
        }
        let k = Self.shingleSize
        if words.count < k {
            place(TextNormalizer.sequenceHash(words))
        } else {
            for start in 0...(words.count - k) {
                var h: UInt64 = 0x2545_f491_4f6c_dd1d
                for j in start..<(start + k) { h = (h &* 0x1000_0000_01b3) ^ words[j] }
                place(TextNormalizer.mix(h))
            }
        }
        // Densify: an empty bin takes the next non-empty bin's value, mixed with the distance.
        var out = [UInt16](repeating: 0, count: bins)
        for i in 0..<bins {
            var value = scratch[i]
            if value == .max {
                var j = 1
                while j < bins, scratch[(i + j) % bins] == .max { j += 1 }
                value = TextNormalizer.mix(scratch[(i + j) % bins] &+ UInt64(j) &* 0x9e37_79b9)
            }
            out[i] = UInt16(truncatingIfNeeded: TextNormalizer.mix(value) >> 48)
        }
        return out
    }

    /// Estimated Jaccard similarity of records `a` and `b` (fraction of equal bins).
    public func similarity(_ a: Int, _ b: Int) -> Double {
        let n = Self.bins
        var equal = 0
        for i in 0..<n where signatures[a * n + i] == signatures[b * n + i] { equal += 1 }
        return Double(equal) / Double(n)
    }

    /// One group of near-duplicate records (indices in insertion order, with their locations).
    public struct Cluster: Sendable {
        public var members: [Int]
        public var locations: [UInt64]
    }

    /// A pair found similar, with its estimated Jaccard similarity.
    public struct Pair: Sendable {
        public var first: UInt64
        public var second: UInt64
        public var similarity: Double
    }

    /// Finds the clusters (connected components of similar pairs, size ≥ 2) and up to
    /// `examplePairs` example pairs.
    public func clusters(examplePairs: Int = 10) -> (clusters: [Cluster], examples: [Pair]) {
        let n = locations.count
        guard n > 1 else { return ([], []) }
        var parent = [UInt32](repeating: 0, count: n)
        for i in 0..<n { parent[i] = UInt32(i) }
        func find(_ x: Int) -> Int {
            var x = x
            while Int(parent[x]) != x {
                parent[x] = parent[Int(parent[x])]
                x = Int(parent[x])
            }
            return x
        }
        var examples: [Pair] = []
        var keys = [UInt64](repeating: 0, count: n)
        let bins = Self.bins
        for band in 0..<Self.bands {
            signatures.withUnsafeBufferPointer { sig in
                for r in 0..<n {
                    var h: UInt64 = UInt64(band) &* 0x9e37_79b9_7f4a_7c15
                    let base = r * bins + band * Self.rows
                    for j in 0..<Self.rows { h = (h << 16) ^ (h >> 48) ^ UInt64(sig[base + j]) }
                    keys[r] = (TextNormalizer.mix(h) & 0xffff_ffff_0000_0000) | UInt64(r)
                }
            }
            keys.sort()
            var start = 0
            while start < n {
                var end = start + 1
                while end < n, keys[end] >> 32 == keys[start] >> 32 { end += 1 }
                if end - start > 1 {
                    for i in (start + 1)..<end {
                        let a = Int(keys[i] & 0xffff_ffff)
                        for j in max(start, i - 4)..<i {
                            let b = Int(keys[j] & 0xffff_ffff)
                            let ra = find(a)
                            let rb = find(b)
                            if ra == rb { continue }
                            let s = similarity(a, b)
                            if s >= threshold {
                                parent[max(ra, rb)] = UInt32(min(ra, rb))
                                if examples.count < examplePairs {
                                    examples.append(
                                        Pair(first: locations[min(a, b)], second: locations[max(a, b)], similarity: s))
                                }
                            }
                        }
                    }
                }
                start = end
            }
        }
        var groups: [Int: [Int]] = [:]
        for i in 0..<n {
            let root = find(i)
            if root != i || groups[root] != nil { groups[root, default: [root]].append(i) }
        }
        let clusters = groups.keys.sorted().compactMap { root -> Cluster? in
            guard var members = groups[root] else { return nil }
            members = Array(Set(members)).sorted()
            return members.count > 1 ? Cluster(members: members, locations: members.map { locations[$0] }) : nil
        }
        return (clusters, examples)
    }
}
