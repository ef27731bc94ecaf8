/// llama.cpp's `general.file_type` values (`llama_ftype`): what a whole file was quantized as.
public enum GGUFFileType: UInt32, Sendable, CaseIterable, Hashable, Codable {
    case allF32 = 0
    case mostlyF16 = 1
    case mostlyQ4_0 = 2
    case mostlyQ4_1 = 3
    case mostlyQ8_0 = 7
    case mostlyQ5_0 = 8
    case mostlyQ5_1 = 9
    case mostlyQ2_K = 10
    case mostlyQ3_K_S = 11
    case mostlyQ3_K_M = 12
    case mostlyQ3_K_L = 13
    case mostlyQ4_K_S = 14
    case mostlyQ4_K_M = 15
    case mostlyQ5_K_S = 16
    case mostlyQ5_K_M = 17
    case mostlyQ6_K = 18
    case mostlyIQ2_XXS = 19
    case mostlyIQ2_XS = 20
    case mostlyQ2_K_S = 21
    case mostlyIQ3_XS = 22
    case mostlyIQ3_XXS = 23
    case mostlyIQ1_S = 24
    case mostlyIQ4_NL = 25
    case mostlyIQ3_S = 26
    case mostlyIQ3_M = 27
    case mostlyIQ2_S = 28
    case mostlyIQ2_M = 29
    case mostlyIQ4_XS = 30
    case mostlyIQ1_M = 31
    case mostlyBF16 = 32
    case mostlyTQ1_0 = 36
    case mostlyTQ2_0 = 37
    case mostlyMXFP4_MoE = 38

    /// The usual label, e.g. "Q4_K_M", "F16", "Q8_0".
    public var name: String {
        switch self {
        case .allF32: return "F32"
        case .mostlyF16: return "F16"
        case .mostlyQ4_0: return "Q4_0"
        case .mostlyQ4_1: return "Q4_1"
        case .mostlyQ8_0: return "Q8_0"
        case .mostlyQ5_0: return "Q5_0"
        case .mostlyQ5_1: return "Q5_1"
        case .mostlyQ2_K: return "Q2_K"
        case .mostlyQ3_K_S: return "Q3_K_S"
        case .mostlyQ3_K_M: return "Q3_K_M"
        case .mostlyQ3_K_L: return "Q3_K_L"
        case .mostlyQ4_K_S: return "Q4_K_S"
        case .mostlyQ4_K_M: return "Q4_K_M"
        case .mostlyQ5_K_S: return "Q5_K_S"
        case .mostlyQ5_K_M: return "Q5_K_M"
        case .mostlyQ6_K: return "Q6_K"
        case .mostlyIQ2_XXS: return "IQ2_XXS"
        case .mostlyIQ2_XS: return "IQ2_XS"
        case .mostlyQ2_K_S: return "Q2_K_S"
        case .mostlyIQ3_XS: return "IQ3_XS"
        case .mostlyIQ3_XXS: return "IQ3_XXS"
        case .mostlyIQ1_S: return "IQ1_S"
        case .mostlyIQ4_NL: return "IQ4_NL"
        case .mostlyIQ3_S: return "IQ3_S"
        case .mostlyIQ3_M: return "IQ3_M"
        case .mostlyIQ2_S: return "IQ2_S"
        case .mostlyIQ2_M: return "IQ2_M"
        case .mostlyIQ4_XS: return "IQ4_XS"
        case .mostlyIQ1_M: return "IQ1_M"
        case .mostlyBF16: return "BF16"
        case .mostlyTQ1_0: return "TQ1_0"
        case .mostlyTQ2_0: return "TQ2_0"
        case .mostlyMXFP4_MoE: return "MXFP4_MOE"
        }
    }

    /// The file type to record for a file whose weight matrices are all `type`, if any.
    public init?(uniform type: GGMLType) {
        switch type {
        case .f32: self = .allF32
        case .f16: self = .mostlyF16
        case .bf16: self = .mostlyBF16
        case .q4_0: self = .mostlyQ4_0
        case .q4_1: self = .mostlyQ4_1
        case .q5_0: self = .mostlyQ5_0
        case .q5_1: self = .mostlyQ5_1
        case .q8_0: self = .mostlyQ8_0
        case .q6_K: self = .mostlyQ6_K
        default: return nil
        }
    }
}

/// Facts about a model file for the registry and `assay inspect`.
public struct GGUFSummary: Sendable, Hashable, Codable {
    /// `general.name`.
    public var name: String?
    /// `general.architecture`.
    public var architecture: String?
    /// GGUF version.
    public var version: UInt32
    /// Σ elements over all tensors.
    public var parameterCount: Int
    /// `general.file_type` as written (raw), and its label when known.
    public var fileTypeRaw: UInt32?
    public var fileType: String?
    /// The tensor type holding the most weights among matrices (tensors with ≥ 2 dimensions).
    public var dominantTensorType: String?
    /// What the file is quantized as: the `general.file_type` label, else the dominant type.
    public var quantization: String?
    /// `<arch>.context_length`, `<arch>.embedding_length`, `<arch>.block_count`.
    public var contextLength: Int?
    public var embeddingLength: Int?
    public var blockCount: Int?
    /// Number of tokens in `tokenizer.ggml.tokens`.
    public var vocabularySize: Int?
    /// `tokenizer.ggml.model`, e.g. "gpt2", "llama".
    public var tokenizerModel: String?
    public var tensorCount: Int
    /// Tensor count and bytes per ggml type name.
    public var tensorsPerType: [String: Int]
    public var bytesPerType: [String: Int]
    public var fileSize: Int

    public init(_ file: GGUFFile) {
        let header = file.header
        name = header["general.name"]?.string
        let arch = header["general.architecture"]?.string
        architecture = arch
        version = header.version
        let totals = GGUFTypeTotal.totals(of: header.tensors)
        parameterCount = totals.reduce(0) { $0 + $1.elements }
        tensorsPerType = Dictionary(uniqueKeysWithValues: totals.map { ($0.type, $0.tensors) })
        bytesPerType = Dictionary(uniqueKeysWithValues: totals.map { ($0.type, $0.bytes) })
        var matrixElements: [GGMLType: Int] = [:]
        for tensor in header.tensors where tensor.dimensions.count >= 2 {
            matrixElements[tensor.type, default: 0] += tensor.elementCount
        }
        tensorCount = header.tensors.count
        fileSize = file.fileSize
        dominantTensorType =
            matrixElements.max { a, b in
                a.value != b.value ? a.value < b.value : a.key.rawValue > b.key.rawValue
            }?.key.name
        if let raw = header["general.file_type"]?.int, let value = UInt32(exactly: raw) {
            fileTypeRaw = value
            fileType = GGUFFileType(rawValue: value)?.name
        }
        quantization = fileType ?? dominantTensorType
        if let arch {
            contextLength = header["\(arch).context_length"]?.int
            embeddingLength = header["\(arch).embedding_length"]?.int
            blockCount = header["\(arch).block_count"]?.int
        }
        vocabularySize = header["tokenizer.ggml.tokens"]?.array?.count
        tokenizerModel = header["tokenizer.ggml.model"]?.string
    }
}

extension GGUFFile {
    /// Model facts: architecture, parameter count, quantization, context length, …
    public var summary: GGUFSummary { GGUFSummary(self) }
}
