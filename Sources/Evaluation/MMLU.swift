import Foundation
import JSON

/// The MMLU benchmark (Hendrycks et al., 2021): subject → category table and the importer that
/// turns the original CSV release into an `assay-suite/1` suite.
public enum MMLU {
    /// The four top-level categories, as lm-evaluation-harness groups them.
    public enum Category: String, Sendable, Codable, CaseIterable {
        case stem = "stem"
        case humanities = "humanities"
        case socialSciences = "social_sciences"
        case other = "other"
    }

    /// All 57 subjects and their category. This follows lm-evaluation-harness's MMLU groups
    /// (19 STEM, 13 humanities, 12 social sciences, 13 other); the paper's own
    /// `categories.py` differs in one subject: it files `anatomy` under health (other).
    public static let categories: [String: Category] = {
        var table: [String: Category] = [:]
        let stem = [
            "abstract_algebra", "anatomy", "astronomy", "college_biology", "college_chemistry",
            "college_computer_science", "college_mathematics", "college_physics", "computer_security",
            "conceptual_physics", "electrical_engineering", "elementary_mathematics",
            "high_school_biology", "high_school_chemistry", "high_school_computer_science",
            "high_school_mathematics", "high_school_physics", "high_school_statistics",
            "machine_learning"
        ]
        let humanities = [
            "formal_logic", "high_school_european_history", "high_school_us_history",
            "high_school_world_history", "international_law", "jurisprudence",
            "logical_fallacies", "moral_disputes", "moral_scenarios", "philosophy",
            "prehistory", "professional_law", "world_religions"
        ]
        let social = [
            "econometrics", "high_school_geography", "high_school_government_and_politics",
            "high_school_macroeconomics", "high_school_microeconomics", "high_school_psychology",
            "human_sexuality", "professional_psychology", "public_relations", "security_studies",
            "sociology", "us_foreign_policy"
        ]
        let other = [
            "business_ethics", "clinical_knowledge", "college_medicine", "global_facts", "human_aging",
            "management", "marketing", "medical_genetics", "miscellaneous", "nutrition",
            "professional_accounting", "professional_medicine", "virology"
        ]
        for s in stem { table[s] = .stem }
        for s in humanities { table[s] = .humanities }
        for s in social { table[s] = .socialSciences }
        for s in other { table[s] = .other }
        return table
    }()

    /// The splits of the CSV release.
    public static let splits = ["dev", "val", "test"]

    /// What went wrong importing: a CSV file (with line) or the directory layout.
    public struct ImportError: Error, CustomStringConvertible, Sendable, Equatable {
        public var file: String
        public var line: Int?
        public var reason: String
        public var description: String {
            line.map { "\(file):\($0): \(reason)" } ?? "\(file): \(reason)"
        }
    }

    /// Options of `import`.
    public struct ImportOptions: Sendable {
        /// The split that becomes the evaluated items (`val` or `test`; `dev` is always the pool).
        public var split: String = "val"
        public var id: String = "mmlu"
        /// Also emit the cloze twin task `<id>_cloze` over the same items.
        public var includeCloze: Bool = true
        public init(split: String = "val", id: String = "mmlu", includeCloze: Bool = true) {
            self.split = split
            self.id = id
            self.includeCloze = includeCloze
        }
    }

