import Foundation
import ModelFormat
import Registry

/// Parses `NAME@VERSION`, reporting a bad reference as a usage error.
func parseReference(_ text: String) throws(CLIError) -> VersionReference {
    do { return try VersionReference(parsing: text) } catch { throw .usage(error.description) }
}

/// Human-readable byte count (`1.5 MB`).
func formatBytes<Count: BinaryInteger>(_ bytes: Count) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
}

extension Arguments {
    /// The next positional as `NAME@VERSION`; `what` names it when missing ("CHILD@VERSION").
    mutating func reference(_ what: String = "NAME@VERSION") throws(CLIError) -> VersionReference {
        try parseReference(try requiredPositional(what))
    }
}

extension CommandContext {
    /// Maps the GGUF file at `path` (resolved against the working directory); a file that is
    /// missing or not GGUF fails with one line naming `path` as the user gave it.
    func openGGUF(_ path: String) throws(CLIError) -> GGUFFile {
        do { return try GGUFFile(contentsOf: resolve(path)) } catch { throw .failure("\(path): \(error.description)") }
    }
}
