import Foundation
import Hashing

/// `assay-bench hashing [FILE] [--runs N] [--size-mb N]`
///
/// Hashes FILE with Assay's SHA-256 (streaming, 4 MB reused buffer) and with `sha256sum`,
/// alternating, best of N runs each (the first run also warms the page cache), and prints throughput in MB/s
/// and the ratio. Without FILE, a deterministic file of --size-mb MB (default 256) is written to
/// a temporary directory and removed afterwards. Exits non-zero if the digests differ.
func runHashingBenchmark(arguments: [String]) {
    var path: String?
    var runs = 3
    var sizeMB = 256
    var i = 0
    while i < arguments.count {
        switch arguments[i] {
        case "--runs" where i + 1 < arguments.count:
            runs = max(1, Int(arguments[i + 1]) ?? runs)
            i += 1
        case "--size-mb" where i + 1 < arguments.count:
            sizeMB = max(1, Int(arguments[i + 1]) ?? sizeMB)
            i += 1
        case "-h", "--help":
            print(
                "usage: hashing [FILE] [--runs N] [--size-mb N]  (without FILE: a deterministic temporary file of --size-mb MB, default 256)"
            )
            return
        case let arg where !arg.hasPrefix("-"):
            path = arg
        default:
            FileHandle.standardError.write(Data("usage: hashing [FILE] [--runs N] [--size-mb N]\n".utf8))
            exit(2)
        }
        i += 1
    }

    var temporary: URL?
    if path == nil {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("assay-hash-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("bench.bin")
        writeDeterministicFile(file, megabytes: sizeMB)
        temporary = dir
        path = file.path
    }
    defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
    guard let path else { return }

    let clock = ContinuousClock()
    var oursBest = Duration.seconds(1_000_000)
    var referenceBest = Duration.seconds(1_000_000)
    var oursDigest = ""
    var referenceDigest = ""
    var size: UInt64 = 0
    // Runs alternate (ours, sha256sum, ours, …) so both see the same machine load; the first
    // pass also warms the page cache. Best of N for each.
    for _ in 0..<runs {
        let start = clock.now
        do {
            let result = try SHA256.hash(fileAtPath: path)
            oursDigest = result.sha256.hex
            size = result.size
        } catch {
            FileHandle.standardError.write(Data("hashing: \(error)\n".utf8))
            exit(1)
        }
        oursBest = min(oursBest, clock.now - start)

        let referenceStart = clock.now
        referenceDigest = sha256sum(path)
        referenceBest = min(referenceBest, clock.now - referenceStart)
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
    let megabytes = Double(size) / 1_000_000
    let ours = megabytes / seconds(oursBest)
    let reference = megabytes / seconds(referenceBest)
    var usage = rusage()
    #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    print("file:        \(path) (\(size) bytes)")
    print(
        "assay:       \(String(format: "%.1f", ours)) MB/s  (best of \(runs): \(String(format: "%.3f", seconds(oursBest))) s)  \(oursDigest)"
    )
    print(
        "sha256sum:   \(String(format: "%.1f", reference)) MB/s  (best of \(runs): \(String(format: "%.3f", seconds(referenceBest))) s)  \(referenceDigest)"
    )
    print("ratio:       \(String(format: "%.2f", ours / reference))x sha256sum")
    print("max RSS:     \(usage.ru_maxrss / 1024) MB (whole process)")
    if oursDigest != referenceDigest {
        print("MISMATCH: digests differ")
        exit(1)
    }
}

/// Writes `megabytes` MB of pseudo-random (SplitMix64, fixed seed) bytes.
private func writeDeterministicFile(_ url: URL, megabytes: Int) {
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    guard let handle = try? FileHandle(forWritingTo: url) else { return }
    var state: UInt64 = 0x5eed
    var block = [UInt64](repeating: 0, count: (1 << 20) / 8)
    for _ in 0..<megabytes {
        for j in block.indices {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            block[j] = z ^ (z >> 31)
        }
        block.withUnsafeBytes { handle.write(Data($0)) }
    }
    try? handle.close()
}

/// Runs `sha256sum` and returns the hex digest it prints.
private func sha256sum(_ path: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["sha256sum", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { return "sha256sum unavailable: \(error)" }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
}
