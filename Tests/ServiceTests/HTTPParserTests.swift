import Testing

@testable import Service

struct HTTPParserTests {
    let parser = RequestHeadParser(limits: HTTPLimits())

    func parse(_ text: String) throws(HTTPError) -> RequestHead? {
        var scan = 0
        if case .complete(let head, _) = try parser.parse(Array(text.utf8), start: 0, scanFrom: &scan) { return head }
        return nil
    }

    func status(_ text: String) -> Int? {
        do {
            _ = try parse(text)
            return nil
        } catch { return error.status.code }
    }

    @Test func parsesAValidRequest() throws {
        let head = try #require(try parse("GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Y:  z \r\n\r\n"))
        #expect(head.method == "GET")
        #expect(head.target == "/a?b=1")
        #expect(head.headers["x-y"] == "z")
        #expect(head.keepAlive)
        #expect(head.framing == .none)
    }

    @Test func incompleteHeadWaits() throws {
        #expect(try parse("GET / HTTP/1.1\r\nHost: x\r\n") == nil)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\nHost: x\r\n\r\n", 400), // bare LF
        ("GET / HTTP/1.1\r\nHost: x\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: x\r\nA: \u{0}b\r\n\r\n", 400), // NUL
        ("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400), // double space
        ("G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400), // method not a token
        ("GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", 400), // absolute-form
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        ("GET / HTTX/1.1\r\nHost: x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400), // no Host
        ("GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400), // obs-fold
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400), // space before colon
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n", 413),
        ("GET / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n", 417)
    ])
    func rejectsMalformedHeads(_ text: String, _ expected: Int) {
        #expect(status(text) == expected, "\(text.debugDescription)")
    }

    @Test func enforcesSizeLimits() {
        let longLine = "GET /" + String(repeating: "a", count: 9000)
        #expect(status(longLine) == 414)
        let manyHeaders = "GET / HTTP/1.1\r\nHost: x\r\n" + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(status(manyHeaders) == 431)
        let bigHeaders =
            "GET / HTTP/1.1\r\nHost: x\r\n"
            + String(repeating: "X-Big: \(String(repeating: "v", count: 1000))\r\n", count: 40)
        #expect(status(bigHeaders) == 431)
    }

    @Test func connectionSemantics() throws {
        #expect(try parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?.keepAlive == false)
        #expect(try parse("GET / HTTP/1.0\r\n\r\n")?.keepAlive == false)
        #expect(try parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")?.keepAlive == true)
    }

    @Test func decodesChunkedBodies() throws {
        var decoder = ChunkedDecoder(maxBodyBytes: 100)
        let bytes = Array("4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nTrailer: x\r\n\r\nNEXT".utf8)
        var index = 0
        // Feed byte by byte: the decoder must cope with any split.
        var fed: [UInt8] = []
        for b in bytes where !decoder.isDone {
            fed.append(b)
            try decoder.feed(fed, index: &index)
        }
        #expect(decoder.isDone)
        #expect(String(decoding: decoder.body, as: UTF8.self) == "Wikipedia")
        var tooBig = ChunkedDecoder(maxBodyBytes: 3)
        var i = 0
        #expect(throws: HTTPError.self) { try tooBig.feed(Array("4\r\nWiki\r\n".utf8), index: &i) }
        var bad = ChunkedDecoder(maxBodyBytes: 100)
        i = 0
        #expect(throws: HTTPError.self) { try bad.feed(Array("zz\r\n".utf8), index: &i) }
    }

    @Test func percentDecodingIsStrict() throws {
        #expect(try PercentDecoding.decode(Array("a%20b+c".utf8), plusAsSpace: true) == "a b c")
        #expect(throws: HTTPError.self) { try PercentDecoding.decode(Array("%zz".utf8), plusAsSpace: false) }
        #expect(throws: HTTPError.self) { try PercentDecoding.decode(Array("%00".utf8), plusAsSpace: false) }
        #expect(throws: HTTPError.self) { try PercentDecoding.decode(Array("%ff".utf8), plusAsSpace: false) }
    }
}
