import Testing

@testable import JSON

struct CanonicalJSONTests {
    @Test func sortsKeysAndDropsWhitespace() throws {
        let value: JSONValue = ["b": 1, "a": ["z": true, "y": nil], "c": [1, "x", 2.5]]
        #expect(try value.canonicalString() == #"{"a":{"y":null,"z":true},"b":1,"c":[1,"x",2.5]}"#)
    }

    @Test func keysSortByCodePoint() throws {
        let value: JSONValue = ["é": 1, "z": 2, "Z": 3, "aa": 4, "a": 5]
        #expect(try value.canonicalString() == #"{"Z":3,"a":5,"aa":4,"z":2,"é":1}"#)
    }

    @Test(arguments: [
        ("plain", #""plain""#),
        ("quote\"back\\slash", #""quote\"back\\slash""#),
        ("tab\tnl\ncr\rbs\u{08}ff\u{0C}", #""tab\tnl\ncr\rbs\bff\f""#),
        ("\u{01}\u{1f}", #""\u0001\u001f""#),
        ("/ é 🙂", #""/ é 🙂""#)
    ])
    func minimalEscaping(input: String, expected: String) throws {
        #expect(try JSONValue.string(input).canonicalString() == expected)
    }

    @Test func numbersAreDeterministic() throws {
        #expect(try JSONValue.number(3.0).canonicalString() == "3")
        #expect(try JSONValue.number(-0.0).canonicalString() == "0")
        #expect(try JSONValue.number(0.1).canonicalString() == "0.1")
        #expect(try JSONValue.number(1e-7).canonicalString() == "1e-07")
        #expect(try JSONValue.integer(-42).canonicalString() == "-42")
        #expect(throws: JSONError.self) { try JSONValue.number(.nan).canonicalBytes() }
    }

    @Test func parseThenEncodeIsCanonical() throws {
        let text = #" { "b" : [1, 2.50, -3e2, "\u00e9\ud83d\ude42"], "a" : {"x": false} } "#
        let value = try JSONValue.parse(text)
        #expect(try value.canonicalString() == #"{"a":{"x":false},"b":[1,2.5,-300,"é🙂"]}"#)
        #expect(try JSONValue.parse(value.canonicalBytes()).canonicalBytes() == value.canonicalBytes())
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\":1,\"a\":2}", "01", "\"\u{01}\"", "1 2", "nul"])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: JSONError.self) { try JSONValue.parse(text) }
    }
}
