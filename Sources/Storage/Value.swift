import Foundation

/// A value stored in or read from SQLite. Values are always bound as parameters, never
/// spliced into SQL text.
public enum SQLValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// A Swift type that converts to and from an `SQLValue`.
public protocol SQLValueConvertible: Sendable {
    /// The value to bind.
    var sqlValue: SQLValue { get }
    /// Decodes a column value; nil when the stored value does not fit this type.
    init?(sqlValue: SQLValue)
}

extension SQLValue: SQLValueConvertible {
    public var sqlValue: SQLValue { self }
    public init?(sqlValue: SQLValue) { self = sqlValue }
}

/// A type SQLite stores as INTEGER: it states its mapping to and from `Int64`, and the column
/// rule (an INTEGER value, nothing else) is kept once here.
public protocol SQLIntegerConvertible: SQLValueConvertible {
    /// The stored integer.
    var sqlInteger: Int64 { get }
    /// Decodes a stored integer; nil when it does not fit this type.
    init?(sqlInteger: Int64)
}

extension SQLIntegerConvertible {
    public var sqlValue: SQLValue { .integer(sqlInteger) }
    public init?(sqlValue: SQLValue) {
        guard case .integer(let v) = sqlValue else { return nil }
        self.init(sqlInteger: v)
    }
}

extension Int64: SQLIntegerConvertible {
    public var sqlInteger: Int64 { self }
    public init?(sqlInteger: Int64) { self = sqlInteger }
}

extension Int: SQLIntegerConvertible {
    public var sqlInteger: Int64 { Int64(self) }
    public init?(sqlInteger: Int64) { self.init(exactly: sqlInteger) }
}

/// Stored as 0 or 1; any non-zero integer reads as true.
extension Bool: SQLIntegerConvertible {
    public var sqlInteger: Int64 { self ? 1 : 0 }
    public init?(sqlInteger: Int64) { self = sqlInteger != 0 }
}

extension Double: SQLValueConvertible {
    public var sqlValue: SQLValue { .real(self) }
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .real(let v): self = v
        case .integer(let v): self = Double(v)
        default: return nil
        }
    }
}

extension String: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(self) }
    public init?(sqlValue: SQLValue) {
        guard case .text(let v) = sqlValue else { return nil }
        self = v
    }
}

extension Data: SQLValueConvertible {
    public var sqlValue: SQLValue { .blob(self) }
    public init?(sqlValue: SQLValue) {
        switch sqlValue {
        case .blob(let v): self = v
        case .text(let s): self = Data(s.utf8)
        default: return nil
        }
    }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
    public init?(sqlValue: SQLValue) {
        if case .null = sqlValue {
            self = .none
        } else if let v = Wrapped(sqlValue: sqlValue) {
            self = .some(v)
        } else {
            return nil
        }
    }
}
