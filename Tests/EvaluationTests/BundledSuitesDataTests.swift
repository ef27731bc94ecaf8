import Foundation
import TestSupport
import Testing

// Data-quality checks for the suites shipped in Benchmarks/Suites. They read the files with
// Foundation alone (not through the Evaluation module), so they judge the data itself: every line
// parses, ids are unique, nothing is duplicated or leaks from the few-shot pool into the test
// items, labels and answer letters are balanced, and every extraction target is in its document.
// The checks are driven by each task's `kind`, so a suite added later is held to the same rules.

/// A problem found in a bundled suite file, naming the file and the 1-based line.
private struct SuiteDataProblem: Error, CustomStringConvertible {
    let file: String
    let line: Int
    let reason: String

    var description: String { "\(file):\(line): \(reason)" }
}

/// `suite.json` as written by hand (format `assay-suite/1`), decoded with snake_case keys.
private struct SuiteManifestData: Decodable {
    struct Task: Decodable {
        let id: String
        let kind: String
        let items: String
        let fewshot: String?
        let defaultShots: Int?
        let labels: [String]?
        let template: String?
        let instruction: String?
        let stop: [String]?
        let maxTokens: Int?
        let scoring: String?
        let regex: String?
    }

    let format: String
    let id: String
    let version: String
    let title: String
    let description: String
    let license: String
    let source: String
    let tasks: [Task]
}

/// A multiple-choice or cloze item.
private struct ChoiceItemData: Decodable {
    let id: String
    let subject: String
    let question: String
    let choices: [String]
    let answer: String
}

/// A classification item.
private struct LabelledItemData: Decodable {
    let id: String
    let text: String
    let label: String
}

/// A generative (field extraction) item.
private struct ExtractionItemData: Decodable {
    let id: String
    let cluster: String
    let document: String
    let question: String
    let field: String
    let target: String
    let aliases: [String]?
}

/// Reading the bundled suites from the package checkout.
private enum BundledSuites {
    static let root = Fixtures.packageRoot.appendingPathComponent("Benchmarks/Suites")

    /// The suites this repository promises to ship.
    static let required = ["general-knowledge", "support-intents", "field-extraction"]

    static let knownKinds: Set<String> = ["multiple_choice", "cloze", "classification", "generative"]
    static let knownScorings: Set<String> = ["exact_match", "regex", "numeric", "f1"]

    /// Every directory under Benchmarks/Suites (each must be a suite).
    static func all() throws -> [String] {
        let entries = try FileManager.default.contentsOfDirectory(
            at: root, includingPropertiesForKeys: [.isDirectoryKey])
        return try entries.filter {
            try $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory == true
        }.map(\.lastPathComponent).sorted()
    }

    static func directory(_ suite: String) -> URL { root.appendingPathComponent(suite) }

    static func manifest(_ suite: String) throws -> SuiteManifestData {
        let data = try Data(contentsOf: directory(suite).appendingPathComponent("suite.json"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(SuiteManifestData.self, from: data)
    }

    /// The lines of a JSONL file with their 1-based numbers; rejects blank lines, CR line ends
    /// and a missing final newline.
    static func lines(_ url: URL) throws -> [(number: Int, text: String)] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let name = url.lastPathComponent
        guard !text.isEmpty else { throw SuiteDataProblem(file: name, line: 0, reason: "empty file") }
        guard text.hasSuffix("\n") else {
            throw SuiteDataProblem(file: name, line: 0, reason: "no newline at end of file")
        }
        var result: [(number: Int, text: String)] = []
        let rows = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        for (index, row) in rows.enumerated() {
            let number = index + 1
            if row.trimmingCharacters(in: .whitespaces).isEmpty {
                throw SuiteDataProblem(file: name, line: number, reason: "blank line")
            }
            if row.contains("\r") {
                throw SuiteDataProblem(file: name, line: number, reason: "carriage return")
            }
            result.append((number, String(row)))
        }
        return result
    }

    /// Every line decoded as `T`; the first failure names its file and line.
    static func decode<T: Decodable>(_ type: T.Type, _ url: URL) throws -> [T] {
        let decoder = JSONDecoder()
        return try lines(url).map { line in
            do {
                return try decoder.decode(T.self, from: Data(line.text.utf8))
            } catch {
                throw SuiteDataProblem(
                    file: url.lastPathComponent, line: line.number,
                    reason: "cannot decode \(T.self): \(error)")
            }
        }
    }

    /// (suite, task) pairs of one kind across all bundled suites.
    static func tasks(ofKind kind: String) throws -> [(suite: String, task: SuiteManifestData.Task)] {
        try all().flatMap { suite in
            try manifest(suite).tasks.filter { $0.kind == kind }.map { (suite, $0) }
        }
    }

    static func items<T: Decodable>(_ type: T.Type, suite: String, path: String) throws -> [T] {
        try decode(type, directory(suite).appendingPathComponent(path))
    }
}

/// Lowercased with runs of whitespace collapsed to one space: the form used to find duplicates.
private func normalizedForDuplicates(_ text: String) -> String {
    text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
}

/// The `{name}` placeholders of a template; as in the suite format, a name is `[A-Za-z0-9_]+` and
/// any other brace is literal text.
private func templatePlaceholders(_ template: String) -> Set<String> {
    var names: Set<String> = []
    var rest = template[...]
    while let range = rest.range(of: "\\{[A-Za-z0-9_]+\\}", options: .regularExpression) {
        names.insert(String(rest[range].dropFirst().dropLast()))
        rest = rest[range.upperBound...]
    }
    return names
}

/// Values that occur more than once.
private func duplicates(_ values: [String]) -> [String] {
    var counts: [String: Int] = [:]
    for value in values { counts[value, default: 0] += 1 }
    return counts.filter { $0.value > 1 }.map(\.key).sorted()
}

struct BundledSuitesDataTests {
    // MARK: Manifests and raw lines

