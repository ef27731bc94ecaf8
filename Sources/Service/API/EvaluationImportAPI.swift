import Evaluation
import Foundation
import Hashing
import JSON
import Registry

/// `POST /api/v1/evaluations/import`: merges the shards of one run into the registry — the same
/// checks and the same single transaction as `assay eval import`, so workers that ran
/// `assay eval --shard k/n --output-dir D` elsewhere can report to a registry they reach only
/// over HTTP.
///
/// Body (`application/json`): `{"shards": [{"results": <results.json>, "items": [<items.jsonl
/// lines>]}, …]}`. 201 with the merged run's results document; 422 when the shards are not one
/// complete, disjoint split of one configuration or the suite is unknown here.
extension AssayService {
    struct ImportBody: Decodable {
        struct Shard: Decodable {
            var results: EvaluationResults
            var items: [ItemResult]
        }
        var shards: [Shard]
    }

    static func importRoute(pool: RegistryPool, suiteRoots: [URL]) -> Route {
        Route("POST", "/api/v1/evaluations/import", access: RegistryAPI.writers, operationID: "importEvaluationShards")
        { req, ctx in
            _ = try Query(req, allowed: [])
            _ = try req.jsonObject() // content type and well-formed JSON object, as every JSON route
            let body: ImportBody
            do { body = try JSONDecoder().decode(ImportBody.self, from: Data(req.body)) } catch {
                throw Problem(
                    kind: .validation,
                    detail:
                        "the body must be {\"shards\": [{\"results\": …, \"items\": […]}]}: \(Self.decodingReason(error))"
                )
            }
            guard !body.shards.isEmpty else { throw Problem(kind: .validation, detail: "'shards' is empty") }
            let shards = body.shards.enumerated().map { index, shard in
                ShardResults(source: "shards[\(index)]", results: shard.results, items: shard.items)
            }
            let results: EvaluationResults
            do {
                for shard in shards where shard.results.format != "assay-results/1" {
                    throw ShardImportError.unreadable(
                        path: shard.source, reason: "unknown format '\(shard.results.format)'")
                }
                let (_, ordered) = try ShardImporter.validate(shards)
                let first = ordered[0].results
                results = try pool.write(as: try ctx.requireActor()) { store in
                    let catalog = SuiteCatalog(store: store, bundledRoots: suiteRoots)
                    let suite: Suite
                    do {
                        suite = try catalog.resolve(
                            "\(first.suite.id)@\(first.suite.version)", workingDirectory: store.home)
                    } catch {
                        throw Problem(
                            kind: .validation,
                            detail:
                                "suite \(first.suite.id)@\(first.suite.version) is not known to this registry (register it first): \(error)"
                        )
                    }
                    return try ShardImporter(store: store, outputDirectory: store.home).importShards(
                        shards, suite: suite)
                }
            } catch let error as ShardImportError {
                throw Problem(kind: .validation, detail: error.description)
            }
            return Response(
                status: .created, contentType: "application/json", bytes: Array(try JSONOutput.data(results)))
        }
    }

    static func decodingReason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
