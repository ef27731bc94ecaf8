/// What the inference engine needs from a tokenizer.
public protocol TextTokenizer: Sendable {
    /// Number of entries in the vocabulary (the width of the model's output layer).
    var vocabularySize: Int { get }
    /// Beginning-of-sequence token, if the vocabulary has one.
    var bosToken: Int32? { get }
    /// End-of-sequence token, if the vocabulary has one.
    var eosToken: Int32? { get }
    /// Token ids of `text`. `addSpecial` adds BOS/EOS as the vocabulary says; `parseSpecial`
    /// turns the literal text of control tokens (e.g. "<|im_start|>") into those tokens.
    func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int32]
    /// The text of `tokens`. `removeSpecial` drops a leading BOS/trailing EOS the vocabulary
    /// adds; `renderSpecial` shows control tokens' text instead of hiding it.
    func decode(_ tokens: [Int32], removeSpecial: Bool, renderSpecial: Bool) -> String
    /// The bytes one token contributes to decoded text (possibly part of a UTF-8 character).
    func pieceBytes(for token: Int32, renderSpecial: Bool) -> [UInt8]
    /// True for tokens that end generation (EOS, end-of-turn, end-of-message, …).
    func isEndOfGeneration(_ token: Int32) -> Bool
}
