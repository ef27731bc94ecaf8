// Performance harness: release builds only (`swift build -c release --product Performance`).
// Each benchmark reports its figures as a ratio to a named reference.
import Foundation

let usage = """
    USAGE: Performance <benchmark> [options]

    BENCHMARKS:
      hashing [FILE] [--runs N]    Assay SHA-256 vs sha256sum (MB/s and ratio)
      engine  --model FILE [...]   pp512 / tg128 tokens/s like llama-bench (ratios with --llama-pp/--llama-tg)
      mmlu    --data DIR [...]     full MMLU test split 0-shot through 'assay eval' (wall, items/s, RSS, acc)
      logits  --model FILE --out FILE  raw F32 logits of a fixed prompt (bit-for-bit regression checks)
      dataset [--size-mb N]        dataset quality check of a generated 1 GB chat JSONL (MB/s, peak RSS)

    Run '<benchmark> --help' for a benchmark's options.
    """

var arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first else {
    print(usage)
    exit(2)
}
arguments.removeFirst()
switch name {
case "hashing":
    runHashingBenchmark(arguments: arguments)
case "engine":
    runEngineBenchmark(arguments: arguments)
case "mmlu":
    runMMLUBenchmark(arguments: arguments)
case "logits":
    runLogitsDump(arguments: arguments)
case "dataset":
    runDatasetBenchmark(arguments: arguments)
case "-h", "--help", "help":
    print(usage)
default:
    FileHandle.standardError.write(Data("Performance: unknown benchmark '\(name)'\n\(usage)\n".utf8))
    exit(2)
}
