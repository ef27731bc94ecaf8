import Foundation
import InferenceCore
import ModelFormat
import TestSupport
import Testing

/// Issue 12 item 3: crafted GGUF files — hostile hyperparameters, tensor shapes and types, raw
/// header bytes — go through header parsing, model load AND one forward pass without a trap.
/// Each mutant must either be refused with an error or evaluate. The unit suite runs a seeded
/// 300; `ASSAY_FUZZ_MUTANTS=10000 swift test --filter ModelLoadFuzzTests` runs the long pass.
struct ModelLoadFuzzTests {
    /// Deterministic generator (SplitMix64).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    /// A model file decomposed for re-encoding.
    struct Base {
        var metadata: [(key: String, value: GGUFValue)]
        var tensors: [(name: String, dims: [Int], type: GGMLType, bytes: [UInt8])]
        var raw: [UInt8]
        var headerLength: Int
    }

    static func base(_ url: URL) throws -> Base {
        let file = try GGUFFile(contentsOf: url)
        var tensors: [(String, [Int], GGMLType, [UInt8])] = []
        for info in file.header.tensors {
            tensors.append((info.name, info.dimensions, info.type, file.withTensorBytes(info) { Array($0) }))
        }
        return Base(
            metadata: file.header.metadata, tensors: tensors.map { ($0.0, $0.1, $0.2, $0.3) },
            raw: Array(file.rawBytes), headerLength: file.header.dataOffset)
    }

    static let extremes: [Int64] = [
        0, 1, 2, 3, 7, 63, 64, 65, 255, 4096, 65_535, 65_536, 1 << 20, Int64(Int32.max),
        Int64(UInt32.max), 1 << 40, 1 << 60, Int64.max, -1, -64, Int64.min
    ]

    static func extremeValue(_ g: inout Generator) -> GGUFValue {
        let v = extremes[g.below(extremes.count)]
        switch g.below(5) {
        case 0: return .uint32(UInt32(truncatingIfNeeded: v))
        case 1: return .int32(Int32(truncatingIfNeeded: v))
        case 2: return .uint64(UInt64(bitPattern: v))
        case 3: return .int64(v)
        default: return .float32([Float.nan, .infinity, 0, -1, 1e30, 1e-30][g.below(6)])
        }
    }

    /// One mutant's bytes (nil when the writer itself refuses the mutation).
    static func mutant(_ base: Base, _ g: inout Generator) -> [UInt8]? {
        switch g.below(10) {
        case 0...4:
            // Hostile hyperparameters (one to three keys), structurally valid file.
            var metadata = base.metadata
            for _ in 0...g.below(3) {
                let i = g.below(metadata.count)
                if metadata[i].key == "general.architecture" {
                    metadata[i].value = .string(["qwen2", "llama", "gemma3", "", "x"][g.below(5)])
                } else if g.below(8) == 0 {
                    metadata.remove(at: i)
                } else {
                    metadata[i].value = extremeValue(&g)
                }
            }
            return encode(metadata: metadata, tensors: base.tensors)
        case 5...7:
            // A tensor with another shape or type (bytes resized to stay consistent).
            var tensors = base.tensors
            let i = g.below(tensors.count)
            var t = tensors[i]
            switch g.below(4) {
            case 0: t.dims = t.dims.reversed()
            case 1: t.dims[g.below(t.dims.count)] = [1, 2, 3, 32, 64, 256][g.below(6)]
            case 2: t.dims = t.dims.count > 1 ? [t.dims.reduce(1, *)] : t.dims + [1]
            default:
                let types: [GGMLType] = [.f32, .f16, .q8_0, .q4_0, .q4_1]
                t.type = types[g.below(types.count)]
            }
            let elements = t.dims.reduce(1, *)
            guard elements % t.type.blockSize == 0 else { return nil }
            let size = elements / t.type.blockSize * t.type.typeSize
            t.bytes = Array(t.bytes.prefix(size)) + [UInt8](repeating: 0x3c, count: max(0, size - t.bytes.count))
            tensors[i] = t
            return encode(metadata: base.metadata, tensors: tensors)
        default:
            // Raw bytes of the header flipped.
            var raw = base.raw
            for _ in 0...g.below(8) {
                let at = 8 + g.below(base.headerLength - 8)
                raw[at] = g.below(3) == 0 ? 0xff : UInt8(truncatingIfNeeded: g.next())
            }
            return raw
        }
    }

    static func encode(
        metadata: [(key: String, value: GGUFValue)],
        tensors: [(name: String, dims: [Int], type: GGMLType, bytes: [UInt8])]
    ) -> [UInt8]? {
        var writer = GGUFWriter()
        for (key, value) in metadata { writer.set(key, value) }
        do {
            for t in tensors { try writer.addTensor(name: t.name, dimensions: t.dims, type: t.type, bytes: t.bytes) }
            return try writer.encode()
        } catch {
            return nil
        }
    }

    struct Tally: CustomStringConvertible {
        var unwritable = 0, parseErrors = 0, loadErrors = 0, forwardErrors = 0, evaluated = 0
        var description: String {
            "unwritable \(unwritable), refused by the parser \(parseErrors), refused at load \(loadErrors), refused by the forward pass \(forwardErrors), evaluated \(evaluated)"
        }
    }

    /// Parses, loads and runs one forward pass; a trap here ends the process (the test fails).
    static func run(_ bytes: [UInt8], tally: inout Tally, pool: ComputePool) {
        let file: GGUFFile
        do { file = try GGUFFile(bytes: bytes) } catch {
            tally.parseErrors += 1
            return
        }
        let model: TransformerModel
        do { model = try TransformerModel.load(file: file) } catch {
            tally.loadErrors += 1
            return
        }
        let session = InferenceSession(model: model, pool: pool, contextLength: 8, maxBatch: 4)
        do {
            let logits = try session.evaluate([1, 2, 3], logitsAt: [2])
            _ = logits.count
            tally.evaluated += 1
        } catch {
            tally.forwardErrors += 1
        }
    }

    @Test(.enabled(if: Fixtures.referenceAvailableOrCI))
    func mutantsAreRefusedOrEvaluatedNeverTrap() throws {
        let url = try Fixtures.require(Fixtures.reference("reference/llama-2-tiny-random.gguf"))
        let base = try Self.base(url)
        let count = ProcessInfo.processInfo.environment["ASSAY_FUZZ_MUTANTS"].flatMap(Int.init) ?? 300
        let seed = ProcessInfo.processInfo.environment["ASSAY_FUZZ_SEED"].flatMap(UInt64.init) ?? 12
        var g = Generator(state: seed)
        var tally = Tally()
        let pool = ComputePool(threads: 1)
        let verbose = ProcessInfo.processInfo.environment["ASSAY_FUZZ_VERBOSE"] == "1"
        for index in 0..<count {
            let recipeState = g.state
            guard let bytes = Self.mutant(base, &g) else {
                tally.unwritable += 1
                continue
            }
            if verbose { FileHandle.standardError.write(Data("mutant \(index) seed-state \(recipeState)\n".utf8)) }
            Self.run(bytes, tally: &tally, pool: pool)
        }
        print("model-load fuzz, \(count) mutants of llama-2-tiny-random.gguf (seed \(seed)): \(tally)")
        // The unmutated file still evaluates (the harness itself works).
        var check = Tally()
        Self.run(base.raw, tally: &check, pool: pool)
        #expect(check.evaluated == 1)
        #expect(
            tally.parseErrors + tally.loadErrors + tally.forwardErrors + tally.evaluated + tally.unwritable == count)
    }
}
