import Foundation
import Synchronization

/// Runs an async call to completion on the calling thread and returns its result: for the
/// server's connection threads (blocking sockets) and other synchronous callers. The task
/// prefers an executor that this thread drains while it waits, so its nonisolated work runs
/// here (as a synchronous handler would) and waiting never starves Swift's cooperative pool,
/// even when the caller is one of its threads (tests calling the router directly).
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let executor = CallerThreadExecutor()
    let result = Mutex<Result<T, any Error>?>(nil)
    Task(executorPreference: executor) {
        let outcome: Result<T, any Error>
        do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
        result.withLock { $0 = outcome }
        executor.stop()
    }
    executor.runUntilStopped()
    guard let outcome = result.withLock({ $0 }) else {
        throw Problem(kind: .internalError, detail: "a bridged call ended without a result")
    }
    return try outcome.get()
}

/// A task executor drained by the thread that created it (see `blockingAwait`).
final class CallerThreadExecutor: TaskExecutor, Sendable {
    private struct State {
        var jobs: [UnownedJob] = []
        var stopped = false
    }

    private let state = Mutex(State())
    /// Signalled once per enqueued job and once on `stop`.
    private let wake = DispatchSemaphore(value: 0)

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        state.withLock { $0.jobs.append(unowned) }
        wake.signal()
    }

    func stop() {
        state.withLock { $0.stopped = true }
        wake.signal()
    }

    /// Runs enqueued jobs on this thread until `stop` (jobs already queued then still run).
    func runUntilStopped() {
        while true {
            wake.wait()
            let (jobs, stopped) = state.withLock { state in
                defer { state.jobs.removeAll() }
                return (state.jobs, state.stopped)
            }
            for job in jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
            if stopped { return }
        }
    }
}
