import Foundation
import Evaluation
import Registry

/// `assay eval import DIR|FILE...`: merges the shards of one run into the registry.
extension EvalCommand {
    func importShards(context: CommandContext, store: RegistryStore, paths: [String]) throws -> Int32 {
        let shards: [ShardResults]
        let results: EvaluationResults
        do {
            shards = try ShardResults.discover(paths.map(context.resolve)).map(ShardResults.load)
            let (_, ordered) = try ShardImporter.validate(shards)
            let first = ordered[0].results
            let catalog = SuiteCatalog(store: store, bundledRoots: SuiteCatalog.defaultBundledRoots(
                environment: context.environment, workingDirectory: context.workingDirectory))
            let suite = try catalog.resolve("\(first.suite.id)@\(first.suite.version)",
                                            workingDirectory: context.workingDirectory)
            results = try ShardImporter(store: store, outputDirectory: store.home).importShards(shards, suite: suite)
        } catch let error as ShardImportError {
            throw CLIError.failure(error.description)
        }
        if context.json {
            try context.printJSON(results)
            return ExitCode.success
        }
        let items = results.tasks.reduce(0) { $0 + $1.n }
        context.print("Imported \(shards.count) shard(s) of \(results.model.reference) on \(results.suite.id)@\(results.suite.version) as run \(results.runID) (\(items) items)")
        printResults(results, context: context)
        return ExitCode.success
    }
}
