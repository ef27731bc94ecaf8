import Foundation
import KernelSource
import KernelsPortable
import ModelFormat
import Testing

@testable import InferenceCore

/// Every kernel set this CPU can run must compute the same integers and the same floats as
/// the portable set, block by block (the sets differ only in which instructions sum the
/// 16-bit products).
struct KernelSetTests {
    static let formats: [(GGMLType, BlockWeightFormat)] = [
        (.q4_0, .q4_0), (.q4_1, .q4_1), (.q5_0, .q5_0), (.q8_0, .q8_0), (.q4_K, .q4_K), (.q6_K, .q6_K)
    ]

    /// A tensor type maps to its kernel format; other types have none.
    @Test func tensorTypesMapToKernelFormats() {
        for type in GGMLType.allCases {
            #expect(BlockWeightFormat(type) == Self.formats.first { $0.0 == type }?.1, "\(type)")
        }
        #expect(Set(Self.formats.map(\.1)) == Set(BlockWeightFormat.allCases))
    }

    @Test func theCPUsBestSetsAreAvailable() {
        let names = KernelSets.availableNames
        #expect(names.last == "portable")
        #expect(KernelSets.allNames == ["avx512vnni", "avxvnni", "avx2", "portable"])
        #expect(names.contains(KernelSets.selectedName))
        // This package is built for x86-64 with AVX2 elsewhere (Package.swift `hot`), so any
        // machine running these tests has at least the AVX2 set besides the portable one.
        #expect(names.contains("avx2"))
    }

    @Test(arguments: formats.map(\.0))
    func everySetGivesIdenticalIntegerSumsAndResults(type: GGMLType) throws {
        let format = try #require(Self.formats.first { $0.0 == type }?.1)
        var rng = KernelTests.Lcg(state: UInt64(type.rawValue) &* 31 &+ 5)
        let cols = 1024
        // An odd row count (the last row of a pair alone), except for Q4_K, which ggml (and so
        // every set) sums differently when the row count is a multiple of eight.
        let rows = type == .q4_K ? 16 : 9
        let batch = 37
        var weights: [UInt8] = []
        for _ in 0..<rows { weights += KernelTests.randomRow(type, cols: cols, rng: &rng) }
        // Activations with large values in places, so quantized values reach ±127.
        let x = (0..<(cols * batch)).map { i in
            Float.random(in: -3...3, using: &rng) * (i % 97 == 0 ? 40 : 1)
        }
        let acts = QuantizedActivations(format: try #require(ActivationFormat(weightType: type)))
        x.withUnsafeBufferPointer { acts.load($0.baseAddress!, rows: batch, cols: cols, stride: cols, pool: nil) }
        let sets = KernelSets.available
        #expect(sets.count >= 2, "only \(KernelSets.availableNames) available")
        let blocks = cols / format.blockSize
        try weights.withUnsafeBytes { raw in
            let base = try #require(raw.baseAddress)
            let view = WeightView(
                format: format, rows: rows, cols: cols, data: base,
                rowBytes: type.byteCount(elements: cols)!)
            func laneSums(_ set: any KernelSet.Type) -> [Int32] {
                var all: [Int32] = []
                var sums = [Int32](repeating: 0, count: blocks * 8)
                for r in 0..<rows {
                    for b in 0..<batch {
                        sums.withUnsafeMutableBufferPointer {
                            set.integerLaneSums(view, row: r, acts.view, column: b, out: $0.baseAddress!)
                        }
                        all += sums
                    }
                }
                return all
            }
            // Column ranges that take every path of every set: single columns, groups of four,
            // groups of eight and of sixteen with tails, ranges that do not start at 0.
            let ranges = [0..<1, 0..<3, 0..<4, 0..<13, 0..<batch, 3..<20, 5..<12]
            func products(_ set: any KernelSet.Type) -> [UInt32] {
                var all: [UInt32] = []
                for columns in ranges {
                    var out = [Float](repeating: .nan, count: rows * batch)
                    out.withUnsafeMutableBufferPointer {
                        set.matmulTile(
                            view, acts.view, rows: 0..<rows, columns: columns, out: $0.baseAddress!,
                            outStride: rows)
                    }
                    all += out[(columns.lowerBound * rows)..<(columns.upperBound * rows)].map(\.bitPattern)
                }
                return all
            }
            let referenceSums = laneSums(PortableKernels.self)
            let referenceProducts = products(PortableKernels.self)
            #expect(referenceSums.contains { $0 != 0 })
            #expect(referenceProducts.allSatisfy { !Float(bitPattern: $0).isNaN })
            for set in sets {
                #expect(laneSums(set) == referenceSums, "\(set.name) integer sums differ for \(type)")
                #expect(products(set) == referenceProducts, "\(set.name) products differ for \(type)")
            }
        }
    }

    /// Several targets in one dispatch give the bits of one `matmul` per target, for prompt
    /// batches (column split) and single tokens (row split).
    @Test(arguments: [GGMLType.q4_1, .q4_K])
    func fusedTargetsEqualSeparateProducts(type: GGMLType) throws {
        var rng = KernelTests.Lcg(state: 99 &+ UInt64(type.rawValue))
        let cols = 512
        let shapes = [48, 16, 16]
        var storage: [[UInt8]] = []
        for rows in shapes {
            var w: [UInt8] = []
            for _ in 0..<rows { w += KernelTests.randomRow(type, cols: cols, rng: &rng) }
            storage.append(w)
        }
        let pool = ComputePool(threads: 2)
        for batch in [1, 3, 40] {
            let x = (0..<(cols * batch)).map { _ in Float.random(in: -2...2, using: &rng) }
            let acts = QuantizedActivations(format: try #require(ActivationFormat(weightType: type)))
            x.withUnsafeBufferPointer { acts.load($0.baseAddress!, rows: batch, cols: cols, stride: cols, pool: nil) }
            let pointers = storage.map { bytes in
                let p = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 64)
                p.copyMemory(from: bytes, byteCount: bytes.count)
                return p
            }
            defer { for pointer in pointers { pointer.deallocate() } }
            let matrices = shapes.indices.map { i in
                WeightMatrix(
                    name: "w\(i)", type: type, rows: shapes[i], cols: cols, data: UnsafeRawPointer(pointers[i]),
                    rowBytes: type.byteCount(elements: cols)!)
            }
            var separate = shapes.map { [Float](repeating: .nan, count: $0 * batch) }
            var fused = separate
            for i in shapes.indices {
                separate[i].withUnsafeMutableBufferPointer {
                    matmul(matrices[i], acts, out: $0.baseAddress!, outStride: shapes[i], pool: pool)
                }
            }
            let outputs = shapes.map { UnsafeMutablePointer<Float>.allocate(capacity: $0 * batch) }
            defer { for output in outputs { output.deallocate() } }
            let targets = shapes.indices.map {
                MatmulTarget(weights: matrices[$0], out: outputs[$0], outStride: shapes[$0])
            }
            matmul(targets, acts, pool: pool)
            for i in shapes.indices {
                fused[i] = Array(UnsafeBufferPointer(start: outputs[i], count: shapes[i] * batch))
            }
            for i in shapes.indices {
                #expect(fused[i].map(\.bitPattern) == separate[i].map(\.bitPattern), "target \(i), batch \(batch)")
                #expect(!separate[i].contains { $0.isNaN })
            }
        }
    }
}
