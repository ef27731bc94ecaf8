import Foundation
import TestSupport
import Testing

@testable import Evaluation

/// Golden renders, written by hand from lm-evaluation-harness's documented MMLU templates
/// (`mmlu/default/_default_template_yaml`: description "The following are multiple choice
/// questions (with answers) about {subject}.\n\n", doc_to_text "{question.strip()}\nA. …\nAnswer:",
/// target delimiter " ", few-shot delimiter "\n\n", sampler first_n; `mmlu/continuation`:
/// "The following are questions (with answers) about {subject}.\n\n", "Question: …\nAnswer:").
struct PromptBuilderTests {
    static func item(_ id: String, _ subject: String, _ question: String, _ choices: [String], _ answer: Int)
        -> SuiteItem
    {
        SuiteItem(id: id, subject: subject, question: question, choices: choices, answerIndex: answer)
    }

    static let pool = [
        item(
            "d1", "high_school_biology", "What carries oxygen in blood?",
            ["Platelets", "Hemoglobin", "Plasma", "Insulin"], 1),
        item("d2", "astronomy", "Closest star to Earth?", ["Sun", "Sirius", "Vega", "Rigel"], 0),
        item("d3", "high_school_biology", " Where is DNA stored? ", ["Nucleus", "Ribosome", "Membrane", "Wall"], 0),
        item("d4", "high_school_biology", "Unused third example", ["a", "b", "c", "d"], 2)
    ]

    static let question = item(
        "q1", "high_school_biology", "  Which organelle makes ATP?\n",
        ["Mitochondrion", "Golgi body", "Lysosome", "Vacuole"], 0)

    static func task(_ kind: TaskKind) -> LoadedTask {
        LoadedTask(
            spec: TaskSpec(id: "t", kind: kind, items: "i.jsonl", fewshot: "d.jsonl"), items: [question], fewshot: pool)
    }

    @Test func mmluLetterZeroShot() {
        let r = PromptBuilder.requests(for: Self.question, task: Self.task(.multipleChoice), shots: 0)
        #expect(
            r.context == """
                The following are multiple choice questions (with answers) about high school biology.

                Which organelle makes ATP?
                A. Mitochondrion
                B. Golgi body
                C. Lysosome
                D. Vacuole
                Answer:
                """)
        #expect(r.continuations == [" A", " B", " C", " D"])
    }

    @Test func mmluLetterTwoShotUsesTheSameSubjectInFileOrder() {
        let r = PromptBuilder.requests(for: Self.question, task: Self.task(.multipleChoice), shots: 2)
        #expect(
            r.context == """
                The following are multiple choice questions (with answers) about high school biology.

                What carries oxygen in blood?
                A. Platelets
                B. Hemoglobin
                C. Plasma
                D. Insulin
                Answer: B

                Where is DNA stored?
                A. Nucleus
                B. Ribosome
                C. Membrane
                D. Wall
                Answer: A

                Which organelle makes ATP?
                A. Mitochondrion
                B. Golgi body
                C. Lysosome
                D. Vacuole
                Answer:
                """)
    }

    @Test func moreShotsThanThePoolHoldsUsesWhatThereIs() {
        let r = PromptBuilder.requests(for: Self.question, task: Self.task(.multipleChoice), shots: 5)
        #expect(r.context.components(separatedBy: "Answer: ").count - 1 == 3)
    }

    @Test func clozeAsMMLUContinuation() {
        let r = PromptBuilder.requests(for: Self.question, task: Self.task(.cloze), shots: 1)
        #expect(
            r.context == """
                The following are questions (with answers) about high school biology.

                Question: What carries oxygen in blood?
                Answer: Hemoglobin

                Question: Which organelle makes ATP?
                Answer:
                """)
        #expect(r.continuations == [" Mitochondrion", " Golgi body", " Lysosome", " Vacuole"])
        #expect(r.normalisationTexts == ["Mitochondrion", "Golgi body", "Lysosome", "Vacuole"])
    }

    @Test func classificationWithInstructionAndShots() {
        let spec = TaskSpec(
            id: "si", kind: .classification, items: "i", fewshot: "d", labels: ["billing", "refund"],
            template: "Message: {text}\nIntent:", instruction: "Route each message.")
        let pool = [SuiteItem(id: "p1", fields: ["text": "Charged twice"], label: "billing")]
        let item = SuiteItem(id: "x", fields: ["text": "Money back please"], label: "refund")
        let r = PromptBuilder.requests(for: item, task: LoadedTask(spec: spec, items: [item], fewshot: pool), shots: 1)
        #expect(
            r.context
                == "Route each message.\n\nMessage: Charged twice\nIntent: billing\n\nMessage: Money back please\nIntent:"
        )
        #expect(r.continuations == [" billing", " refund"])
    }

    @Test func generativeRequest() throws {
        let spec = TaskSpec(
            id: "fx", kind: .generative, items: "i", template: "{document}\n\nQuestion: {question}\nAnswer:",
            stop: ["\n"], maxTokens: 16, scoring: .exactMatch)
        let item = SuiteItem(
            id: "g", fields: ["document": "Invoice INV-7", "question": "Invoice number?"], targets: ["INV-7"])
        let r = PromptBuilder.requests(for: item, task: LoadedTask(spec: spec, items: [item], fewshot: []), shots: 0)
        let generation = try #require(r.generation)
        #expect(generation.prompt == "Invoice INV-7\n\nQuestion: Invoice number?\nAnswer:")
        #expect(generation.maxTokens == 16)
        #expect(generation.stop == ["\n"])
        #expect(generation.temperature == 0)
    }

    @Test func itemNeverServesAsItsOwnExample() {
        let task = LoadedTask(
            spec: TaskSpec(id: "t", kind: .multipleChoice, items: "i", fewshot: "i"),
            items: Self.pool, fewshot: Self.pool)
        let examples = PromptBuilder.fewshot(for: Self.pool[0], task: task, shots: 5)
        #expect(examples.map(\.id) == ["d3", "d4"])
    }

    @Test func templateHashChangesWithShotsAndTemplate() {
        let a = TaskSpec(id: "t", kind: .classification, items: "i", labels: ["x", "y"], template: "{text}")
        var b = a
        b.template = "{text}:"
        #expect(PromptBuilder.templateHash(a, shots: 0) != PromptBuilder.templateHash(a, shots: 1))
        #expect(PromptBuilder.templateHash(a, shots: 0) != PromptBuilder.templateHash(b, shots: 0))
        #expect(PromptBuilder.templateHash(a, shots: 0) == PromptBuilder.templateHash(a, shots: 0))
    }

    @Test(.enabled(if: Fixtures.referenceAvailableOrCI))
    func realMMLUFiveShotPromptForAbstractAlgebra() throws {
        let release = try Fixtures.require(Fixtures.reference("mmlu"))
        let tmp = TemporaryDirectory()
        let suite = try MMLU.importSuite(from: release, to: tmp.path("mmlu"))
        let task = try #require(suite.task("mmlu"))
        let item = try #require(task.items.first { $0.id == "abstract_algebra-val-1" })
        let r = PromptBuilder.requests(for: item, task: task, shots: 5)
        #expect(
            r.context.hasPrefix(
                "The following are multiple choice questions (with answers) about abstract algebra.\n\n"))
        #expect(
            r.context.hasSuffix(
                "The cyclic subgroup of Z_24 generated by 18 has order\nA. 4\nB. 8\nC. 12\nD. 6\nAnswer:"))
        #expect(r.context.components(separatedBy: "\nAnswer: ").count - 1 == 5)
    }
}
