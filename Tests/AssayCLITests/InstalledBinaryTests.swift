import Foundation
import TestSupport
import Testing

/// Issue 15: the default policy and the OpenAPI document ship as package resources
/// (`Assay_<Target>.resources/` beside the binary). A binary copied without them still runs and
/// says what is missing; with the Governance directory beside it, the default policy applies.
struct InstalledBinaryTests {
    private func run(_ binary: URL, _ arguments: [String]) throws -> (code: Int32, stderr: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stderr)
    }

    @Test func aCopiedBinaryNamesTheMissingPolicyResource() throws {
        let built = try AssayExecutable.require()
        let dir = TemporaryDirectory("installed")
        let binary = dir.path("assay")
        try FileManager.default.copyItem(at: built, to: binary)
        let home = dir.path("home").path
        #expect(try run(binary, ["init", "--registry", home]).code == 0)
        let gate = ["gate", "--registry", home, "--candidate", "m@1", "--baseline", "m@0"]

        let alone = try run(binary, gate)
        #expect(alone.code == 2)
        #expect(
            alone.stderr.contains("Assay_Governance.resources/policy.json is not beside the assay binary"),
            "\(alone.stderr)")
        #expect(alone.stderr.contains("--policy FILE"))

        let resources = built.deletingLastPathComponent().appendingPathComponent("Assay_Governance.resources")
        try FileManager.default.copyItem(at: resources, to: dir.path("Assay_Governance.resources"))
        let installed = try run(binary, gate)
        #expect(installed.code == 2)
        #expect(!installed.stderr.contains("policy"), "\(installed.stderr)")
        #expect(installed.stderr.contains("unknown model version m@1"), "\(installed.stderr)")
    }
}
