/// One benchmark item to look for in training data.
public struct BenchmarkItem: Sendable, Equatable {
    public var id: String
    public var text: String

    public init(id: String, text: String) {
        self.id = id
        self.text = text
    }
}

/// One benchmark suite version, as the contamination index sees it.
public struct BenchmarkSuite: Sendable {
    public var id: String
    public var version: String
    public var digest: String
    public var items: [BenchmarkItem]

    public init(id: String, version: String, digest: String, items: [BenchmarkItem]) {
        self.id = id
        self.version = version
        self.digest = digest
        self.items = items
    }
}

/// An n-gram index of benchmark items for decontamination.
///
/// Method (`ngram-13/v1`): texts are normalised as in `TextNormalizer` (lower-cased words,
/// punctuation dropped) and one-character words are ignored (choice labels "A." / "B)" and the
/// article "a" then do not split a question from its choices). An item of W words is indexed by
/// all its n-grams with n = min(13, W), the 13-gram of lm-evaluation-harness's decontamination
/// and the GPT-3 paper; an item shorter than 13 words therefore counts only when its whole
/// normalised text appears. Items of fewer than `minimumWords` (4) words are too short to
/// attribute and are not indexed (they are counted in `unindexedItems`).
///
/// Attribution: a training record contaminates the items it shares an n-gram with that are
/// best covered by it — the items with the highest fraction of their n-grams present in the
/// record, plus any item with at least `coverage` (0.5) of its n-grams present. Benchmarks
/// contain templated near-twins ("Find the degree for the given field extension …"); a record
/// holding one of them verbatim shares a 13-gram with the others, but covers only one fully.
public struct ContaminationIndex: Sendable {
    public static let method = "ngram-13/v1"
    public static let maxN = 13
    public static let minimumWords = 4
    public static let coverage = 0.5

    public let suites: [BenchmarkSuite]
    /// (suite index, item index) per indexed item.
    private var refs: [(suite: Int32, item: Int32)] = []
    /// Distinct n-grams per indexed item.
    private var gramCounts: [Int32] = []
    /// n-gram key → indices into `refs` (first entry inline for speed).
    private var table: [UInt64: [Int32]] = [:]
    /// The distinct n used by indexed items, descending.
    public private(set) var lengths: [Int] = []
    public private(set) var unindexedItems: [Int] = []
    private var powers = [UInt64](repeating: 1, count: ContaminationIndex.maxN + 1)

    static let base: UInt64 = 0x1000_0000_01b3

    public init(suites: [BenchmarkSuite]) {
        self.suites = suites
        unindexedItems = [Int](repeating: 0, count: suites.count)
        for k in 1...Self.maxN { powers[k] = powers[k - 1] &* Self.base }
        var used = Set<Int>()
        var words: [UInt64] = []
        for (s, suite) in suites.enumerated() {
            for (i, item) in suite.items.enumerated() {
                words.removeAll(keepingCapacity: true)
                words = TextNormalizer.longWordHashes(item.text)
                guard words.count >= Self.minimumWords else { unindexedItems[s] += 1; continue }
                let n = min(Self.maxN, words.count)
                used.insert(n)
                let ref = Int32(refs.count)
                refs.append((Int32(s), Int32(i)))
                var keys: [UInt64] = []
                forEachKey(words, n: n) { keys.append($0) }
                // (Keys first, then the table: mutating `table` inside the closure would copy it.)
                let distinct = Set(keys)
                for key in distinct { table[key, default: []].append(ref) }
                gramCounts.append(Int32(distinct.count))
            }
        }
        lengths = used.sorted(by: >)
        // A one-probe bit filter in front of the table (≥ 16 bits per key): most windows of a
        // training record are in no benchmark item and are rejected without hashing again.
        var bits = 1 << 16
        while bits < table.count * 16 { bits <<= 1 }
        filterMask = UInt64(bits - 1)
        filter = [UInt64](repeating: 0, count: bits / 64)
        for key in table.keys {
            let b = key & filterMask
            filter[Int(b >> 6)] |= 1 << (b & 63)
        }
    }

    private var filter: [UInt64] = []
    private var filterMask: UInt64 = 0

    public var isEmpty: Bool { refs.isEmpty }

    /// Calls `body` with the key of every n-gram of `words` (rolling polynomial hash, mixed with n).
    @inline(__always)
    func forEachKey(_ words: [UInt64], n: Int, _ body: (UInt64) -> Void) {
        guard words.count >= n else { return }
        var h: UInt64 = 0
        for j in 0..<n { h = h &* Self.base &+ words[j] }
        let top = powers[n - 1]
        let salt = UInt64(n) &* 0xd6e8_feb8_6659_fd93
        body(TextNormalizer.mix(h ^ salt))
        var j = n
        while j < words.count {
            h = (h &- words[j - n] &* top) &* Self.base &+ words[j]
            body(TextNormalizer.mix(h ^ salt))
            j += 1
        }
    }

    /// Indices into `refs` of the items `words` contaminates (see the attribution rule above).
    func matches(_ words: [UInt64], into hits: inout Set<Int32>) {
        var counts: [Int32: Int32] = [:]
        var seen = Set<UInt64>()
        for n in lengths where words.count >= n {
            filter.withUnsafeBufferPointer { filter in
                forEachKey(words, n: n) { key in
                    let b = key & filterMask
                    guard filter[Int(b >> 6)] & (1 << (b & 63)) != 0 else { return }
                    if let list = table[key], seen.insert(key).inserted { for r in list { counts[r, default: 0] += 1 } }
                }
            }
        }
        guard !counts.isEmpty else { return }
        var best = 0.0
        var coverage: [(Int32, Double)] = []
        for (r, c) in counts {
            let f = Double(c) / Double(max(1, gramCounts[Int(r)]))
            coverage.append((r, f))
            best = max(best, f)
        }
        for (r, f) in coverage where f >= best - 1e-9 || f >= Self.coverage { hits.insert(r) }
    }

    func reference(_ ref: Int32) -> (suite: Int, item: Int) {
        let r = refs[Int(ref)]
        return (Int(r.suite), Int(r.item))
    }
}

/// Accumulates contamination while records stream by.
public struct ContaminationScanner: Sendable {
    public let index: ContaminationIndex
    /// ref → first record location that contains it.
    private var found: [Int32: UInt64] = [:]
    private var hits = Set<Int32>()

    public init(index: ContaminationIndex) {
        self.index = index
    }

    public mutating func add(words: [UInt64], location: UInt64) {
        guard !index.isEmpty else { return }
        hits.removeAll(keepingCapacity: true)
        index.matches(words, into: &hits)
        for h in hits where found[h] == nil { found[h] = location }
    }

    /// Per suite: contaminated item ids (sorted) with the first location of each.
    public func results() -> [(suite: BenchmarkSuite, unindexed: Int, items: [(id: String, location: UInt64)])] {
        var perSuite = [[(id: String, location: UInt64)]](repeating: [], count: index.suites.count)
        for (ref, location) in found {
            let (s, i) = index.reference(ref)
            perSuite[s].append((index.suites[s].items[i].id, location))
        }
        return index.suites.enumerated().map { s, suite in
            (suite, index.unindexedItems[s], perSuite[s].sorted { $0.id < $1.id })
        }
    }
}
