import Foundation
import ModelFormat

/// Where a model file says it comes from: its licence and the URLs its GGUF header records
/// (`general.license`, `general.license.link`, `general.url`, `general.repo_url`,
/// `general.source.url`, `general.source.repo_url`, `general.source.huggingface.repository`,
/// `general.base_model.N.*`). Read from the registered bytes for exports (SBOMs).
public struct ArtifactProvenance: Sendable, Equatable, Codable {
    /// One URL with its CycloneDX external-reference type (`website`, `vcs`, `distribution`,
    /// `license`, `other`) and what it is.
    public struct Reference: Sendable, Equatable, Codable, Hashable {
        public var type: String
        public var url: String
        public var comment: String

        public init(type: String, url: String, comment: String) {
            self.type = type
            self.url = url
            self.comment = comment
        }
    }

    public var name: String?
    public var organization: String?
    public var license: String?
    public var licenseURL: String?
    public var references: [Reference] = []

    /// Only http(s) URLs become references (a header may hold anything).
    public static func url(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty,
            let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
            parsed.host != nil
        else { return nil }
        return text
    }

    /// The provenance of a registered GGUF artifact, read from its file after checking that the
    /// file still holds the registered bytes; nil for other formats, missing or changed files.
    public static func read(_ artifact: HashedFile, home: URL) -> ArtifactProvenance? {
        guard artifact.format == .gguf else { return nil }
        do { try ArtifactVerifier(home: home).verify(artifact) } catch { return nil }
        guard let file = try? GGUFFile(contentsOf: URL(fileURLWithPath: artifact.uri)) else { return nil }
        return ArtifactProvenance(gguf: file)
    }
}

extension ArtifactProvenance {
    /// The provenance recorded in a GGUF file's header.
    public init(gguf file: GGUFFile) {
        func string(_ key: String) -> String? {
            guard let value = file[key]?.string?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                return nil
            }
            return value
        }
        self.init(
            name: string("general.name"), organization: string("general.organization"),
            license: string("general.license"), licenseURL: Self.url(string("general.license.link")))
        var refs: [Reference] = []
        func add(_ type: String, _ key: String, _ comment: String) {
            if let u = Self.url(string(key)), !refs.contains(where: { $0.url == u }) {
                refs.append(Reference(type: type, url: u, comment: comment))
            }
        }
        add("website", "general.url", "model home page (GGUF general.url)")
        add("vcs", "general.repo_url", "model repository (GGUF general.repo_url)")
        add("distribution", "general.source.url", "source model (GGUF general.source.url)")
        add("vcs", "general.source.repo_url", "source model repository (GGUF general.source.repo_url)")
        if let repo = string("general.source.huggingface.repository"),
            let u = Self.url("https://huggingface.co/\(repo)"), !refs.contains(where: { $0.url == u })
        {
            refs.append(
                Reference(
                    type: "distribution", url: u,
                    comment: "source model on Hugging Face (GGUF general.source.huggingface.repository)"))
        }
        var baseModels = 0
        switch file["general.base_model.count"] {
        case .uint32(let n)?: baseModels = Int(n)
        case .int32(let n)?: baseModels = Int(max(0, n))
        case .uint64(let n)?: baseModels = Int(min(n, 16))
        default: break
        }
        if baseModels > 0 {
            for i in 0..<min(baseModels, 16) {
                let name = string("general.base_model.\(i).name") ?? "base model \(i)"
                add("other", "general.base_model.\(i).url", "base model: \(name) (GGUF general.base_model.\(i).url)")
                add(
                    "vcs", "general.base_model.\(i).repo_url",
                    "base model repository: \(name) (GGUF general.base_model.\(i).repo_url)")
            }
        }
        references = refs
    }
}

extension ArtifactProvenance {
    /// The provenance recorded in the GGUF file at `url` (header only).
    public init(ggufAt url: URL) throws {
        self.init(gguf: try GGUFFile(contentsOf: url))
    }
}
