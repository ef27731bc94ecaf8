import Hashing
import InferenceCore
import JSON

/// The requests one item becomes: log-likelihood candidates sharing one context, or one
/// generation request.
public struct ItemRequests: Sendable, Hashable {
    /// The prompt (context) shared by every candidate, or the generation prompt.
    public var context: String
    /// Continuations scored by log-likelihood (empty for generative tasks).
    public var continuations: [String]
    /// Texts whose character length normalises `acc_norm` (the choice without the target
    /// delimiter, as lm-eval measures it).
    public var normalisationTexts: [String]
    /// Set for generative tasks.
    public var generation: GenerationRequest?

    public var loglikelihoodRequests: [LoglikelihoodRequest] {
        continuations.map { LoglikelihoodRequest(context: context, continuation: $0) }
    }
}

/// Turns suite items into prompts exactly as lm-evaluation-harness renders them.
///
/// - `multiple_choice` (lm-eval `mmlu` default template): description
///   "The following are multiple choice questions (with answers) about {subject}.\n\n", then per
///   few-shot example "{question}\nA. …\nB. …\nC. …\nD. …\nAnswer: {letter}\n\n", then the
///   item without its answer; continuations " A"…" D". The question is stripped of surrounding
///   whitespace (lm-eval's `question.strip()`), choices are used as written.
/// - `cloze` (lm-eval `mmlu_continuation`): description
///   "The following are questions (with answers) about {subject}.\n\n", examples
///   "Question: {question}\nAnswer: {choice}\n\n", continuations " {choice}".
/// - `classification`: optional instruction + "\n\n", examples "{template} {label}\n\n", then the
///   template; continuations " {label}".
/// - `generative`: examples "{template} {target}\n\n", then the template; greedy generation.
///
/// Few-shot examples: the first K items of the task's pool in file order — for choice tasks the
/// first K with the item's subject — never the item itself.
public enum PromptBuilder {
    /// Bumped whenever rendering changes; part of the prompt template hash.
    public static let version = "assay-prompts/1"

    /// Default `max_tokens` of generative tasks.
    public static let defaultMaxTokens = 32

    /// `subject` as written in the MMLU description line ("high_school_biology" → "high school biology").
    public static func subjectText(_ subject: String?) -> String {
        (subject ?? "").split(separator: "_", omittingEmptySubsequences: false).joined(separator: " ")
    }

    /// The few-shot examples for `item`.
    public static func fewshot(for item: SuiteItem, task: LoadedTask, shots: Int) -> [SuiteItem] {
        guard shots > 0 else { return [] }
        var chosen: [SuiteItem] = []
        for candidate in task.fewshot where candidate.id != item.id {
            if task.spec.kind == .multipleChoice || task.spec.kind == .cloze {
                guard candidate.subject == item.subject else { continue }
            }
            chosen.append(candidate)
            if chosen.count == shots { break }
        }
        return chosen
    }

    /// The requests for `item` with `shots` few-shot examples.
    public static func requests(for item: SuiteItem, task: LoadedTask, shots: Int) -> ItemRequests {
        let examples = fewshot(for: item, task: task, shots: shots)
        let spec = task.spec
        switch spec.kind {
        case .multipleChoice:
            var context =
                "The following are multiple choice questions (with answers) about \(subjectText(item.subject)).\n\n"
            for example in examples {
                context += letterBody(example) + " " + ChoiceLetters.letter(example.answerIndex ?? 0) + "\n\n"
            }
            context += letterBody(item)
            let letters = Array(ChoiceLetters.all.prefix(item.choices.count))
            return ItemRequests(
                context: context, continuations: letters.map { " " + $0 },
                normalisationTexts: letters, generation: nil)
        case .cloze:
            var context = "The following are questions (with answers) about \(subjectText(item.subject)).\n\n"
            for example in examples {
                let answer = example.answerIndex.map { example.choices[$0] } ?? ""
                context += clozeBody(example) + " " + answer + "\n\n"
            }
            context += clozeBody(item)
            return ItemRequests(
                context: context, continuations: item.choices.map { " " + $0 },
                normalisationTexts: item.choices, generation: nil)
        case .classification:
            var context = ""
            if let instruction = spec.instruction, !instruction.isEmpty { context += instruction + "\n\n" }
            let template = spec.template ?? ""
            for example in examples {
                context += Template.render(template, fields: example.fields) + " " + (example.label ?? "") + "\n\n"
            }
            context += Template.render(template, fields: item.fields)
            let labels = spec.labels ?? []
            return ItemRequests(
                context: context, continuations: labels.map { " " + $0 },
                normalisationTexts: labels, generation: nil)
        case .generative:
            var context = ""
            if let instruction = spec.instruction, !instruction.isEmpty { context += instruction + "\n\n" }
            let template = spec.template ?? ""
            for example in examples {
                context +=
                    Template.render(template, fields: example.fields) + " " + (example.targets.first ?? "") + "\n\n"
            }
            context += Template.render(template, fields: item.fields)
            let request = GenerationRequest(
                prompt: context, maxTokens: spec.maxTokens ?? defaultMaxTokens,
                stop: spec.stop ?? ["\n"], temperature: 0, topP: 1, seed: 0,
                addSpecial: true)
            return ItemRequests(context: context, continuations: [], normalisationTexts: [], generation: request)
        }
    }

    static func letterBody(_ item: SuiteItem) -> String {
        var text = trimmed(item.question ?? "")
        for (index, choice) in item.choices.enumerated() {
            text += "\n\(ChoiceLetters.letter(index)). \(choice)"
        }
        return text + "\nAnswer:"
    }

    static func clozeBody(_ item: SuiteItem) -> String {
        "Question: \(trimmed(item.question ?? ""))\nAnswer:"
    }

    /// Python's `str.strip()` (Unicode whitespace at both ends).
    static func trimmed(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    /// SHA-256 identifying how a task's prompts are rendered: the builder version plus every
    /// manifest field that shapes a prompt. Recorded with every run.
    public static func templateHash(_ spec: TaskSpec, shots: Int) -> String {
        let value: JSONValue = .object([
            "builder": .string(version), "kind": .string(spec.kind.rawValue), "shots": .integer(Int64(shots)),
            "template": spec.template.map { .string($0) } ?? .null,
            "instruction": spec.instruction.map { .string($0) } ?? .null,
            "labels": spec.labels.map { .array($0.map { .string($0) }) } ?? .null,
            "stop": spec.stop.map { .array($0.map { .string($0) }) } ?? .null,
            "max_tokens": spec.maxTokens.map { .integer(Int64($0)) } ?? .null
        ])
        return SHA256.hash((try? value.canonicalBytes()) ?? []).hex
    }
}
