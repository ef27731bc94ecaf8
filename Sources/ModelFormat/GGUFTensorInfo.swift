/// One tensor's description from a GGUF header. Shapes are in ggml order: `dimensions[0]`
/// (ne0) is the contiguous, fastest-varying dimension, i.e. the row length of a matrix.
public struct GGUFTensorInfo: Sendable, Hashable {
    /// The tensor name as written in the file, e.g. "blk.0.attn_q.weight".
    public let name: String
    /// Sizes in ggml order (ne0 first); one to four entries, each positive.
    public let dimensions: [Int]
    public let type: GGMLType
    /// Byte offset of the tensor's data relative to the start of the data section.
    public let offset: Int
    /// Product of the dimensions.
    public let elementCount: Int
    /// Bytes the tensor occupies: elementCount / blockSize × typeSize.
    public let byteCount: Int

    /// Elements per row (ne0); 1 for a tensor without dimensions.
    public var rowLength: Int { dimensions.first ?? 1 }
    /// Number of rows (product of all dimensions after the first).
    public var rowCount: Int { rowLength == 0 ? 0 : elementCount / rowLength }
    /// Bytes per row.
    public var rowByteCount: Int { rowLength / type.blockSize * type.typeSize }
    /// Shape rendered like "576 × 49152".
    public var shapeDescription: String { dimensions.map(String.init).joined(separator: " × ") }
}

/// What the tensors of one ggml type add up to in a file.
public struct GGUFTypeTotal: Sendable, Hashable, Encodable {
    /// The ggml type's name, e.g. "Q4_K".
    public var type: String
    public var tensors: Int
    public var elements: Int
    public var bytes: Int

    /// One total per type present, largest share of bytes first (then by name).
    public static func totals(of tensors: [GGUFTensorInfo]) -> [GGUFTypeTotal] {
        var byType: [GGMLType: GGUFTypeTotal] = [:]
        for tensor in tensors {
            var total = byType[tensor.type] ?? GGUFTypeTotal(type: tensor.type.name, tensors: 0, elements: 0, bytes: 0)
            total.tensors += 1
            total.elements += tensor.elementCount
            total.bytes += tensor.byteCount
            byType[tensor.type] = total
        }
        return byType.values.sorted { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.type < $1.type }
    }
}

extension GGUFTensorInfo: Encodable {
    private enum CodingKeys: String, CodingKey {
        case name, type, shape, offset, elements, bytes
    }

    /// `{"name", "type" (the ggml name), "shape" (ggml order), "offset", "elements", "bytes"}`,
    /// as `assay inspect --json` lists tensors.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(type.name, forKey: .type)
        try container.encode(dimensions, forKey: .shape)
        try container.encode(offset, forKey: .offset)
        try container.encode(elementCount, forKey: .elements)
        try container.encode(byteCount, forKey: .bytes)
    }
}
