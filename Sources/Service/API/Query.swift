import JSON
import Registry

/// Validated query parameters: unknown or repeated names are a 400, so typos never silently
/// widen a listing.
struct Query {
    private var values: [String: String] = [:]

    init(_ request: Request, allowed: Set<String>) throws {
        for (name, value) in request.query {
            guard allowed.contains(name) else {
                let list = allowed.sorted().joined(separator: ", ")
                throw Problem(
                    kind: .badRequest,
                    detail: "unknown query parameter '\(name)' (allowed: \(list.isEmpty ? "none" : list))")
            }
            guard values[name] == nil else {
                throw Problem(kind: .badRequest, detail: "query parameter '\(name)' given more than once")
            }
            values[name] = value
        }
    }

    /// Raw value; for free text. Filters go through `filter`.
    func raw(_ name: String) -> String? { values[name] }

    /// A filter value: 1-128 characters from A-Z a-z 0-9 . _ - + @ : (names, versions,
    /// architectures, quantizations, suite and task ids). Anything else is a 400.
    subscript(_ name: String) -> String? {
        get throws {
            guard let value = values[name] else { return nil }
            let ok =
                value.utf8.count <= 128 && !value.isEmpty
                && value.utf8.allSatisfy { c in
                    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
                        || ".-_+@:".utf8.contains(c)
                }
            guard ok else {
                throw Problem(
                    kind: .badRequest, detail: "query parameter '\(name)' has characters a filter cannot contain")
            }
            return value
        }
    }

    func int(_ name: String, range: ClosedRange<Int>, default value: Int) throws -> Int {
        guard let raw = values[name] else { return value }
        guard raw.utf8.count <= 10, let n = Int(raw), range.contains(n) else {
            throw Problem(
                kind: .badRequest,
                detail: "query parameter '\(name)' must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return n
    }

    /// `limit` (1...1000, default 100) and the opaque `cursor` of a previous page.
    func page() throws -> Page {
        let limit = try int("limit", range: 1...1000, default: 100)
        var offset = 0
        if let cursor = try self["cursor"] {
            guard let decoded = Page.decode(cursor) else {
                throw Problem(kind: .badRequest, detail: "invalid cursor")
            }
            offset = decoded
        }
        return Page(limit: limit, offset: offset)
    }
}

/// A window over an ordered listing. Cursors are opaque to clients (`o` + offset, hex).
struct Page {
    var limit: Int
    var offset: Int

    static func encode(_ offset: Int) -> String { "o" + String(offset, radix: 16) }

    static func decode(_ cursor: String) -> Int? {
        guard cursor.hasPrefix("o"), cursor.utf8.count <= 12, let n = Int(cursor.dropFirst(), radix: 16), n >= 0 else {
            return nil
        }
        return n
    }

    /// The page of `items` and the listing envelope `{items, next_cursor}`.
    func envelope<T>(_ items: [T], _ render: (T) -> JSONValue) -> JSONValue {
        let window = items.dropFirst(offset).prefix(limit)
        let end = offset + window.count
        return [
            "items": .array(window.map(render)),
            "next_cursor": end < items.count ? .string(Self.encode(end)) : .null
        ]
    }
}

/// Path parameters parsed as registry names (400 for anything a name cannot be: quotes,
/// semicolons, spaces, dots at the start…).
enum PathNames {
    static func name(_ request: Request, _ parameter: String = "name") throws -> String {
        let value = try request.parameter(parameter)
        guard Names.isValidName(value) else {
            throw Problem(kind: .badRequest, detail: RegistryError.invalidName(value).description)
        }
        return value
    }

    static func reference(_ request: Request) throws -> VersionReference {
        let name = try name(request)
        let version = try request.parameter("version")
        do { return try VersionReference(name: name, version: version) } catch {
            throw Problem(kind: .badRequest, detail: error.description)
        }
    }

    static func reference(parsing text: String, field: String) throws -> VersionReference {
        do { return try VersionReference(parsing: text) } catch {
            throw Problem(kind: .validation, detail: "\(field): \(error.description)")
        }
    }
}

/// Typed access to JSON request members.
struct JSONFields {
    let object: [String: JSONValue]

    init(_ object: [String: JSONValue], allowed: Set<String>) throws {
        for key in object.keys where !allowed.contains(key) {
            throw Problem(kind: .validation, detail: "unknown member '\(key)'")
        }
        self.object = object
    }

    func string(_ key: String) throws -> String? {
        guard let value = object[key], value != .null else { return nil }
        guard let s = value.stringValue else { throw Problem(kind: .validation, detail: "'\(key)' must be a string") }
        return s
    }

    func requiredString(_ key: String) throws -> String {
        guard let s = try string(key) else { throw Problem(kind: .validation, detail: "'\(key)' is required") }
        return s
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = object[key], value != .null else { return nil }
        guard case .bool(let b) = value else { throw Problem(kind: .validation, detail: "'\(key)' must be a boolean") }
        return b
    }

    func strings(_ key: String) throws -> [String] {
        try array(key, of: "strings", \.stringValue)
    }

    func objects(_ key: String) throws -> [[String: JSONValue]] {
        try array(key, of: "objects", \.objectValue)
    }

    /// The elements of array member `key` (none when absent or null), each read by `element`;
    /// `what` names the elements in the error.
    private func array<Element>(
        _ key: String, of what: String, _ element: (JSONValue) -> Element?
    ) throws -> [Element] {
        guard let value = object[key], value != .null else { return [] }
        guard case .array(let items) = value else {
            throw Problem(kind: .validation, detail: "'\(key)' must be an array of \(what)")
        }
        return try items.map {
            guard let e = element($0) else {
                throw Problem(kind: .validation, detail: "'\(key)' must be an array of \(what)")
            }
            return e
        }
    }
}
