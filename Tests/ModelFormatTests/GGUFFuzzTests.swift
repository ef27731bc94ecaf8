import Foundation
import ModelFormat
import TestSupport
import Testing

/// Issue 3, acceptance 4: seeded random mutations and truncations of real GGUF header bytes
/// parse to a result or a `GGUFError`, never crash, and never allocate out of proportion.
struct GGUFFuzzTests {
    static let iterations = 10_000
    static let headerRegion = 64 * 1024

    /// Outcome figures of one fuzz run.
    struct Report: CustomStringConvertible {
        var parsed = 0
        var errors: [String: Int] = [:]
        var largestReservation = 0
        var largestReservationRatio = 0.0
        var largestDecodedRatio = 0.0

        var description: String {
            let kinds = errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "parsed \(parsed), errors \(errors.values.reduce(0, +)) [\(kinds)], "
                + "largest reservation \(largestReservation) B (\(String(format: "%.3f", largestReservationRatio))× input), "
                + "largest decoded/input \(String(format: "%.2f", largestDecodedRatio))×"
        }
    }

    /// The bytes to mutate: the real model's header region. Under CI the model must be present;
    /// elsewhere the fixture model stands in when the real one is not cached.
    static func corpus() throws -> (name: String, bytes: [UInt8]) {
        let url: URL
        if Fixtures.isCI || Fixtures.exists(Fixtures.smolLMPath) {
            url = try Fixtures.requireSmolLM()
        } else {
            url = try Fixtures.require(Fixtures.reference("reference/llama-2-tiny-random.gguf"))
        }
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let data = try handle.read(upToCount: headerRegion) ?? Data()
        return (url.lastPathComponent, [UInt8](data))
    }

    /// A complete small file with every value type and a few tensors, so that many mutants
    /// still parse and the success path (tensor bounds, alignment) is exercised too.
    static func completeFile() throws -> [UInt8] {
        var writer = GGUFWriter()
        for (key, value) in GGUFWriterTests.allValues { writer.set(key, value) }
        writer.set("tokenizer.ggml.tokens", .array(.string((0..<64).map { "tok\($0)" })))
        try writer.addTensor(
            name: "token_embd.weight", dimensions: [32, 4], type: .q8_0,
            bytes: [UInt8](repeating: 1, count: 4 * 34))
        try writer.addTensor(name: "norm.weight", dimensions: [8], type: .f32, bytes: [UInt8](repeating: 0, count: 32))
        try writer.addTensor(
            name: "blk.0.ffn.weight", dimensions: [256, 2], type: .q4_K,
            bytes: [UInt8](repeating: 0, count: 2 * 144))
        return try writer.encode()
    }

    static let hugeValues: [UInt64] = [.max, 1 << 63, 1 << 62, 1 << 40, 0xFFFF_FFFF, 0x1_0000_0000, UInt64(Int64.max)]

    static func mutate(_ original: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = original
        for _ in 0..<(1 + rng.below(4)) {
            guard !bytes.isEmpty else { break }
            // Half the edits land in the first 512 bytes, where the counts, lengths and type
            // ids of the header and first entries live; the rest anywhere.
            let span = rng.below(2) == 0 ? min(512, bytes.count) : bytes.count
            let at = rng.below(span)
            switch rng.below(6) {
            case 0: bytes[at] ^= UInt8(1) << UInt8(rng.below(8))
            case 1: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            case 2, 3:
                let value = rng.below(3) == 0 ? rng.next() : hugeValues[rng.below(hugeValues.count)]
                for (i, byte) in le(value).enumerated() where at + i < bytes.count { bytes[at + i] = byte }
            case 4:
                let value = UInt32(rng.below(48))
                for (i, byte) in le(value).enumerated() where at + i < bytes.count { bytes[at + i] = byte }
            default: bytes.removeSubrange(rng.below(bytes.count + 1)..<bytes.count)
            }
        }
        return bytes
    }

    static func run(_ original: [UInt8], seed: UInt64) -> Report {
        var rng = SplitMix64(seed: seed)
        var report = Report()
        for _ in 0..<iterations {
            let mutant = mutate(original, &rng)
            var statistics = GGUFParseStatistics()
            let outcome: Result<GGUFHeader, GGUFError> = mutant.withUnsafeBytes { buffer in
                do throws(GGUFError) {
                    return .success(try GGUFHeader.parse(buffer, statistics: &statistics))
                } catch {
                    return .failure(error)
                }
            }
            switch outcome {
            case .success(let header):
                report.parsed += 1
                for tensor in header.tensors {
                    #expect(header.dataOffset + tensor.offset + tensor.byteCount <= mutant.count)
                    #expect(tensor.offset % header.alignment == 0)
                }
            case .failure(let error):
                let kind = Mirror(reflecting: error).children.first?.label ?? String(describing: error)
                report.errors[kind, default: 0] += 1
                #expect(!error.description.isEmpty)
            }
            let size = max(mutant.count, 1)
            report.largestReservation = max(report.largestReservation, statistics.largestReservation)
            report.largestReservationRatio = max(
                report.largestReservationRatio,
                Double(statistics.largestReservation) / Double(size))
            report.largestDecodedRatio = max(
                report.largestDecodedRatio,
                Double(statistics.decodedBytes) / Double(size))
            // No single allocation larger than the input; everything decoded within a small
            // constant factor of it (Swift strings and structs are wider than their encoding).
            #expect(statistics.largestReservation <= mutant.count)
            #expect(statistics.decodedBytes <= 4 * mutant.count + 4096)
        }
        return report
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI || Fixtures.referenceAvailableOrCI))
    func mutatedRealHeaderRegion() throws {
        let (name, bytes) = try Self.corpus()
        #expect(bytes.count == Self.headerRegion)
        let clock = ContinuousClock()
        var report = Report()
        let elapsed = clock.measure { report = Self.run(bytes, seed: 0x5EED_0003) }
        print("fuzz \(name) first \(bytes.count) B × \(Self.iterations): \(report) in \(elapsed)")
        #expect(report.parsed + report.errors.values.reduce(0, +) == Self.iterations)
        // The header region alone never holds the whole vocabulary, so nothing parses.
        #expect(report.errors.count >= 4, "mutations should reach several distinct error kinds")
    }

    @Test func mutatedCompleteFile() throws {
        let bytes = try Self.completeFile()
        let clock = ContinuousClock()
        var report = Report()
        let elapsed = clock.measure { report = Self.run(bytes, seed: 0x5EED_0004) }
        print("fuzz complete \(bytes.count) B file × \(Self.iterations): \(report) in \(elapsed)")
        #expect(report.parsed > 0, "some mutants (e.g. flipped data bytes) must still parse")
        #expect(report.errors.count >= 6)
    }
}
