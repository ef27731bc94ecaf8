import Foundation
import Testing

@testable import Governance

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Collects the structure of an XML document; fails on malformed input.
final class XMLCollector: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var attributes: [[String: String]] = []
    var text = ""

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        elements.append(elementName)
        attributes.append(attributeDict)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    static func parse(_ xml: String) -> XMLCollector? {
        let collector = XMLCollector()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }
}

struct RegressionGateTests {
    static let policy = Policy(
        version: 7, defaultTier: "medium",
        gate: GateSettings(alpha: 0.05, power: 0.8, bootstrapResamples: 2000, seed: 11),
        tiers: [
            "medium": RiskTier(
                requiredSuites: ["general-knowledge", "support-intents"],
                minimumMetrics: [MetricFloor(suite: "support-intents", metric: "acc", min: 0.3)],
                maxRegression: 0.03, latencyP95Ms: 1500, energyWhPer1000Items: 20)
        ])

    /// Outcomes for `a` both-correct, `b` candidate-only, `c` baseline-only, `d` both-wrong items,
    /// interleaved so the order of item ids does not group the cells.
    static func evidence(_ suite: String, a: Int, b: Int, c: Int, d: Int) -> SuiteEvidence {
        var cells: [(Bool, Bool)] = []
        cells += Array(repeating: (true, true), count: a)
        cells += Array(repeating: (true, false), count: b)
        cells += Array(repeating: (false, true), count: c)
        cells += Array(repeating: (false, false), count: d)
        var cand: [String: Bool] = [:]
        var base: [String: Bool] = [:]
        for (i, cell) in cells.enumerated() {
            let n = String((i * 37) % cells.count)
            let id = suite + "-" + String(repeating: "0", count: max(0, 4 - n.count)) + n
            cand[id] = cell.0
            base[id] = cell.1
        }
        return SuiteEvidence(
            suite: suite, candidateRunID: "run-c-\(suite)", baselineRunID: "run-b-\(suite)",
            candidateOutcomes: cand, baselineOutcomes: base)
    }

    static func input(_ suites: [SuiteEvidence], latency: Double? = 800, energy: Double? = 4.2) -> GateInput {
        GateInput(
            candidate: GateSubject(reference: "smollm2@q8_0", digest: String(repeating: "a", count: 64)),
            baseline: GateSubject(
                reference: "smollm2@f16", digest: String(repeating: "b", count: 64), via: "alias production"),
            suites: suites,
            candidatePerformance: PerformanceSummary(latencyP95Ms: latency, energyWhPer1000Items: energy))
    }

    @Test func faithfulVariantPasses() throws {
        let d = try RegressionGate.evaluate(
            Self.input([
                Self.evidence("general-knowledge", a: 80, b: 1, c: 1, d: 54),
                Self.evidence("support-intents", a: 110, b: 2, c: 1, d: 79)
            ]), policy: Self.policy)
        #expect(d.verdict == .pass, "\(d.reasons)")
        #expect(d.verdict.exitCode == 0)
        #expect(d.comparisons.count == 2)
        let gk = try #require(d.comparisons.first)
        #expect(gk.sharedItems == 136)
        #expect(gk.pValue == 1)
        #expect(gk.nonInferior)
        #expect(gk.candidateRunID == "run-c-general-knowledge")
        let si = d.comparisons[1]
        #expect(si.pValue == 1) // scipy binomtest(2, 3) = 1.0
        #expect(abs(si.difference.estimate - 1.0 / 192) < 1e-12)
        #expect(d.policyVersion == 7)
        #expect(d.tier == "medium")
    }

    @Test func damagedVariantIsARegression() throws {
        let d = try RegressionGate.evaluate(
            Self.input([
                Self.evidence("general-knowledge", a: 50, b: 3, c: 35, d: 48),
                Self.evidence("support-intents", a: 60, b: 4, c: 55, d: 73)
            ]), policy: Self.policy)
        #expect(d.verdict == .regression)
        #expect(d.verdict.exitCode == 1)
        let gk = d.comparisons[0]
        let si = d.comparisons[1]
        // scipy: binomtest(3, 38).pvalue, binomtest(4, 59).pvalue
        #expect(abs(gk.pValue - 6.677873898297548e-08) < 1e-18)
        #expect(abs(si.pValue - 1.6979681549678105e-12) < 1e-22)
        #expect(!gk.nonInferior && !si.nonInferior)
        #expect(gk.difference.upper < 0)
        #expect(gk.outcome == .regression && si.outcome == .regression)
        #expect(d.reasons.contains { $0.hasPrefix("support-intents/support-intents/acc:") })
        // support-intents accuracy = 64/192 = 0.333 ≥ 0.3: the floor itself passes.
        #expect(d.checks.first { $0.name == "support-intents/support-intents/acc/floor" }?.status == .pass)
    }

