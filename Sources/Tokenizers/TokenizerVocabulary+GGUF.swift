import ModelFormat

extension TokenizerVocabulary {
    /// Reads the `tokenizer.ggml.*` keys of a GGUF file.
    public init(gguf file: GGUFFile) throws(TokenizerError) {
        guard let modelName = file["tokenizer.ggml.model"]?.string else {
            throw .missingKey("tokenizer.ggml.model")
        }
        guard let model = Model(rawValue: modelName) else { throw .unsupportedModel(modelName) }
        guard let tokensValue = file["tokenizer.ggml.tokens"] else { throw .missingKey("tokenizer.ggml.tokens") }
        guard let tokens = tokensValue.stringArray else {
            throw .invalidKey(
                "tokenizer.ggml.tokens", reason: "expected an array of strings, found \(tokensValue.type.name)")
        }

        var scores: [Float] = []
        if let value = file["tokenizer.ggml.scores"] {
            if let floats = value.floatArray {
                scores = floats
            } else if let ints = value.intArray {
                scores = ints.map { Float($0) }
            } else {
                throw .invalidKey("tokenizer.ggml.scores", reason: "expected an array of numbers")
            }
            guard scores.count >= tokens.count else {
                throw .invalidKey("tokenizer.ggml.scores", reason: "\(scores.count) scores for \(tokens.count) tokens")
            }
        }

        var types: [Int32] = []
        if let value = file["tokenizer.ggml.token_type"] {
            guard let ints = value.intArray else {
                throw .invalidKey("tokenizer.ggml.token_type", reason: "expected an array of integers")
            }
            guard ints.count >= tokens.count else {
                throw .invalidKey("tokenizer.ggml.token_type", reason: "\(ints.count) types for \(tokens.count) tokens")
            }
            types = ints.map { Int32(truncatingIfNeeded: $0) }
        }

        var merges: [String] = []
        if let value = file["tokenizer.ggml.merges"] {
            guard let strings = value.stringArray else {
                throw .invalidKey("tokenizer.ggml.merges", reason: "expected an array of strings")
            }
            merges = strings
        } else if model == .bytePairEncoding {
            throw .missingKey("tokenizer.ggml.merges")
        }

        func id(_ key: String) -> Int32? {
            guard let value = file[key]?.int, value >= 0, value <= Int(Int32.max) else { return nil }
            return Int32(value)
        }

        self.init(
            model: model,
            preTokenizerName: file["tokenizer.ggml.pre"]?.string,
            tokens: tokens,
            scores: scores,
            tokenTypes: types,
            merges: merges,
            bosTokenID: id("tokenizer.ggml.bos_token_id"),
            eosTokenID: id("tokenizer.ggml.eos_token_id"),
            unknownTokenID: id("tokenizer.ggml.unknown_token_id"),
            paddingTokenID: id("tokenizer.ggml.padding_token_id"),
            eotTokenID: id("tokenizer.ggml.eot_token_id"),
            eomTokenID: id("tokenizer.ggml.eom_token_id"),
            addBOS: file["tokenizer.ggml.add_bos_token"]?.bool,
            addEOS: file["tokenizer.ggml.add_eos_token"]?.bool,
            addSpacePrefix: file["tokenizer.ggml.add_space_prefix"]?.bool,
            modelName: file["general.name"]?.string
        )
    }
}
