/// A plain-HTTP URL (`http://host[:port][/path][?query]`): the one URL type of the outbound
/// clients (webhooks, `eval --backend openai`, `eval import --server`). TLS is not built in:
/// reach an `https://` service through a local relay or TLS-terminating proxy.
public struct HTTPURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// Path and query, starting with `/`.
    public var target: String

    /// Why a text is not an `HTTPURL`.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    public init(host: String, port: Int = 80, target: String = "/") {
        self.host = host
        self.port = port
        self.target = target
    }

    /// Parses `text`; credentials (`user:pass@`) and `https://` are refused with a reason.
    public init(parsing text: String) throws(ParseError) {
        guard text.utf8.count <= 2048, text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            throw ParseError(reason: "only printable ASCII without spaces, at most 2048 characters")
        }
        if text.lowercased().hasPrefix("https://") {
            throw ParseError(
                reason: "https is not supported by the built-in client; use an http:// relay or TLS-terminating proxy")
        }
        guard text.lowercased().hasPrefix("http://") else { throw ParseError(reason: "the scheme must be http://") }
        let rest = text.dropFirst("http://".count)
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = String(rest[..<slash])
        let path = String(rest[slash...])
        target = path.isEmpty ? "/" : (path.hasPrefix("/") ? path : "/" + path)
        guard !authority.contains("@") else { throw ParseError(reason: "credentials in the URL are not supported") }
        port = 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw ParseError(reason: "unterminated IPv6 address")
            }
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                    throw ParseError(reason: "invalid port")
                }
                port = p
            } else if !after.isEmpty {
                throw ParseError(reason: "invalid authority")
            }
            authority = String(authority[authority.index(after: authority.startIndex)..<close])
        } else if let colon = authority.lastIndex(of: ":") {
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else {
                throw ParseError(reason: "invalid port")
            }
            port = p
            authority = String(authority[..<colon])
        }
        guard !authority.isEmpty else { throw ParseError(reason: "no host") }
        host = authority
    }

    /// The `Host` header value (IPv6 in brackets, the port unless 80).
    public var hostHeader: String {
        (host.contains(":") ? "[\(host)]" : host) + (port == 80 ? "" : ":\(port)")
    }

    /// The target's path without a trailing `/` (a base to append API paths to).
    public var basePath: String {
        var base = target
        if let query = base.firstIndex(of: "?") { base = String(base[..<query]) }
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    public var description: String { "http://\(hostHeader)\(target)" }
}
