import Evaluation
import Foundation
import Registry

/// The human-readable rendering of evaluation results shared by `eval`, `eval show` and
/// `eval import`.
enum EvalReport {
    static func printRun(_ run: EvaluationRunRecord, context: CommandContext) {
        guard let text = run.results,
            let results = try? JSONDecoder().decode(EvaluationResults.self, from: Data(text.utf8))
        else {
            context.print("run \(run.id): \(run.status.rawValue), \(run.itemsDone)/\(run.itemTotal) items")
            context.print("model \(run.model) · suite \(run.suiteID)@\(run.suiteVersion) · started \(run.startedAt)")
            context.print("re-run the same 'assay eval' command to resume it")
            return
        }
        printResults(results, context: context)
    }

    static func printResults(_ r: EvaluationResults, context: CommandContext) {
        context.print(
            "run \(r.runID)  model \(r.model.reference) (\(r.model.digest.prefix(12)))  suite \(r.suite.id)@\(r.suite.version) (\(r.suite.digest.prefix(12)))"
        )
        if r.backend.backend == "native" {
            context.print(
                "engine \(r.versions.engine), \(r.backend.threads) threads, \(r.hardware.cpuModel); started \(r.startedAt), finished \(r.finishedAt)"
            )
        } else {
            context.print(
                "backend \(r.backend.backend): \(r.versions.engine), served model '\(r.backend.modelIdentity)'; started \(r.startedAt), finished \(r.finishedAt)"
            )
        }
        var table = TextTable(["TASK", "METRIC", "VALUE", "±SE", "95% CI", "N", "SHOTS"], rightAligned: [2, 3, 5, 6])
        for task in r.tasks {
            for name in task.metrics.keys.sorted() {
                guard let m = task.metrics[name] else { continue }
                let ci = m.ci95Low.map { "[\(fmt($0)), \(fmt(m.ci95High ?? $0))]" } ?? "-"
                table.add([
                    task.task, name + (m.clusterRobust ? " (cluster)" : ""), fmt(m.value), m.stderr.map(fmt) ?? "-",
                    ci, String(m.n), String(task.shots)
                ])
            }
        }
        context.print(table)
        let methods = Set(r.tasks.flatMap { $0.metrics.values.compactMap(\.ciMethod) })
        if !methods.isEmpty {
            let names: [MetricValue.IntervalMethod: String] = [
                .wilson: "Wilson score (proportions)",
                .wilsonClusterRobust: "Wilson at the cluster-robust effective sample size (items share clusters)",
                .normalClipped: "normal ±1.96·SE clipped to [0, 1] (non-binary scores)"
            ]
            context.print(
                "CI METHOD: "
                    + methods.sorted { $0.rawValue < $1.rawValue }.compactMap { names[$0] }.joined(separator: "; "))
        }
        for task in r.tasks {
            if let categories = task.categories, !categories.isEmpty {
                let text = categories.keys.sorted().map {
                    "\($0) \(fmt(categories[$0]!.value)) (n=\(categories[$0]!.n))"
                }
                context.print("\(task.task) by category: " + text.joined(separator: ", "))
            }
        }
        let l = r.latency
        var latency =
            "latency: \(l.measuredItems) items measured (\(l.warmupItemsExcluded) warm-up, \(l.cachedItemsExcluded) cached excluded)"
        if let e2e = l.endToEndSeconds {
            latency += "; end-to-end p50 \(ms(e2e.p50)) p95 \(ms(e2e.p95)) p99 \(ms(e2e.p99))"
        }
        if let ttft = l.timeToFirstTokenSeconds { latency += "; TTFT p50 \(ms(ttft.p50))" }
        if let pp = l.prefillTokensPerSecond { latency += "; prefill p50 \(Int(pp.p50)) tok/s" }
        if let tg = l.decodeTokensPerSecond { latency += "; decode p50 \(Int(tg.p50)) tok/s" }
        if let ips = l.itemsPerSecond { latency += "; \(fmt(ips)) items/s" }
        context.print(latency)
        let e = r.energy
        context.print(
            "energy [\(e.method)]: \(fmt(e.joules)) J, \(e.joulesPerToken.map { fmt($0) + " J/token" } ?? "- J/token"), \(e.whPer1000Items.map { fmt($0) + " Wh per 1,000 items" } ?? "-")"
        )
        context.print("  assumptions: \(e.assumptions)")
        context.print("results: runs/\(r.runID)/results.json, items.jsonl (in the registry home)")
    }

    static func fmt(_ v: Double) -> String { String(format: "%.4f", v) }
    static func signed(_ v: Double) -> String { (v >= 0 ? "+" : "") + String(format: "%.4f", v) }
    static func percent(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
    static func ms(_ seconds: Double) -> String { String(format: "%.0f ms", seconds * 1000) }
}
