import Foundation

/// Percentiles of one latency figure over the measured items.
public struct Percentiles: Sendable, Hashable, Codable {
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var mean: Double

    init?(_ values: [Double]) {
        guard let p50 = Statistics.percentile(values, 50), let p95 = Statistics.percentile(values, 95),
            let p99 = Statistics.percentile(values, 99)
        else { return nil }
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
        self.mean = Statistics.mean(values)
    }
}

/// Latency of a run: per-item time to first token, prefill and decode throughput, end-to-end
/// time, as p50/p95/p99. The first `warmupItems` items computed in the process and items served
/// from the request cache are excluded (and counted).
public struct LatencySummary: Sendable, Hashable, Codable {
    public var threads: Int
    /// Items measured (after exclusions).
    public var measuredItems: Int
    public var warmupItemsExcluded: Int
    public var cachedItemsExcluded: Int
    public var timeToFirstTokenSeconds: Percentiles?
    public var prefillTokensPerSecond: Percentiles?
    public var decodeTokensPerSecond: Percentiles?
    public var endToEndSeconds: Percentiles?
    /// Items per second of wall time for the whole run (all items, this process).
    public var itemsPerSecond: Double?
    public var wallSeconds: Double
    /// How busy the machine was while the items were measured (nil: not recorded).
    public var load: SystemLoad?

    enum CodingKeys: String, CodingKey {
        case threads
        case measuredItems = "measured_items"
        case warmupItemsExcluded = "warmup_items_excluded"
        case cachedItemsExcluded = "cached_items_excluded"
        case timeToFirstTokenSeconds = "ttft_s"
        case prefillTokensPerSecond = "prefill_tokens_per_s"
        case decodeTokensPerSecond = "decode_tokens_per_s"
        case endToEndSeconds = "end_to_end_s"
        case itemsPerSecond = "items_per_s"
        case wallSeconds = "wall_s"
        case load
    }

    /// `computed` are the items computed by this process in completion order (warm-up first).
    public init(threads: Int, computed: [ItemResult], warmup: Int, wallSeconds: Double) {
        let fresh = computed.filter { !$0.cached }
        let excluded = min(warmup, fresh.count)
        self.init(
            threads: threads, measured: Array(fresh.dropFirst(excluded)), warmupExcluded: excluded,
            cachedExcluded: computed.count - fresh.count, wallSeconds: wallSeconds,
            itemsPerSecond: wallSeconds > 0 && !computed.isEmpty ? Double(computed.count) / wallSeconds : nil)
    }

    init(
        threads: Int, measured: [ItemResult], warmupExcluded: Int, cachedExcluded: Int, wallSeconds: Double,
        itemsPerSecond: Double?
    ) {
        self.threads = threads
        cachedItemsExcluded = cachedExcluded
        warmupItemsExcluded = warmupExcluded
        measuredItems = measured.count
        let timings = measured.map(\.timing)
        timeToFirstTokenSeconds = Percentiles(timings.map(\.timeToFirstTokenSeconds))
        prefillTokensPerSecond = Percentiles(
            timings.filter { $0.prefillSeconds > 0 && $0.prefillTokens > 0 }
                .map { Double($0.prefillTokens) / $0.prefillSeconds })
        decodeTokensPerSecond = Percentiles(
            timings.filter { $0.decodeSeconds > 0 && $0.decodeTokens > 0 }
                .map { Double($0.decodeTokens) / $0.decodeSeconds })
        endToEndSeconds = Percentiles(timings.map(\.totalSeconds))
        self.wallSeconds = wallSeconds
        self.itemsPerSecond = itemsPerSecond
    }

    /// Latency of a run merged from shards: percentiles over every measured item of every
    /// shard (items carry their warm-up and cache flags); `wall_s` is the shards' wall time
    /// added up (worker time, not elapsed time when shards ran in parallel) and `items_per_s`
    /// the items computed per second of it, i.e. the throughput of one worker.
    public static func merged(shards: [LatencySummary], items: [ItemResult]) -> LatencySummary {
        let fresh = items.filter { !$0.cached }
        let measured = fresh.filter { $0.warmup != true }
        let wall = shards.reduce(0) { $0 + $1.wallSeconds }
        let computedItems = shards.reduce(0.0) { $0 + ($1.itemsPerSecond ?? 0) * $1.wallSeconds }
        return LatencySummary(
            threads: shards.map(\.threads).max() ?? 0, measured: measured,
            warmupExcluded: fresh.count - measured.count, cachedExcluded: items.count - fresh.count,
            wallSeconds: wall, itemsPerSecond: wall > 0 && computedItems > 0 ? computedItems / wall : nil)
    }
}

/// The machine's load while a run was measured: the highest 1-minute load average seen (Linux
/// `/proc/loadavg`, sampled after every batch) and the share of CPU time stolen by the
/// hypervisor (`/proc/stat`), so latency measured on a busy machine can be recognised.
public struct SystemLoad: Sendable, Hashable, Codable {
    /// Highest 1-minute load average sampled during the run.
    public var maxLoadAverage: Double
    /// Logical CPUs of the machine.
    public var logicalCPUs: Int
    /// Compute threads the run itself used (its own share of the load).
    public var runThreads: Int
    /// Percent of CPU time stolen by the hypervisor during the run (nil when unknown).
    public var stealPercent: Double?

    enum CodingKeys: String, CodingKey {
        case maxLoadAverage = "max_load_average"
        case logicalCPUs = "logical_cpus"
        case runThreads = "run_threads"
        case stealPercent = "steal_percent"
    }

    /// Load from other work per logical CPU: (load − own threads) / CPUs, never negative.
    public var otherLoadPerCPU: Double {
        max(0, maxLoadAverage - Double(runThreads)) / Double(max(1, logicalCPUs))
    }

    /// Why this run's latency counts as measured under load, or nil: other work above
    /// `maxOtherLoadPerCPU` per CPU, or more than 10 % steal.
    public func underLoad(maxOtherLoadPerCPU: Double) -> String? {
        if let steal = stealPercent, steal > 10 {
            return "\((steal * 10).rounded() / 10) % CPU steal during the run"
        }
        if otherLoadPerCPU > maxOtherLoadPerCPU {
            let text = (maxLoadAverage * 100).rounded() / 100
            return "load average up to \(text) on \(logicalCPUs) CPU(s) while the run used \(runThreads) thread(s)"
        }
        return nil
    }
}

/// Samples `/proc/loadavg` and `/proc/stat` during a run (no-op where they do not exist).
public struct LoadSampler: Sendable {
    private var maxLoad: Double = 0
    private var sampled = false
    private let startSteal: (steal: Double, total: Double)?
    public let threads: Int

    public init(threads: Int) {
        self.threads = threads
        startSteal = Self.cpuTimes()
        sample()
    }

    public mutating func sample() {
        if let load = Self.loadAverage() {
            maxLoad = max(maxLoad, load)
            sampled = true
        }
    }

    public func finish() -> SystemLoad? {
        guard sampled else { return nil }
        var steal: Double?
        if let a = startSteal, let b = Self.cpuTimes(), b.total > a.total {
            steal = 100 * (b.steal - a.steal) / (b.total - a.total)
        }
        return SystemLoad(
            maxLoadAverage: maxLoad, logicalCPUs: ProcessInfo.processInfo.activeProcessorCount,
            runThreads: threads, stealPercent: steal)
    }

    static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Double($0) }
    }

    /// (steal, total) jiffies of the aggregate `cpu` line.
    static func cpuTimes() -> (steal: Double, total: Double)? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 8 else { return nil }
        return (fields[7], fields.reduce(0, +))
    }
}
