/// A shared value and a few members of a record's own, coded as one flat JSON object: a
/// record extends a value type (an approval decision with its time, a dataset check's figures
/// with its checker) without repeating the value's fields or nesting them in its JSON. The
/// members of both read through (`decision.action`, `decision.time`).
@dynamicMemberLookup
public struct Merged<Base: Codable & Sendable, Extra: Codable & Sendable>: Codable, Sendable {
    public var base: Base
    public var extra: Extra

    public init(_ base: Base, _ extra: Extra) {
        self.base = base
        self.extra = extra
    }

    public init(from decoder: any Decoder) throws {
        base = try Base(from: decoder)
        extra = try Extra(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try base.encode(to: encoder)
        try extra.encode(to: encoder)
    }

    public subscript<T>(dynamicMember path: KeyPath<Base, T>) -> T { base[keyPath: path] }
    public subscript<T>(dynamicMember path: KeyPath<Extra, T>) -> T { extra[keyPath: path] }
}

extension Merged: Equatable where Base: Equatable, Extra: Equatable {}
