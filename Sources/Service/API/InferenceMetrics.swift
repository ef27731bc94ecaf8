import Foundation
import Synchronization

/// Counters and latency histograms of the inference routes, exposed at `/metrics` in
/// Prometheus' text format (as llama-server and vLLM expose theirs).
public final class InferenceMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

    struct Histogram {
        var counts = [Int](repeating: 0, count: InferenceMetrics.buckets.count)
        var count = 0
        var sum = 0.0

        mutating func observe(_ seconds: Double) {
            for (i, bound) in InferenceMetrics.buckets.enumerated() where seconds <= bound { counts[i] += 1 }
            count += 1
            sum += seconds
        }
    }

    struct State {
        var requests: [String: Int] = [:] // "route|status"
        var latency: [String: Histogram] = [:] // route
        var promptTokens: [String: Int] = [:] // model
        var completionTokens: [String: Int] = [:] // model
    }

    private let state = Mutex(State())

    public init() {}

    func request(route: String, status: Int, seconds: Double) {
        state.withLock {
            $0.requests["\(route)|\(status)", default: 0] += 1
            $0.latency[route, default: Histogram()].observe(seconds)
        }
    }

    func tokens(model: String, prompt: Int, completion: Int) {
        state.withLock {
            $0.promptTokens[model, default: 0] += prompt
            $0.completionTokens[model, default: 0] += completion
        }
    }

    static func label(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// The exposition text; `loaded` lists the models resident now.
    func render(loaded: [String]) -> String {
        let (requests, latency, promptTokens, completionTokens) = state.withLock {
            ($0.requests, $0.latency, $0.promptTokens, $0.completionTokens)
        }
        do {
            var out =
                "# HELP assay_requests_total Inference requests by route and HTTP status.\n# TYPE assay_requests_total counter\n"
            for key in requests.keys.sorted() {
                let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
                out +=
                    "assay_requests_total{route=\"\(Self.label(parts[0]))\",status=\"\(parts[1])\"} \(requests[key]!)\n"
            }
            out +=
                "# HELP assay_request_duration_seconds Time to answer an inference request (streams: until the first byte).\n"
            out += "# TYPE assay_request_duration_seconds histogram\n"
            for route in latency.keys.sorted() {
                let h = latency[route]!
                let r = Self.label(route)
                for (i, bound) in Self.buckets.enumerated() {
                    out += "assay_request_duration_seconds_bucket{route=\"\(r)\",le=\"\(bound)\"} \(h.counts[i])\n"
                }
                out += "assay_request_duration_seconds_bucket{route=\"\(r)\",le=\"+Inf\"} \(h.count)\n"
                out += "assay_request_duration_seconds_sum{route=\"\(r)\"} \(h.sum)\n"
                out += "assay_request_duration_seconds_count{route=\"\(r)\"} \(h.count)\n"
            }
            out +=
                "# HELP assay_prompt_tokens_total Prompt tokens processed, by model.\n# TYPE assay_prompt_tokens_total counter\n"
            for model in promptTokens.keys.sorted() {
                out += "assay_prompt_tokens_total{model=\"\(Self.label(model))\"} \(promptTokens[model]!)\n"
            }
            out +=
                "# HELP assay_generation_tokens_total Generated tokens, by model.\n# TYPE assay_generation_tokens_total counter\n"
            for model in completionTokens.keys.sorted() {
                out += "assay_generation_tokens_total{model=\"\(Self.label(model))\"} \(completionTokens[model]!)\n"
            }
            out += "# HELP assay_models_loaded Models resident in memory.\n# TYPE assay_models_loaded gauge\n"
            out += "assay_models_loaded \(loaded.count)\n"
            return out
        }
    }
}