    @Test func requiredSuitesArePresent() throws {
        let present = try BundledSuites.all()
        for suite in BundledSuites.required {
            #expect(present.contains(suite), "missing bundled suite \(suite)")
        }
    }

    @Test func manifestsFollowTheFormat() throws {
        for suite in try BundledSuites.all() {
            let manifest = try BundledSuites.manifest(suite)
            #expect(manifest.format == "assay-suite/1", "\(suite)")
            #expect(manifest.id == suite, "manifest id \(manifest.id) differs from directory \(suite)")
            #expect(manifest.id.range(of: "^[a-z0-9][a-z0-9._-]*$", options: .regularExpression) != nil)
            #expect(manifest.version.range(of: "^[0-9]+\\.[0-9]+\\.[0-9]+$", options: .regularExpression) != nil)
            #expect(manifest.license == "Apache-2.0", "\(suite)")
            #expect(manifest.source == "Written by the Assay authors", "\(suite)")
            #expect(!manifest.title.isEmpty && !manifest.description.isEmpty, "\(suite)")
            #expect(!manifest.tasks.isEmpty, "\(suite) has no tasks")
            #expect(duplicates(manifest.tasks.map(\.id)).isEmpty, "\(suite) repeats a task id")

            for task in manifest.tasks {
                let context = "\(suite)/\(task.id)"
                #expect(BundledSuites.knownKinds.contains(task.kind), "\(context): kind \(task.kind)")
                let files = [task.items] + (task.fewshot.map { [$0] } ?? [])
                for file in files {
                    let url = BundledSuites.directory(suite).appendingPathComponent(file)
                    #expect(Fixtures.exists(url), "\(context): missing \(file)")
                }
                if let shots = task.defaultShots { #expect(shots >= 0, "\(context)") }
                switch task.kind {
                case "classification":
                    let labels = try #require(task.labels, "\(context): no labels")
                    #expect(labels.count >= 2 && duplicates(labels).isEmpty, "\(context): labels \(labels)")
                    #expect(labels.allSatisfy { !$0.isEmpty && !$0.contains(" ") }, "\(context)")
                    let template = try #require(task.template, "\(context): no template")
                    #expect(!templatePlaceholders(template).isEmpty, "\(context): template has no field")
                case "generative":
                    let template = try #require(task.template, "\(context): no template")
                    #expect(!templatePlaceholders(template).isEmpty, "\(context): template has no field")
                    #expect(task.stop?.isEmpty == false, "\(context): no stop strings")
                    #expect((task.maxTokens ?? 0) > 0, "\(context): max_tokens")
                    #expect(BundledSuites.knownScorings.contains(task.scoring ?? ""), "\(context): scoring")
                default:
                    break
                }
            }
        }
    }

    @Test func everyLineParsesAndIdsAreUnique() throws {
        for suite in try BundledSuites.all() {
            for task in try BundledSuites.manifest(suite).tasks {
                var idsOfTask: [String] = []
                for file in [task.items] + (task.fewshot.map { [$0] } ?? []) {
                    let url = BundledSuites.directory(suite).appendingPathComponent(file)
                    for line in try BundledSuites.lines(url) {
                        let object = try JSONSerialization.jsonObject(with: Data(line.text.utf8))
                        let record = try #require(
                            object as? [String: Any], "\(suite)/\(file):\(line.number): not an object")
                        let id = try #require(record["id"] as? String, "\(suite)/\(file):\(line.number): no string id")
                        #expect(!id.isEmpty)
                        idsOfTask.append(id)
                    }
                }
                // Unique across the test items and the few-shot pool of the task.
                #expect(duplicates(idsOfTask).isEmpty, "\(suite)/\(task.id): duplicate ids \(duplicates(idsOfTask))")
            }
        }
    }

