/// An immutable-after-build hash table from byte strings to token ids.
///
/// Token texts are compared byte for byte. Swift's `String` equality follows canonical
/// equivalence ("é" precomposed equals "e" + U+0301), which would merge distinct vocabulary
/// entries and make lookups disagree with llama.cpp; this table never does that. Lookups take a
/// buffer pointer, so probing a slice of a larger buffer allocates nothing.
struct ByteStringTable: Sendable {
    private var bytes: [UInt8] = []
    /// Entry `i` spans `bytes[starts[i] ..< starts[i + 1]]`.
    private var starts: [Int] = [0]
    private var values: [Int32] = []
    /// Open addressing; -1 marks an empty slot, otherwise an entry index.
    private var slots: [Int32]
    private var mask: Int

    /// An empty table sized for about `capacity` entries.
    init(capacity: Int) {
        var size = 16
        while size < max(1, capacity) * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        values.reserveCapacity(capacity)
        starts.reserveCapacity(capacity + 1)
    }

    /// Number of entries.
    var count: Int { values.count }

    @inline(__always)
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        // FNV-1a, 64 bit.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// Inserts `key` → `value`. Returns the existing value instead when the key is present
    /// (the first insertion wins), nil when the key was new.
    @discardableResult
    mutating func insert(_ key: some Collection<UInt8>, value: Int32) -> Int32? {
        let keyArray = Array(key)
        if let existing = keyArray.withUnsafeBufferPointer({ lookup($0) }) { return existing }
        if (values.count + 1) * 2 > slots.count { grow() }
        let index = Int32(values.count)
        bytes.append(contentsOf: keyArray)
        starts.append(bytes.count)
        values.append(value)
        place(entry: Int(index))
        return nil
    }

    private mutating func place(entry: Int) {
        let h = bytes.withUnsafeBufferPointer { buffer in
            Self.hash(UnsafeBufferPointer(rebasing: buffer[starts[entry]..<starts[entry + 1]]))
        }
        var slot = h & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry)
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for entry in 0..<values.count { place(entry: entry) }
    }

    /// The id stored for the bytes in `key`, if any.
    func lookup(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        var slot = Self.hash(key) & mask
        return bytes.withUnsafeBufferPointer { stored -> Int32? in
            while true {
                let entry = Int(slots[slot])
                if entry < 0 { return nil }
                let start = starts[entry]
                let length = starts[entry + 1] - start
                if length == key.count {
                    var equal = true
                    var i = 0
                    while i < length {
                        if stored[start + i] != key[i] {
                            equal = false
                            break
                        }
                        i += 1
                    }
                    if equal { return values[entry] }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The id stored for `key`, if any.
    func lookup(_ key: [UInt8]) -> Int32? {
        key.withUnsafeBufferPointer { lookup($0) }
    }

    /// The id stored for `key`'s UTF-8 bytes, if any.
    func lookup(_ key: String) -> Int32? {
        var key = key
        return key.withUTF8 { lookup($0) }
    }
}