    @Test func missingSuiteIsAnError() throws {
        let d = try RegressionGate.evaluate(
            Self.input([Self.evidence("general-knowledge", a: 80, b: 1, c: 1, d: 54)]),
            policy: Self.policy)
        #expect(d.verdict == .error)
        #expect(d.verdict.exitCode == 2)
        #expect(d.checks.contains { $0.name == "support-intents/evidence" && $0.status == .error })
    }

    @Test func noSharedItemsIsAnError() throws {
        var e = Self.evidence("support-intents", a: 10, b: 0, c: 0, d: 0)
        e.baselineOutcomes = ["other": true]
        let d = try RegressionGate.evaluate(
            Self.input([Self.evidence("general-knowledge", a: 80, b: 1, c: 1, d: 54), e]),
            policy: Self.policy)
        #expect(d.verdict == .error)
    }

    @Test func latencyEnergyAndFloors() throws {
        let suites = [
            Self.evidence("general-knowledge", a: 80, b: 1, c: 1, d: 54),
            Self.evidence("support-intents", a: 40, b: 0, c: 0, d: 152)
        ]
        let slow = try RegressionGate.evaluate(Self.input(suites, latency: 1800, energy: 25), policy: Self.policy)
        // Rules not met without a paired regression: verdict fail (exit 1), not "regression".
        #expect(slow.verdict == .fail)
        #expect(slow.exitCode == 1)
        let failed = Set(slow.checks.filter { $0.status == .fail }.map(\.name))
        #expect(failed == ["latency-p95", "energy", "support-intents/support-intents/acc/floor"])

        let unmeasured = try RegressionGate.evaluate(
            Self.input(
                [
                    Self.evidence("general-knowledge", a: 80, b: 1, c: 1, d: 54),
                    Self.evidence("support-intents", a: 110, b: 2, c: 1, d: 79)
                ],
                latency: nil, energy: nil), policy: Self.policy)
        #expect(unmeasured.verdict == .pass)
        #expect(unmeasured.checks.filter { $0.status == .warn }.map(\.name).contains("energy"))
    }

    @Test func markdownStatesPValueAndMDE() throws {
        let d = try RegressionGate.evaluate(
            Self.input([
                Self.evidence("general-knowledge", a: 50, b: 3, c: 35, d: 48),
                Self.evidence("support-intents", a: 60, b: 4, c: 55, d: 73)
            ]), policy: Self.policy)
        let md = GateReport.markdown(d)
        #expect(md.contains("## Assay gate: REGRESSION"))
        #expect(md.contains("McNemar p = 6.68e-8"))
        #expect(md.contains("minimum detectable effect"))
        let mde = try #require(d.comparisons[0].minimumDetectableEffect)
        #expect(md.contains("\(Format.points(mde)) pts"))
        #expect(md.contains("alias production"))
    }

    @Test func junitIsWellFormedAndEscaped() throws {
        var input = Self.input([
            Self.evidence("general-knowledge", a: 50, b: 3, c: 35, d: 48)
        ])
        input.candidate.reference = "evil<&>\"'@1\u{01}"
        let d = try RegressionGate.evaluate(input, policy: Self.policy)
        let xml = GateReport.junitXML(d, elapsedSeconds: 1.5)
        let parsed = try #require(XMLCollector.parse(xml))
        #expect(parsed.elements.first == "testsuites")
        #expect(parsed.elements.filter { $0 == "testcase" }.count == d.checks.count)
        #expect(parsed.elements.contains("failure"))
        #expect(parsed.elements.contains("error"))
        let candidate = parsed.attributes.compactMap { $0["name"] == "candidate" ? $0["value"] : nil }
        #expect(candidate.first == "evil<&>\"'@1")
        // The comparison's numbers are properties of its own testcase.
        let props = parsed.attributes.compactMap { $0["name"] == "p_value" ? $0["value"] : nil }
        #expect(props == ["6.68e-8"])
        let cases = zip(parsed.elements, parsed.attributes).filter { $0.0 == "testcase" }.map(\.1)
        #expect(cases.allSatisfy { $0["time"] != nil })
        let gk = try #require(cases.first { $0["name"] == "general-knowledge/general-knowledge/acc" })
        #expect(gk["classname"] == "assay.gate.general-knowledge")
    }