    /// The directory that holds `dev/`, `val/`, `test/`: `dir/data` when present, else `dir`.
    public static func dataDirectory(_ dir: URL) -> URL {
        let nested = dir.appendingPathComponent("data")
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: nested.appendingPathComponent("dev").path, isDirectory: &isDir),
            isDir.boolValue
        {
            return nested
        }
        return dir
    }

    /// One parsed CSV row.
    struct Row {
        var subject: String
        var question: String
        var choices: [String]
        var answer: String
    }

    /// Few-shot questions MMLU takes from each subject's dev file.
    public static let devShotsPerSubject = 5

    /// Reads `<split>/<subject>_<split>.csv` for every subject present, sorted by subject.
    static func readSplit(_ split: String, in data: URL) throws(ImportError) -> [String: [Row]] {
        let folder = data.appendingPathComponent(split)
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw ImportError(file: "\(split)/", reason: "missing split folder \(folder.path)")
        }
        let suffix = "_\(split).csv"
        var result: [String: [Row]] = [:]
        for name in names.sorted() where name.hasSuffix(suffix) {
            let subject = String(name.dropLast(suffix.count))
            guard categories[subject] != nil else {
                throw ImportError(file: "\(split)/\(name)", reason: "unknown MMLU subject '\(subject)'")
            }
            let file = "\(split)/\(name)"
            guard let bytes = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
                throw ImportError(file: file, reason: "cannot read \(folder.appendingPathComponent(name).path)")
            }
            if bytes.starts(with: [0xef, 0xbb, 0xbf]) {
                throw ImportError(
                    file: file, line: 1, reason: "starts with a UTF-8 byte-order mark (save it as UTF-8 without BOM)")
            }
            if let index = bytes.firstIndex(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0a && $0 != 0x0d }) {
                let line = bytes[..<index].reduce(1) { $0 + ($1 == 0x0a ? 1 : 0) }
                throw ImportError(
                    file: file, line: line,
                    reason:
                        "contains a control byte 0x\(String(bytes[index], radix: 16)) (NUL or similar): not a text CSV")
            }
            guard let text = String(data: bytes, encoding: .utf8) else {
                throw ImportError(file: file, reason: "not valid UTF-8")
            }
            let records: [CSV.Record]
            do { records = try CSV.parse(text) } catch {
                throw ImportError(file: file, line: error.line, reason: error.reason)
            }
            var rows: [Row] = []
            for record in records {
                guard record.fields.count == 6 else {
                    throw ImportError(
                        file: file, line: record.line,
                        reason: "expected 6 fields (question,A,B,C,D,answer), found \(record.fields.count)")
                }
                let answer = record.fields[5].trimmingCharacters(in: .whitespaces)
                guard ChoiceLetters.index(of: answer) != nil else {
                    throw ImportError(file: file, line: record.line, reason: "unknown answer label '\(answer)'")
                }
                rows.append(
                    Row(
                        subject: subject, question: record.fields[0],
                        choices: Array(record.fields[1...4]), answer: answer))
            }
            guard !rows.isEmpty else { throw ImportError(file: file, reason: "no questions (the file is empty)") }
            result[subject] = rows
        }
        guard !result.isEmpty else {
            throw ImportError(file: "\(split)/", reason: "no *\(suffix) files in \(folder.path)")
        }
        return result
    }

    /// Builds the suite files in memory: `suite.json`, `items.jsonl` (the chosen split, subjects
    /// interleaved round-robin so that `--limit N` samples every subject; scoring does not depend
    /// on item order) and `dev.jsonl` (the few-shot pool, by subject in file order).
    public static func buildSuite(from dir: URL, options: ImportOptions = ImportOptions()) throws(ImportError)
        -> [String: Data]
    {
        guard options.split == "val" || options.split == "test" else {
            throw ImportError(file: options.split, reason: "split must be 'val' or 'test' (dev is the few-shot pool)")
        }
        let data = dataDirectory(dir)
        let dev = try readSplit("dev", in: data)
        let evaluated = try readSplit(options.split, in: data)
        // Every evaluated subject needs its 5 dev questions: MMLU is scored 5-shot per subject.
        for subject in evaluated.keys.sorted() {
            let count = dev[subject]?.count ?? 0
            guard count >= devShotsPerSubject else {
                throw ImportError(
                    file: "dev/\(subject)_dev.csv",
                    reason: count == 0
                        ? "missing: every evaluated subject needs \(devShotsPerSubject) dev questions for its few-shot prompts"
                        : "has \(count) questions; every evaluated subject needs \(devShotsPerSubject)")
            }
        }

        func line(_ row: Row, id: String) -> String {
            let object: JSONValue = .object([
                "id": .string(id), "subject": .string(row.subject),
                "category": .string(categories[row.subject]?.rawValue ?? "other"),
                "question": .string(row.question), "choices": .array(row.choices.map { .string($0) }),
                "answer": .string(row.answer)
            ])
            // Only strings: canonical encoding cannot fail.
            return ((try? object.canonicalString()) ?? "{}") + "\n"
        }

        var devText = ""
        for subject in dev.keys.sorted() {
            for (i, row) in dev[subject, default: []].enumerated() {
                devText += line(row, id: "\(subject)-dev-\(i + 1)")
            }
        }
        var itemsText = ""
        let subjects = evaluated.keys.sorted()
        let longest = evaluated.values.map(\.count).max() ?? 0
        var count = 0
        for i in 0..<longest {
            for subject in subjects {
                guard let rows = evaluated[subject], i < rows.count else { continue }
                itemsText += line(rows[i], id: "\(subject)-\(options.split)-\(i + 1)")
                count += 1
            }
        }
        var tasks: [[String: Any]] = [
            [
                "id": options.id, "kind": "multiple_choice", "items": "items.jsonl", "fewshot": "dev.jsonl",
                "default_shots": 0,
                "description":
                    "MMLU letter format exactly as lm-evaluation-harness: per-subject header, question, A-D, 'Answer:', continuations ' A'..' D'."
            ]
        ]
        if options.includeCloze {
            tasks.append([
                "id": "\(options.id)_cloze", "kind": "cloze", "items": "items.jsonl", "fewshot": "dev.jsonl",
                "default_shots": 0,
                "description":
                    "The same questions in cloze format (lm-eval mmlu_continuation): continuations are the answer texts."
            ])
        }
        let manifest: [String: Any] = [
            "format": SuiteManifest.currentFormat, "id": options.id, "version": "1.0.0-\(options.split)",
            "title": "MMLU (\(options.split) split, \(count) questions, \(subjects.count) subjects)",
            "description":
                "Massive Multitask Language Understanding (Hendrycks et al., 2021), imported from the original CSV release by 'assay suite import-mmlu'. Items: the \(options.split) split; few-shot pool: the dev split (5 per subject, file order).",
            "license": "MIT", "source": "hendrycks/test CSV release, imported from \(dir.path)",
            "tasks": tasks
        ]
        let manifestData: Data
        do {
            manifestData = try JSONSerialization.data(
                withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw ImportError(file: "suite.json", reason: "cannot encode: \(error)")
        }
        return [
            "suite.json": manifestData + Data("\n".utf8), "items.jsonl": Data(itemsText.utf8),
            "dev.jsonl": Data(devText.utf8)
        ]
    }

    /// Imports the CSV release at `dir` into a new suite directory `destination` (which must not
    /// exist). The files are written to a temporary sibling, validated with `SuiteLoader`, and
    /// only then moved into place, so a failure leaves nothing behind.
    public static func importSuite(
        from dir: URL, to destination: URL,
        options: ImportOptions = ImportOptions()
    ) throws -> Suite {
        let files = try buildSuite(from: dir, options: options)
        guard !FileManager.default.fileExists(atPath: destination.path) else {
            throw ImportError(file: destination.path, reason: "destination already exists")
        }
        let parent = destination.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw ImportError(file: parent.path, reason: "cannot create the directory (\(FileErrors.reason(error)))")
        }
        let staging = parent.appendingPathComponent(".staging-\(destination.lastPathComponent)-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true) } catch {
            throw ImportError(file: staging.path, reason: "cannot create the directory (\(FileErrors.reason(error)))")
        }
        do {
            for (name, data) in files {
                let target = staging.appendingPathComponent(name)
                do { try data.write(to: target) } catch {
                    throw ImportError(file: target.path, reason: "cannot write (\(FileErrors.reason(error)))")
                }
            }
            _ = try SuiteLoader.load(directory: staging)
            do { try FileManager.default.moveItem(at: staging, to: destination) } catch {
                throw ImportError(
                    file: destination.path,
                    reason: "cannot move the imported suite into place (\(FileErrors.reason(error)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
        return try SuiteLoader.load(directory: destination)
    }
}
