import Hashing
import Testing

@testable import Governance

/// Expected values come from scipy 1.17 (`binomtest`, `norm.ppf`, `brentq` on Connor's formula)
/// and from a Python transcription of SplitMix64 + the documented bootstrap with numpy's
/// linear quantiles; the commands are in docs/governance.md.
struct GateStatisticsTests {
    @Test func splitMix64MatchesTheReferenceSequence() {
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 16_294_208_416_658_607_535)
        #expect(g.next() == 7_960_286_522_194_355_700)
        #expect(g.next() == 487_617_019_471_545_679)
        var h = SplitMix64(seed: 1_234_567)
        #expect(h.next() == 6_457_827_717_110_365_317)
        #expect(h.next() == 3_203_168_211_198_807_973)
    }

    @Test func nextIndexStaysInRange() {
        var g = SplitMix64(seed: 9)
        var seen = Set<Int>()
        for _ in 0..<1000 {
            let i = g.nextIndex(below: 7)
            #expect((0..<7).contains(i))
            seen.insert(i)
        }
        #expect(seen.count == 7)
        #expect(g.nextIndex(below: 1) == 0)
    }

    @Test(arguments: [
        (3, 12, 0.03515625),
        (10, 10, 1.0),
        (0, 5, 0.0625),
        (25, 45, 0.022462895492509273),
        (1, 0, 1.0),
        (40, 60, 0.05688793364098089),
        (5, 25, 0.0003249142318964005)
    ])
    func exactMcNemarMatchesScipyBinomtest(b: Int, c: Int, expected: Double) {
        let p = GateStatistics.mcnemarExactPValue(candidateOnly: b, baselineOnly: c)
        #expect(abs(p - expected) <= 1e-12 * max(1, expected), "b=\(b) c=\(c): \(p) vs \(expected)")
        // Symmetric in b and c.
        #expect(abs(GateStatistics.mcnemarExactPValue(candidateOnly: c, baselineOnly: b) - p) < 1e-15)
    }

    @Test func mcnemarWithoutDiscordantPairsIsOne() {
        #expect(GateStatistics.mcnemarExactPValue(candidateOnly: 0, baselineOnly: 0) == 1)
    }

    @Test func mcnemarLargeCountsStayFinite() {
        let p = GateStatistics.mcnemarExactPValue(candidateOnly: 4000, baselineOnly: 4400)
        #expect(p > 0 && p < 0.01)
    }

    @Test(arguments: [
        (0.975, 1.959963984540054),
        (0.8, 0.8416212335729143),
        (0.001, -3.090232306167813),
        (0.99999, 4.264890793923841),
        (0.5, 0.0)
    ])
    func normalQuantileMatchesScipy(p: Double, expected: Double) {
        #expect(abs(GateStatistics.normalQuantile(p) - expected) < 1e-12)
    }

    @Test(arguments: [
        (200, 30, 0.07627318990880806),
        (136, 20, 0.09132920040787737),
        (192, 0, 0.01450217575463691),
        (1000, 100, 0.027982836304473523),
        (20, 15, 0.5111135581509684)
    ])
    func minimumDetectableEffectMatchesConnorSolvedWithBrentq(n: Int, discordant: Int, expected: Double) throws {
        let mde = try #require(GateStatistics.minimumDetectableEffect(items: n, discordant: discordant))
        #expect(abs(mde - expected) < 1e-9, "n=\(n) d=\(discordant): \(mde) vs \(expected)")
    }

    @Test func minimumDetectableEffectShrinksWithMoreItems() throws {
        let small = try #require(GateStatistics.minimumDetectableEffect(items: 100, discordant: 15))
        let large = try #require(GateStatistics.minimumDetectableEffect(items: 1000, discordant: 150))
        #expect(large < small)
        #expect(GateStatistics.minimumDetectableEffect(items: 0, discordant: 0) == nil)
    }

    @Test func pairedBootstrapMatchesThePythonTranscription() {
        // 50 items: 3 where only the candidate is right, 12 where only the baseline is.
        let a: [Int8] = Array(repeating: 1, count: 3) + Array(repeating: -1, count: 12) + Array(repeating: 0, count: 35)
        let ia = GateStatistics.pairedBootstrapCI(differences: a, resamples: 2000, alpha: 0.05, seed: 42)
        #expect(abs(ia.estimate - -0.18) < 1e-12)
        #expect(abs(ia.lower - -0.32049999999999995) < 1e-12)
        #expect(abs(ia.upper - -0.04) < 1e-12)
        #expect(ia.level == 0.95)

        let b: [Int8] =
            Array(repeating: 1, count: 20) + Array(repeating: -1, count: 10) + Array(repeating: 0, count: 170)
        let ib = GateStatistics.pairedBootstrapCI(differences: b, resamples: 10_000, alpha: 0.05, seed: 7)
        #expect(abs(ib.estimate - 0.05) < 1e-12)
        #expect(abs(ib.lower - 0.0) < 1e-12)
        #expect(abs(ib.upper - 0.105) < 1e-12)
    }

    @Test func bootstrapIsReproducibleAndSeedSensitive() {
        let d: [Int8] = (0..<120).map { Int8($0 % 7 == 0 ? -1 : ($0 % 11 == 0 ? 1 : 0)) }
        let x = GateStatistics.pairedBootstrapCI(differences: d, resamples: 500, alpha: 0.1, seed: 1)
        let y = GateStatistics.pairedBootstrapCI(differences: d, resamples: 500, alpha: 0.1, seed: 1)
        let z = GateStatistics.pairedBootstrapCI(differences: d, resamples: 500, alpha: 0.1, seed: 2)
        #expect(x == y)
        #expect(x != z)
        #expect(x.lower <= x.estimate && x.estimate <= x.upper)
    }

    @Test func nonInferiorityUsesTheLowerBound() {
        let ci = GateStatistics.Interval(estimate: -0.01, lower: -0.029, upper: 0.01, level: 0.95)
        #expect(GateStatistics.isNonInferior(ci, margin: 0.03))
        #expect(!GateStatistics.isNonInferior(ci, margin: 0.02))
        // Exactly at −margin is not enough (strict inequality).
        #expect(
            !GateStatistics.isNonInferior(
                GateStatistics.Interval(estimate: 0, lower: -0.03, upper: 0, level: 0.95), margin: 0.03))
    }

    @Test func pairedCounts() {
        let c = PairedCounts([(true, true), (true, false), (false, true), (false, true), (false, false)])
        #expect(c == PairedCounts(bothCorrect: 1, candidateOnly: 1, baselineOnly: 2, bothWrong: 1))
        #expect(c.candidateAccuracy == 0.4)
        #expect(c.baselineAccuracy == 0.6)
        #expect(abs(c.difference - -0.2) < 1e-15)
    }
}