    @Test func xmlTextEscapesReferencesAndDropsForbiddenCharacters() {
        #expect(XMLText.escape("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&#39;f")
        #expect(XMLText.escape("t\tn\nr\r\u{01}\u{1F}\u{FFFE}\u{FFFF} é") == "t\tn\nr\r é")
    }

    /// Issue 11 (JUnit part of issue 13): one testcase per (suite, task, metric) with stable
    /// names (no thresholds), classname per suite, numbers as properties and in the failure
    /// message, warnings skipped with their message.
    @Test func junitHasOneStableCasePerSuiteTaskMetric() throws {
        var letter = Self.evidence("general-knowledge", a: 50, b: 3, c: 35, d: 48)
        letter.task = "general-knowledge"
        var cloze = Self.evidence("general-knowledge", a: 80, b: 1, c: 1, d: 54)
        cloze.task = "general-knowledge-cloze"
        let d = try RegressionGate.evaluate(
            Self.input(
                [letter, cloze, Self.evidence("support-intents", a: 110, b: 2, c: 1, d: 79)],
                latency: nil), policy: Self.policy)
        let xml = GateReport.junitXML(d, elapsedSeconds: 2)
        let parsed = try #require(XMLCollector.parse(xml))
        let cases = zip(parsed.elements, parsed.attributes).filter { $0.0 == "testcase" }.map(\.1)
        let names = cases.compactMap { $0["name"] }
        for name in [
            "general-knowledge/general-knowledge/acc", "general-knowledge/general-knowledge-cloze/acc",
            "support-intents/support-intents/acc", "support-intents/support-intents/acc/floor", "latency-p95", "energy"
        ] {
            #expect(names.filter { $0 == name }.count == 1, "\(name) in \(names)")
        }
        #expect(!names.contains { $0.contains("≤") || $0.contains("≥") || $0.contains("0.3") })
        #expect(xml.contains("<failure message=\"acc difference"))
        #expect(xml.contains("McNemar p = 6.68e-8"))
        #expect(xml.contains("<skipped message=\"warning: latency was not measured"))
        #expect(xml.contains("<property name=\"threshold\" value=\"-0.0300\"/>"))
    }

    /// Issue 11 repro: letter and cloze share items; the gate compares them separately, never 2n "items".
    @Test func tasksAreComparedSeparatelyNeverPooled() throws {
        var letter = Self.evidence("general-knowledge", a: 2, b: 2, c: 0, d: 26)
        letter.task = "general-knowledge"
        letter.candidateOutcomes = Dictionary(uniqueKeysWithValues: letter.candidateOutcomes.map { ($0.key, $0.value) })
        var cloze = Self.evidence("general-knowledge", a: 16, b: 2, c: 0, d: 12)
        cloze.task = "general-knowledge-cloze"
        let d = try RegressionGate.evaluate(
            Self.input([letter, cloze, Self.evidence("support-intents", a: 110, b: 2, c: 1, d: 79)]),
            policy: Self.policy)
        let gk = d.comparisons.filter { $0.suite == "general-knowledge" }
        #expect(gk.map(\.task) == ["general-knowledge", "general-knowledge-cloze"])
        #expect(gk.allSatisfy { $0.sharedItems == 30 })
        #expect(abs(gk[0].candidateAccuracy - 4.0 / 30) < 1e-12)
        #expect(abs(gk[1].candidateAccuracy - 18.0 / 30) < 1e-12)
    }

