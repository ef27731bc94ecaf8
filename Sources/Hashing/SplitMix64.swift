/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, seedable, reproducible generator — the one
/// used for bootstrap resampling (evaluation and gate), shard assignment and seeded sampling.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (bound > 0) by rejection sampling, so no modulo bias.
    /// The rule is fixed (documented in docs/governance.md) so other tools can reproduce a
    /// bootstrap: draw `x = next()`, reject while `x >= 2^64 - (2^64 mod bound)`, return `x mod bound`.
    public mutating func nextIndex(below bound: Int) -> Int {
        let b = UInt64(bound)
        let threshold = (0 &- b) % b // 2^64 mod b
        while true {
            let x = next()
            // Accept x when x < 2^64 - threshold, i.e. x + threshold does not overflow.
            if x <= UInt64.max - threshold || threshold == 0 { return Int(x % b) }
        }
    }
}
