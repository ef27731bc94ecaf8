import Testing

@testable import Tokenizers

/// `tokenizer.ggml.token_type` ids become llama.cpp's token attributes.
struct TokenAttributesTests {
    @Test func eachTokenTypeIdMapsToItsAttribute() {
        let expected: [Int32: TokenAttributes] = [
            1: .normal, 2: .unknown, 3: .control, 4: .userDefined, 5: .unused, 6: .byte
        ]
        for (type, attribute) in expected {
            #expect(TokenAttributes(type: type) == attribute, "type \(type)")
        }
    }

    @Test func undefinedAndUnknownTypeIdsHaveNoAttribute() {
        for type: Int32 in [0, 7, 42, -1, .min, .max] {
            #expect(TokenAttributes(type: type).isEmpty, "type \(type)")
        }
    }
}
