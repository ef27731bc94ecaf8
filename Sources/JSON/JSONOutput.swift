import Foundation

/// How Assay writes `Codable` values as JSON, in one place: keys sorted and slashes unescaped,
/// so equal values give equal bytes. Compact for stored records and HTTP bodies; `pretty`
/// (indented, with a final newline) for files and terminals.
public enum JSONOutput {
    /// An encoder with that set-up; callers add only what is their own (a key or float strategy).
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { encoder.outputFormatting.insert(.prettyPrinted) }
        return encoder
    }

    /// `value` as JSON bytes.
    public static func data<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        try finish(encoder(pretty: pretty).encode(value), pretty: pretty)
    }

    /// `value` as JSON text.
    public static func text<T: Encodable>(_ value: T, pretty: Bool = false) throws -> String {
        String(decoding: try data(value, pretty: pretty), as: UTF8.self)
    }

    /// Encoded bytes as this set-up ends them: a pretty document with a final newline.
    private static func finish(_ data: Data, pretty: Bool) -> Data {
        pretty ? data + Data("\n".utf8) : data
    }
}
