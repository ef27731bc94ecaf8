/// Byte-level BPE over one pre-tokenized word, as llama.cpp runs it: start from one symbol per
/// byte, repeatedly merge the adjacent pair with the lowest merge rank (leftmost on ties) and
/// emit the resulting tokens.
///
/// Symbols are integer ids rather than strings: every token text of the byte-level alphabet is
/// keyed by the raw bytes it stands for, and the few merge operands or results that are not
/// vocabulary entries get ids past the end of the vocabulary, so the id space is closed under
/// merging and a merge is a single dictionary probe.
struct BytePairEncoder: Sendable {
    private struct Merge: Sendable {
        var rank: Int32
        var result: Int32
    }

    let vocabularySize: Int
    /// Raw bytes → symbol id (token id, or a synthetic id ≥ `vocabularySize`).
    private let symbols: ByteStringTable
    /// Raw bytes of synthetic symbol `vocabularySize + i`.
    private let syntheticBytes: [[UInt8]]
    /// Symbol id of each single byte.
    private let byteSymbol: [Int32]
    /// Token id of each single byte, -1 when the vocabulary lacks it.
    private let byteToken: [Int32]
    /// `left << 32 | right` → rank and merged symbol.
    private let merges: [UInt64: Merge]
    /// Whole words found in the vocabulary skip merging (Llama 3).
    private let ignoreMerges: Bool

    init(tokens: [String], merges mergeLines: [String], ignoreMerges: Bool) {
        vocabularySize = tokens.count
        self.ignoreMerges = ignoreMerges
        var table = ByteStringTable(capacity: tokens.count + 1024)
        for (id, text) in tokens.enumerated() {
            if let raw = ByteLevel.decode(text) { table.insert(raw, value: Int32(id)) }
        }
        var synthetic: [[UInt8]] = []
        let base = tokens.count
        func intern(_ raw: [UInt8]) -> Int32 {
            if let id = table.lookup(raw) { return id }
            let id = Int32(base + synthetic.count)
            synthetic.append(raw)
            table.insert(raw, value: id)
            return id
        }

        var mergeTable: [UInt64: Merge] = [:]
        mergeTable.reserveCapacity(mergeLines.count)
        for (rank, line) in mergeLines.enumerated() {
            // "left right", split at the first space after the first byte.
            let utf8 = Array(line.utf8)
            guard utf8.count >= 3, let space = utf8[1...].firstIndex(of: 0x20) else { continue }
            guard let left = ByteLevel.decode(String(decoding: utf8[..<space], as: UTF8.self)),
                let right = ByteLevel.decode(String(decoding: utf8[(space + 1)...], as: UTF8.self)),
                !left.isEmpty, !right.isEmpty
            else { continue }
            let key = UInt64(UInt32(bitPattern: intern(left))) << 32 | UInt64(UInt32(bitPattern: intern(right)))
            if mergeTable[key] == nil {
                mergeTable[key] = Merge(rank: Int32(truncatingIfNeeded: rank), result: intern(left + right))
            }
        }
        var bytes = [Int32](repeating: 0, count: 256)
        var tokensForBytes = [Int32](repeating: -1, count: 256)
        for b in 0..<256 {
            bytes[b] = intern([UInt8(b)])
            if Int(bytes[b]) < base { tokensForBytes[b] = bytes[b] }
        }
        byteSymbol = bytes
        byteToken = tokensForBytes
        symbols = table
        syntheticBytes = synthetic
        merges = mergeTable
    }

    /// Token id for exactly these raw bytes, if the vocabulary has it.
    func token(forBytes bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard let id = symbols.lookup(bytes), Int(id) < vocabularySize else { return nil }
        return id
    }

    /// Reusable per-call buffers.
    struct Scratch {
        fileprivate var ids: [Int32] = []
        fileprivate var next: [Int32] = []
        fileprivate var prev: [Int32] = []
        fileprivate var alive: [Bool] = []
        fileprivate var queue = MergeQueue()
    }

    /// Appends the tokens of one word (raw bytes) to `out`.
    func encode(word: UnsafeBufferPointer<UInt8>, scratch: inout Scratch, into out: inout [Int32]) {
        let n = word.count
        guard n > 0 else { return }
        if ignoreMerges, let id = token(forBytes: word) {
            out.append(id)
            return
        }
        scratch.ids.removeAll(keepingCapacity: true)
        scratch.next.removeAll(keepingCapacity: true)
        scratch.prev.removeAll(keepingCapacity: true)
        scratch.alive.removeAll(keepingCapacity: true)
        scratch.queue.removeAll()
        for i in 0..<n {
            scratch.ids.append(byteSymbol[Int(word[i])])
            scratch.prev.append(Int32(i - 1))
            scratch.next.append(i + 1 < n ? Int32(i + 1) : -1)
            scratch.alive.append(true)
        }

        func consider(_ left: Int32, _ right: Int32, _ scratch: inout Scratch) {
            guard left >= 0, right >= 0 else { return }
            let l = scratch.ids[Int(left)]
            let r = scratch.ids[Int(right)]
            let key = UInt64(UInt32(bitPattern: l)) << 32 | UInt64(UInt32(bitPattern: r))
            guard let merge = merges[key] else { return }
            scratch.queue.push(
                MergeQueue.Entry(
                    key: MergeQueue.key(rank: merge.rank, left: left), left: left,
                    right: right, a: l, b: r, c: merge.result))
        }

        for i in 1..<max(n, 1) { consider(Int32(i - 1), Int32(i), &scratch) }

        // Entries: a = left symbol, b = right symbol, c = merged symbol.
        while let candidate = scratch.queue.pop() {
            let left = Int(candidate.left)
            let right = Int(candidate.right)
            // Skip candidates made stale by an earlier merge.
            guard scratch.alive[left], scratch.alive[right],
                scratch.ids[left] == candidate.a, scratch.ids[right] == candidate.b
            else { continue }
            scratch.ids[left] = candidate.c
            scratch.alive[right] = false
            let after = scratch.next[right]
            scratch.next[left] = after
            if after >= 0 { scratch.prev[Int(after)] = Int32(left) }
            consider(scratch.prev[left], Int32(left), &scratch)
            consider(Int32(left), after, &scratch)
        }

        var i: Int32 = 0
        while i >= 0 {
            let id = scratch.ids[Int(i)]
            if Int(id) < vocabularySize {
                out.append(id)
            } else {
                // A merge result the vocabulary lacks: fall back to its bytes' tokens.
                for b in syntheticBytes[Int(id) - vocabularySize] where byteToken[Int(b)] >= 0 {
                    out.append(byteToken[Int(b)])
                }
            }
            i = scratch.next[Int(i)]
        }
    }
}
