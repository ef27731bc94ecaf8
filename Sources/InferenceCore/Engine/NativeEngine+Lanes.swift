import Dispatch
import Synchronization

/// One single-threaded scoring session with its own KV cache.
final class ScoringLane: Sendable {
    let state: Mutex<EngineState>

    init(model: TransformerModel, contextLength: Int) {
        state = Mutex(
            EngineState(
                session: InferenceSession(model: model, pool: ComputePool(threads: 1), contextLength: contextLength)))
    }
}

extension NativeEngine {
    /// Scores a log-likelihood batch on one single-threaded lane per compute thread, each lane
    /// taking the next question (the requests sharing a context: its choices; longest first) as
    /// it finishes one, so a batch of short questions keeps every thread busy without synchronising the
    /// threads at every layer. Nil when the batch or the engine is too small for it (one thread, one
    /// question): the caller scores on the shared session.
    ///
    /// Every score equals the one-session score bit for bit: products do not depend on the
    /// thread count; a lane reuses a cached prefix only where the shared session would (never on
    /// models whose sums depend on the batch), and such reuse is exact.
    func scoreOnLanes(_ split: [(context: [Int32], continuation: [Int32])], order: [Int]) throws(InferenceError)
        -> [LoglikelihoodResult]?
    {
        guard info.threads > 1, order.count > 1 else { return nil }
        // Runs of requests sharing a context (a question's choices), in scoring order.
        var groups: [ArraySlice<Int>] = []
        var start = 0
        for i in 1...order.count where i == order.count || split[order[i]].context != split[order[i - 1]].context {
            groups.append(order[start..<i])
            start = i
        }
        guard groups.count > 1 else { return nil }
        let laneCount = min(info.threads, groups.count)
        // Longest questions first, so that the lanes finish together (the last one taken is short).
        let work = groups.sorted { a, b in
            let x = split[a.first!].context.count + split[a.first!].continuation.count
            let y = split[b.first!].context.count + split[b.first!].continuation.count
            return x > y || (x == y && a.first! < b.first!)
        }
        let next = Atomic<Int>(0)
        let capacity = contextLength
        let model = self.model
        let lanes = self.lanes.withLock { lanes in
            while lanes.count < laneCount { lanes.append(ScoringLane(model: model, contextLength: capacity)) }
            return Array(lanes.prefix(laneCount))
        }
        let results = Mutex([LoglikelihoodResult?](repeating: nil, count: split.count))
        let failure = Mutex<InferenceError?>(nil)
        // The shared session's lock keeps requests one at a time, as on the single session.
        state.withLock { _ in
            DispatchQueue.concurrentPerform(iterations: laneCount) { lane in
                lanes[lane].state.withLock { state in
                    // Each lane takes the next question as it finishes one.
                    while true {
                        let group = next.wrappingAdd(1, ordering: .relaxed).oldValue
                        guard group < work.count, failure.withLock({ $0 == nil }) else { return }
                        for index in work[group] {
                            do throws(InferenceError) {
                                let result = try state.score(
                                    context: split[index].context, continuation: split[index].continuation)
                                results.withLock { $0[index] = result }
                            } catch {
                                failure.withLock { $0 = $0 ?? error }
                                return
                            }
                        }
                    }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.withLock { $0.map { $0! } }
    }
}
