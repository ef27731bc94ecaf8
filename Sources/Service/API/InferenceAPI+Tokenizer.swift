import Foundation
import InferenceCore
import JSON

// vLLM / llama-server tokenizer routes.
extension InferenceAPI {
    func tokenLevel(_ object: [String: JSONValue]) throws -> any TokenLevelBackend {
        let (_, backend) = try resolve(object)
        guard let tokenLevel = backend as? any TokenLevelBackend else {
            throw Problem(kind: .notImplemented, detail: "this backend does not expose its tokenizer")
        }
        return tokenLevel
    }

    /// vLLM's `{"prompt", "add_special_tokens"}` → `{"count", "max_model_len", "tokens"}`
    /// (special-token text is parsed, as Hugging Face tokenizers do), or llama-server's
    /// `{"content", "add_special", "parse_special"}` → `{"tokens"}`.
    func tokenize(_ req: Request, _: RequestContext) async throws -> Response {
        let object = try req.jsonObject()
        if object["content"] != nil {
            let fields = try JSONFields(object, allowed: ["content", "add_special", "parse_special", "model"])
            let content = try fields.requiredString("content")
            let addSpecial = try fields.bool("add_special") ?? true
            let parseSpecial = try fields.bool("parse_special") ?? false
            let (_, backend) = try resolve(object)
            let tokens: [Int32]
            if let tokenLevel = backend as? any TokenLevelBackend {
                tokens = tokenLevel.tokenize(content, addSpecial: addSpecial, parseSpecial: parseSpecial)
            } else {
                guard !parseSpecial else {
                    throw Problem(kind: .notImplemented, detail: "this backend cannot parse special tokens")
                }
                tokens = try await backend.tokenize(content, addSpecial: addSpecial)
            }
            return try .json(["tokens": .array(tokens.map { .integer(Int64($0)) })])
        }
        let fields = try JSONFields(object, allowed: ["prompt", "add_special_tokens", "model", "return_token_strs"])
        let prompt = try fields.requiredString("prompt")
        let addSpecial = try fields.bool("add_special_tokens") ?? true
        let backend = try tokenLevel(object)
        let tokens = backend.tokenize(prompt, addSpecial: addSpecial, parseSpecial: true)
        var json: [String: JSONValue] = [
            "count": .integer(Int64(tokens.count)),
            "max_model_len": .integer(Int64(backend.tokenizerInfo.contextLength)),
            "tokens": .array(tokens.map { .integer(Int64($0)) }), "token_strs": .null
        ]
        if try fields.bool("return_token_strs") == true {
            json["token_strs"] = .array(try tokens.map { .string(try backend.detokenize([$0])) })
        }
        return try .json(.object(json))
    }

    /// vLLM's `{"tokens"}` → `{"prompt"}`.
    func detokenize(_ req: Request, _: RequestContext) throws -> Response {
        let object = try req.jsonObject()
        _ = try JSONFields(object, allowed: ["tokens", "model"])
        guard case .array(let items)? = object["tokens"] else {
            throw Problem(kind: .validation, detail: "'tokens' must be an array of token ids")
        }
        let tokens = try items.map { item -> Int32 in
            guard case .integer(let i) = item, i >= 0, i <= Int64(Int32.max) else {
                throw Problem(kind: .validation, detail: "'tokens' must be an array of token ids")
            }
            return Int32(i)
        }
        let backend = try tokenLevel(object)
        do {
            return try .json(["prompt": .string(try backend.detokenize(tokens))])
        } catch let error as InferenceError {
            throw Problem(kind: .validation, detail: "'tokens': \(error.description)")
        }
    }

    /// vLLM's tokenizer description (what lm-eval's remote tokenizer reads).
    func tokenizerInfo(_ req: Request, _: RequestContext) throws -> Response {
        let query = try Query(req, allowed: ["model"])
        let backend = try tokenLevel(query.raw("model").map { ["model": .string($0)] } ?? [:])
        let info = backend.tokenizerInfo
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return try .json([
            "tokenizer_class": .string(info.tokenizerModel == "llama" ? "LlamaTokenizer" : "GPT2Tokenizer"),
            "bos_token": text(info.bosToken), "eos_token": text(info.eosToken), "pad_token": text(info.padToken),
            "add_bos_token": .bool(info.addsBOS), "add_eos_token": .bool(info.addsEOS),
            "chat_template": text(info.chatTemplate), "chat_format": .string(info.chatFormat),
            "model_max_length": .integer(Int64(info.contextLength)),
            "vocab_size": .integer(Int64(info.vocabularySize))
        ])
    }
}
