/// One step of a pre-tokenizer: a hand-written scanner equivalent to one regular expression
/// that llama.cpp applies with "isolated" semantics (matches and the text between matches both
/// become pieces). A pre-tokenizer is a list of stages; each stage refines the pieces of the
/// previous one and never merges across their boundaries.
///
/// Scanners work on code points; `\s` is the Unicode `White_Space` property, `\p{L}`/`\p{N}`/
/// `\p{P}` the general-category groups, all with the leftmost-first alternation semantics of
/// ECMAScript regular expressions.
enum SplitStage: Sendable {
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` (GPT-2).
    case gpt2
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,n}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    /// (Llama 3 with n = 3, Qwen2 with n = 1).
    case llama3(maxDigits: Int)
    /// `\p{N}`: every number code point on its own.
    case isolateNumbers
    /// `\p{N}+`.
    case numberRuns
    /// `[0-9][0-9][0-9]`.
    case asciiDigitTriples
    /// `[\p{P}\$\+<=>\^~\|]+`.
    case punctuationRuns
    /// `[\r\n]`.
    case isolateNewlines
    /// `\s?[set]+` for an explicit code point set.
    case optionalSpaceThenRun(CodepointRanges)
    /// `\s?\p{X}+` for a category group.
    case optionalSpaceThenCategoryRun(CodepointClass)
    /// `\s+$`: trailing white space of a piece.
    case trailingWhitespace
    /// `[set]+`.
    case runs(CodepointRanges)

    /// Applies the stage to each range of `pieces`, appending the refined ranges to `out`.
    func apply(_ cps: UnsafeBufferPointer<UInt32>, _ pieces: [Range<Int>], into out: inout [Range<Int>]) {
        for piece in pieces where !piece.isEmpty {
            switch self {
            case .gpt2:
                Self.scanGPT2(cps, piece, &out)
            case .llama3(let maxDigits):
                Self.scanLlama3(cps, piece, maxDigits: maxDigits, &out)
            case .isolateNumbers:
                Self.scanMatches(cps, piece, &out) { p in cps[p].isNumber ? p + 1 : nil }
            case .numberRuns:
                Self.scanMatches(cps, piece, &out) { p in
                    Self.runEnd(cps, from: p, upTo: piece.upperBound) { $0.isNumber }
                }
            case .asciiDigitTriples:
                Self.scanMatches(cps, piece, &out) { p in
                    guard p + 3 <= piece.upperBound else { return nil }
                    for i in p..<p + 3 where !(0x30...0x39).contains(cps[i]) { return nil }
                    return p + 3
                }
            case .punctuationRuns:
                Self.scanMatches(cps, piece, &out) { p in
                    Self.runEnd(cps, from: p, upTo: piece.upperBound, Self.isPunctuationRunMember)
                }
            case .isolateNewlines:
                Self.scanMatches(cps, piece, &out) { p in cps[p] == 0x0A || cps[p] == 0x0D ? p + 1 : nil }
            case .optionalSpaceThenRun(let set):
                Self.scanOptionalSpaceThenRun(cps, piece, &out) {
                    $0 > 0x7F && $0.isWhitespace ? false : set.contains($0)
                }
            case .optionalSpaceThenCategoryRun(let category):
                Self.scanOptionalSpaceThenRun(cps, piece, &out) { !CodepointClass.of($0).isDisjoint(with: category) }
            case .trailingWhitespace:
                var start = piece.upperBound
                while start > piece.lowerBound, cps[start - 1].isWhitespace { start -= 1 }
                if start > piece.lowerBound { out.append(piece.lowerBound..<start) }
                if start < piece.upperBound { out.append(start..<piece.upperBound) }
            case .runs(let set):
                Self.scanMatches(cps, piece, &out) { p in
                    Self.runEnd(cps, from: p, upTo: piece.upperBound) { set.contains($0) }
                }
            }
        }
    }

    // MARK: - Generic scanning

    /// Leftmost-first matching: at each position try `match`; a match becomes a piece, and so
    /// does each stretch of text no match covers.
    @inline(__always)
    private static func scanMatches(
        _ cps: UnsafeBufferPointer<UInt32>, _ piece: Range<Int>,
        _ out: inout [Range<Int>], _ match: (Int) -> Int?
    ) {
        var gapStart = piece.lowerBound
        var p = piece.lowerBound
        while p < piece.upperBound {
            if let end = match(p), end > p {
                if gapStart < p { out.append(gapStart..<p) }
                out.append(p..<end)
                p = end
                gapStart = end
            } else {
                p += 1
            }
        }
        if gapStart < piece.upperBound { out.append(gapStart..<piece.upperBound) }
    }

    /// End of the run of members starting at `p`, or nil when `cps[p]` is not a member.
    @inline(__always)
    private static func runEnd(
        _ cps: UnsafeBufferPointer<UInt32>, from p: Int, upTo end: Int,
        _ member: (UInt32) -> Bool
    ) -> Int? {
        var q = p
        while q < end, member(cps[q]) { q += 1 }
        return q > p ? q : nil
    }

    /// `\s?[member]+`.
    private static func scanOptionalSpaceThenRun(
        _ cps: UnsafeBufferPointer<UInt32>, _ piece: Range<Int>,
        _ out: inout [Range<Int>], _ member: (UInt32) -> Bool
    ) {
        let end = piece.upperBound
        scanMatches(cps, piece, &out) { p in
            if cps[p].isWhitespace, p + 1 < end, member(cps[p + 1]) {
                return runEnd(cps, from: p + 1, upTo: end, member)
            }
            return runEnd(cps, from: p, upTo: end, member)
        }
    }

    /// `[\p{P}\$\+<=>\^~\|]`.
    private static func isPunctuationRunMember(_ c: UInt32) -> Bool {
        switch c {
        case 0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x7E, 0x7C: return true // $ + < = > ^ ~ |
        default: return CodepointClass.of(c).contains(.punctuation)
        }
    }

    // MARK: - GPT-2

    /// Length of the English contraction ('s 't 're 've 'm 'll 'd) starting at `pos`, nil when
    /// there is none; `ignoringCase` also matches 'S, 'LL, ….
    @inline(__always)
    private static func contractionLength(
        _ cps: UnsafeBufferPointer<UInt32>, _ pos: Int, _ end: Int, ignoringCase: Bool
    ) -> Int? {
        guard cps[pos] == 0x27, pos + 1 < end else { return nil }
        func at(_ i: Int) -> UInt32 {
            let c = cps[i]
            return ignoringCase && (0x41...0x5A).contains(c) ? c + 0x20 : c
        }
        let n = at(pos + 1)
        if n == 0x73 || n == 0x74 || n == 0x6D || n == 0x64 { return 2 }
        guard pos + 2 < end else { return nil }
        let n2 = at(pos + 2)
        if (n == 0x72 && n2 == 0x65) || (n == 0x76 && n2 == 0x65) || (n == 0x6C && n2 == 0x6C) { return 3 }
        return nil
    }

    private static func scanGPT2(_ cps: UnsafeBufferPointer<UInt32>, _ piece: Range<Int>, _ out: inout [Range<Int>]) {
        let end = piece.upperBound
        // Class of the code point at `i`, nil past the end of the piece.
        @inline(__always) func cls(_ i: Int) -> CodepointClass? { i < end ? CodepointClass.of(cps[i]) : nil }
        // Every position starts a match (the last alternative takes any code point).
        scanMatches(cps, piece, &out) { pos in
            // 's 't 're 've 'm 'll 'd
            if let n = contractionLength(cps, pos, end, ignoringCase: false) { return pos + n }
            let isSpace = cps[pos] == 0x20
            let next = isSpace ? cls(pos + 1) : cls(pos)
            var q = pos + (isSpace ? 1 : 0)
            if let next, next.contains(.letter) { //  ?\p{L}+
                while let k = cls(q), k.contains(.letter) { q += 1 }
                return q
            }
            if let next, next.contains(.number) { //  ?\p{N}+
                while let k = cls(q), k.contains(.number) { q += 1 }
                return q
            }
            if let next, next.isDisjoint(with: .wordOrSpace) { //  ?[^\s\p{L}\p{N}]+
                while let k = cls(q), k.isDisjoint(with: .wordOrSpace) { q += 1 }
                return q
            }
            var spaces = 0
            while let k = cls(pos + spaces), k.contains(.whitespace) { spaces += 1 }
            if spaces > 1, pos + spaces < end { // \s+(?!\S): leave the last space to the next word
                return pos + spaces - 1
            }
            return pos + max(spaces, 1) // \s+, or a lone code point nothing matched
        }
    }

    // MARK: - Llama 3 / Qwen2

    private static func scanLlama3(
        _ cps: UnsafeBufferPointer<UInt32>, _ piece: Range<Int>, maxDigits: Int,
        _ out: inout [Range<Int>]
    ) {
        let end = piece.upperBound
        @inline(__always) func cls(_ i: Int) -> CodepointClass? { i < end ? CodepointClass.of(cps[i]) : nil }
        // Every position starts a match (the last alternative takes any code point).
        scanMatches(cps, piece, &out) { pos in
            let c = cps[pos]
            let k = CodepointClass.of(c)
            // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if let n = contractionLength(cps, pos, end, ignoringCase: true) { return pos + n }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if !(c == 0x0D || c == 0x0A || k.contains(.number)) {
                if k.contains(.letter) || (cls(pos + 1)?.contains(.letter) ?? false) {
                    var q = pos + 1
                    while let m = cls(q), m.contains(.letter) { q += 1 }
                    return q
                }
            }
            // \p{N}{1,maxDigits}
            if k.contains(.number) {
                var q = pos
                while q - pos < maxDigits, let m = cls(q), m.contains(.number) { q += 1 }
                return q
            }
            //  ?[^\s\p{L}\p{N}]+[\r\n]*
            let isSpace = c == 0x20
            let next = isSpace ? cls(pos + 1) : k
            if next.map({ $0.isDisjoint(with: .wordOrSpace) }) ?? true {
                var q = pos + (isSpace ? 1 : 0)
                while let m = cls(q), m.isDisjoint(with: .wordOrSpace) { q += 1 }
                while q < end, cps[q] == 0x0D || cps[q] == 0x0A { q += 1 }
                return q
            }
            var spaces = 0
            var afterLastNewline: Int? = nil
            while let m = cls(pos + spaces), m.contains(.whitespace) {
                let w = cps[pos + spaces]
                if w == 0x0D || w == 0x0A { afterLastNewline = pos + spaces + 1 }
                spaces += 1
            }
            if let afterLastNewline { return afterLastNewline } // \s*[\r\n]+
            if spaces > 1, pos + spaces < end { return pos + spaces - 1 } // \s+(?!\S)
            return pos + max(spaces, 1) // \s+
        }
    }
}
