import Foundation
import InferenceCore
import JSON
import Registry

/// The machine a run executed on.
public struct Hardware: Sendable, Codable, Hashable {
    public var cpuModel: String
    public var logicalCPUs: Int
    public var memoryBytes: UInt64
    public var operatingSystem: String
    public var raplAvailable: Bool

    enum CodingKeys: String, CodingKey {
        case cpuModel = "cpu_model"
        case logicalCPUs = "logical_cpus"
        case memoryBytes = "memory_bytes"
        case operatingSystem = "os"
        case raplAvailable = "rapl_available"
    }

    public static func current() -> Hardware {
        let model =
            EnergyMeter.readString("/proc/cpuinfo")?
            .split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let process = ProcessInfo.processInfo
        return Hardware(
            cpuModel: model, logicalCPUs: process.activeProcessorCount, memoryBytes: process.physicalMemory,
            operatingSystem: process.operatingSystemVersionString,
            raplAvailable: !EnergyMeter().raplDomains().isEmpty)
    }

    /// Its Codable form in canonical JSON (stored with each run).
    var canonicalJSON: String {
        (try? JSONValue.parse(Array(JSONOutput.data(self))).canonicalString()) ?? "{}"
    }
}
