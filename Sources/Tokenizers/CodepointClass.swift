/// The Unicode facts the pre-tokenizers need about one code point: its general-category group
/// (`\p{L}`, `\p{N}`, `\p{P}`, `\p{S}`, `\p{M}`) and whether it is white space (`\s`, the
/// Unicode `White_Space` property, which is what llama.cpp's tables and its regex fallback use).
struct CodepointClass: OptionSet, Sendable {
    let rawValue: UInt8

    static let letter = CodepointClass(rawValue: 1 << 0)
    static let number = CodepointClass(rawValue: 1 << 1)
    static let whitespace = CodepointClass(rawValue: 1 << 2)
    static let punctuation = CodepointClass(rawValue: 1 << 3)
    static let symbol = CodepointClass(rawValue: 1 << 4)
    static let mark = CodepointClass(rawValue: 1 << 5)

    /// Letters, numbers and white space: the complement is `[^\s\p{L}\p{N}]`.
    static let wordOrSpace: CodepointClass = [.letter, .number, .whitespace]

    private static let ascii: [CodepointClass] = (0..<128).map { compute(UInt32($0)) }

    /// Classifies a code point (ASCII from a table, the rest from the standard library's
    /// Unicode data).
    @inline(__always)
    static func of(_ value: UInt32) -> CodepointClass {
        if value < 128 { return ascii[Int(value)] }
        return compute(value)
    }

    private static func compute(_ value: UInt32) -> CodepointClass {
        guard let scalar = Unicode.Scalar(value) else { return [] }
        let properties = scalar.properties
        var result: CodepointClass
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            result = .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            result = .number
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            result = .punctuation
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            result = .symbol
        case .nonspacingMark, .spacingMark, .enclosingMark:
            result = .mark
        default:
            result = []
        }
        if properties.isWhitespace { result.insert(.whitespace) }
        return result
    }
}

extension UInt32 {
    @inline(__always) var isNumber: Bool { CodepointClass.of(self).contains(.number) }
    @inline(__always) var isWhitespace: Bool { CodepointClass.of(self).contains(.whitespace) }
}

/// A set of code points given as sorted, non-overlapping closed ranges.
struct CodepointRanges: Sendable {
    private let lows: [UInt32]
    private let highs: [UInt32]

    /// Parses a regex character-class body such as `"A-Za-zµÀ-Ö"`: a scalar followed by `-`
    /// and another scalar is a range, anything else a single member.
    init(classBody: String) {
        let scalars = Array(classBody.unicodeScalars)
        var ranges: [(UInt32, UInt32)] = []
        var i = 0
        while i < scalars.count {
            let low = scalars[i].value
            if i + 2 < scalars.count, scalars[i + 1] == "-" {
                ranges.append((low, scalars[i + 2].value))
                i += 3
            } else {
                ranges.append((low, low))
                i += 1
            }
        }
        ranges.sort { $0.0 < $1.0 }
        var merged: [(UInt32, UInt32)] = []
        for range in ranges {
            if let last = merged.last, range.0 <= last.1 &+ 1 {
                merged[merged.count - 1].1 = max(last.1, range.1)
            } else {
                merged.append(range)
            }
        }
        lows = merged.map(\.0)
        highs = merged.map(\.1)
    }

    /// Membership by binary search.
    func contains(_ value: UInt32) -> Bool {
        var lo = 0
        var hi = lows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lows[mid] <= value { lo = mid + 1 } else { hi = mid }
        }
        // `lo - 1` is the last range starting at or before `value`.
        if lo > 0, value <= highs[lo - 1] { return true }
        return false
    }
}
