import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Re-encodes a GGUF model's weight matrices as one ggml type, the way `llama-quantize` does
/// for the plain types: every tensor with two or more dimensions (token embedding included) is
/// decoded to Float and encoded with ggml's reference quantizer; one-dimensional tensors (norms,
/// biases) are stored as F32. Metadata is copied, with `general.file_type` and
/// `general.quantization_version` updated.
public enum GGUFQuantizer {
    /// Target types `assay quantize` offers.
    public static let targets: [GGMLType] = [.q8_0, .q4_0, .f16]

    /// What happens to one tensor.
    public struct Decision: Sendable, Hashable {
        public let name: String
        public let from: GGMLType
        public let to: GGMLType
    }

    /// What the quantizer did.
    public struct Result: Sendable {
        public let decisions: [Decision]
        public let outputSize: Int
    }

    /// Why quantizing failed.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case unsupportedTarget(GGMLType)
        case cannotDecode(tensor: String, type: GGMLType)
        case file(GGUFError)
        case codec(tensor: String, GGMLCodecError)

        public var description: String {
            switch self {
            case .unsupportedTarget(let type):
                return
                    "cannot quantize to \(type.name) (supported: \(GGUFQuantizer.targets.map(\.name).joined(separator: ", ")))"
            case .cannotDecode(let tensor, let type):
                return "tensor '\(tensor)' is \(type.name), which cannot be decoded"
            case .file(let error): return error.description
            case .codec(let tensor, let error): return "tensor '\(tensor)': \(error)"
            }
        }
    }

    /// The output type of every tensor of `file` when quantizing to `target`.
    public static func plan(_ file: GGUFFile, target: GGMLType) -> [Decision] {
        file.tensors.map { tensor in
            let to: GGMLType
            if tensor.dimensions.count < 2 {
                to = .f32
            } else if tensor.rowLength % target.blockSize == 0 {
                to = target
            } else {
                to = .f16 // rows that do not split into blocks, as llama.cpp's fallback
            }
            return Decision(name: tensor.name, from: tensor.type, to: to)
        }
    }

    /// Quantizes `input` to `target` and writes the result atomically to `output` (a temporary
    /// file in the same directory, renamed into place). `progress` receives
    /// (tensors done, total, tensor name).
    public static func quantize(
        _ input: GGUFFile, to output: URL, target: GGMLType,
        progress: ((Int, Int, String) -> Void)? = nil
    ) throws(Failure) -> Result {
        guard targets.contains(target) else { throw .unsupportedTarget(target) }
        let decisions = plan(input, target: target)
        for (tensor, decision) in zip(input.tensors, decisions)
        where tensor.type != decision.to && !GGMLCodec.canDequantize(tensor.type) {
            throw .cannotDecode(tensor: tensor.name, type: tensor.type)
        }

        var writer = GGUFWriter(alignment: input.alignment)
        for (key, value) in input.metadata where key != "general.alignment" {
            writer.set(key, value)
        }
        if let fileType = GGUFFileType(uniform: target) {
            writer.set("general.file_type", .uint32(fileType.rawValue))
        }
        writer.set("general.quantization_version", .uint32(2))

        for (tensor, decision) in zip(input.tensors, decisions) {
            do {
                try writer.addTensor(name: tensor.name, dimensions: tensor.dimensions, type: decision.to) { out in
                    try convert(input, tensor, to: decision.to, into: out)
                }
            } catch {
                throw .file(error)
            }
        }

        let directory = output.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(output.lastPathComponent).tmp-\(getpid())")
        do {
            try writer.write(to: temporary) { done, total in
                progress?(done, total, input.tensors[done - 1].name)
            }
        } catch let error as GGUFError {
            unlink(temporary.path)
            throw .file(error)
        } catch let error as Failure {
            unlink(temporary.path)
            throw error
        } catch {
            unlink(temporary.path)
            throw .file(.unencodable("\(error)"))
        }
        guard rename(temporary.path, output.path) == 0 else {
            let code = errno
            unlink(temporary.path)
            throw .file(.io(path: output.path, operation: "rename", errno: code))
        }
        var size = 0
        var info = stat()
        if stat(output.path, &info) == 0 { size = Int(info.st_size) }
        return Result(decisions: decisions, outputSize: size)
    }

    /// Converts one tensor row by row (rows in parallel) into `out`.
    static func convert(
        _ file: GGUFFile, _ tensor: GGUFTensorInfo, to type: GGMLType,
        into out: UnsafeMutableRawBufferPointer
    ) throws(Failure) {
        let source = file.tensorPointer(tensor)
        guard let destination = out.baseAddress else { return }
        if tensor.type == type {
            destination.copyMemory(from: source, byteCount: tensor.byteCount)
            return
        }
        let rowLength = tensor.rowLength
        let rows = tensor.rowCount
        let inRowBytes = tensor.rowByteCount
        guard let outRowBytes = type.byteCount(elements: rowLength) else {
            throw .codec(tensor: tensor.name, .partialBlock(type, count: rowLength))
        }
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, rows / 16))
        let chunk = (rows + workers - 1) / workers
        let failure = FailureBox()
        // Workers read shared input and write disjoint rows of the output.
        nonisolated(unsafe) let input = source
        nonisolated(unsafe) let output = destination
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: rowLength)
            defer { scratch.deallocate() }
            let start = worker * chunk
            let end = min(rows, start + chunk)
            guard start < end else { return }
            for row in start..<end {
                do throws(GGMLCodecError) {
                    try GGMLCodec.dequantize(
                        type: tensor.type, from: input + row * inRowBytes,
                        count: rowLength, into: scratch)
                    try GGMLCodec.quantize(
                        type: type, from: scratch, count: rowLength,
                        into: output + row * outRowBytes)
                } catch {
                    failure.set(error)
                    return
                }
            }
        }
        if let error = failure.value { throw .codec(tensor: tensor.name, error) }
    }
}

/// First error reported by parallel workers.
private final class FailureBox: Sendable {
    private let stored = Mutex<GGMLCodecError?>(nil)

    func set(_ error: GGMLCodecError) { stored.withLock { if $0 == nil { $0 = error } } }
    var value: GGMLCodecError? { stored.withLock { $0 } }
}
