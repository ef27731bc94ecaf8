import Foundation
import Hashing
import InferenceCore
import Registry

/// A deterministic shard `k/n` of a task's items: item ids are hashed (FNV-1a 64 over
/// "task/item") and an item belongs to shard k when hash mod n = k − 1.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based shard index.
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws(EvaluationError) {
        guard count >= 1, index >= 1, index <= count else { throw .invalidShard("\(index)/\(count)") }
        self.index = index
        self.count = count
    }

    /// Parses "k/n".
    public init(parsing text: String) throws(EvaluationError) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else { throw .invalidShard(text) }
        try self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    public func contains(task: String, item: String) -> Bool {
        Self.stableHash(task + "/" + item) % UInt64(count) == UInt64(index - 1)
    }

    /// FNV-1a 64-bit over the UTF-8 bytes.
    public static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
