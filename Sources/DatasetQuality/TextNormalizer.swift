/// Text normalisation shared by duplicate detection and contamination checks.
///
/// A text becomes a sequence of words: maximal runs of ASCII letters and digits or of non-ASCII
/// bytes (so accented and non-Latin words stay whole), ASCII letters lower-cased, everything else
/// (punctuation, whitespace) a separator. Each word is identified by a 64-bit FNV-1a hash, so
/// `"Hello,  World!"` and `"hello world"` normalise identically.
public enum TextNormalizer {
    /// Appends the hashes of `text`'s normalised words to `out` (which is not cleared).
    public static func wordHashes(_ text: String, into out: inout [UInt64]) {
        forEachWord(text) { hash, _ in out.append(hash) }
    }

    /// Like `wordHashes(_:into:)`, also appending to `long` the words of two or more bytes
    /// (contamination matching ignores one-character words such as choice labels "A." and the
    /// article "a", so "A. Paris" and "Paris" match).
    public static func wordHashes(_ text: String, into out: inout [UInt64], long: inout [UInt64]) {
        forEachWord(text) { hash, length in
            out.append(hash)
            if length > 1 { long.append(hash) }
        }
    }

    /// Calls `body` with the FNV-1a hash and the byte length of each normalised word, in order.
    @inline(__always)
    static func forEachWord(_ text: String, _ body: (UInt64, Int) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            var length = 0
            for var b in bytes {
                let isWordByte: Bool
                if b >= 0x80 {
                    isWordByte = true
                } else if b >= 0x41 && b <= 0x5a {
                    b &+= 0x20
                    isWordByte = true
                } else {
                    isWordByte = (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39)
                }
                if isWordByte {
                    h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
                    length += 1
                } else if length > 0 {
                    body(h, length)
                    h = 0xcbf2_9ce4_8422_2325
                    length = 0
                }
            }
            if length > 0 { body(h, length) }
        }
    }

    /// The words of two or more bytes of `text` (see `wordHashes(_:into:long:)`).
    public static func longWordHashes(_ text: String) -> [UInt64] {
        var all: [UInt64] = []
        var long: [UInt64] = []
        wordHashes(text, into: &all, long: &long)
        return long
    }

    /// The normalised words of `text`, as hashes.
    public static func wordHashes(_ text: String) -> [UInt64] {
        var out: [UInt64] = []
        wordHashes(text, into: &out)
        return out
    }

    /// A 64-bit hash of the whole normalised word sequence (exact-duplicate identity).
    public static func sequenceHash(_ words: [UInt64]) -> UInt64 {
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(words.count)
        for w in words { h = mix(h ^ w) }
        return h
    }

    /// SplitMix64's finaliser: a fast, well-distributed 64-bit mixer.
    @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
