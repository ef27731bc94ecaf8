import Foundation
import Hashing

/// The project's one SplitMix64 (Hashing), visible to every file of this test module.
typealias SplitMix64 = Hashing.SplitMix64

/// Test helpers on it.
extension SplitMix64 {
    /// A standard normal sample (Box–Muller).
    mutating func nextGaussian() -> Float {
        let u1 = Double(next() >> 11) * 0x1.0p-53 + 0x1.0p-54
        let u2 = Double(next() >> 11) * 0x1.0p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }

    /// Uniform in 0..<bound (bound > 0).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
