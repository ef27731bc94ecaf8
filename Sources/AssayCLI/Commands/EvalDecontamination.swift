import Evaluation
import Foundation
import Governance
import Registry

extension EvalCommand {
    /// `--exclude-contaminated`: the run's scores over all items and without the items found in
    /// the model's `trained_on` datasets (both recorded; the gate and exports show both).
    func printDecontaminated(_ results: EvaluationResults, context: CommandContext, store: RegistryStore) throws -> Int32 {
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
        let sources = report.datasets.isEmpty ? "no trained_on datasets recorded" : "trained_on " + report.datasets.map(\.description).joined(separator: ", ")
        context.print("contamination (\(sources)):")
        var table = TextTable(["TASK", "ALL ITEMS", "ACC", "CLEAN ITEMS", "CLEAN ACC", "EXCLUDED"], rightAligned: [1, 2, 3, 4, 5])
        for t in report.tasks {
            table.add([t.task, String(t.items), String(format: "%.4f", t.accuracy), String(t.cleanItems),
                       t.cleanAccuracy.map { String(format: "%.4f", $0) } ?? "-", String(t.excludedItems.count)])
        }
        context.output.out(table.render())
        return ExitCode.success
    }
}

extension GateCommand {
    /// Both scores (all items / without contaminated items) of every compared run that has a
    /// recorded `evaluation_run.decontaminated` event.
    func printDecontaminatedScores(_ decision: GateDecision, store: RegistryStore, context: CommandContext) {
        var lines: [String] = []
        var seen = Set<String>()
        for c in decision.comparisons {
            for (role, run) in [("candidate", c.candidateRunID), ("baseline", c.baselineRunID)] {
                guard let run, seen.insert(run).inserted,
                      let scores = try? DatasetQualityService.recordedScores(store: store, runID: run) else { continue }
                for t in scores {
                    lines.append("  \(role) run \(run) \(t.task): \(String(format: "%.4f", t.accuracy)) on \(t.items) items, "
                                 + (t.cleanAccuracy.map { String(format: "%.4f", $0) } ?? "-")
                                 + " without \(t.excludedItems.count) contaminated items")
                }
            }
        }
        guard !lines.isEmpty else { return }
        context.print("\nContamination (assay eval --exclude-contaminated):")
        for line in lines { context.print(line) }
    }
}
