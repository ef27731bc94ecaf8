import ModelFormat

/// A GGUF vocabulary's tokenizer, reproducing llama.cpp's `llama_tokenize` and
/// `llama_detokenize` for SentencePiece (`llama`) and byte-level BPE (`gpt2`) vocabularies.
///
/// Encoding first splits special tokens out of the text (user-defined tokens always, control
/// tokens only with `parseSpecial`), then runs SentencePiece with byte fallback or the
/// pre-tokenizer plus byte-level BPE on the remaining text.
public final class Tokenizer: TextTokenizer {
    /// The tokenizer algorithm.
    public let model: TokenizerVocabulary.Model
    /// The pre-tokenizer (byte-level BPE only).
    public let preTokenizer: PreTokenizer?
    public let bosToken: Int32?
    public let eosToken: Int32?
    /// End-of-turn token (stated in the file or recognised by its text, e.g. "<|im_end|>").
    public let eotToken: Int32?
    /// End-of-message token.
    public let eomToken: Int32?
    public let unknownToken: Int32?
    public let paddingToken: Int32?
    /// Whether `encode(_:addSpecial: true)` starts with BOS.
    public let addsBOS: Bool
    /// Whether `encode(_:addSpecial: true)` ends with EOS.
    public let addsEOS: Bool
    /// SentencePiece's leading space: added when encoding, removed from the first piece when
    /// decoding.
    public let addsSpacePrefix: Bool
    /// Every token that ends generation.
    public let endOfGenerationTokens: Set<Int32>

    private let texts: [String]
    private let attributes: [TokenAttributes]
    /// Token text bytes → id.
    private let textTable: ByteStringTable
    /// Decoded bytes of every token, control tokens included (llama.cpp's piece cache).
    private let pieces: [[UInt8]]
    private let cleanSpaces: Bool
    /// Tokens split out of raw text first, in matching priority order (longest text first).
    private let specialTokens: [Int32]
    private let specialTable: ByteStringTable
    private let specialLengths: [Int]
    private let specialFirstBytes: [Bool]
    private let sentencePiece: SentencePieceEncoder?
    private let bytePair: BytePairEncoder?

    // MARK: - Construction