    // MARK: Multiple choice and cloze

    @Test(arguments: ["multiple_choice", "cloze"])
    func choiceTasksAreWellFormedAndBalanced(kind: String) throws {
        let tasks = try BundledSuites.tasks(ofKind: kind)
        if kind == "multiple_choice" { #expect(!tasks.isEmpty) }
        for (suite, task) in tasks {
            let context = "\(suite)/\(task.id)"
            let test = try BundledSuites.items(ChoiceItemData.self, suite: suite, path: task.items)
            let pool =
                try task.fewshot.map {
                    try BundledSuites.items(ChoiceItemData.self, suite: suite, path: $0)
                } ?? []
            #expect(test.count >= 100, "\(context): only \(test.count) items")

            for item in test + pool {
                #expect(!item.question.trimmingCharacters(in: .whitespaces).isEmpty, "\(item.id)")
                #expect(item.subject.range(of: "^[a-z][a-z_]*$", options: .regularExpression) != nil, "\(item.id)")
                #expect(item.choices.count == 4, "\(item.id): \(item.choices.count) choices")
                let distinct = Set(item.choices.map(normalizedForDuplicates))
                #expect(distinct.count == item.choices.count, "\(item.id): repeated choice")
                #expect(item.choices.allSatisfy { !$0.trimmingCharacters(in: .whitespaces).isEmpty }, "\(item.id)")
                #expect(["A", "B", "C", "D"].contains(item.answer), "\(item.id): answer \(item.answer)")
            }

            // No question twice, and nothing shared between the few-shot pool and the test items.
            let testQuestions = test.map { normalizedForDuplicates($0.question) }
            let poolQuestions = pool.map { normalizedForDuplicates($0.question) }
            #expect(duplicates(testQuestions).isEmpty, "\(context): \(duplicates(testQuestions))")
            #expect(duplicates(poolQuestions).isEmpty, "\(context): \(duplicates(poolQuestions))")
            #expect(Set(testQuestions).isDisjoint(with: poolQuestions), "\(context): dev/test overlap")

            // Each answer letter holds 22-28% of the test items.
            for letter in ["A", "B", "C", "D"] {
                let share = Double(test.filter { $0.answer == letter }.count) / Double(test.count)
                #expect(share >= 0.22 && share <= 0.28, "\(context): letter \(letter) share \(share)")
            }

            // Five-shot prompting needs five dev examples for every subject in the test items.
            let subjects = Set(test.map(\.subject))
            for subject in subjects {
                let shots = pool.filter { $0.subject == subject }.count
                #expect(shots >= 5, "\(context): \(shots) dev items for \(subject)")
            }
        }
    }

    @Test func generalKnowledgeCoversEnoughSubjects() throws {
        let manifest = try BundledSuites.manifest("general-knowledge")
        let task = try #require(manifest.tasks.first { $0.kind == "multiple_choice" })
        let items = try BundledSuites.items(ChoiceItemData.self, suite: "general-knowledge", path: task.items)
        #expect(items.count >= 120)
        var perSubject: [String: Int] = [:]
        for item in items { perSubject[item.subject, default: 0] += 1 }
        #expect(perSubject.count >= 8, "\(perSubject.count) subjects")
        for (subject, count) in perSubject {
            #expect(count >= 12, "\(subject): \(count) items")
        }
    }

    // MARK: Classification

    @Test func classificationTasksAreWellFormedAndBalanced() throws {
        let tasks = try BundledSuites.tasks(ofKind: "classification")
        #expect(!tasks.isEmpty)
        for (suite, task) in tasks {
            let context = "\(suite)/\(task.id)"
            let labels = Set(try #require(task.labels))
            let template = try #require(task.template)
            #expect(templatePlaceholders(template) == ["text"], "\(context): template fields")
            let test = try BundledSuites.items(LabelledItemData.self, suite: suite, path: task.items)
            let pool =
                try task.fewshot.map {
                    try BundledSuites.items(LabelledItemData.self, suite: suite, path: $0)
                } ?? []
            #expect(labels.count >= 6, "\(context): \(labels.count) labels")
            #expect(test.count >= 150, "\(context): \(test.count) items")

            for item in test + pool {
                #expect(labels.contains(item.label), "\(item.id): unknown label \(item.label)")
                #expect(!item.text.trimmingCharacters(in: .whitespaces).isEmpty, "\(item.id)")
                #expect(!item.text.contains("\n"), "\(item.id): text spans lines")
            }

            let testTexts = test.map { normalizedForDuplicates($0.text) }
            let poolTexts = pool.map { normalizedForDuplicates($0.text) }
            #expect(duplicates(testTexts).isEmpty, "\(context): \(duplicates(testTexts))")
            #expect(duplicates(poolTexts).isEmpty, "\(context): \(duplicates(poolTexts))")
            #expect(Set(testTexts).isDisjoint(with: poolTexts), "\(context): dev/test overlap")

            // Every label is used, each within ±15% of the mean count.
            var counts: [String: Int] = [:]
            for item in test { counts[item.label, default: 0] += 1 }
            let mean = Double(test.count) / Double(labels.count)
            for label in labels {
                let count = Double(counts[label] ?? 0)
                #expect(abs(count - mean) <= 0.15 * mean, "\(context): \(label) has \(count), mean \(mean)")
            }
            // The few-shot pool shows every label.
            #expect(Set(pool.map(\.label)) == labels || task.fewshot == nil, "\(context): pool misses labels")
        }
    }

    // MARK: Generative extraction

    @Test func extractionTasksAreWellFormed() throws {
        let tasks = try BundledSuites.tasks(ofKind: "generative")
        #expect(!tasks.isEmpty)
        for (suite, task) in tasks {
            let context = "\(suite)/\(task.id)"
            let template = try #require(task.template)
            #expect(templatePlaceholders(template).isSubset(of: ["document", "question"]), "\(context)")
            let test = try BundledSuites.items(ExtractionItemData.self, suite: suite, path: task.items)
            let pool =
                try task.fewshot.map {
                    try BundledSuites.items(ExtractionItemData.self, suite: suite, path: $0)
                } ?? []
            #expect(test.count >= 100, "\(context): \(test.count) items")

            for item in test + pool {
                let target = item.target
                #expect(!target.isEmpty && target == target.trimmingCharacters(in: .whitespaces), "\(item.id)")
                #expect(!target.contains("\n"), "\(item.id): target spans lines but generation stops at a newline")
                #expect(!target.hasSuffix("."), "\(item.id): exact_match drops a trailing period")
                #expect(item.document.contains(target), "\(item.id): target \(target) not in its document")
                for alias in item.aliases ?? [] {
                    #expect(!alias.isEmpty && alias != target, "\(item.id): alias \(alias)")
                }
                #expect(item.field.range(of: "^[a-z][a-z_]*$", options: .regularExpression) != nil, "\(item.id)")
                #expect(item.question.hasSuffix("?"), "\(item.id): question")
            }

            for (name, items) in [("items", test), ("dev", pool)] {
                // Items of one cluster share one document; different clusters differ.
                var documentOfCluster: [String: String] = [:]
                for item in items {
                    if let document = documentOfCluster[item.cluster] {
                        #expect(
                            document == item.document, "\(item.id): document differs within cluster \(item.cluster)")
                    } else {
                        documentOfCluster[item.cluster] = item.document
                    }
                }
                let documents = documentOfCluster.values.map(normalizedForDuplicates)
                #expect(duplicates(documents).isEmpty, "\(context) \(name): two clusters share a document")
                // The same question is never asked twice about one document.
                let pairs = items.map { "\($0.cluster)\u{0}" + normalizedForDuplicates($0.question) }
                #expect(duplicates(pairs).isEmpty, "\(context) \(name): repeated question")
            }

            let testDocuments = Set(test.map { normalizedForDuplicates($0.document) })
            let poolDocuments = Set(pool.map { normalizedForDuplicates($0.document) })
            #expect(testDocuments.count >= 40, "\(context): \(testDocuments.count) documents")
            #expect(testDocuments.isDisjoint(with: poolDocuments), "\(context): dev/test share a document")
            #expect(
                Set(test.map(\.cluster)).isDisjoint(with: pool.map(\.cluster)), "\(context): dev/test share a cluster")
        }
    }
}
