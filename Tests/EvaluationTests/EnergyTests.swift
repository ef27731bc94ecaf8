import Foundation
import TestSupport
import Testing

@testable import Evaluation

struct EnergyTests {
    /// A fake powercap tree: package-0 with core and dram subdomains, plus a psys zone.
    func makePowercap(_ dir: URL, package: UInt64, dram: UInt64, range: UInt64 = 1_000_000) throws {
        func zone(_ name: String, _ label: String, _ energy: UInt64) throws {
            let z = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: z, withIntermediateDirectories: true)
            try Data("\(label)\n".utf8).write(to: z.appendingPathComponent("name"))
            try Data("\(energy)\n".utf8).write(to: z.appendingPathComponent("energy_uj"))
            try Data("\(range)\n".utf8).write(to: z.appendingPathComponent("max_energy_range_uj"))
        }
        try zone("intel-rapl:0", "package-0", package)
        try zone("intel-rapl:0:0", "core", 5)
        try zone("intel-rapl:0:1", "dram", dram)
        try zone("intel-rapl:1", "psys", 7)
    }

    func setEnergy(_ dir: URL, _ zone: String, _ value: UInt64) throws {
        try Data("\(value)\n".utf8).write(to: dir.appendingPathComponent(zone).appendingPathComponent("energy_uj"))
    }

    @Test func raplSumsPackageAndDramAcrossCounterWrap() async throws {
        let tmp = TemporaryDirectory()
        let root = tmp.path("powercap")
        try makePowercap(root, package: 900_000, dram: 100)
        let meter = EnergyMeter(powercapRoot: root, cpuinfoPath: tmp.path("none").path, baselineSeconds: 0)
        #expect(meter.raplDomains().map(\.name) == ["package-0", "dram"])
        var session = await meter.start()
        // Package wraps: 900,000 → 999,999+ → 200,000 is 300,000 µJ; a middle sample keeps it to one wrap.
        try setEnergy(root, "intel-rapl:0", 950_000)
        session.sample()
        try setEnergy(root, "intel-rapl:0", 200_000)
        try setEnergy(root, "intel-rapl:0:1", 50_100)
        let report = session.finish(tokens: 1000, items: 10)
        #expect(report.method == "measured:rapl")
        #expect(abs((report.grossJoules ?? 0) - 0.35) < 1e-9) // 0.30 J package + 0.05 J dram
        #expect(report.idleBaselineWatts == 0)
        #expect(abs(report.joules - 0.35) < 1e-9)
        #expect(abs((report.joulesPerToken ?? 0) - 0.00035) < 1e-12)
        #expect(abs((report.whPer1000Items ?? 0) - 0.35 / 3600 * 100) < 1e-12)
        #expect(report.domains == ["package-0", "dram"])
    }

    @Test func idleBaselineIsMeasuredAndSubtracted() async throws {
        let tmp = TemporaryDirectory()
        let root = tmp.path("powercap")
        try makePowercap(root, package: 0, dram: 0, range: UInt64.max / 2)
        // 0.1 J arrive during the 0.3 s baseline window: about 0.33 W of idle power.
        var meter = EnergyMeter(powercapRoot: root, cpuinfoPath: "/nonexistent", baselineSeconds: 0.3)
        meter.duringBaseline = {
            try? Data("100000\n".utf8).write(to: root.appendingPathComponent("intel-rapl:0/energy_uj"))
        }
        var session = await meter.start()
        try setEnergy(root, "intel-rapl:0", 2_100_000)
        try await Task.sleep(for: .milliseconds(50))
        let report = session.finish(tokens: 10, items: 1)
        let idle = try #require(report.idleBaselineWatts)
        // 0.1 J over a window of at least 0.3 s (longer when the machine is loaded).
        #expect(idle > 0 && idle <= 0.1 / 0.3 + 1e-9)
        #expect(abs((report.grossJoules ?? 0) - 2.0) < 1e-9)
        #expect(abs(report.joules - (2.0 - idle * report.wallSeconds)) < 1e-9)
        #expect(report.joules < 2.0)
        #expect(report.assumptions.contains("idle baseline"))
    }

    @Test func withoutRAPLTheEstimateStatesItsAssumptions() async throws {
        let tmp = TemporaryDirectory()
        let cpuinfo = tmp.path("cpuinfo")
        try Data("processor\t: 0\nmodel name\t: AMD EPYC 7763 64-Core Processor\n".utf8).write(to: cpuinfo)
        let meter = EnergyMeter(powercapRoot: tmp.path("missing"), cpuinfoPath: cpuinfo.path)
        var session = await meter.start()
        var x = 0.0
        for i in 0..<2_000_000 { x += Double(i).squareRoot() }
        let report = session.finish(tokens: 500, items: 5)
        #expect(x > 0)
        #expect(report.method == "estimated:cpu-tdp")
        #expect(abs((report.wattsPerBusyCPU ?? 0) - 280.0 / 128) < 1e-12)
        #expect((report.cpuSeconds ?? 0) > 0)
        #expect(abs(report.joules - (report.cpuSeconds ?? 0) * 280.0 / 128) < 1e-9)
        #expect(report.assumptions.contains("W per fully busy logical CPU"))
        #expect(report.assumptions.contains("AMD EPYC 7763"))
        #expect(report.joulesPerToken != nil && report.whPer1000Items != nil)
    }

    @Test func unknownCPUUsesTheDocumentedDefault() throws {
        let tmp = TemporaryDirectory()
        let cpuinfo = tmp.path("cpuinfo")
        try Data("model name\t: Imaginary CPU 9000\n".utf8).write(to: cpuinfo)
        let (watts, source) = CPUPowerTable.wattsPerBusyCPU(cpuinfoPath: cpuinfo.path)
        #expect(watts == CPUPowerTable.defaultWatts)
        #expect(source.contains("Imaginary CPU 9000"))
    }
}
