/// One benchmark item to look for in training data.
public struct BenchmarkItem: Sendable, Equatable {
    public var id: String
    /// The text looked for (a multiple-choice item's question: lm-evaluation-harness's
    /// decontamination query).
    public var text: String
    /// The item with its answer choices, used for the short-item rule (nil: `text`).
    public var extendedText: String?

    public init(id: String, text: String, extendedText: String? = nil) {
        self.id = id
        self.text = text
        self.extendedText = extendedText
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
/// Method (`ngram-13/v2`): texts are normalised as in `TextNormalizer` (lower-cased words,
/// punctuation dropped) and one-character words are ignored (choice labels "A." / "B)" and the
/// article "a" then do not split a question from its choices). Two rules find an item:
///
/// * **Long rule** (lm-evaluation-harness's decontamination, the GPT-3 paper): an item of W words
///   is indexed by all its n-grams with n = min(13, W); a record sharing one of them is a
///   candidate (an item shorter than 13 words must appear whole). Items of fewer than
///   `minimumWords` (4) words are not indexed by this rule.
/// * **Short-item rule**: an item with fewer than `shortItemWords` (26 = 2 × 13) words can lose
///   every 13-gram to a single changed word. Such an item is also indexed by the n-grams of its
///   text *with its answer choices* (W′ words, at least `shortMinimumWords` = 8) with
///   n′ = min(13, max(5, ⌊(W′ + 1) / 3⌋)), and a record is a candidate when it contains at
///   least half (`coverage`) of those n-grams. With n′ ≤ (W′ + 1) / 3, one inserted, deleted or
///   substituted word breaks at most n′ of the W′ − n′ + 1 n-grams, so at least half survive;
///   n′ ≥ 5 keeps common short phrases ("which of the following") from counting on their own.
///
/// Attribution: benchmarks contain templated near-twins ("Find the degree for the given field
/// extension …", "Determine whether the polynomial … x^2 - 12"); a record holding one of them
/// shares n-grams with the others. Each candidate gets a score (the highest fraction of its
/// n-grams present, over the rules that made it a candidate) and a span (the record words its
/// matched n-grams cover). A candidate is dropped when another candidate whose span overlaps
/// has a higher score, or the same score and more record words covered: overlapping text is
/// attributed to the item that explains it best. Candidates in disjoint parts of a record
/// (several different questions in one record) all count.
public struct ContaminationIndex: Sendable {
    public static let method = "ngram-13/v2"
    public static let maxN = 13
    public static let minimumWords = 4
    public static let coverage = 0.5
    public static let shortItemWords = 26
    public static let shortMinimumWords = 8
    public static let shortMinimumN = 5

    public let suites: [BenchmarkSuite]
    /// One entry per (item, rule): the flattened item index and whether it is the short rule.
    private var refs: [(item: Int32, short: Bool)] = []
    /// Distinct n-grams per ref.
    private var gramCounts: [Int32] = []
    /// n per ref.
    private var refN: [Int32] = []
    /// n-gram key → indices into `refs`.
    private var table: [UInt64: [Int32]] = [:]
    /// First flattened item index of each suite.
    private var itemBase: [Int32] = []
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
        var flat: Int32 = 0
        for (s, suite) in suites.enumerated() {
            itemBase.append(flat)
            for item in suite.items {
                defer { flat += 1 }
                let words = TextNormalizer.longWordHashes(item.text)
                var indexed = false
                if words.count >= Self.minimumWords {
                    add(words, n: min(Self.maxN, words.count), item: flat, short: false, used: &used)
                    indexed = true
                }
                if words.count < Self.shortItemWords {
                    let extended = item.extendedText.map(TextNormalizer.longWordHashes) ?? words
                    if extended.count >= Self.shortMinimumWords {
                        let n = min(Self.maxN, max(Self.shortMinimumN, (extended.count + 1) / 3))
                        add(extended, n: n, item: flat, short: true, used: &used)
                        indexed = true
                    }
                }
                if !indexed { unindexedItems[s] += 1 }
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

    private mutating func add(_ words: [UInt64], n: Int, item: Int32, short: Bool, used: inout Set<Int>) {
        used.insert(n)
        let ref = Int32(refs.count)
        refs.append((item, short))
        refN.append(Int32(n))
        var keys: [UInt64] = []
        forEachKey(words, n: n) { key, _ in keys.append(key) }
        // (Keys first, then the table: mutating `table` inside the closure would copy it.)
        let distinct = Set(keys)
        for key in distinct { table[key, default: []].append(ref) }
        gramCounts.append(Int32(distinct.count))
    }

    private var filter: [UInt64] = []
    private var filterMask: UInt64 = 0

    public var isEmpty: Bool { refs.isEmpty }

    /// Calls `body` with the key and start position of every n-gram of `words` (rolling
    /// polynomial hash, mixed with n).
    @inline(__always)
    func forEachKey(_ words: [UInt64], n: Int, _ body: (UInt64, Int) -> Void) {
        guard words.count >= n else { return }
        var h: UInt64 = 0
        for j in 0..<n { h = h &* Self.base &+ words[j] }
        let top = powers[n - 1]
        let salt = UInt64(n) &* 0xd6e8_feb8_6659_fd93
        body(TextNormalizer.mix(h ^ salt), 0)
        var j = n
        while j < words.count {
            h = (h &- words[j - n] &* top) &* Self.base &+ words[j]
            body(TextNormalizer.mix(h ^ salt), j - n + 1)
            j += 1
        }
    }

    /// What one record matched of one ref.
    private struct Match {
        var count: Int32 = 0
        var start = Int.max
        var end = 0
        /// Record words covered by the matched n-grams (windows arrive in increasing order).
        var covered = 0
    }

    /// What one record matched of one item (over its rules).
    private struct Candidate {
        var item: Int32
        var score: Double
        var start: Int
        var end: Int
        var covered: Int
    }

    /// Flattened indices of the items `words` contaminates (see the attribution rule above).
    func matches(_ words: [UInt64], into hits: inout Set<Int32>) {
        var found: [Int32: Match] = [:]
        var seen = Set<UInt64>()
        for n in lengths where words.count >= n {
            filter.withUnsafeBufferPointer { filter in
                forEachKey(words, n: n) { key, j in
                    let b = key & filterMask
                    guard filter[Int(b >> 6)] & (1 << (b & 63)) != 0 else { return }
                    guard let list = table[key], seen.insert(key).inserted else { return }
                    for r in list {
                        var m = found[r] ?? Match()
                        m.count += 1
                        m.start = min(m.start, j)
                        m.covered += min(n, j + n - max(j, m.end))
                        m.end = max(m.end, j + n)
                        found[r] = m
                    }
                }
            }
        }
        guard !found.isEmpty else { return }
        var byItem: [Int32: Candidate] = [:]
        for (r, m) in found {
            let ref = refs[Int(r)]
            let f = Double(m.count) / Double(max(1, gramCounts[Int(r)]))
            if ref.short && f < Self.coverage { continue }
            if var c = byItem[ref.item] {
                c.score = max(c.score, f)
                c.start = min(c.start, m.start)
                c.end = max(c.end, m.end)
                c.covered = max(c.covered, m.covered)
                byItem[ref.item] = c
            } else {
                byItem[ref.item] = Candidate(item: ref.item, score: f, start: m.start, end: m.end, covered: m.covered)
            }
        }
        let candidates = Array(byItem.values)
        for c in candidates {
            let dominated = candidates.contains { o in
                o.item != c.item && o.start < c.end && c.start < o.end
                    && (o.score > c.score + 1e-9 || (o.score > c.score - 1e-9 && o.covered > c.covered))
            }
            if !dominated { hits.insert(c.item) }
        }
    }

    /// (suite index, item index) of a flattened item index.
    func reference(_ flat: Int32) -> (suite: Int, item: Int) {
        var s = itemBase.count - 1
        while s > 0 && itemBase[s] > flat { s -= 1 }
        return (s, Int(flat - itemBase[s]))
    }
}

/// Accumulates contamination while records stream by.
public struct ContaminationScanner: Sendable {
    public let index: ContaminationIndex
    /// Flattened item index → first record location that contains it.
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

    /// Adds the items one record contaminates (computed by `ContaminationIndex.matches`, e.g. on
    /// a worker thread); records must arrive in order so the first location is kept.
    public mutating func add(hits: [Int32], location: UInt64) {
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
