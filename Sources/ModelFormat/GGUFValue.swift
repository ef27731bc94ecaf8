/// The 13 metadata value types of the GGUF format, with their on-disk ids.
public enum GGUFValueType: UInt32, Sendable, CaseIterable, Hashable {
    case uint8 = 0
    case int8 = 1
    case uint16 = 2
    case int16 = 3
    case uint32 = 4
    case int32 = 5
    case float32 = 6
    case bool = 7
    case string = 8
    case array = 9
    case uint64 = 10
    case int64 = 11
    case float64 = 12

    /// Smallest number of bytes one value of this type occupies in a file (used to bound
    /// element counts before anything is allocated).
    public var minimumEncodedSize: Int {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string: return 8 // u64 length, possibly no bytes
        case .array: return 12 // u32 element type + u64 count
        }
    }

    /// The spec's name, e.g. "uint32", "string" (the case's name).
    public var name: String { String(describing: self) }

    /// The type of a `GGUFValue`, or the element type of a `GGUFArray`: both enums name their
    /// cases after the spec's types, so the case's name is the type (`GGUFValueTests` checks
    /// every case of both).
    init(caseOf value: some Sendable) {
        let label = Mirror(reflecting: value).children.first?.label
        self = Self.allCases.first { $0.name == label } ?? .array
    }
}

/// A homogeneous GGUF array, stored compactly as one typed Swift array (a 150k-entry vocabulary
/// is one `[String]`, its token types one `[Int32]`). Arrays of arrays nest.
public enum GGUFArray: Sendable, Hashable {
    case uint8([UInt8])
    case int8([Int8])
    case uint16([UInt16])
    case int16([Int16])
    case uint32([UInt32])
    case int32([Int32])
    case float32([Float])
    case bool([Bool])
    case string([String])
    case array([GGUFArray])
    case uint64([UInt64])
    case int64([Int64])
    case float64([Double])

    /// The type of every element.
    public var elementType: GGUFValueType { GGUFValueType(caseOf: self) }

    /// Number of elements.
    public var count: Int {
        switch self {
        case .uint8(let a): return a.count
        case .int8(let a): return a.count
        case .uint16(let a): return a.count
        case .int16(let a): return a.count
        case .uint32(let a): return a.count
        case .int32(let a): return a.count
        case .float32(let a): return a.count
        case .bool(let a): return a.count
        case .string(let a): return a.count
        case .array(let a): return a.count
        case .uint64(let a): return a.count
        case .int64(let a): return a.count
        case .float64(let a): return a.count
        }
    }

    /// The elements as strings, when this is a string array (no copy).
    public var strings: [String]? {
        if case .string(let a) = self { return a }
        return nil
    }

    /// Integer elements converted to `Int`; nil for non-integer arrays or a `UInt64` above
    /// `Int.max`.
    public var ints: [Int]? {
        switch self {
        case .uint8(let a): return a.map { Int($0) }
        case .int8(let a): return a.map { Int($0) }
        case .uint16(let a): return a.map { Int($0) }
        case .int16(let a): return a.map { Int($0) }
        case .uint32(let a): return a.map { Int($0) }
        case .int32(let a): return a.map { Int($0) }
        case .int64(let a): return a.map { Int($0) }
        case .uint64(let a):
            var out: [Int] = []
            out.reserveCapacity(a.count)
            for v in a {
                guard let i = Int(exactly: v) else { return nil }
                out.append(i)
            }
            return out
        default: return nil
        }
    }

    /// Float elements (float32 as is, float64 rounded to Float); nil for other arrays.
    public var floats: [Float]? {
        switch self {
        case .float32(let a): return a
        case .float64(let a): return a.map { Float($0) }
        default: return nil
        }
    }

    /// Element `index` as a `GGUFValue`, or nil when out of range.
    public func element(at index: Int) -> GGUFValue? {
        guard index >= 0, index < count else { return nil }
        switch self {
        case .uint8(let a): return .uint8(a[index])
        case .int8(let a): return .int8(a[index])
        case .uint16(let a): return .uint16(a[index])
        case .int16(let a): return .int16(a[index])
        case .uint32(let a): return .uint32(a[index])
        case .int32(let a): return .int32(a[index])
        case .float32(let a): return .float32(a[index])
        case .bool(let a): return .bool(a[index])
        case .string(let a): return .string(a[index])
        case .array(let a): return .array(a[index])
        case .uint64(let a): return .uint64(a[index])
        case .int64(let a): return .int64(a[index])
        case .float64(let a): return .float64(a[index])
        }
    }
}

/// One GGUF metadata value.
public enum GGUFValue: Sendable, Hashable {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case float32(Float)
    case bool(Bool)
    case string(String)
    case array(GGUFArray)
    case uint64(UInt64)
    case int64(Int64)
    case float64(Double)

    /// The value's GGUF type.
    public var type: GGUFValueType { GGUFValueType(caseOf: self) }

    /// The string, when this is a string.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Any integer type as `Int` (nil for non-integers or a `UInt64` above `Int.max`).
    public var int: Int? {
        switch self {
        case .uint8(let v): return Int(v)
        case .int8(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint32(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint64(let v): return Int(exactly: v)
        case .int64(let v): return Int(v)
        default: return nil
        }
    }

    /// float32 or float64 as `Float`.
    public var float: Float? {
        switch self {
        case .float32(let v): return v
        case .float64(let v): return Float(v)
        default: return nil
        }
    }

    /// float32 or float64 as `Double`.
    public var double: Double? {
        switch self {
        case .float32(let v): return Double(v)
        case .float64(let v): return v
        default: return nil
        }
    }

    /// The boolean, when this is a bool.
    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The array, when this is an array.
    public var array: GGUFArray? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// A string array's elements (no copy), e.g. `tokenizer.ggml.tokens`.
    public var stringArray: [String]? { array?.strings }

    /// A float array's elements, e.g. `tokenizer.ggml.scores`.
    public var floatArray: [Float]? { array?.floats }

    /// An integer array's elements converted to `Int`, e.g. `tokenizer.ggml.token_type`.
    public var intArray: [Int]? { array?.ints }
}

extension GGUFValue: CustomStringConvertible {
    /// A short human-readable rendering; arrays longer than 8 elements are summarised.
    public var description: String {
        switch self {
        case .uint8(let v): return String(v)
        case .int8(let v): return String(v)
        case .uint16(let v): return String(v)
        case .int16(let v): return String(v)
        case .uint32(let v): return String(v)
        case .int32(let v): return String(v)
        case .uint64(let v): return String(v)
        case .int64(let v): return String(v)
        case .float32(let v): return String(v)
        case .float64(let v): return String(v)
        case .bool(let v): return String(v)
        case .string(let s): return GGUFValue.quoted(s)
        case .array(let a): return a.summary(limit: 8)
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension GGUFArray {
    /// `[a, b, c, ... (n more)]` with at most `limit` elements shown, plus the element type.
    public func summary(limit: Int) -> String {
        let shown = Swift.min(count, Swift.max(0, limit))
        var parts: [String] = []
        parts.reserveCapacity(shown)
        for i in 0..<shown {
            if let v = element(at: i) { parts.append(v.description) }
        }
        var text = "[" + parts.joined(separator: ", ")
        if count > shown { text += (shown > 0 ? ", " : "") + "… \(count - shown) more" }
        return text + "] (\(elementType.name) × \(count))"
    }
}
