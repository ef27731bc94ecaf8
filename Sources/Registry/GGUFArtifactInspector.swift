import Foundation
import ModelFormat

/// Reads registry facts from a GGUF header: architecture (`general.architecture`), parameter
/// count (Σ tensor elements), quantization (`general.file_type` label, else the dominant
/// matrix type) and context length (`<arch>.context_length`). Other formats: nil.
/// Only the header is parsed (the file is memory-mapped, tensor data is not read).
public struct GGUFArtifactInspector: ArtifactInspector {
    public init() {}

    public func inspect(fileAt url: URL, format: ArtifactFormat) throws -> ArtifactFacts? {
        guard format == .gguf else { return nil }
        let summary = GGUFSummary(try GGUFFile(contentsOf: url))
        return ArtifactFacts(
            architecture: summary.architecture, parameterCount: Int64(summary.parameterCount),
            quantization: summary.quantization, contextLength: summary.contextLength.map(Int64.init))
    }
}
