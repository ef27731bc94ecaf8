import Foundation
import Hashing
import JSON
import Registry

/// Reads and validates an `assay-suite/1` directory. Loading never writes anything; every
/// problem is reported as a `SuiteError` naming the file, the line and the reason.
public enum SuiteLoader {
    /// Loads the suite in `directory` (which holds `suite.json`), validating every task, item and
    /// few-shot pool, and computes the suite digest.
    public static func load(directory: URL) throws(SuiteError) -> Suite {
        let manifestURL = directory.appendingPathComponent("suite.json")
        guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
            throw SuiteError(file: "suite.json", reason: "cannot read \(manifestURL.path)")
        }
        let manifest = try decodeManifest(data)
        try validate(manifest)
        // First: refuses symbolic links anywhere in the suite before any item file is read.
        let files = try hashFiles(in: directory)
        var tasks: [LoadedTask] = []
        var cache: [String: [JSONLine]] = [:]
        for spec in manifest.tasks {
            let items = try loadItems(spec.items, in: directory, spec: spec, cache: &cache)
            guard !items.isEmpty else { throw SuiteError(file: spec.items, reason: "no items") }
            var pool: [SuiteItem] = []
            if let fewshot = spec.fewshot {
                pool = try loadItems(fewshot, in: directory, spec: spec, cache: &cache)
            }
            if spec.defaultShots > 0 && spec.fewshot == nil {
                throw SuiteError(
                    file: "suite.json",
                    reason: "task '\(spec.id)': default_shots is \(spec.defaultShots) but no fewshot pool is given")
            }
            if spec.defaultShots > pool.count && spec.fewshot != nil {
                throw SuiteError(
                    file: "suite.json",
                    reason:
                        "task '\(spec.id)': default_shots is \(spec.defaultShots) but the fewshot pool holds \(pool.count) items"
                )
            }
            tasks.append(LoadedTask(spec: spec, items: items, fewshot: pool))
        }
        let digest = SuiteDigest.digest(files)
        return Suite(manifest: manifest, directory: directory, digest: digest, files: files, tasks: tasks)
    }

    // MARK: manifest

    static func decodeManifest(_ data: Data) throws(SuiteError) -> SuiteManifest {
        do {
            _ = try JSONValue.parse(Array(data))
        } catch {
            let line = error.offset.map { lineNumber(ofByte: $0, in: Array(data)) }
            throw SuiteError(file: "suite.json", line: line, reason: "invalid JSON: \(error.message)")
        }
        do {
            return try JSONDecoder().decode(SuiteManifest.self, from: data)
        } catch let error as DecodingError {
            throw SuiteError(file: "suite.json", reason: describe(error))
        } catch {
            throw SuiteError(file: "suite.json", reason: "\(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context):
            return
                "missing field '\(key.stringValue)' at \(path(context.codingPath).isEmpty ? "top level" : path(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(path(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "invalid value at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    static func isValidID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard let first = bytes.first, bytes.count <= 128 else { return false }
        func alnum(_ c: UInt8) -> Bool { (0x61...0x7a).contains(c) || (0x30...0x39).contains(c) }
        return alnum(first)
            && bytes.allSatisfy {
                alnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            }
    }

    static func validate(_ manifest: SuiteManifest) throws(SuiteError) {
        func fail(_ reason: String) -> SuiteError { SuiteError(file: "suite.json", reason: reason) }
        guard manifest.format == SuiteManifest.currentFormat else {
            throw fail("unsupported format '\(manifest.format)' (expected \(SuiteManifest.currentFormat))")
        }
        guard isValidID(manifest.id) else { throw fail("invalid suite id '\(manifest.id)': use [a-z0-9][a-z0-9._-]*") }
        guard Names.isValidVersion(manifest.version) else { throw fail("invalid version '\(manifest.version)'") }
        guard !manifest.tasks.isEmpty else { throw fail("no tasks") }
        var seen = Set<String>()
        for task in manifest.tasks {
            guard isValidID(task.id) else { throw fail("invalid task id '\(task.id)': use [a-z0-9][a-z0-9._-]*") }
            guard seen.insert(task.id).inserted else { throw fail("duplicate task id '\(task.id)'") }
            for file in [task.items] + (task.fewshot.map { [$0] } ?? []) where !isSafeRelativePath(file) {
                throw fail("task '\(task.id)': file '\(file)' must be a relative path inside the suite directory")
            }
            guard (0...maxShots).contains(task.defaultShots) else {
                throw fail(
                    "task '\(task.id)': default_shots must be between 0 and \(maxShots), found \(task.defaultShots)")
            }
            switch task.kind {
            case .multipleChoice, .cloze:
                break
            case .classification:
                guard let labels = task.labels, labels.count >= 2 else {
                    throw fail("task '\(task.id)': classification needs 'labels' with at least two labels")
                }
                guard Set(labels).count == labels.count else { throw fail("task '\(task.id)': duplicate label") }
                guard let template = task.template, !template.isEmpty else {
                    throw fail("task '\(task.id)': classification needs a 'template'")
                }
                _ = template
            case .generative:
                guard let template = task.template, !template.isEmpty else {
                    throw fail("task '\(task.id)': generative needs a 'template'")
                }
                _ = template
                guard let scoring = task.scoring else {
                    throw fail("task '\(task.id)': generative needs 'scoring' (exact_match, regex, numeric or f1)")
                }
                if let maxTokens = task.maxTokens, maxTokens < 1 {
                    throw fail("task '\(task.id)': max_tokens must be ≥ 1")
                }
                if scoring == .regex && task.regex == nil {
                    throw fail("task '\(task.id)': scoring 'regex' needs a 'regex'")
                }
                if let pattern = task.regex {
                    do { _ = try NSRegularExpression(pattern: pattern) } catch {
                        throw fail("task '\(task.id)': invalid regex '\(pattern)'")
                    }
                }
            }
        }
    }

    /// Largest `default_shots` a task may ask for.
    public static let maxShots = 64

    static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/") else { return false }
        return !path.split(separator: "/").contains("..")
    }

    // MARK: items

    struct JSONLine {
        var number: Int
        var object: [String: JSONValue]
    }

    static func loadItems(
        _ file: String, in directory: URL, spec: TaskSpec,
        cache: inout [String: [JSONLine]]
    ) throws(SuiteError) -> [SuiteItem] {
        let lines: [JSONLine]
        if let cached = cache[file] {
            lines = cached
        } else {
            lines = try readJSONL(file, in: directory)
            cache[file] = lines
        }
        var ids = Set<String>()
        var items: [SuiteItem] = []
        items.reserveCapacity(lines.count)
        for line in lines {
            let item = try parseItem(line.object, spec: spec, file: file, line: line.number)
            guard ids.insert(item.id).inserted else {
                throw SuiteError(file: file, line: line.number, reason: "duplicate id '\(item.id)'")
            }
            items.append(item)
        }
        return items
    }

    /// Reads a JSONL file: one object per line, no blank lines.
    static func readJSONL(_ file: String, in directory: URL) throws(SuiteError) -> [JSONLine] {
        let url = directory.appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SuiteError(file: file, reason: "cannot read \(url.path)")
        }
        var result: [JSONLine] = []
        var rows = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if rows.last?.isEmpty == true { rows.removeLast() }
        for (index, rawRow) in rows.enumerated() {
            let number = index + 1
            var row = Array(rawRow)
            if row.last == UInt8(ascii: "\r") { row.removeLast() }
            if row.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                throw SuiteError(file: file, line: number, reason: "blank line")
            }
            guard String(validating: row, as: UTF8.self) != nil else {
                throw SuiteError(file: file, line: number, reason: "not valid UTF-8")
            }
            let value: JSONValue
            do { value = try JSONValue.parse(row) } catch {
                throw SuiteError(
                    file: file, line: number,
                    reason: "bad JSON: \(error.message)\(error.offset.map { " at column \($0 + 1)" } ?? "")")
            }
            guard case .object(let object) = value else {
                throw SuiteError(file: file, line: number, reason: "expected a JSON object")
            }
            result.append(JSONLine(number: number, object: object))
        }
        return result
    }

    static func parseItem(
        _ object: [String: JSONValue], spec: TaskSpec, file: String,
        line: Int
    ) throws(SuiteError) -> SuiteItem {
        func fail(_ reason: String) -> SuiteError { SuiteError(file: file, line: line, reason: reason) }
        func string(_ key: String) throws(SuiteError) -> String {
            guard let value = object[key] else { throw fail("missing field '\(key)'") }
            guard case .string(let s) = value else { throw fail("field '\(key)' must be a string") }
            return s
        }
        func optionalString(_ key: String) throws(SuiteError) -> String? {
            guard let value = object[key], value != .null else { return nil }
            guard case .string(let s) = value else { throw fail("field '\(key)' must be a string") }
            return s
        }
        func strings(_ key: String) throws(SuiteError) -> [String]? {
            guard let value = object[key], value != .null else { return nil }
            guard case .array(let array) = value else { throw fail("field '\(key)' must be an array of strings") }
            var out: [String] = []
            for element in array {
                guard case .string(let s) = element else { throw fail("field '\(key)' must be an array of strings") }
                out.append(s)
            }
            return out
        }

        let id = try string("id")
        guard !id.isEmpty else { throw fail("empty id") }
        var fields: [String: String] = [:]
        for (key, value) in object { if case .string(let s) = value { fields[key] = s } }
        var item = SuiteItem(id: id, line: line, cluster: try optionalString("cluster"), fields: fields)

        switch spec.kind {
        case .multipleChoice, .cloze:
            item.subject = try string("subject")
            item.question = try string("question")
            guard let choices = try strings("choices") else { throw fail("missing field 'choices'") }
            guard choices.count == 4 else { throw fail("expected exactly 4 choices, found \(choices.count)") }
            item.choices = choices
            let answer = try string("answer")
            guard let index = ChoiceLetters.index(of: answer) else {
                throw fail("unknown answer label '\(answer)' (expected A, B, C or D)")
            }
            item.answerIndex = index
        case .classification:
            let label = try string("label")
            guard let labels = spec.labels, labels.contains(label) else {
                throw fail("label '\(label)' is not in the task's labels")
            }
            item.label = label
            try checkPlaceholders(spec.template ?? "", fields: fields, fail: fail)
        case .generative:
            let target = try string("target")
            item.targets = [target] + (try strings("aliases") ?? [])
            try checkPlaceholders(spec.template ?? "", fields: fields, fail: fail)
        }
        return item
    }

    static func checkPlaceholders(
        _ template: String, fields: [String: String],
        fail: (String) -> SuiteError
    ) throws(SuiteError) {
        for name in Template.placeholders(in: template) where fields[name] == nil {
            throw fail("template placeholder '{\(name)}' has no string field '\(name)' in the item")
        }
    }

    static func lineNumber(ofByte offset: Int, in bytes: [UInt8]) -> Int {
        1 + bytes.prefix(offset).reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    // MARK: digest

    /// Every regular file under `directory` (recursively), hashed, sorted by relative path.
    static func hashFiles(in directory: URL) throws(SuiteError) -> [Suite.File] {
        let root = directory.resolvingSymlinksInPath().standardizedFileURL
        guard
            let enumerator = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey])
        else {
            throw SuiteError(file: ".", reason: "cannot list \(directory.path)")
        }
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        var files: [Suite.File] = []
        for case let url as URL in enumerator {
            var info = stat()
            if lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
                let full = url.standardizedFileURL.path
                let relative = full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : url.lastPathComponent
                throw SuiteError(
                    file: relative,
                    reason: "is a symbolic link; a suite's files and folders must be real files inside its directory")
            }
            let resolved = url.resolvingSymlinksInPath()
            guard (try? resolved.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let full = url.standardizedFileURL.path
            let relative = full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : url.lastPathComponent
            do {
                let digest = try SHA256.hash(fileAtPath: resolved.path)
                files.append(Suite.File(relativePath: relative, sha256: digest.sha256.hex, size: Int64(digest.size)))
            } catch {
                throw SuiteError(file: relative, reason: "cannot hash: \(error)")
            }
        }
        return files.sorted { Array($0.relativePath.utf8).lexicographicallyPrecedes(Array($1.relativePath.utf8)) }
    }
}

