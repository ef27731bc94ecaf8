import Foundation
import InferenceCore

/// Wall-clock accounting of one item: its requests' timings summed (time to first token from
/// the first request), in the same form.
public typealias ItemTiming = RequestTiming

extension RequestTiming {
    /// Adds one of the item's requests.
    mutating func add(_ t: RequestTiming, first: Bool) {
        prefillTokens += t.prefillTokens
        reusedTokens += t.reusedTokens
        prefillSeconds += t.prefillSeconds
        decodeTokens += t.decodeTokens
        decodeSeconds += t.decodeSeconds
        if first { timeToFirstTokenSeconds = t.timeToFirstTokenSeconds }
        totalSeconds += t.totalSeconds
    }
}

/// Everything recorded about one scored item (one line of the per-item JSONL).
public struct ItemResult: Sendable, Hashable, Codable {
    public var task: String
    public var item: String
    /// Position of the item in its task's file (0-based); results are listed in this order.
    public var index: Int
    public var subject: String?
    public var category: String?
    public var cluster: String?
    /// Predicted letter / label, or the (extracted) generated answer.
    public var prediction: String
    /// Reference answer (letter, label or first target).
    public var target: String
    public var correct: Bool
    /// 1/0 for accuracy-like metrics, token F1 for `f1`.
    public var score: Double
    /// acc_norm's prediction and correctness (log-likelihood tasks).
    public var predictionNorm: String?
    public var correctNorm: Bool?
    /// Per-candidate summed log-likelihoods, in choice/label order.
    public var logLikelihoods: [Double]?
    public var greedy: [Bool]?
    /// Generated text before extraction (generative tasks).
    public var generated: String?
    public var contextTokens: Int
    public var continuationTokens: [Int]?
    public var generatedTokens: Int?
    public var timing: ItemTiming
    /// True when every request came from the request cache (timing is then not measured).
    public var cached: Bool
    /// True for the warm-up items of the process that computed them (left out of latency).
    public var warmup: Bool? = nil

    enum CodingKeys: String, CodingKey {
        case task, item, index, subject, category, cluster, prediction, target, correct, score
        case predictionNorm = "prediction_norm"
        case correctNorm = "correct_norm"
        case logLikelihoods = "loglikelihoods"
        case greedy, generated
        case contextTokens = "context_tokens"
        case continuationTokens = "continuation_tokens"
        case generatedTokens = "generated_tokens"
        case timing, cached, warmup
    }
}

/// Scoring of single items.
public enum Scorer {
    /// Index of the largest value (the first one on ties, like numpy's argmax).
    public static func argmax(_ values: [Double]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }

    /// Scores a log-likelihood item (multiple_choice, cloze, classification).
    public static func scoreLoglikelihood(
        item: SuiteItem, task: TaskSpec, index: Int,
        requests: ItemRequests, results: [LoglikelihoodResult],
        cached: Bool
    ) -> ItemResult {
        let lls = results.map(\.logLikelihood)
        let pred = argmax(lls)
        let normalised = zip(lls, requests.normalisationTexts).map { ll, text in
            ll / Double(max(1, text.unicodeScalars.count))
        }
        let predNorm = argmax(normalised)
        let names: [String]
        let gold: Int
        switch task.kind {
        case .classification:
            names = task.labels ?? []
            gold = names.firstIndex(of: item.label ?? "") ?? -1
        default:
            names = Array(ChoiceLetters.all.prefix(lls.count))
            gold = item.answerIndex ?? -1
        }
        var timing = ItemTiming.zero
        for (i, r) in results.enumerated() { timing.add(r.timing, first: i == 0) }
        return ItemResult(
            task: task.id, item: item.id, index: index, subject: item.subject, category: item.fields["category"],
            cluster: item.cluster, prediction: names.indices.contains(pred) ? names[pred] : "?",
            target: item.referenceAnswer, correct: pred == gold, score: pred == gold ? 1 : 0,
            predictionNorm: names.indices.contains(predNorm) ? names[predNorm] : "?", correctNorm: predNorm == gold,
            logLikelihoods: lls, greedy: results.map(\.isGreedy), generated: nil,
            contextTokens: results.first?.contextTokenCount ?? 0,
            continuationTokens: results.map(\.continuationTokenCount), generatedTokens: nil,
            timing: timing, cached: cached)
    }

    /// Scores a generative item.
    public static func scoreGeneration(
        item: SuiteItem, task: TaskSpec, index: Int, result: GenerationResult,
        cached: Bool
    ) -> ItemResult {
        let scoring = task.scoring ?? .exactMatch
        let extracted = extract(result.text, regex: task.regex)
        let score: Double
        switch scoring {
        case .exactMatch, .regex:
            score = item.targets.contains { normaliseExact($0) == normaliseExact(extracted) } ? 1 : 0
        case .numeric:
            if let value = firstNumber(in: extracted) {
                score = item.targets.contains { firstNumber(in: $0).map { numbersEqual($0, value) } ?? false } ? 1 : 0
            } else {
                score = 0
            }
        case .f1:
            score = item.targets.map { tokenF1(prediction: extracted, reference: $0) }.max() ?? 0
        }
        var timing = ItemTiming.zero
        timing.add(result.timing, first: true)
        return ItemResult(
            task: task.id, item: item.id, index: index, subject: item.subject, category: item.fields["category"],
            cluster: item.cluster, prediction: normaliseExact(extracted), target: item.referenceAnswer,
            correct: score >= 1, score: score, predictionNorm: nil, correctNorm: nil, logLikelihoods: nil,
            greedy: nil, generated: result.text, contextTokens: result.promptTokenCount, continuationTokens: nil,
            generatedTokens: result.tokens.count, timing: timing, cached: cached)
    }

