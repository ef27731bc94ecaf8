/// Validation of model, dataset and version names, and `name@version` references.
public enum Names {
    /// Longest name or version accepted.
    public static let maximumLength = 128

    /// True when `text` matches `[A-Za-z0-9][A-Za-z0-9._-]{0,127}`.
    public static func isValidName(_ text: String) -> Bool {
        isValid(text, extra: [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-")])
    }

    /// True when `text` matches `[A-Za-z0-9][A-Za-z0-9._+-]{0,127}` (versions may carry `+build`).
    public static func isValidVersion(_ text: String) -> Bool {
        isValid(text, extra: [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+")])
    }

    private static func isValid(_ text: String, extra: Set<UInt8>) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= maximumLength, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || extra.contains($0) }
    }

    private static func isAlphanumeric(_ c: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
    }
}

/// A `name@version` reference to a model version or dataset version.
public struct VersionReference: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public var name: String
    public var version: String

    /// A reference from validated parts.
    public init(name: String, version: String) throws(RegistryError) {
        guard Names.isValidName(name) else { throw .invalidName(name) }
        guard Names.isValidVersion(version) else { throw .invalidVersion(version) }
        self.name = name
        self.version = version
    }

    /// Parses `name@version`.
    public init(parsing text: String) throws(RegistryError) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .invalidReference(text) }
        try self.init(name: String(parts[0]), version: String(parts[1]))
    }

    public var description: String { "\(name)@\(version)" }

    public static func < (lhs: VersionReference, rhs: VersionReference) -> Bool {
        (lhs.name, lhs.version) < (rhs.name, rhs.version)
    }
}