    /// Issue 11 repro: +3.3 pts with a CI reaching below −margin is inconclusive (exit 3), never a
    /// regression; the policy decides whether inconclusive blocks.
    @Test func anImprovementIsNeverARegression() throws {
        var policy = Self.policy
        policy.tiers["medium"]?.maxRegression = 0.05
        policy.tiers["medium"]?.minimumMetrics = []
        // 60 items, candidate-only 5, baseline-only 3: +2/60 = +3.3 pts.
        let d = try RegressionGate.evaluate(
            Self.input([
                Self.evidence("general-knowledge", a: 20, b: 5, c: 3, d: 32),
                Self.evidence("support-intents", a: 110, b: 2, c: 1, d: 79)
            ]),
            policy: policy)
        let gk = try #require(d.comparisons.first)
        #expect(abs(gk.difference.estimate - 2.0 / 60) < 1e-12)
        #expect(gk.difference.lower <= -0.05 && gk.difference.upper > 0)
        #expect(gk.outcome == .inconclusive)
        #expect(d.verdict == .inconclusive)
        #expect(d.blocking && d.exitCode == 3)
        #expect(GateReport.markdown(d).contains("INCONCLUSIVE"))
        policy.gate.inconclusive = .allow
        let allowed = try RegressionGate.evaluate(
            Self.input([
                Self.evidence("general-knowledge", a: 20, b: 5, c: 3, d: 32),
                Self.evidence("support-intents", a: 110, b: 2, c: 1, d: 79)
            ]),
            policy: policy)
        #expect(allowed.verdict == .inconclusive && !allowed.blocking && allowed.exitCode == 0)
        // Exhaustively: any comparison with a non-negative estimate is never a regression.
        for b in 0...6 {
            for c in 0...b {
                let e = try RegressionGate.evaluate(
                    Self.input([
                        Self.evidence("general-knowledge", a: 10, b: b, c: c, d: 10),
                        Self.evidence("support-intents", a: 110, b: 2, c: 1, d: 79)
                    ]),
                    policy: policy)
                #expect(e.comparisons[0].outcome != .regression && e.verdict != .regression)
            }
        }
    }

    /// Latency measured under load is reported but not judged; remote energy is client-side only.
    @Test func latencyUnderLoadAndRemoteEnergyAreNotJudged() throws {
        var input = Self.input(
            [
                Self.evidence("general-knowledge", a: 80, b: 1, c: 1, d: 54),
                Self.evidence("support-intents", a: 110, b: 2, c: 1, d: 79)
            ], latency: 9000, energy: 0.006)
        input.candidatePerformance.underLoad = "load average up to 12.9 on 2 CPU(s) while the run used 1 thread(s)"
        input.candidatePerformance.clientSideEnergyOnly = true
        let d = try RegressionGate.evaluate(input, policy: Self.policy)
        #expect(d.verdict == .pass, "\(d.reasons)")
        #expect(d.checks.first { $0.name == "latency-p95" }?.status == .warn)
        #expect(d.checks.first { $0.name == "latency-p95" }?.detail.contains("under load") == true)
        #expect(d.checks.first { $0.name == "energy" }?.detail.contains("client-side only") == true)
        input.candidatePerformance.measuredItems = 0
        input.candidatePerformance.underLoad = nil
        let unmeasured = try RegressionGate.evaluate(input, policy: Self.policy)
        #expect(unmeasured.checks.first { $0.name == "latency-p95" }?.status == .warn)
    }

    @Test func jsonRoundTrips() throws {
        let d = try RegressionGate.evaluate(
            Self.input([
                Self.evidence("general-knowledge", a: 80, b: 1, c: 1, d: 54),
                Self.evidence("support-intents", a: 110, b: 2, c: 1, d: 79)
            ]), policy: Self.policy)
        let text = try GateReport.json(d)
        let back = try JSONDecoder().decode(GateDecision.self, from: Data(text.utf8))
        #expect(back == d)
        #expect(text.contains("\"verdict\" : \"pass\""))
    }

    @Test func formatting() {
        #expect(Format.signedPoints(-0.0234) == "−2.3")
        #expect(Format.signedPoints(0.01) == "+1.0")
        #expect(Format.pValue(0.03515625) == "0.0352")
        #expect(Format.pValue(1.6979681549678105e-12) == "1.70e-12")
        #expect(Format.fixed(-0.0001, 2) == "0.00")
        #expect(Format.number(0.3) == "0.300")
    }
}
