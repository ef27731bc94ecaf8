import Foundation
import TestSupport
import Testing

/// Issue 15's shape rules, checked on the source tree: every module a file imports is declared
/// in Package.swift, no source file grows past 600 lines, and `@unchecked Sendable` stays on the
/// two read-only memory-mapped views.
struct PackageShapeTests {
    /// Modules of the toolchain and the system, not targets of this package.
    static let systemModules: Set<String> = [
        "Foundation", "FoundationXML", "Glibc", "Darwin", "Dispatch", "Synchronization", "Testing", "Builtin"
    ]

    /// Each target's declared dependencies and its folder, read from Package.swift.
    static func targets() throws -> [(name: String, path: String, dependencies: Set<String>)] {
        let manifest = try String(
            contentsOf: Fixtures.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        let pattern = try NSRegularExpression(
            pattern:
                #"\.(target|executableTarget|testTarget)\(\s*name:\s*"(\w+)"((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)"#)
        let text = manifest as NSString
        return pattern.matches(in: manifest, range: NSRange(location: 0, length: text.length)).map { match in
            let kind = text.substring(with: match.range(at: 1))
            let name = text.substring(with: match.range(at: 2))
            let body = text.substring(with: match.range(at: 3))
            var dependencies: Set<String> = []
            if let list = body.range(of: #"dependencies:\s*\[[^\]]*\]"#, options: .regularExpression) {
                let quoted = try? NSRegularExpression(pattern: #""(\w+)""#)
                let slice = String(body[list]) as NSString
                for m in quoted?.matches(in: slice as String, range: NSRange(location: 0, length: slice.length)) ?? [] {
                    dependencies.insert(slice.substring(with: m.range(at: 1)))
                }
            }
            let path: String
            if let p = body.range(of: #"path:\s*"[^"]+""#, options: .regularExpression) {
                path = String(body[p].split(separator: "\"")[1])
            } else {
                path = (kind == "testTarget" ? "Tests/" : "Sources/") + name
            }
            return (name, path, dependencies)
        }
    }

    static func swiftFiles(under path: String) -> [URL] {
        let root = Fixtures.packageRoot.appendingPathComponent(path)
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.allObjects ?? []
        return files.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
    }

    @Test func everyImportedModuleIsADeclaredDependency() throws {
        let targets = try Self.targets()
        #expect(targets.count > 20, "Package.swift was not read: \(targets.map(\.name))")
        #expect(targets.contains { $0.name == "AssayCLI" && $0.dependencies.contains("Governance") })
        var undeclared: [String] = []
        for target in targets {
            for file in Self.swiftFiles(under: target.path) {
                for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                    // Imports stand at the start of a line (an indented one is inside a string).
                    guard line.first?.isWhitespace == false else { continue }
                    let words = line.split(separator: " ").filter { !$0.hasPrefix("@") }
                    guard words.count == 2, words[0] == "import" else { continue }
                    let module = String(words[1])
                    if module != target.name, !target.dependencies.contains(module),
                        !Self.systemModules.contains(module)
                    {
                        undeclared.append("\(file.lastPathComponent) (\(target.name)) imports \(module)")
                    }
                }
            }
        }
        #expect(undeclared.isEmpty, "\(undeclared)")
    }

    @Test func noSourceFileIsLongerThan600Lines() throws {
        let long = try Self.swiftFiles(under: "Sources").compactMap { file -> String? in
            let lines = try String(contentsOf: file, encoding: .utf8).split(
                separator: "\n", omittingEmptySubsequences: false)
            return lines.count > 601 ? "\(file.lastPathComponent): \(lines.count - 1) lines" : nil
        }
        #expect(!Self.swiftFiles(under: "Sources").isEmpty)
        #expect(long.isEmpty, "\(long)")
    }

    @Test func uncheckedSendableOnlyOnTheMappedViews() throws {
        var found: [String] = []
        for file in Self.swiftFiles(under: "Sources") {
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
            where line.contains("@unchecked Sendable") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                found.append(line.split(separator: ":").first.map(String.init) ?? String(line))
            }
        }
        #expect(found.sorted() == ["public struct ActivationView", "public struct MappedPointer"], "\(found)")
    }
}
