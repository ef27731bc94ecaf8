/// Turns a stream of tokens into text as soon as it is complete: bytes of a UTF-8 character
/// split across tokens are held back until the character's last byte arrives.
public struct StreamingDecoder: Sendable {
    private let tokenizer: any TextTokenizer
    private let renderSpecial: Bool
    private var pending: [UInt8] = []

    /// A decoder over `tokenizer`; `renderSpecial` shows control tokens' text.
    public init(tokenizer: any TextTokenizer, renderSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// Adds one token and returns the text that became complete (often empty or one piece).
    public mutating func append(_ token: Int32) -> String {
        pending.append(contentsOf: tokenizer.pieceBytes(for: token, renderSpecial: renderSpecial))
        let complete = Self.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Returns whatever is still held back (an incomplete character decodes as U+FFFD).
    public mutating func flush() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Bytes still waiting for the rest of their character.
    public var pendingByteCount: Int { pending.count }

    /// Length of the longest prefix that does not end inside an unfinished UTF-8 sequence.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        // Look back at most three bytes for the lead byte of the last sequence.
        var i = n - 1
        var continuation = 0
        while i >= 0, continuation < 3, bytes[i] & 0xC0 == 0x80 {
            continuation += 1
            i -= 1
        }
        guard i >= 0 else { return n }
        let lead = bytes[i]
        let width: Int
        switch lead {
        case 0xC2...0xDF: width = 2
        case 0xE0...0xEF: width = 3
        case 0xF0...0xF4: width = 4
        default: return n // ASCII, or an invalid byte that will never complete
        }
        return width > continuation + 1 ? i : n
    }
}
