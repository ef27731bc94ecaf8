import JSON

/// Removes credentials from text before it is stored (audit log, run records) or printed:
/// the user-info part of URLs (`http://user:password@host` → `http://REDACTED@host`) and the
/// values of secret-looking query parameters (`?token=…`, `api_key`, `password`, `secret`,
/// `sig`, `signature`, `auth`, `credential`… → `REDACTED`).
public enum Redaction {
    /// What replaces a removed credential.
    public static let marker = "REDACTED"

    /// Lower-cased query parameter names (or parts of names) whose values are secrets.
    static let secretNameParts = [
        "token", "key", "password", "passwd", "pwd", "secret", "sig", "auth",
        "credential", "session", "jwt", "bearer"
    ]

    /// True when a query parameter named `name` carries a secret.
    public static func isSecretParameter(_ name: String) -> Bool {
        let lower = name.lowercased()
        return secretNameParts.contains { lower.contains($0) }
    }

    /// `text` with URL user-info and secret query values replaced by `marker`.
    public static func redact(_ text: String) -> String {
        guard text.contains("@") || text.contains("=") else { return text }
        var scalars = Array(text.unicodeScalars)
        scalars = redactUserInfo(scalars)
        scalars = redactQueryValues(scalars)
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars)
        return String(out)
    }

    /// Every string inside `value` (keys kept) redacted.
    public static func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let s): return .string(redact(s))
        case .array(let items): return .array(items.map(redact))
        case .object(let members): return .object(members.mapValues(redact))
        default: return value
        }
    }

    static func isSeparator(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\"" || c == "'" || c == "<" || c == ">"
    }

    /// `scheme://userinfo@host…`: the user-info (up to the last `@` before the path) is replaced.
    static func redactUserInfo(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        var i = 0
        while i < s.count {
            if i + 2 < s.count, s[i] == ":", s[i + 1] == "/", s[i + 2] == "/" {
                out += s[i...(i + 2)]
                i += 3
                var end = i
                var at: Int?
                while end < s.count, !isSeparator(s[end]), s[end] != "/", s[end] != "?", s[end] != "#" {
                    if s[end] == "@" { at = end }
                    end += 1
                }
                if let at {
                    out += marker.unicodeScalars
                    out += s[at..<end]
                } else {
                    out += s[i..<end]
                }
                i = end
                continue
            }
            out.append(s[i])
            i += 1
        }
        return out
    }

    /// `?name=value` / `&name=value` (also `;`) with a secret-looking name: value replaced.
    static func redactQueryValues(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        var i = 0
        while i < s.count {
            let c = s[i]
            out.append(c)
            i += 1
            guard c == "?" || c == "&" || c == ";" else { continue }
            var nameEnd = i
            while nameEnd < s.count, s[nameEnd] != "=", s[nameEnd] != "&", !isSeparator(s[nameEnd]) { nameEnd += 1 }
            guard nameEnd < s.count, s[nameEnd] == "=", nameEnd > i else { continue }
            var name = String.UnicodeScalarView()
            name.append(contentsOf: s[i..<nameEnd])
            guard isSecretParameter(String(name)) else { continue }
            out += s[i...nameEnd]
            var valueEnd = nameEnd + 1
            while valueEnd < s.count, s[valueEnd] != "&", s[valueEnd] != "#", s[valueEnd] != ";",
                !isSeparator(s[valueEnd])
            {
                valueEnd += 1
            }
            if valueEnd > nameEnd + 1 { out += marker.unicodeScalars }
            i = valueEnd
        }
        return out
    }
}
