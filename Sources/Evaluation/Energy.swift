import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The energy block of every run: how much, per token and per 1,000 items, and how it was
/// obtained. `method` is `measured:rapl` (Linux powercap counters) or `estimated:cpu-tdp`.
public struct EnergyReport: Sendable, Hashable, Codable {
    public var method: String
    /// Net joules attributed to the run (RAPL: gross minus idle baseline × wall time).
    public var joules: Double
    public var joulesPerToken: Double?
    public var whPer1000Items: Double?
    public var tokens: Int
    public var items: Int
    public var wallSeconds: Double
    /// RAPL: joules read from the counters before subtracting the baseline.
    public var grossJoules: Double?
    /// RAPL: idle power measured before the run (watts), subtracted over the wall time.
    public var idleBaselineWatts: Double?
    /// RAPL: the domains summed (e.g. `package-0`, `dram`).
    public var domains: [String]?
    /// Estimate: CPU seconds (user + system) the process used during the run.
    public var cpuSeconds: Double?
    /// Estimate: watts per fully busy logical CPU assumed.
    public var wattsPerBusyCPU: Double?
    /// Human-readable statement of what was measured or assumed.
    public var assumptions: String

    enum CodingKeys: String, CodingKey {
        case method, joules, tokens, items, domains, assumptions
        case joulesPerToken = "joules_per_token"
        case whPer1000Items = "wh_per_1000_items"
        case wallSeconds = "wall_s"
        case grossJoules = "gross_joules"
        case idleBaselineWatts = "idle_baseline_watts"
        case cpuSeconds = "cpu_seconds"
        case wattsPerBusyCPU = "watts_per_busy_cpu"
    }

    /// The energy of a run merged from shards: joules, tokens, items, wall and CPU time add
    /// up; a method shared by every shard is kept, otherwise `mixed:<m1>+<m2>`.
    public static func merged(_ shards: [EnergyReport]) -> EnergyReport {
        let methods = Array(Set(shards.map(\.method))).sorted()
        func sum(_ key: KeyPath<EnergyReport, Double?>) -> Double? {
            shards.allSatisfy { $0[keyPath: key] != nil } ? shards.reduce(0) { $0 + ($1[keyPath: key] ?? 0) } : nil
        }
        func shared<T: Equatable>(_ key: KeyPath<EnergyReport, T?>) -> T? {
            let values = shards.map { $0[keyPath: key] }
            return values.allSatisfy { $0 == values.first } ? values.first ?? nil : nil
        }
        let domains = Set(shards.flatMap { $0.domains ?? [] })
        let notes = shards.map(\.assumptions).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var report = EnergyReport(
            method: methods.count == 1 ? methods[0] : "mixed:" + methods.joined(separator: "+"),
            joules: shards.reduce(0) { $0 + $1.joules }, tokens: shards.reduce(0) { $0 + $1.tokens },
            items: shards.reduce(0) { $0 + $1.items }, wallSeconds: shards.reduce(0) { $0 + $1.wallSeconds },
            grossJoules: sum(\.grossJoules), idleBaselineWatts: shared(\.idleBaselineWatts),
            domains: domains.isEmpty ? nil : domains.sorted(), cpuSeconds: sum(\.cpuSeconds),
            wattsPerBusyCPU: shared(\.wattsPerBusyCPU),
            assumptions: "Sum over \(shards.count) shards, each measured on its own machine. "
                + notes.joined(separator: " "))
        report.fillRates()
        return report
    }

    mutating func fillRates() {
        joulesPerToken = tokens > 0 ? joules / Double(tokens) : nil
        whPer1000Items = items > 0 ? joules / 3600 / Double(items) * 1000 : nil
    }
}

/// One RAPL domain as exposed under /sys/class/powercap.
struct RAPLDomain: Sendable {
    var name: String
    var energyPath: String
    var maxRange: UInt64

    func read() -> UInt64? { EnergyMeter.readUInt64(energyPath) }
}

