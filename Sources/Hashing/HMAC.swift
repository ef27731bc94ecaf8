/// HMAC-SHA256 (RFC 2104 / FIPS 198-1), for signing webhooks and tokens.
public struct HMACSHA256: Sendable {
    private var inner: SHA256
    private var outerKey: [UInt8]

    /// Starts a MAC computation with `key` (keys longer than 64 bytes are hashed first).
    public init<Key: Sequence>(key: Key) where Key.Element == UInt8 {
        var block = Array(key)
        if block.count > SHA256.blockSize { block = SHA256.hash(block).bytes }
        block += [UInt8](repeating: 0, count: SHA256.blockSize - block.count)
        inner = SHA256()
        inner.update(bytes: block.map { $0 ^ 0x36 })
        outerKey = block.map { $0 ^ 0x5c }
    }

    /// Absorbs message bytes.
    public mutating func update<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        inner.update(bytes: bytes)
    }

    /// The MAC.
    public func finalize() -> SHA256Digest {
        var outer = SHA256()
        outer.update(bytes: outerKey)
        outer.update(bytes: inner.finalize().bytes)
        return outer.finalize()
    }

    /// MAC of `message` under `key` in one call.
    public static func authenticate<M: Sequence, K: Sequence>(_ message: M, key: K) -> SHA256Digest
    where M.Element == UInt8, K.Element == UInt8 {
        var mac = HMACSHA256(key: key)
        mac.update(bytes: message)
        return mac.finalize()
    }

    /// Compares two byte strings in time independent of where they differ.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
