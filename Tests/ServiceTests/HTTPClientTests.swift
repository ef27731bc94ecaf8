import Foundation
import Testing

@testable import HTTPClient

/// The one outbound client (issue 15): URL parsing and answer parsing, without a network.
struct HTTPClientTests {
    @Test func urlParsingKeepsHostPortAndTarget() throws {
        let url = try HTTPURL(parsing: "http://registry.example:8080/base/?x=1")
        #expect(url.host == "registry.example" && url.port == 8080 && url.target == "/base/?x=1")
        #expect(url.basePath == "/base")
        #expect(url.hostHeader == "registry.example:8080")
        #expect(try HTTPURL(parsing: "http://[::1]/").hostHeader == "[::1]")
    }

    @Test(arguments: [
        "https://a.example/", "ftp://a/", "http://bob:hunter2@a.example/", "http://a:0/", "http://a:x/",
        "http:///path", "http://[::1/", "http://a b/"
    ])
    func urlParsingRefuses(_ text: String) {
        #expect(throws: HTTPURL.ParseError.self) { _ = try HTTPURL(parsing: text) }
    }

    @Test func wholeAnswersAreDechunkedAndTrimmedToContentLength() throws {
        let chunked = Array(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n".utf8)
        let a = try HTTPClient.parse(chunked)
        #expect(a.status == 200 && String(decoding: a.body, as: UTF8.self) == "hello world")
        let sized = Array("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nokEXTRA".utf8)
        let b = try HTTPClient.parse(sized)
        #expect(b.status == 201 && b.body == Array("ok".utf8))
        #expect(b.headers.first?.0 == "content-length")
    }

    @Test func malformedAnswersAreOneLineFailures() {
        #expect(throws: HTTPClient.Failure.self) { _ = try HTTPClient.parse(Array("garbage".utf8)) }
        #expect(throws: HTTPClient.Failure.self) { _ = try HTTPClient.parse(Array("SSH-2.0-OpenSSH\r\n\r\n".utf8)) }
        #expect(throws: HTTPClient.Failure.self) {
            _ = try HTTPClient.parse(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\nab".utf8))
        }
    }

    @Test func nothingListeningIsAConnectFailure() throws {
        // Port 9 (discard) on loopback: refused at once on a machine without a discard service.
        let url = HTTPURL(host: "127.0.0.1", port: 9, target: "/")
        #expect(throws: HTTPClient.Failure.self) {
            _ = try HTTPClient.send("POST", url, headers: [], body: [], timeoutMilliseconds: 2000, read: .statusLine)
        }
    }
}
