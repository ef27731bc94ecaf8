/// Why a GGUF file could not be opened, parsed or written. Every case says what is wrong and
/// where (byte offset, metadata key or tensor name).
public enum GGUFError: Error, Sendable, Hashable {
    /// A system call failed (`operation` is e.g. "open", "fstat", "mmap", "write").
    case io(path: String, operation: String, errno: Int32)
    /// The file does not start with "GGUF".
    case badMagic(found: UInt32)
    /// Only versions 2 and 3 are supported (version 1 used 32-bit counts and is obsolete).
    case unsupportedVersion(UInt32)
    /// The file ends at byte `at` while `reading` needs more bytes.
    case truncated(at: Int, reading: String)
    /// A length or count read at byte `at` cannot fit in the rest of the file.
    case countTooLarge(at: Int, reading: String, count: UInt64, remaining: Int)
    /// A metadata value (or array element) type id that GGUF does not define.
    case invalidValueType(key: String, raw: UInt32, at: Int)
    /// Arrays nested deeper than the parser allows.
    case arrayNestingTooDeep(key: String, at: Int)
    /// The same metadata key appears twice.
    case duplicateKey(String, at: Int)
    /// A well-known key has a value of the wrong type or an invalid value.
    case invalidMetadata(key: String, reason: String)
    /// `general.alignment` is zero or not a power of two.
    case invalidAlignment(UInt64)
    /// The same tensor name appears twice.
    case duplicateTensor(name: String)
    /// A tensor type id that ggml does not define (or a removed one).
    case unknownTensorType(name: String, raw: UInt32)
    /// Dimension count, a dimension, or the element count is invalid.
    case invalidTensorShape(name: String, reason: String)
    /// A tensor's offset is not a multiple of the file's alignment.
    case misalignedTensor(name: String, offset: UInt64, alignment: Int)
    /// A tensor's bytes do not lie inside the file's data section.
    case tensorOutOfBounds(name: String, offset: UInt64, byteCount: Int, dataSize: Int)
    /// No tensor with this name.
    case tensorNotFound(name: String)
    /// A value cannot be represented in a GGUF file (writer).
    case unencodable(String)
}

extension GGUFError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .io(let path, let operation, let code):
            return "\(operation) failed for \(path): \(String(cString: strerror(code))) (errno \(code))"
        case .badMagic(let found):
            return "not a GGUF file: magic 0x\(String(found, radix: 16)) (expected 0x46554747, \"GGUF\")"
        case .unsupportedVersion(let v):
            return v == 1
                ? "GGUF version 1 is obsolete and not supported (convert the file to version 3)"
                : "unsupported GGUF version \(v) (supported: 2, 3)"
        case .truncated(let at, let reading):
            return "file truncated at byte \(at) while reading \(reading)"
        case .countTooLarge(let at, let reading, let count, let remaining):
            return "\(reading) at byte \(at) is \(count), which cannot fit in the \(remaining) bytes left"
        case .invalidValueType(let key, let raw, let at):
            return "metadata '\(key)': invalid value type \(raw) at byte \(at)"
        case .arrayNestingTooDeep(let key, let at):
            return "metadata '\(key)': arrays nested too deeply at byte \(at)"
        case .duplicateKey(let key, let at):
            return "metadata key '\(key)' appears twice (second at byte \(at))"
        case .invalidMetadata(let key, let reason):
            return "metadata '\(key)': \(reason)"
        case .invalidAlignment(let value):
            return "general.alignment \(value) is not a non-zero power of two"
        case .duplicateTensor(let name):
            return "tensor '\(name)' appears twice"
        case .unknownTensorType(let name, let raw):
            return "tensor '\(name)': unknown ggml type id \(raw)"
        case .invalidTensorShape(let name, let reason):
            return "tensor '\(name)': \(reason)"
        case .misalignedTensor(let name, let offset, let alignment):
            return "tensor '\(name)': data offset \(offset) is not a multiple of the alignment \(alignment)"
        case .tensorOutOfBounds(let name, let offset, let byteCount, let dataSize):
            return
                "tensor '\(name)': \(byteCount) bytes at data offset \(offset) exceed the data section (\(dataSize) bytes)"
        case .tensorNotFound(let name):
            return "no tensor named '\(name)'"
        case .unencodable(let reason):
            return "cannot write GGUF: \(reason)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
