import Foundation
import JSON
import TestSupport
import Testing

@testable import AssayCLI
@testable import Registry
@testable import Service

/// One JSON shape per resource: for each resource, `assay … --json` and the HTTP API's body
/// have the same members at every depth (snake_case, nested objects, no JSON in strings).
struct JSONShapeParityTests {
    typealias World = DecisionsScenarioTests.World

    /// Every member path of a JSON value: `items[].name`, `lineage[].parameters.rank`, …
    /// (arrays merge their elements' paths).
    static func paths(_ value: JSONValue, _ prefix: String = "") -> Set<String> {
        switch value {
        case .object(let members):
            var out: Set<String> = []
            for (key, member) in members {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                out.insert(path)
                out.formUnion(paths(member, path))
            }
            return out
        case .array(let items):
            return items.reduce(into: Set<String>()) { $0.formUnion(paths($1, prefix + "[]")) }
        default:
            return []
        }
    }

    /// Keys that are not snake_case, and strings that hold JSON objects or arrays.
    static func defects(_ value: JSONValue, _ path: String = "$") -> [String] {
        switch value {
        case .object(let members):
            return members.flatMap { key, member -> [String] in
                let bad = key.unicodeScalars.contains { CharacterSet.uppercaseLetters.contains($0) }
                return (bad ? ["\(path): key '\(key)' is not snake_case"] : []) + defects(member, "\(path).\(key)")
            }
        case .array(let items):
            return items.flatMap { defects($0, path + "[]") }
        case .string(let text):
            let t = text.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("{") || t.hasPrefix("["), let parsed = try? JSONValue.parse(Array(t.utf8)) else {
                return []
            }
            if case .object = parsed { return ["\(path): JSON object inside a string"] }
            if case .array = parsed { return ["\(path): JSON array inside a string"] }
            return []
        default:
            return []
        }
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI), .timeLimit(.minutes(10)))
    func cliAndAPIShareOneShapePerResource() async throws {
        let model = try Fixtures.requireSmolLM()
        let w = World("json-parity")
        let tuned = w.dir.path("tuned.bin")
        try Data("tuned weights".utf8).write(to: tuned)
        let data = w.dir.path("train.jsonl")
        try Data("{\"x\":1}\n".utf8).write(to: data)
        for argv in [
            ["init", "--trust-actor-env"], ["model", "register", "s@1", model.path],
            [
                "dataset", "register", "d@1", data.path, "--license", "MIT", "--no-pii", "--source",
                "https://example.org/d"
            ],
            [
                "model", "register", "t@1", tuned.path, "--base", "s@1", "--relation", "finetuned_from", "--param",
                "rank=8",
                "--trained-on", "d@1"
            ],
            ["eval", "--model", "s@1", "--suite", "general-knowledge", "--limit", "2", "--threads", "1", "--quiet"],
            ["alias", "set", "canary", "s@1", "--reason", "parity"],
            ["approval", "card", "s@1", "--field", "intended_use=tests"]
        ] {
            let r = await w.run(argv)
            #expect(r.code == 0, "\(argv): \(r.err)")
        }
        let listed = await w.run("eval", "list", "--json")
        let listedJSON = try JSONValue.parse(Array(listed.out.utf8))
        guard case .array(let runs)? = listedJSON.objectValue?["items"],
            let runID = runs.first?.objectValue?["id"]?.stringValue
        else {
            Issue.record("eval list --json has no run: \(listed.out)")
            return
        }

        let home = w.dir.path("home")
        let admin = try RegistryStore(home: home, actor: "bootstrap")
        try admin.write { tx in _ = try GovernanceRecords.grantRole(tx, actor: "reader", role: "auditor") }
        let token = try RegistryStore(home: home, actor: "reader").createToken(for: "reader").secret
        let service = AssayService(pool: try RegistryPool(home: home, readerCount: 1))
        func api(_ target: String) throws -> JSONValue {
            var headers = HTTPHeaders()
            headers.add("Authorization", "Bearer \(token)")
            let response = service.router.respondBlocking(
                to: try Request(method: "GET", target: target, headers: headers))
            let body = try response.collectBody()
            #expect(response.status.code == 200, "\(target): \(String(decoding: body, as: UTF8.self))")
            return try JSONValue.parse(body)
        }

        // (CLI arguments, API target, the CLI may add members the API lacks)
        let pairs: [([String], String, Bool)] = [
            (["model", "list"], "/api/v1/models", false),
            (["model", "list", "s"], "/api/v1/models/s", false),
            (["model", "show", "t@1"], "/api/v1/models/t/versions/1", false),
            (["dataset", "list"], "/api/v1/datasets", false),
            (["dataset", "list", "d"], "/api/v1/datasets/d", false),
            // `dataset show` adds the latest quality check and contamination (GET …/check has them over HTTP).
            (["dataset", "show", "d@1"], "/api/v1/datasets/d/versions/1", true),
            (["lineage", "show", "s@1"], "/api/v1/models/s/versions/1/lineage", false),
            (["audit", "log", "--limit", "500"], "/api/v1/audit/events?limit=500", false),
            (["audit", "verify"], "/api/v1/audit/verify", false),
            (["eval", "list"], "/api/v1/evaluations", false),
            (["eval", "show", runID], "/api/v1/evaluations/\(runID)", false),
            (["alias", "show", "s"], "/api/v1/models/s/aliases", false),
            (["alias", "history", "s", "canary"], "/api/v1/models/s/aliases/canary/history", false),
            (["approval", "card", "s@1"], "/api/v1/models/s/versions/1/card", false),
            (["approval", "status", "s@1"], "/api/v1/models/s/versions/1/approval", true)
        ]
        for (argv, target, cliAdds) in pairs {
            let r = await w.run(argv + ["--json"])
            #expect(r.code == 0, "\(argv): \(r.err)")
            let cli = try JSONValue.parse(Array(r.out.utf8))
            let body = try api(target)
            // Pagination belongs to the API (the CLI lists everything).
            let apiPaths = Self.paths(body).subtracting(["next_cursor", "next_after"])
            let cliPaths = Self.paths(cli)
            if cliAdds {
                #expect(
                    apiPaths.isSubset(of: cliPaths), "\(argv): the CLI lacks \(apiPaths.subtracting(cliPaths).sorted())"
                )
            } else {
                #expect(
                    cliPaths == apiPaths,
                    "\(argv) vs \(target): CLI only \(cliPaths.subtracting(apiPaths).sorted()), API only \(apiPaths.subtracting(cliPaths).sorted())"
                )
            }
            #expect(cliPaths.count > 2, "\(argv): \(r.out.prefix(200))")
            #expect(Self.defects(cli).isEmpty, "\(argv): \(Self.defects(cli))")
        }
    }

    /// The checks are not blind: camelCase keys, JSON in strings and missing members are seen.
    @Test func theComparisonSeesDifferences() throws {
        let camel = try JSONValue.parse(Array(#"{"createdAt": "x", "config": "{\"a\": 1}", "items": [{"a": 1}]}"#.utf8))
        #expect(Self.defects(camel).count == 2)
        #expect(Self.paths(camel) == ["createdAt", "config", "items", "items[].a"])
        let snake = try JSONValue.parse(Array(#"{"created_at": "x", "config": {"a": 1}, "items": []}"#.utf8))
        #expect(Self.defects(snake).isEmpty)
        #expect(Self.paths(snake) != Self.paths(camel))
    }
}