/// Measures (or estimates) the energy of a run. Start it right before the work, call `sample()`
/// now and then (so RAPL counter wrap-around is never missed), and `finish` at the end.
public struct EnergyMeter: Sendable {
    /// Where powercap lives; tests point this at a fake tree.
    public var powercapRoot: URL
    public var cpuinfoPath: String
    /// Seconds of idle measured before the run to establish the RAPL baseline.
    public var baselineSeconds: Double
    /// Test hook: runs right after the baseline window's first reading.
    var duringBaseline: (@Sendable () -> Void)?

    public init(
        powercapRoot: URL = URL(fileURLWithPath: "/sys/class/powercap"),
        cpuinfoPath: String = "/proc/cpuinfo", baselineSeconds: Double = 1.0
    ) {
        self.powercapRoot = powercapRoot
        self.cpuinfoPath = cpuinfoPath
        self.baselineSeconds = baselineSeconds
    }

    static func readUInt64(_ path: String) -> UInt64? {
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else { return nil }
        return UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func readString(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Readable package and dram domains (`intel-rapl:N` and `intel-rapl:N:M` named `dram`);
    /// core/uncore subdomains are inside the package figure and not added again.
    func raplDomains() -> [RAPLDomain] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: powercapRoot.path) else { return [] }
        var domains: [RAPLDomain] = []
        for entry in entries.sorted() where entry.hasPrefix("intel-rapl:") {
            let dir = powercapRoot.appendingPathComponent(entry)
            let depth = entry.split(separator: ":").count
            guard let name = Self.readString(dir.appendingPathComponent("name").path) else { continue }
            let isPackage = depth == 2 && name.hasPrefix("package")
            let isDRAM = depth == 3 && name == "dram"
            guard isPackage || isDRAM else { continue }
            let energy = dir.appendingPathComponent("energy_uj").path
            guard Self.readUInt64(energy) != nil,
                let range = Self.readUInt64(dir.appendingPathComponent("max_energy_range_uj").path), range > 0
            else { continue }
            domains.append(RAPLDomain(name: isPackage ? name : "dram", energyPath: energy, maxRange: range))
        }
        return domains
    }

    /// Starts measuring. With readable RAPL counters this first measures the idle baseline for
    /// `baselineSeconds` (sleeping), then takes the starting readings.
    public func start() async -> EnergySession {
        let domains = raplDomains()
        if !domains.isEmpty {
            var session = EnergySession(kind: .rapl(domains), cpuinfoPath: cpuinfoPath)
            if baselineSeconds > 0 {
                let before = domains.map { $0.read() ?? 0 }
                let t0 = EnergySession.monotonicSeconds()
                duringBaseline?()
                try? await Task.sleep(for: .milliseconds(Int(baselineSeconds * 1000)))
                let elapsed = EnergySession.monotonicSeconds() - t0
                let after = domains.map { $0.read() ?? 0 }
                var microjoules = 0.0
                for i in domains.indices {
                    microjoules += Double(EnergySession.delta(before[i], after[i], range: domains[i].maxRange))
                }
                session.idleWatts = elapsed > 0 ? microjoules / 1e6 / elapsed : 0
            } else {
                session.idleWatts = 0
            }
            session.begin()
            return session
        }
        var session = EnergySession(kind: .estimate, cpuinfoPath: cpuinfoPath)
        session.begin()
        return session
    }
}

/// A running energy measurement (see `EnergyMeter`).
public struct EnergySession: Sendable {
    enum Kind: Sendable {
        case rapl([RAPLDomain])
        case estimate
    }

    let kind: Kind
    let cpuinfoPath: String
    var idleWatts: Double = 0
    var startTime: Double = 0
    var startCPU: Double = 0
    var last: [UInt64] = []
    var accumulatedMicrojoules: [Double] = []

    init(kind: Kind, cpuinfoPath: String) {
        self.kind = kind
        self.cpuinfoPath = cpuinfoPath
    }

    /// Microjoules between two readings of a counter that wraps at `range`.
    static func delta(_ a: UInt64, _ b: UInt64, range: UInt64) -> UInt64 {
        b >= a ? b - a : (range - a) + b
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// User + system CPU seconds of this process.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    mutating func begin() {
        startTime = Self.monotonicSeconds()
        startCPU = Self.processCPUSeconds()
        if case .rapl(let domains) = kind {
            last = domains.map { $0.read() ?? 0 }
            accumulatedMicrojoules = Array(repeating: 0, count: domains.count)
        }
    }

