import DatasetQuality
import Foundation
import TestSupport
import Testing

/// Issue 14, acceptance 3: near duplicates on a generated set with known clusters: recall ≥ 0.95
/// at the default threshold (0.8); precision reported.
struct NearDuplicateAcceptanceTests {
    static func shingles(_ words: [String]) -> Set<String> {
        guard words.count >= 5 else { return [words.joined(separator: " ")] }
        return Set((0...(words.count - 5)).map { words[$0..<($0 + 5)].joined(separator: " ") })
    }

    static func jaccard(_ a: [String], _ b: [String]) -> Double {
        let x = shingles(a)
        let y = shingles(b)
        return Double(x.intersection(y).count) / Double(x.union(y).count)
    }

    @Test func recallOnKnownClusters() throws {
        var rng = SeededRandom(seed: 3)
        var records: [[String]] = []
        var family: [Int] = []
        // 1,500 distinct records; 300 of them get 1–3 light variants (a word changed, inserted
        // or dropped near a random place, or case and punctuation changes).
        for f in 0..<1_500 {
            let base = (0..<Int.random(in: 60...140, using: &rng)).map { _ in SyntheticText.word(&rng) }
            records.append(base)
            family.append(f)
            guard f % 5 == 0 else { continue }
            for v in 0..<(1 + f % 3) {
                var w = base
                let at = Int.random(in: 0..<w.count, using: &rng)
                switch (f + v) % 4 {
                case 0: w[at] = SyntheticText.word(&rng)
                case 1: w.insert(SyntheticText.word(&rng), at: at)
                case 2: w.remove(at: at)
                default:
                    w[at] = w[at].uppercased() + ","
                    w.append(SyntheticText.word(&rng))
                }
                records.append(w)
                family.append(f)
            }
        }
        let dir = TemporaryDirectory("ds-near")
        let file = dir.path("near.jsonl")
        try Data(
            (records.map { SyntheticText.jsonLine(["text": $0.joined(separator: " ")]) }.joined(separator: "\n") + "\n")
                .utf8
        ).write(to: file)
        var options = DatasetCheckOptions()
        options.keepClusterMembers = true
        let report = try DatasetChecker.check(
            dataset: "near@1", digest: "", license: "MIT", declaredPII: false,
            files: [DatasetFileInput(relativePath: "near.jsonl", url: file)], suites: [], options: options)
        // Detected: record index → cluster id.
        var cluster: [Int: Int] = [:]
        for (c, members) in (report.nearDuplicates.clusterMembers ?? []).enumerated() {
            for m in members { cluster[m.line - 1] = c }
        }
        // Truth: pairs of one family whose exact shingle Jaccard is ≥ 0.8.
        var truth = 0
        var detected = 0
        var byFamily: [Int: [Int]] = [:]
        for (i, f) in family.enumerated() { byFamily[f, default: []].append(i) }
        for members in byFamily.values where members.count > 1 {
            for a in 0..<members.count {
                for b in (a + 1)..<members.count where Self.jaccard(records[members[a]], records[members[b]]) >= 0.8 {
                    truth += 1
                    if let ca = cluster[members[a]], ca == cluster[members[b]] { detected += 1 }
                }
            }
        }
        // Precision: pairs put together by the detector that come from one family.
        var together = 0
        var right = 0
        for members in report.nearDuplicates.clusterMembers ?? [] {
            let idx = members.map { $0.line - 1 }
            for a in 0..<idx.count {
                for b in (a + 1)..<idx.count {
                    together += 1
                    if family[idx[a]] == family[idx[b]] { right += 1 }
                }
            }
        }
        let recall = Double(detected) / Double(max(1, truth))
        let precision = Double(right) / Double(max(1, together))
        print(
            "acceptance 3: \(records.count) records, \(truth) true near-duplicate pairs (J ≥ 0.8), recall \(recall), precision \(precision) over \(together) detected pairs; \(report.nearDuplicates.clusters) clusters"
        )
        #expect(truth > 300)
        #expect(recall >= 0.95)
        #expect(precision >= 0.95)
        #expect(report.exactDuplicates.duplicateRecords == 0)
    }
}
