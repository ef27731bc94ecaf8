import Foundation
import Registry

/// Finds suites by id or path and registers them in the registry. A registered suite's files
/// are copied to `<home>/suites/<id>/<version>-<digest prefix>/` so results stay reproducible
/// after the original directory changes.
public struct SuiteCatalog: Sendable {
    public var store: RegistryStore
    /// Folders searched for bundled suites (`<folder>/<id>/suite.json`), in order.
    public var bundledRoots: [URL]

    public init(store: RegistryStore, bundledRoots: [URL]) {
        self.store = store
        self.bundledRoots = bundledRoots
    }

    /// Likely locations of the repository's Benchmarks/Suites: `$ASSAY_SUITES_DIR`, the working
    /// directory's `Benchmarks/Suites`, and the package root above the executable
    /// (`.build/<config>/assay`).
    public static func defaultBundledRoots(
        environment: [String: String], workingDirectory: URL,
        executable: URL? = Bundle.main.executableURL
    ) -> [URL] {
        var roots: [URL] = []
        if let dir = environment["ASSAY_SUITES_DIR"], !dir.isEmpty { roots.append(URL(fileURLWithPath: dir)) }
        roots.append(workingDirectory.appendingPathComponent("Benchmarks/Suites"))
        if var url = executable?.resolvingSymlinksInPath() {
            for _ in 0..<5 {
                url.deleteLastPathComponent()
                roots.append(url.appendingPathComponent("Benchmarks/Suites"))
            }
        }
        return roots
    }

    /// Validates the suite in `directory`, copies it into the registry home and records it.
    /// Nothing is written when validation fails.
    public func register(directory: URL) throws -> (record: EvaluationSuiteRecord, suite: Suite, isNew: Bool) {
        let suite = try SuiteLoader.load(directory: directory)
        if let existing = try? store.suite(suite.id, version: suite.version) {
            guard existing.digest == suite.digest else {
                throw EvaluationRecordError.suiteConflict(
                    id: suite.id, version: suite.version,
                    existingDigest: existing.digest, newDigest: suite.digest)
            }
            return (existing, try SuiteLoader.load(directory: URL(fileURLWithPath: existing.path)), false)
        }
        let destination = store.home.appendingPathComponent("suites").appendingPathComponent(suite.id)
            .appendingPathComponent("\(suite.version)-\(suite.digest.prefix(12))")
        let fm = FileManager.default
        if !fm.fileExists(atPath: destination.path) {
            let staging = destination.deletingLastPathComponent().appendingPathComponent(
                ".staging-\(UUID().uuidString)")
            try fm.createDirectory(at: staging.deletingLastPathComponent(), withIntermediateDirectories: true)
            do {
                try fm.copyItem(at: directory.resolvingSymlinksInPath(), to: staging)
                try fm.moveItem(at: staging, to: destination)
            } catch {
                try? fm.removeItem(at: staging)
                throw error
            }
        }
        let copy = try SuiteLoader.load(directory: destination)
        guard copy.digest == suite.digest else {
            throw SuiteError(
                file: ".",
                reason:
                    "the copy in \(destination.path) does not match the suite's digest (files changed while copying?)")
        }
        let manifest =
            (try? String(contentsOf: destination.appendingPathComponent("suite.json"), encoding: .utf8)) ?? ""
        let outcome = try store.registerSuite(
            EvaluationSuiteRecord(
                suiteID: suite.id, version: suite.version, digest: suite.digest, title: suite.manifest.title,
                license: suite.manifest.license, path: destination.path, manifest: manifest,
                taskCount: suite.tasks.count,
                itemCount: suite.tasks.reduce(0) { $0 + $1.items.count }))
        return (outcome.value, copy, outcome.isNew)
    }

    /// Resolves `reference` — a registered `id` or `id@version`, a bundled suite id, or a
    /// directory path — to a loaded suite, registering bundled suites and paths on first use.
    public func resolve(_ reference: String, workingDirectory: URL) throws -> Suite {
        let (id, version): (String, String?) = {
            if let at = reference.firstIndex(of: "@"), !reference.contains("/") {
                return (String(reference[..<at]), String(reference[reference.index(after: at)...]))
            }
            return (reference, nil)
        }()
        if let record = try? store.suite(id, version: version) {
            let suite = try SuiteLoader.load(directory: URL(fileURLWithPath: record.path))
            guard suite.digest == record.digest else {
                throw SuiteError(
                    file: record.path,
                    reason:
                        "registered copy was modified (digest \(suite.digest.prefix(12)) ≠ \(record.digest.prefix(12)))"
                )
            }
            return suite
        }
        let fm = FileManager.default
        let asPath =
            reference.hasPrefix("/")
            ? URL(fileURLWithPath: reference)
            : workingDirectory.appendingPathComponent(reference)
        if reference.contains("/") || reference.hasPrefix("."),
            fm.fileExists(atPath: asPath.appendingPathComponent("suite.json").path)
        {
            return try register(directory: asPath).suite
        }
        for root in bundledRoots {
            let dir = root.appendingPathComponent(id)
            if fm.fileExists(atPath: dir.appendingPathComponent("suite.json").path) {
                let result = try register(directory: dir)
                if let version, result.suite.version != version {
                    throw EvaluationRecordError.unknownSuite("\(id)@\(version)")
                }
                return result.suite
            }
        }
        throw EvaluationRecordError.unknownSuite(reference)
    }

    /// Bundled suites found under the roots (id → directory), first root wins.
    public func bundledSuites() -> [String: URL] {
        var found: [String: URL] = [:]
        for root in bundledRoots {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { continue }
            for name in names where found[name] == nil {
                let dir = root.appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: dir.appendingPathComponent("suite.json").path) {
                    found[name] = dir
                }
            }
        }
        return found
    }
}
