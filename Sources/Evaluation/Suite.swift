import Foundation

/// How a task turns items into requests and scores them (`assay-suite/1`, docs/SUITE_FORMAT).
public enum TaskKind: String, Sendable, Codable, CaseIterable {
    /// MMLU letter format: continuations " A".." D".
    case multipleChoice = "multiple_choice"
    /// lm-eval `mmlu_continuation` style: continuations are " {choice text}".
    case cloze
    /// Log-likelihood over a label set.
    case classification
    /// Greedy generation until a stop string, then string scoring.
    case generative

    /// True when the task is scored by comparing log-likelihoods of candidate continuations.
    public var isLoglikelihood: Bool { self != .generative }
}

/// How a generative task compares the generated text with its targets.
public enum GenerativeScoring: String, Sendable, Codable, CaseIterable {
    case exactMatch = "exact_match"
    case regex
    case numeric
    case f1
}

/// One task of a suite manifest, as written in `suite.json`.
public struct TaskSpec: Sendable, Hashable, Codable {
    public var id: String
    public var kind: TaskKind
    /// Item file, relative to the suite directory.
    public var items: String
    /// Optional few-shot pool, relative to the suite directory; used in file order.
    public var fewshot: String?
    public var defaultShots: Int = 0
    public var description: String?
    /// classification: the label set, in display order.
    public var labels: [String]?
    /// classification / generative: prompt with `{field}` placeholders.
    public var template: String?
    /// classification: optional line prepended once before the examples.
    public var instruction: String?
    /// generative
    public var stop: [String]?
    public var maxTokens: Int?
    public var scoring: GenerativeScoring?
    public var regex: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, items, fewshot, description, labels, template, instruction, stop, scoring, regex
        case defaultShots = "default_shots"
        case maxTokens = "max_tokens"
    }
}

extension TaskSpec {
    /// Only `id`, `kind` and `items` are required; a missing `default_shots` keeps its default (0).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id), kind: try c.decode(TaskKind.self, forKey: .kind),
            items: try c.decode(String.self, forKey: .items))
        fewshot = try c.decodeIfPresent(String.self, forKey: .fewshot)
        defaultShots = try c.decodeIfPresent(Int.self, forKey: .defaultShots) ?? defaultShots
        description = try c.decodeIfPresent(String.self, forKey: .description)
        labels = try c.decodeIfPresent([String].self, forKey: .labels)
        template = try c.decodeIfPresent(String.self, forKey: .template)
        instruction = try c.decodeIfPresent(String.self, forKey: .instruction)
        stop = try c.decodeIfPresent([String].self, forKey: .stop)
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens)
        scoring = try c.decodeIfPresent(GenerativeScoring.self, forKey: .scoring)
        regex = try c.decodeIfPresent(String.self, forKey: .regex)
    }
}

/// `suite.json`.
public struct SuiteManifest: Sendable, Hashable, Codable {
    /// The only format this version understands.
    public static let currentFormat = "assay-suite/1"

    public var format: String = SuiteManifest.currentFormat
    public var id: String
    public var version: String
    public var title: String
    public var description: String
    public var license: String
    public var source: String
    public var tasks: [TaskSpec]
}

/// One item of a task, validated against its task's kind.
public struct SuiteItem: Sendable, Hashable {
    public var id: String
    /// 1-based line in its JSONL file.
    public var line: Int = 0
    /// Items sharing a passage (cluster-robust SEM); nil when the item stands alone.
    public var cluster: String?
    /// Every top-level string member of the item, for `{field}` placeholders.
    public var fields: [String: String] = [:]
    /// multiple_choice / cloze
    public var subject: String?
    public var question: String?
    public var choices: [String] = []
    /// Index of the correct choice (answer letter A–D → 0–3).
    public var answerIndex: Int?
    /// classification
    public var label: String?
    /// generative: `target` followed by `aliases`.
    public var targets: [String] = []

    /// The reference answer as text: the answer letter, the label, or the first target.
    public var referenceAnswer: String {
        if let answerIndex { return ChoiceLetters.letter(answerIndex) }
        if let label { return label }
        return targets.first ?? ""
    }
}

/// A task with its items and few-shot pool loaded.
public struct LoadedTask: Sendable {
    public var spec: TaskSpec
    public var items: [SuiteItem]
    public var fewshot: [SuiteItem]
}

/// A validated suite: manifest, tasks and the content digest that pins every result.
public struct Suite: Sendable {
    /// A file of the suite and its SHA-256 (hex).
    public struct File: Sendable, Hashable, Codable {
        public var relativePath: String
        public var sha256: String
        public var size: Int64
    }

    public var manifest: SuiteManifest
    /// Where the files were read from.
    public var directory: URL
    /// SHA-256 over the sorted (relative path, sha256) list of every file (see `SuiteDigest`).
    public var digest: String
    public var files: [File]
    public var tasks: [LoadedTask]

    public var id: String { manifest.id }
    public var version: String { manifest.version }

    /// The task with `id`, if any.
    public func task(_ id: String) -> LoadedTask? { tasks.first { $0.spec.id == id } }
}

/// Answer letters of four-choice items.
public enum ChoiceLetters {
    public static let all = ["A", "B", "C", "D"]

    public static func letter(_ index: Int) -> String {
        all.indices.contains(index) ? all[index] : "?"
    }

    public static func index(of letter: String) -> Int? { all.firstIndex(of: letter) }
}

/// Why a suite was rejected: the file (relative to the suite directory), the 1-based line when
/// the problem is on one line, and the reason.
public struct SuiteError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var reason: String

    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}
