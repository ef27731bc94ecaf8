import Foundation
import JSON
import Testing

@testable import Evaluation

struct HardwareTests {
    /// The machine description stored with each run is the Codable form in canonical JSON:
    /// snake_case keys, sorted, integers as integers.
    @Test func canonicalJSONIsTheCodableForm() throws {
        let hardware = Hardware(
            cpuModel: "Example CPU \"X\" @ 2.0GHz", logicalCPUs: 2, memoryBytes: 25_769_803_776,
            operatingSystem: "Linux 6.1", raplAvailable: false)
        #expect(
            hardware.canonicalJSON
                == #"{"cpu_model":"Example CPU \"X\" @ 2.0GHz","logical_cpus":2,"memory_bytes":25769803776,"os":"Linux 6.1","rapl_available":false}"#
        )
        let current = try JSONValue.parse(Hardware.current().canonicalJSON)
        #expect(
            current.objectValue?.keys.sorted() == ["cpu_model", "logical_cpus", "memory_bytes", "os", "rapl_available"])
    }
}
