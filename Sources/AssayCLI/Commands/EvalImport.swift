import Evaluation
import Foundation
import HTTPClient
import InferenceCore
import JSON
import Registry

/// `assay eval import DIR|FILE...`: merges the shards of one run into the registry (or, with
/// `--server`, into a remote one).
struct EvalImportCommand: Command {
    static let help = CommandHelp(
        "import", abstract: "Merge the shards of one sharded evaluation into one recorded run.",
        usage: "DIR|FILE... [--server URL [--token-env VAR]] [--json]",
        discussion: """
            Each shard is the --output-dir of 'assay eval --shard k/n' (results.json and
            items.jsonl), or a directory holding such directories. The shards must be one complete,
            disjoint split of the same configuration; the merged run equals an unsharded run item
            for item, and its lm-eval files (lm_eval_results.json, lm_eval_samples_<task>.jsonl)
            are written beside its results.json as 'assay eval' writes them.

            With --server URL the shards are checked here and sent to 'assay serve'
            (POST /api/v1/evaluations/import with a submitter's token from $ASSAY_TOKEN or
            --token-env VAR), which runs the same checks and records the merged run there.
            """,
        options: [
            .value("--server", "URL", "Send the shards to an 'assay serve' registry, e.g. http://registry:8080"),
            .value(
                "--token-env", "VAR",
                "With --server: environment variable holding the bearer token (default ASSAY_TOKEN)")
        ],
        examples: ["assay eval import out/", "ASSAY_TOKEN=… assay eval import out/ --server http://registry:8080"])

    var paths: [String]
    var server: String?
    var tokenEnvironment: String

    init(arguments: inout Arguments) throws(CLIError) {
        server = try arguments.option("--server")
        tokenEnvironment = try arguments.option("--token-env") ?? "ASSAY_TOKEN"
        paths = arguments.remainingPositionals()
        try arguments.finish()
        guard !paths.isEmpty else { throw .usage("missing DIR or FILE: the shard results to merge") }
    }

    func run(context: CommandContext) async throws -> Int32 {
        if let server {
            return try pushShards(context: context, paths: paths, server: server, tokenEnvironment: tokenEnvironment)
        }
        return try importShards(context: context, store: try context.openRegistry(), paths: paths)
    }

    func importShards(context: CommandContext, store: RegistryStore, paths: [String]) throws -> Int32 {
        let shards: [ShardResults]
        let results: EvaluationResults
        do {
            shards = try ShardResults.discover(paths.map(context.resolve)).map(ShardResults.load)
            let (_, ordered) = try ShardImporter.validate(shards)
            let first = ordered[0].results
            let catalog = SuiteCatalog(
                store: store,
                bundledRoots: SuiteCatalog.defaultBundledRoots(
                    environment: context.environment, workingDirectory: context.workingDirectory))
            let suite = try catalog.resolve(
                "\(first.suite.id)@\(first.suite.version)",
                workingDirectory: context.workingDirectory)
            results = try ShardImporter(store: store, outputDirectory: store.home).importShards(shards, suite: suite)
        } catch let error as ShardImportError {
            throw CLIError.failure(error.description)
        }
        return try reportImport(results, shards: shards.count, destination: nil, context: context)
    }

    /// The merged run: its results document with --json, else a summary line and the table.
    func reportImport(_ results: EvaluationResults, shards: Int, destination: String?, context: CommandContext) throws
        -> Int32
    {
        if context.json {
            try context.printDocument(results)
            return ExitCode.success
        }
        let items = results.tasks.reduce(0) { $0 + $1.n }
        context.print(
            "Imported \(shards) shard(s) of \(results.model.reference) on \(results.suite.id)@\(results.suite.version)"
                + (destination.map { " into \($0)" } ?? "") + " as run \(results.runID) (\(items) items)")
        EvalReport.printResults(results, context: context)
        return ExitCode.success
    }

    /// `assay eval import … --server URL`: checks the shards locally (the same validation the
    /// server repeats), then sends their files unchanged — results.json and the items.jsonl
    /// lines — to `POST /api/v1/evaluations/import`.
    func pushShards(context: CommandContext, paths: [String], server: String, tokenEnvironment: String) throws -> Int32
    {
        let url: HTTPURL
        do { url = try HTTPURL(parsing: server) } catch {
            throw CLIError.usage("--server: invalid URL '\(server)': \(error.description)")
        }
        guard let token = context.environment[tokenEnvironment], !token.isEmpty else {
            throw CLIError.failure(
                "no bearer token: set \(tokenEnvironment) (create one with 'assay token create' on the registry)")
        }
        var body = Array("{\"shards\":[".utf8)
        let directories: [URL]
        do {
            directories = try ShardResults.discover(paths.map(context.resolve))
            _ = try ShardImporter.validate(try directories.map(ShardResults.load))
        } catch let error as ShardImportError {
            throw CLIError.failure(error.description)
        }
        for (index, directory) in directories.enumerated() {
            let resultsURL =
                directory.hasDirectoryPath || !directory.path.hasSuffix(".json")
                ? directory.appendingPathComponent("results.json") : directory
            let itemsURL = resultsURL.deletingLastPathComponent().appendingPathComponent("items.jsonl")
            let results = try Data(contentsOf: resultsURL)
            let lines = try String(contentsOf: itemsURL, encoding: .utf8).split(separator: "\n").filter { !$0.isEmpty }
            if index > 0 { body += Array(",".utf8) }
            body += Array("{\"results\":".utf8) + Array(results) + Array(",\"items\":[".utf8)
            body += Array(lines.joined(separator: ",").utf8) + Array("]}".utf8)
        }
        body += Array("]}".utf8)
        context.progress("eval import: sending \(directories.count) shard(s) (\(body.count / 1024) KiB) to \(url)")
        let response: HTTPClient.Response
        do {
            let endpoint = HTTPURL(host: url.host, port: url.port, target: url.basePath + "/api/v1/evaluations/import")
            response = try HTTPClient.send(
                "POST", endpoint,
                headers: [
                    ("Authorization", "Bearer \(token)"), ("Content-Type", "application/json"),
                    ("Accept", "application/json")
                ],
                body: body, timeoutMilliseconds: 600_000, read: .whole(limit: 64 << 20))
        } catch {
            throw CLIError.failure("could not reach \(url): \(AssayCommandLine.oneLine(error))")
        }
        guard response.status == 201 else {
            let detail =
                (try? JSONValue.parse(response.body)).flatMap { value -> String? in
                    if case .object(let object) = value, case .string(let text)? = object["detail"] { return text }
                    return nil
                } ?? String(decoding: response.body.prefix(300), as: UTF8.self)
            throw CLIError.failure("the registry refused the import (HTTP \(response.status)): \(detail)")
        }
        let results: EvaluationResults
        do { results = try JSONDecoder().decode(EvaluationResults.self, from: Data(response.body)) } catch {
            throw CLIError.failure("the registry answered 201 with an unreadable body: \(error)")
        }
        return try reportImport(results, shards: directories.count, destination: url.description, context: context)
    }
}
