/// Range checks of the model hyperparameters a GGUF header declares (`<arch>.*`), so a file
/// whose header parses but whose sizes would overflow or exhaust memory when a model is built
/// from it (e.g. `attention.key_length` ≈ 2^60) is refused by every reader — `assay inspect`,
/// registration, uploads and model loading — with a one-line error instead of a trap.
///
/// The bounds are far above any real small or large language model and small enough that every
/// product of two of them fits comfortably in `Int`.
public enum GGUFModelLimits {
    /// `<arch>.<suffix>` integer keys and their allowed ranges.
    public static let integerRanges: [(suffix: String, range: ClosedRange<Int>)] = [
        ("context_length", 1...(1 << 24)),
        ("embedding_length", 1...(1 << 18)),
        ("block_count", 1...4096),
        ("feed_forward_length", 1...(1 << 20)),
        ("attention.head_count", 1...4096),
        ("attention.head_count_kv", 1...4096),
        ("attention.key_length", 1...(1 << 16)),
        ("attention.value_length", 1...(1 << 16)),
        ("attention.sliding_window", 0...(1 << 24)),
        ("rope.dimension_count", 0...(1 << 16)),
        ("vocab_size", 1...(1 << 24)),
        ("expert_count", 0...4096),
        ("expert_used_count", 0...4096)
    ]

    /// `<arch>.<suffix>` float keys that must be finite (and within the range).
    public static let floatRanges: [(suffix: String, range: ClosedRange<Double>)] = [
        ("rope.freq_base", 1e-3...1e12),
        ("rope.scaling.factor", 1e-6...1e6),
        ("rope.scale_linear", 1e-6...1e6),
        ("attention.layer_norm_rms_epsilon", 0...1),
        ("attention.layer_norm_epsilon", 0...1)
    ]

    /// Throws `GGUFError.invalidMetadata` naming the first out-of-range hyperparameter.
    public static func validate(_ header: GGUFHeader) throws(GGUFError) {
        guard let arch = header["general.architecture"]?.string else { return }
        guard !arch.isEmpty, arch.utf8.count <= 64 else {
            throw .invalidMetadata(key: "general.architecture", reason: "must be 1-64 bytes")
        }
        for (suffix, range) in integerRanges {
            let key = "\(arch).\(suffix)"
            guard let value = header[key] else { continue }
            // Per-layer arrays (e.g. head_count_kv of some models) are checked element by element.
            let values: [Int]
            if let single = value.int {
                values = [single]
            } else if case .array(let array) = value, let many = array.ints {
                values = many
            } else {
                throw .invalidMetadata(
                    key: key, reason: "must be an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            for v in values where !range.contains(v) {
                throw .invalidMetadata(key: key, reason: "\(v) is outside \(range.lowerBound)...\(range.upperBound)")
            }
        }
        for (suffix, range) in floatRanges {
            let key = "\(arch).\(suffix)"
            guard let value = header[key] else { continue }
            let number: Double
            switch value {
            case .float32(let f): number = Double(f)
            case .float64(let d): number = d
            default:
                if let i = value.int {
                    number = Double(i)
                } else {
                    throw .invalidMetadata(key: key, reason: "must be a number")
                }
            }
            guard number.isFinite, range.contains(number) else {
                throw .invalidMetadata(
                    key: key, reason: "\(number) is outside \(range.lowerBound)...\(range.upperBound)")
            }
        }
    }
}