    /// The first capture group of `regex` in `text` (the whole match when the pattern has no
    /// group); the empty string when nothing matches. Without a regex, `text` itself.
    public static func extract(_ text: String, regex: String?) -> String {
        guard let regex else { return text }
        guard let expression = try? NSRegularExpression(pattern: regex) else { return "" }
        let range = NSRange(text.startIndex..., in: text)
        guard let match = expression.firstMatch(in: text, range: range) else { return "" }
        let group = match.numberOfRanges > 1 ? 1 : 0
        guard let r = Range(match.range(at: group), in: text) else { return "" }
        return String(text[r])
    }

    /// exact_match normalisation: surrounding whitespace and one trailing "." removed.
    public static func normaliseExact(_ text: String) -> String {
        var t = PromptBuilder.trimmed(text)
        if t.hasSuffix(".") {
            t.removeLast()
            t = PromptBuilder.trimmed(t)
        }
        return t
    }

    /// The first number in `text` ("1,234.50", "-3", "$12"), thousands separators removed.
    public static func firstNumber(in text: String) -> Double? {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            let startsNumber =
                ("0"..."9").contains(c)
                || (c == "-" && i + 1 < scalars.count && ("0"..."9").contains(scalars[i + 1]))
            if startsNumber {
                var digits = ""
                if c == "-" {
                    digits = "-"
                    i += 1
                }
                var seenDot = false
                while i < scalars.count {
                    let d = scalars[i]
                    if ("0"..."9").contains(d) {
                        digits.unicodeScalars.append(d)
                    } else if d == ",", i + 1 < scalars.count, ("0"..."9").contains(scalars[i + 1]) {
                        // thousands separator
                    } else if d == ".", !seenDot, i + 1 < scalars.count, ("0"..."9").contains(scalars[i + 1]) {
                        seenDot = true
                        digits.unicodeScalars.append(d)
                    } else {
                        break
                    }
                    i += 1
                }
                return Double(digits)
            }
            i += 1
        }
        return nil
    }

    static func numbersEqual(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
    }

    /// SQuAD-style token F1: lower-cased, punctuation and the articles a/an/the removed,
    /// whitespace-split bag-of-tokens overlap.
    public static func tokenF1(prediction: String, reference: String) -> Double {
        let p = f1Tokens(prediction)
        let r = f1Tokens(reference)
        if p.isEmpty || r.isEmpty { return p.isEmpty && r.isEmpty ? 1 : 0 }
        var counts: [String: Int] = [:]
        for t in r { counts[t, default: 0] += 1 }
        var common = 0
        for t in p where counts[t, default: 0] > 0 {
            counts[t]! -= 1
            common += 1
        }
        guard common > 0 else { return 0 }
        let precision = Double(common) / Double(p.count)
        let recall = Double(common) / Double(r.count)
        return 2 * precision * recall / (precision + recall)
    }

    static func f1Tokens(_ text: String) -> [String] {
        var cleaned = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.generalCategory.isPunctuation { continue }
            cleaned.unicodeScalars.append(scalar)
        }
        return cleaned.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            .filter { $0 != "a" && $0 != "an" && $0 != "the" }
    }
}

extension Unicode.GeneralCategory {
    var isPunctuation: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol,
            .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }
}

/// Per-label precision, recall and F1 plus the confusion matrix of a classification task.
public struct ClassificationReport: Sendable, Hashable, Codable {
    public struct LabelScores: Sendable, Hashable, Codable {
        public var label: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// Items whose gold label is this one.
        public var support: Int
    }

    public var labels: [String]
    public var perLabel: [LabelScores]
    public var macroF1: Double
    /// `confusion[g][p]`: items with gold label `labels[g]` predicted as `labels[p]`.
    public var confusion: [[Int]]

    enum CodingKeys: String, CodingKey {
        case labels, confusion
        case perLabel = "per_label"
        case macroF1 = "macro_f1"
    }

    /// Builds the report from (gold, predicted) label pairs.
    public init(labels: [String], pairs: [(gold: String, predicted: String)]) {
        self.labels = labels
        var index: [String: Int] = [:]
        for (i, l) in labels.enumerated() { index[l] = i }
        var confusion = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
        for pair in pairs {
            guard let g = index[pair.gold], let p = index[pair.predicted] else { continue }
            confusion[g][p] += 1
        }
        self.confusion = confusion
        var scores: [LabelScores] = []
        for (i, label) in labels.enumerated() {
            let tp = Double(confusion[i][i])
            let predicted = Double(confusion.reduce(0) { $0 + $1[i] })
            let support = confusion[i].reduce(0, +)
            let precision = predicted > 0 ? tp / predicted : 0
            let recall = support > 0 ? tp / Double(support) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            scores.append(LabelScores(label: label, precision: precision, recall: recall, f1: f1, support: support))
        }
        perLabel = scores
        // Macro average over the labels that occur as gold or prediction (sklearn's default
        // averages over labels present in either).
        let used = labels.indices.filter { i in scores[i].support > 0 || confusion.contains { $0[i] > 0 } }
        macroF1 = used.isEmpty ? 0 : used.map { scores[$0].f1 }.reduce(0, +) / Double(used.count)
    }
}
