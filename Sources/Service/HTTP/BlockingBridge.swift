import Foundation
import Synchronization

/// Runs an async call from a synchronous handler and returns its result. The task prefers a
/// dedicated executor thread, so waiting here never starves Swift's cooperative pool (the
/// caller may itself be on it, e.g. in tests calling the router directly).
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task(executorPreference: BlockingBridgeExecutor.shared) {
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        box.value.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    guard let result = box.value.withLock({ $0 }) else {
        throw Problem(kind: .internalError, detail: "a bridged call ended without a result")
    }
    return try result.get()
}

/// A task executor with its own threads (not the cooperative pool).
final class BlockingBridgeExecutor: TaskExecutor, Sendable {
    static let shared = BlockingBridgeExecutor(threads: 2)

    private let jobs = Mutex<[UnownedJob]>([])
    /// Counts queued jobs; each worker takes one per signal.
    private let queued = DispatchSemaphore(value: 0)

    init(threads: Int) {
        for i in 0..<threads {
            let thread = Thread { [self] in run() }
            thread.name = "assay-bridge-\(i)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        jobs.withLock { $0.append(unowned) }
        queued.signal()
    }

    private func run() {
        while true {
            queued.wait()
            guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// Written by the task before it signals, read by the waiter after.
private final class ResultBox<T: Sendable>: Sendable {
    let value = Mutex<Result<T, any Error>?>(nil)
}
