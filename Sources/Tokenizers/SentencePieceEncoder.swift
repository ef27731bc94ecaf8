/// SentencePiece BPE with byte fallback, as llama.cpp runs it for `tokenizer.ggml.model = llama`:
/// start from one symbol per UTF-8 character, repeatedly merge the adjacent pair whose
/// concatenation is the highest-scoring vocabulary entry (leftmost on ties), then emit each
/// symbol's token, or its bytes as `<0xXX>` tokens when the vocabulary lacks it.
///
/// The caller has already replaced spaces with "▁" and added the space prefix.
struct SentencePieceEncoder: Sendable {
    private let table: ByteStringTable
    private let scores: [Float]
    /// Token for each byte (`<0xXX>`, else the byte itself as text), -1 when neither exists.
    private let byteTokens: [Int32]
    private let unknownToken: Int32?

    /// `table` maps every token's text bytes to its id.
    init(table: ByteStringTable, scores: [Float], unknownToken: Int32?) {
        var byteTokens = [Int32](repeating: -1, count: 256)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in 0..<256 {
            let name: [UInt8] = [0x3C, 0x30, 0x78, hex[b >> 4], hex[b & 15], 0x3E] // <0xXX>
            if let id = table.lookup(name) ?? table.lookup([UInt8(b)]) { byteTokens[b] = id }
        }
        self.table = table
        self.scores = scores
        self.byteTokens = byteTokens
        self.unknownToken = unknownToken
    }

    /// Token id of exactly these bytes, if any.
    func token(forBytes bytes: UnsafeBufferPointer<UInt8>) -> Int32? { table.lookup(bytes) }

    private struct Symbol {
        var start: Int32
        var length: Int32
        var prev: Int32
        var next: Int32
    }

    /// Appends the tokens of `text` (escaped UTF-8) to `out`.
    func encode(_ text: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        guard !text.isEmpty else { return }
        var symbols: [Symbol] = []
        symbols.reserveCapacity(text.count)
        var offset = 0
        while offset < text.count {
            let lead = text[offset]
            let width = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            let length = min(width, text.count - offset)
            let index = Int32(symbols.count)
            offset += length
            symbols.append(
                Symbol(
                    start: Int32(offset - length), length: Int32(length), prev: index - 1,
                    next: offset == text.count ? -1 : index + 1))
        }

        var queue = MergeQueue()
        func consider(_ left: Int32, _ right: Int32) {
            guard left >= 0, right >= 0 else { return }
            let start = Int(symbols[Int(left)].start)
            let size = Int(symbols[Int(left)].length + symbols[Int(right)].length)
            let slice = UnsafeBufferPointer(rebasing: text[start..<start + size])
            guard let id = table.lookup(slice) else { return }
            let score = Int(id) < scores.count ? scores[Int(id)] : 0
            queue.push(
                MergeQueue.Entry(
                    key: MergeQueue.key(descendingScore: score, left: left), left: left,
                    right: right, a: Int32(size), b: 0, c: 0))
        }

        for i in 1..<max(symbols.count, 1) { consider(Int32(i - 1), Int32(i)) }

        // Entries: a = byte size of the merged text.
        while let candidate = queue.pop() {
            let left = Int(candidate.left)
            let right = Int(candidate.right)
            let leftLength = symbols[left].length
            let rightLength = symbols[right].length
            // Skip candidates made stale by an earlier merge.
            guard leftLength > 0, rightLength > 0, leftLength + rightLength == candidate.a else { continue }
            symbols[left].length += rightLength
            symbols[right].length = 0
            let after = symbols[right].next
            symbols[left].next = after
            if after >= 0 { symbols[Int(after)].prev = Int32(left) }
            consider(symbols[left].prev, Int32(left))
            consider(Int32(left), after)
        }

        var i: Int32 = 0
        while i >= 0 {
            let symbol = symbols[Int(i)]
            let start = Int(symbol.start)
            let slice = UnsafeBufferPointer(rebasing: text[start..<start + Int(symbol.length)])
            if let id = table.lookup(slice) {
                out.append(id)
            } else {
                for byte in slice {
                    let id = byteTokens[Int(byte)]
                    if id >= 0 {
                        out.append(id)
                    } else if let unknownToken {
                        out.append(unknownToken)
                    }
                }
            }
            i = symbol.next
        }
    }
}