    /// Builds the tokenizer for `vocabulary`, applying llama.cpp's defaults for what the
    /// vocabulary leaves unstated.
    public init(vocabulary v: TokenizerVocabulary) throws(TokenizerError) {
        let n = v.tokens.count
        guard n > 0 else { throw .emptyVocabulary }
        func inRange(_ id: Int32?) -> Int32? {
            guard let id, id >= 0, Int(id) < n else { return nil }
            return id
        }

        var bos: Int32?
        var eos: Int32?
        var unk: Int32?
        var addBOS: Bool
        var spacePrefix: Bool
        var clean: Bool
        var settings: PreTokenizerSettings?
        switch v.model {
        case .sentencePiece:
            bos = 1
            eos = 2
            unk = 0
            addBOS = true
            spacePrefix = true
            clean = false
        case .bytePairEncoding:
            guard let s = PreTokenizerSettings(name: v.preTokenizerName) else {
                throw .unknownPreTokenizer(v.preTokenizerName ?? "")
            }
            settings = s
            bos = 11
            eos = 11
            unk = nil
            addBOS = s.addsBOS
            spacePrefix = false
            clean = s.cleanSpaces
        }
        bos = inRange(v.bosTokenID) ?? inRange(bos)
        eos = inRange(v.eosTokenID) ?? inRange(eos)
        unk = inRange(v.unknownTokenID) ?? inRange(unk)
        var eot = inRange(v.eotTokenID)
        var eom = inRange(v.eomTokenID)
        addBOS = v.addBOS ?? addBOS
        let addEOS = v.addEOS ?? false
        spacePrefix = v.addSpacePrefix ?? spacePrefix
        if addBOS && bos == nil { throw .missingSpecialToken("tokenizer.ggml.add_bos_token") }
        if addEOS && eos == nil { throw .missingSpecialToken("tokenizer.ggml.add_eos_token") }

        // Texts and the byte-exact text table.
        var texts = v.tokens
        var table = ByteStringTable(capacity: n)
        for id in 0..<n {
            if texts[id].isEmpty { texts[id] = "[EMPTY_\(id)]" }
            if let first = table.insert(texts[id].utf8, value: Int32(id)) {
                throw .duplicateToken(text: texts[id], firstID: Int(first), secondID: id)
            }
        }
        func id(_ text: String) -> Int32? { table.lookup(text) }

        var attrs: [TokenAttributes] =
            v.tokenTypes.count >= n
            ? v.tokenTypes.prefix(n).map(TokenAttributes.init(type:))
            : Array(repeating: .normal, count: n)

        // Tokens llama.cpp recognises by their text when the file does not name them; a
        // recognised token becomes a control token. (When several candidates exist llama.cpp
        // takes whichever its hash map yields first; we take the lowest id.)
        func detect(_ names: [String]) -> Int32? {
            guard let found = names.compactMap(id).min() else { return nil }
            attrs[Int(found)].insert(.control)
            return found
        }
        if eot == nil { eot = detect(KnownTokens.endOfTurn) }
        if eom == nil { eom = detect(KnownTokens.endOfMessage) }
        _ = detect(KnownTokens.fillInMiddlePrefix)
        _ = detect(KnownTokens.fillInMiddleSuffix)
        _ = detect(KnownTokens.fillInMiddleMiddle)
        var eog = Set<Int32>()
        for names in [
            KnownTokens.fillInMiddlePad, KnownTokens.fillInMiddleRepository, KnownTokens.fillInMiddleSeparator
        ] {
            if let found = detect(names) { eog.insert(found) }
        }
        for id in 0..<n where attrs[id].contains(.control) && texts[id].contains("unused") {
            attrs[id].insert(.unused)
        }
        for found in KnownTokens.endOfGeneration.compactMap(id) {
            eog.insert(found)
            attrs[Int(found)].insert(.control)
        }
        for t in [eos, eot, eom] { if let t { eog.insert(t) } }
        // Harmony / Solar: "<|end|>" is not the end of generation when "<|return|>" and
        // "<|call|>" exist; Gemma 4: "</s>" is not when "<|tool_response>" exists.
        func inEOG(_ text: String) -> Int32? { id(text).flatMap { eog.contains($0) ? $0 : nil } }
        if let end = inEOG("<|end|>"),
            (inEOG("<|return|>") != nil && inEOG("<|call|>") != nil)
                || ((inEOG("<|call|>") ?? inEOG("<|calls|>")) != nil && inEOG("<|flush|>") != nil)
        {
            eog.remove(end)
            attrs[Int(end)] = .userDefined
        }
        if let closing = inEOG("</s>"), inEOG("<|tool_response>") != nil {
            eog.remove(closing)
            attrs[Int(closing)] = .normal
        }

        // Special tokens, longest text first.
        var specialEntries: [(length: Int, id: Int32)] = []
        for id in 0..<n where !attrs[id].isDisjoint(with: .special) {
            specialEntries.append((texts[id].utf8.count, Int32(id)))
        }
        specialEntries.sort { a, b in a.length != b.length ? a.length > b.length : a.id < b.id }
        let special = specialEntries.map(\.id)
        if let name = v.modelName?.lowercased(), name.contains("phi-3") || name.contains("phi3") {
            for t in special { attrs[Int(t)].insert(.rstrip) }
            if let t = id("</s>") { attrs[Int(t)].insert(.rstrip) }
            for text in ["<unk>", "<s>", "<|endoftext|>"] { if let t = id(text) { attrs[Int(t)].remove(.rstrip) } }
        }
        var specialTable = ByteStringTable(capacity: special.count)
        var lengths = Set<Int>()
        var firstBytes = [Bool](repeating: false, count: 256)
        for t in special {
            let utf8 = texts[Int(t)].utf8
            specialTable.insert(utf8, value: t)
            lengths.insert(utf8.count)
            if let first = utf8.first { firstBytes[Int(first)] = true }
        }

        // Encoders and the piece cache.
        switch v.model {
        case .sentencePiece:
            sentencePiece = SentencePieceEncoder(table: table, scores: v.scores, unknownToken: unk)
            bytePair = nil
            preTokenizer = nil
        case .bytePairEncoding:
            sentencePiece = nil
            bytePair = BytePairEncoder(tokens: texts, merges: v.merges, ignoreMerges: settings?.ignoreMerges ?? false)
            preTokenizer = settings?.preTokenizer
        }
        var pieces: [[UInt8]] = []
        pieces.reserveCapacity(n)
        for id in 0..<n {
            pieces.append(Self.piece(text: texts[id], attributes: attrs[id], model: v.model))
        }

        model = v.model
        bosToken = bos
        eosToken = eos
        eotToken = eot
        eomToken = eom
        unknownToken = unk
        paddingToken = inRange(v.paddingTokenID)
        addsBOS = addBOS
        addsEOS = addEOS
        addsSpacePrefix = spacePrefix
        endOfGenerationTokens = eog
        cleanSpaces = clean
        self.texts = texts
        attributes = attrs
        textTable = table
        self.pieces = pieces
        specialTokens = special
        self.specialTable = specialTable
        specialLengths = lengths.sorted()
        specialFirstBytes = firstBytes
    }