    /// Reads the counters and accumulates (call at least once per counter wrap period, e.g.
    /// after every batch).
    public mutating func sample() {
        guard case .rapl(let domains) = kind else { return }
        for i in domains.indices {
            guard let now = domains[i].read() else { continue }
            accumulatedMicrojoules[i] += Double(Self.delta(last[i], now, range: domains[i].maxRange))
            last[i] = now
        }
    }

    /// Stops and reports for `tokens` processed tokens and `items` items.
    public mutating func finish(tokens: Int, items: Int) -> EnergyReport {
        sample()
        let wall = Self.monotonicSeconds() - startTime
        switch kind {
        case .rapl(let domains):
            let gross = accumulatedMicrojoules.reduce(0, +) / 1e6
            let net = max(0, gross - idleWatts * wall)
            var report = EnergyReport(
                method: "measured:rapl", joules: net, tokens: tokens, items: items, wallSeconds: wall,
                grossJoules: gross, idleBaselineWatts: idleWatts, domains: domains.map(\.name),
                assumptions:
                    "RAPL counters (\(domains.map(\.name).joined(separator: " + "))) read before and after the run with wrap-around at max_energy_range_uj; an idle baseline of \(format(idleWatts)) W measured before the run is subtracted over the \(format(wall)) s wall time. Whole-machine package energy: other processes' load is included."
            )
            report.fillRates()
            return report
        case .estimate:
            let cpu = max(0, Self.processCPUSeconds() - startCPU)
            let (watts, source) = CPUPowerTable.wattsPerBusyCPU(cpuinfoPath: cpuinfoPath)
            var report = EnergyReport(
                method: "estimated:cpu-tdp", joules: watts * cpu, tokens: tokens, items: items, wallSeconds: wall,
                cpuSeconds: cpu, wattsPerBusyCPU: watts,
                assumptions:
                    "No readable RAPL counters under /sys/class/powercap. Estimate = \(format(watts)) W per fully busy logical CPU (\(source)) × \(format(cpu)) CPU-seconds (user + system time of this process from getrusage, i.e. TDP share × utilisation × wall time). Idle, memory, disk and platform power are not included; treat the figure as an order of magnitude for comparing runs on the same machine."
            )
            report.fillRates()
            return report
        }
    }

    func format(_ v: Double) -> String { String(format: "%.3g", v) }
}

/// Assumed power per busy logical CPU, from the CPU model name.
public enum CPUPowerTable {
    /// Documented default when the model is not in the table: a typical current server/desktop
    /// core at full load is 3–10 W including its share of uncore; 5 W per logical CPU
    /// (two per core with SMT) is a middle value.
    public static let defaultWatts = 5.0

    /// (substring of /proc/cpuinfo "model name", TDP watts, logical CPUs at that TDP).
    static let known: [(pattern: String, tdp: Double, threads: Double)] = [
        ("EPYC 7763", 280, 128), ("EPYC 7B13", 280, 128), ("EPYC 9654", 360, 192), ("EPYC 9R14", 360, 192),
        ("EPYC 7R13", 280, 96), ("EPYC 7571", 180, 64), ("EPYC 7551", 180, 64),
        ("Xeon(R) Platinum 8375C", 300, 64), ("Xeon(R) Platinum 8259CL", 210, 48),
        ("Xeon(R) Platinum 8488C", 350, 96), ("Xeon(R) CPU @ 2.20GHz", 165, 44)
    ]

    /// Watts per busy logical CPU and where the figure came from.
    public static func wattsPerBusyCPU(cpuinfoPath: String) -> (Double, String) {
        let model = EnergyMeter.readString(cpuinfoPath)?
            .split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if let model {
            for entry in known where model.contains(entry.pattern) {
                return (
                    entry.tdp / entry.threads,
                    "TDP \(Int(entry.tdp)) W / \(Int(entry.threads)) logical CPUs of '\(model)'"
                )
            }
            return (defaultWatts, "documented default; CPU model '\(model)' not in Assay's table")
        }
        return (defaultWatts, "documented default; CPU model unknown")
    }
}
