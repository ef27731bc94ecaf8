import Evaluation
import Foundation
import Governance
import Registry

extension EvalCommand {
    /// `--exclude-contaminated`: the run's scores over all items and without the items found in
    /// the model's `trained_on` datasets (both recorded; the gate and exports show both).
    func printDecontaminated(_ results: EvaluationResults, context: CommandContext, store: RegistryStore) throws
        -> Int32
    {
        let report: DecontaminationReport
        do {
            report = try context.datasetQuality(store).decontaminate(runID: results.runID)
        } catch let error as DatasetQualityError {
            throw CLIError.failure(error.description)
        }
        if context.json {
            struct Both: Encodable {
                var results: EvaluationResults
                var decontaminated: DecontaminationReport
            }
            try context.printJSON(Both(results: results, decontaminated: report))
            return ExitCode.success
        }
        EvalReport.printResults(results, context: context)
        context.print("")
        let sources =
            report.datasets.isEmpty
            ? "no trained_on datasets recorded"
            : "trained_on " + report.datasets.map(\.description).joined(separator: ", ")
        context.print("contamination (\(sources)):")
        var table = TextTable(
            ["TASK", "ALL ITEMS", "ACC", "CLEAN ITEMS", "CLEAN ACC", "EXCLUDED"], rightAligned: [1, 2, 3, 4, 5])
        for t in report.tasks {
            table.add([
                t.task, String(t.items), String(format: "%.4f", t.accuracy), String(t.cleanItems),
                t.cleanAccuracy.map { String(format: "%.4f", $0) } ?? "-", String(t.excludedItems.count)
            ])
        }
        context.print(table)
        return ExitCode.success
    }
}