/// The suite digest: SHA-256 over the sorted (relative path, sha256) list of the suite's files,
/// written as `sha256sum` lines — the same rule as dataset version digests.
public enum SuiteDigest {
    public static func digest(_ files: [Suite.File]) -> String {
        ContentDigest.manifestDigest(files.map { ($0.relativePath, $0.sha256) })
    }
}

/// `{field}` placeholders in prompt templates. A placeholder is `{` + `[A-Za-z0-9_]+` + `}`;
/// any other brace is literal text.
public enum Template {
    /// Placeholder names in order of appearance (repeats kept once).
    public static func placeholders(in template: String) -> [String] {
        var names: [String] = []
        forEachPlaceholder(template) { name in if !names.contains(name) { names.append(name) } }
        return names
    }

    /// `template` with every placeholder replaced by `fields[name]` (missing names stay as is).
    public static func render(_ template: String, fields: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"),
                case let name = rest[afterOpen..<close], isName(name)
            {
                out += fields[String(name)] ?? String(rest[open...close])
                rest = rest[rest.index(after: close)...]
            } else {
                out += "{"
                rest = rest[afterOpen...]
            }
        }
        out += rest
        return out
    }

    static func forEachPlaceholder(_ template: String, _ body: (String) -> Void) {
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"),
                case let name = rest[afterOpen..<close], isName(name)
            {
                body(String(name))
                rest = rest[rest.index(after: close)...]
            } else {
                rest = rest[afterOpen...]
            }
        }
    }

    static func isName(_ s: Substring) -> Bool {
        !s.isEmpty
            && s.unicodeScalars.allSatisfy {
                ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_"
            }
    }
}