    /// Reads the tokenizer of a GGUF file.
    public convenience init(gguf file: GGUFFile) throws(TokenizerError) {
        try self.init(vocabulary: TokenizerVocabulary(gguf: file))
    }

    /// llama.cpp's `token_to_piece` with `special = true`.
    private static func piece(text: String, attributes: TokenAttributes, model: TokenizerVocabulary.Model) -> [UInt8] {
        if !attributes.isDisjoint(with: [.unknown, .control, .userDefined]) { return Array(text.utf8) }
        if attributes.contains(.normal) {
            switch model {
            case .sentencePiece:
                var out: [UInt8] = []
                out.reserveCapacity(text.utf8.count)
                let utf8 = Array(text.utf8)
                var i = 0
                while i < utf8.count {
                    if i + 2 < utf8.count, utf8[i] == 0xE2, utf8[i + 1] == 0x96, utf8[i + 2] == 0x81 {
                        out.append(0x20) // "▁" → " "
                        i += 3
                    } else {
                        out.append(utf8[i])
                        i += 1
                    }
                }
                return out
            case .bytePairEncoding:
                return ByteLevel.decodeLenient(text)
            }
        }
        if attributes.contains(.byte) {
            // "<0xXX>"
            let utf8 = Array(text.utf8)
            if utf8.count >= 5, let value = UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16) {
                return [value]
            }
        }
        return []
    }

    // MARK: - Queries

    public var vocabularySize: Int { texts.count }

    /// The vocabulary text of `token` (e.g. "Ġthe", "▁the", "<|im_end|>").
    public func text(of token: Int32) -> String? {
        guard token >= 0, Int(token) < texts.count else { return nil }
        return texts[Int(token)]
    }

    /// The id of the vocabulary entry whose text is exactly `text`.
    public func token(forText text: String) -> Int32? { textTable.lookup(text) }

    /// True for control tokens (BOS, EOS, chat markers, …), which decoding hides by default.
    public func isControl(_ token: Int32) -> Bool {
        guard token >= 0, Int(token) < attributes.count else { return false }
        return attributes[Int(token)].contains(.control)
    }

    public func isEndOfGeneration(_ token: Int32) -> Bool { endOfGenerationTokens.contains(token) }

    // MARK: - Encoding

    public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int32] {
        encode(bytes: Array(text.utf8), addSpecial: addSpecial, parseSpecial: parseSpecial, trusted: nil)
    }

    /// Tokens of a rendered prompt (e.g. a chat template's output): special-token text is
    /// recognised inside template segments only, never in content segments, so content cannot
    /// inject turn markers. Otherwise the text is tokenized as one string (the same ids as
    /// `encode(joined, parseSpecial: true)` when the content holds no special-token text).
    public func encode(_ segments: [PromptSegment], addSpecial: Bool = true) -> [Int32] {
        var bytes: [UInt8] = []
        var trusted: [Bool] = []
        for segment in segments {
            let utf8 = Array(segment.text.utf8)
            bytes += utf8
            trusted += repeatElement(segment.isTemplate, count: utf8.count)
        }
        return encode(bytes: bytes, addSpecial: addSpecial, parseSpecial: true, trusted: trusted)
    }

    private func encode(bytes: [UInt8], addSpecial: Bool, parseSpecial: Bool, trusted: [Bool]?) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(bytes.count / 3 + 4)
        if addSpecial && addsBOS, let bosToken { out.append(bosToken) }
        let fragments = bytes.isEmpty ? [] : partition(bytes, parseSpecial: parseSpecial, trusted: trusted)
        bytes.withUnsafeBufferPointer { buffer in
            if let sentencePiece {
                var previousWasSpecial = true
                var escaped: [UInt8] = []
                for fragment in fragments {
                    switch fragment {
                    case .token(let t):
                        out.append(t)
                        previousWasSpecial = true
                    case .text(let range):
                        escaped.removeAll(keepingCapacity: true)
                        if addsSpacePrefix && previousWasSpecial { escaped.append(contentsOf: [0xE2, 0x96, 0x81]) }
                        for b in buffer[range] {
                            if b == 0x20 { escaped.append(contentsOf: [0xE2, 0x96, 0x81]) } else { escaped.append(b) }
                        }
                        escaped.withUnsafeBufferPointer { sentencePiece.encode($0, into: &out) }
                        previousWasSpecial = false
                    }
                }
            } else if let bytePair, let preTokenizer {
                var scratch = BytePairEncoder.Scratch()
                var cps: [UInt32] = []
                var offsets: [Int] = []
                for fragment in fragments {
                    switch fragment {
                    case .token(let t):
                        out.append(t)
                    case .text(let range):
                        Self.decodeScalars(buffer, range, &cps, &offsets)
                        for word in preTokenizer.split(codepoints: cps) {
                            let slice = UnsafeBufferPointer(
                                rebasing: buffer[offsets[word.lowerBound]..<offsets[word.upperBound]])
                            bytePair.encode(word: slice, scratch: &scratch, into: &out)
                        }
                    }
                }
            }
        }
        if addSpecial && addsEOS, let eosToken { out.append(eosToken) }
        return out
    }

    /// Code points of `buffer[range]` (valid UTF-8) and the byte offset of each, plus the end.
    private static func decodeScalars(
        _ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
        _ cps: inout [UInt32], _ offsets: inout [Int]
    ) {
        cps.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        var i = range.lowerBound
        while i < range.upperBound {
            offsets.append(i)
            let b0 = UInt32(buffer[i])
            var value: UInt32
            var width: Int
            switch b0 {
            case 0..<0x80:
                value = b0
                width = 1
            case 0xC0..<0xE0:
                value = b0 & 0x1F
                width = 2
            case 0xE0..<0xF0:
                value = b0 & 0x0F
                width = 3
            case 0xF0..<0xF8:
                value = b0 & 0x07
                width = 4
            default:
                value = 0xFFFD
                width = 1
            }
            if i + width > range.upperBound {
                value = 0xFFFD
                width = 1
            }
            for k in 1..<max(width, 1) { value = value << 6 | (UInt32(buffer[i + k]) & 0x3F) }
            cps.append(value)
            i += width
        }
        offsets.append(range.upperBound)
    }

    private enum Fragment {
        case text(Range<Int>)
        case token(Int32)
    }

    /// Splits special tokens out of `bytes` as llama.cpp's `tokenizer_st_partition` does: in
    /// priority order (longest text first) each special token claims its occurrences in the
    /// text not yet claimed. Control and unknown tokens take part only with `parseSpecial`.
    /// With `trusted`, a special token is split out only where all its bytes are trusted.
    private func partition(_ bytes: [UInt8], parseSpecial: Bool, trusted: [Bool]?) -> [Fragment] {
        var fragments: [Fragment] = [.text(0..<bytes.count)]
        guard !specialTokens.isEmpty else { return fragments }
        let allowed: (Int32) -> Bool = { t in
            parseSpecial || self.attributes[Int(t)].isDisjoint(with: [.control, .unknown])
        }
        // Which special tokens occur at all (one pass over the text).
        var occurring = Set<Int32>()
        bytes.withUnsafeBufferPointer { buffer in
            for p in 0..<buffer.count where specialFirstBytes[Int(buffer[p])] {
                for length in specialLengths {
                    guard p + length <= buffer.count else { break }
                    if let t = specialTable.lookup(UnsafeBufferPointer(rebasing: buffer[p..<p + length])), allowed(t) {
                        occurring.insert(t)
                    }
                }
            }
        }
        guard !occurring.isEmpty else { return fragments }
        for t in specialTokens where occurring.contains(t) {
            let needle = Array(texts[Int(t)].utf8)
            let attrs = attributes[Int(t)]
            var next: [Fragment] = []
            for fragment in fragments {
                guard case .text(var range) = fragment else {
                    next.append(fragment)
                    continue
                }
                var from = range.lowerBound
                while let match = Self.find(needle, in: bytes, from..<range.upperBound) {
                    if let trusted, !trusted[match..<match + needle.count].allSatisfy({ $0 }) {
                        from = match + 1
                        continue
                    }
                    var left = range.lowerBound..<match
                    if attrs.contains(.lstrip) {
                        while !left.isEmpty, Self.isSpace(bytes[left.upperBound - 1]) {
                            left = left.lowerBound..<left.upperBound - 1
                        }
                    }
                    if !left.isEmpty { next.append(.text(left)) }
                    next.append(.token(t))
                    var right = match + needle.count..<range.upperBound
                    if attrs.contains(.rstrip) {
                        while !right.isEmpty, Self.isSpace(bytes[right.lowerBound]) {
                            right = right.lowerBound + 1..<right.upperBound
                        }
                    }
                    range = right
                    from = right.lowerBound
                }
                if !range.isEmpty { next.append(.text(range)) }
            }
            fragments = next
        }
        return fragments
    }

    /// C `isspace` in the C locale.
    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }

    /// First occurrence of `needle` within `haystack[range]`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], _ range: Range<Int>) -> Int? {
        guard !needle.isEmpty, range.count >= needle.count else { return nil }
        let first = needle[0]
        var p = range.lowerBound
        let last = range.upperBound - needle.count
        while p <= last {
            if haystack[p] == first {
                var k = 1
                while k < needle.count, haystack[p + k] == needle[k] { k += 1 }
                if k == needle.count { return p }
            }
            p += 1
        }
        return nil
    }

    // MARK: - Decoding

    public func pieceBytes(for token: Int32, renderSpecial: Bool = true) -> [UInt8] {
        guard token >= 0, Int(token) < pieces.count else { return [] }
        if !renderSpecial && !attributes[Int(token)].isDisjoint(with: [.control, .unknown]) { return [] }
        return pieces[Int(token)]
    }

    /// The text of one token (lossy when the token holds part of a UTF-8 character; use
    /// `StreamingDecoder` for streams).
    public func piece(for token: Int32, renderSpecial: Bool = true) -> String {
        String(decoding: pieceBytes(for: token, renderSpecial: renderSpecial), as: UTF8.self)
    }

    public func decode(_ tokens: [Int32], removeSpecial: Bool = false, renderSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(tokens, removeSpecial: removeSpecial, renderSpecial: renderSpecial), as: UTF8.self)
    }

    /// The bytes of `tokens` as llama.cpp's `llama_detokenize` produces them.
    public func decodeBytes(_ tokens: [Int32], removeSpecial: Bool = false, renderSpecial: Bool = false) -> [UInt8] {
        var tokens = tokens[...]
        var removeSpace = addsSpacePrefix
        if removeSpecial && addsBOS, let first = tokens.first, first == bosToken {
            removeSpace = false
            tokens = tokens.dropFirst()
        }
        if removeSpecial && addsEOS, let last = tokens.last, last == eosToken {
            tokens = tokens.dropLast()
        }
        var out: [UInt8] = []
        for t in tokens {
            let piece = pieceBytes(for: t, renderSpecial: renderSpecial)
            if removeSpace, piece.first == 0x20 {
                out.append(contentsOf: piece.dropFirst())
            } else {
                out.append(contentsOf: piece)
            }
            removeSpace = false
        }
        if cleanSpaces { Self.cleanUpSpaces(&out) }
        return out
    }

    /// Hugging Face's `clean_up_tokenization_spaces`, byte for byte as llama.cpp applies it:
    /// " ?", " !", " .", " ," lose the space; " ' " loses both spaces; " 's", " 'm", " 're",
    /// " 've" lose the space.
    static func cleanUpSpaces(_ text: inout [UInt8]) {
        let space: UInt8 = 0x20
        let quote: UInt8 = 0x27
        // Pass 1.
        var total = text.isEmpty ? 0 : 1
        for i in 1..<max(text.count, 1) {
            let x = text[i]
            if text[i - 1] == space, x == 0x3F || x == 0x21 || x == 0x2E || x == 0x2C { total -= 1 }
            text[total] = x
            total += 1
        }
        text.removeLast(text.count - total)
        // Pass 2.
        let count2 = text.count
        total = count2 == 0 ? 0 : 1
        var i = 1
        while i < count2 {
            let x = text[i]
            if x == quote, i + 1 < count2, text[i - 1] == space, text[i + 1] == space {
                total -= 1
                i += 1
                text[i] = 0 // the following space is dropped (and no longer counts as a space)
            }
            text[total] = x
            total += 1
            i += 1
        }
        text.removeLast(count2 - total)
        // Pass 3.
        let count3 = text.count
        total = count3 == 0 ? 0 : 1
        for i in 1..<max(count3, 1) {
            let x = text[i]
            if text[i - 1] == space, x == quote, i + 1 < count3 {
                let x1 = text[i + 1]
                if x1 == 0x73 || x1 == 0x6D { // 's 'm
                    total -= 1
                } else if i + 2 < count3 {
                    let x2 = text[i + 2]
                    if (x1 == 0x72 && x2 == 0x65) || (x1 == 0x76 && x2 == 0x65) { total -= 1 } // 're 've
                }
            }
            text[total] = x
            total += 1
        }
        text.removeLast(count3 - total)
    }
}

/// Token texts llama.cpp recognises regardless of what the file says.
enum KnownTokens {
    static let endOfTurn = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
        "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>"
    ]
    static let endOfMessage = ["<|eom_id|>"]
    static let fillInMiddlePrefix = [
        "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>",
        "<|code_prefix|>", "<|prefix|>"
    ]
    static let fillInMiddleSuffix = [
        "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>",
        "<|code_suffix|>", "<|suffix|>"
    ]
    static let fillInMiddleMiddle = [
        "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>",
        "<|code_middle|>", "<|middle|>"
    ]
    static let fillInMiddlePad = ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"]
    static let fillInMiddleRepository = ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"]
    static let fillInMiddleSeparator = ["<|file_sep|>"]
    static let endOfGeneration = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
        "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
        "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
        "<｜end▁of▁sentence｜>", "[e~["
    ]
}
