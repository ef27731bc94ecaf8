import Foundation
import JSON
import Testing

@testable import AssayCLI

/// `--json` member names are snake_case; data keys pass through.
struct JSONOutputTests {
    @Test(arguments: [
        ("promptTokens", "prompt_tokens"), ("fileTypeRaw", "file_type_raw"), ("onlyACorrect", "only_a_correct"),
        ("cpuID", "cpu_id"), ("p95", "p95"), ("already_snake", "already_snake"), ("Q4_1", "Q4_1"), ("F32", "F32"),
        ("acc,none", "acc,none"), ("general-knowledge", "general-knowledge"), ("STEM", "STEM")
    ])
    func keys(_ pair: (String, String)) {
        #expect(JSONKeyStyle.snakeCase(pair.0) == pair.1)
    }

    @Test func reportsPrintSnakeCaseAndResourcesPassThrough() throws {
        struct Report: Encodable {
            var promptTokens = 3
            var bytesPerType = ["Q4_1": 10]
            var nested = [Inner()]
            struct Inner: Encodable { var finishReason = "stop" }
        }
        let output = OutputSink.capturing()
        let context = CommandContext(
            globals: GlobalOptions(), environment: [:], output: output,
            workingDirectory: URL(fileURLWithPath: "/"))
        try context.printJSON(Report())
        let printed = try JSONValue.parse(Array(output.stdout.utf8))
        #expect(printed == ["prompt_tokens": 3, "bytes_per_type": ["Q4_1": 10], "nested": [["finish_reason": "stop"]]])
        let resource = OutputSink.capturing()
        try CommandContext(
            globals: GlobalOptions(), environment: [:], output: resource,
            workingDirectory: URL(fileURLWithPath: "/")
        ).printJSON(["fields": ["intendedUse": "x"]] as JSONValue)
        #expect(resource.stdout.contains("\"intendedUse\""), "a resource's data keys are not renamed")
    }
}
