import Foundation

/// Locations of the project, the shared reference fixtures and the model cache, as seen by tests.
///
/// Conventions (see README "Tests"):
/// - `ASSAY_REFERENCE_DIR` points at llama.cpp's reference data; default `../shared/fixtures`
///   next to the package root.
/// - `ASSAY_MODEL_CACHE` is where `scripts/fetch-models.sh` puts real GGUF models; default
///   `${XDG_CACHE_HOME:-~/.cache}/assay/models` (outside the clone, shared between clones).
/// - Under CI (`CI=true`) every fixture must be present: tests that need one are enabled and
///   fail loudly through `require…` when it is missing. Elsewhere they are disabled with a reason.
public enum Fixtures {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        // Tests/TestSupport/TestSupport.swift -> package root
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    public static var isCI: Bool {
        let value = ProcessInfo.processInfo.environment["CI"]?.lowercased()
        return value == "true" || value == "1"
    }

    /// `../shared/fixtures` unless `ASSAY_REFERENCE_DIR` says otherwise.
    public static var referenceDir: URL {
        if let env = ProcessInfo.processInfo.environment["ASSAY_REFERENCE_DIR"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    }

    /// `../shared/schemas` unless `ASSAY_SCHEMA_DIR` says otherwise.
    public static var schemaDir: URL {
        if let env = ProcessInfo.processInfo.environment["ASSAY_SCHEMA_DIR"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/schemas")
    }

    public static var modelCache: URL {
        if let env = ProcessInfo.processInfo.environment["ASSAY_MODEL_CACHE"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let env = ProcessInfo.processInfo.environment
        let base =
            env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("assay/models")
    }

    /// File name of the real SmolLM2 model inside the model cache.
    public static let smolLMFileName = "SmolLM2-135M-Instruct.Q4_1.gguf"
    public static let smolLMSHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

    public static var smolLMPath: URL { modelCache.appendingPathComponent(smolLMFileName) }

    /// The real Gemma 3 270M Q4_K_M and Qwen2.5-Coder-0.5B Q4_K_M files (scripts/fetch-models.sh).
    public static let gemma3FileName = "gemma-3-270m-q4_k_m.gguf"
    public static let qwen25FileName = "qwen2.5-0.5b-q4.gguf"
    public static var gemma3Path: URL { modelCache.appendingPathComponent(gemma3FileName) }
    public static var qwen25Path: URL { modelCache.appendingPathComponent(qwen25FileName) }

    /// True when the model file is cached, or under CI (where its tests must run and fail loudly).
    public static func modelAvailableOrCI(_ url: URL) -> Bool { isCI || exists(url) }

    /// Returns a cached model's path or throws a loud error naming how to get it.
    public static func requireModel(_ url: URL) throws -> URL {
        guard exists(url) else {
            throw FixtureMissing(
                path: url.path,
                hint: "run scripts/fetch-models.sh to download and verify it")
        }
        return url
    }

    /// A file under the reference directory, e.g. `reference("tokenizer/smollm2.inp")`.
    public static func reference(_ relative: String) -> URL {
        referenceDir.appendingPathComponent(relative)
    }

    public static func exists(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.path)
    }

    /// True when the reference fixtures are present, or when running under CI (where a
    /// missing fixture must fail the test rather than skip it). Use with `.enabled(if:)`.
    public static var referenceAvailableOrCI: Bool { isCI || exists(referenceDir) }

    /// True when the SmolLM2 model is cached, or under CI (see `referenceAvailableOrCI`).
    public static var smolLMAvailableOrCI: Bool { isCI || exists(smolLMPath) }

    /// Returns the path of a required fixture or throws a loud error naming how to get it.
    public static func require(_ url: URL) throws -> URL {
        guard exists(url) else { throw FixtureMissing(path: url.path) }
        return url
    }

    public static func requireSmolLM() throws -> URL {
        guard exists(smolLMPath) else {
            throw FixtureMissing(
                path: smolLMPath.path,
                hint: "run scripts/fetch-models.sh to download and verify it")
        }
        return smolLMPath
    }
}

/// The `assay` executable that `swift build --build-tests` puts next to the test bundle.
public enum AssayExecutable {
    public static var url: URL? {
        let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])]
            .compactMap { $0?.deletingLastPathComponent() }
        for dir in candidates {
            var candidate = dir
            for _ in 0..<4 {
                let url = candidate.appendingPathComponent("assay")
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue,
                    FileManager.default.isExecutableFile(atPath: url.path)
                {
                    return url
                }
                candidate.deleteLastPathComponent()
            }
        }
        return nil
    }

    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "assay executable not found next to the test bundle: build it with 'swift build --build-tests' before 'swift test --skip-build'"
        }
    }

    /// The executable, or a loud error saying how to build it.
    public static func require() throws -> URL {
        guard let url else { throw Missing() }
        return url
    }

    /// Resident set size of another process in kB, from /proc (0 when unreadable).
    public static func residentKilobytes(pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}

public struct FixtureMissing: Error, CustomStringConvertible {
    public let path: String
    public var hint: String = "set ASSAY_REFERENCE_DIR or place ../shared/fixtures beside the package"
    public var description: String { "required fixture missing: \(path) (\(hint))" }
}

/// A fresh, uniquely named temporary directory owned by one test; removed on `deinit`.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    public init(_ label: String = "assay-test") {
        let name = "\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
        url = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ component: String) -> URL { url.appendingPathComponent(component) }

    deinit { try? FileManager.default.removeItem(at: url) }
}
