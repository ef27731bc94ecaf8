import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of worker threads that run one data-parallel job at a time.
///
/// `parallelFor(count:)` hands out indices `0..<count` to the caller thread and the workers
/// through an atomic counter. Kernels make every index compute its own disjoint outputs with
/// a summation order that depends only on the index, so results never depend on which thread
/// ran an index or on how many threads there are.
///
/// Workers spin briefly after a job (decode issues hundreds of small jobs per token) and then
/// sleep on a condition variable, so an idle engine costs no CPU.
public final class ComputePool: Sendable {
    /// Threads taking part in a job, including the calling thread.
    public let threadCount: Int
    private let core: PoolCore
    private let threads: [pthread_t]
    /// Serializes submitters: one job at a time.
    private let submitLock = Mutex<Void>(())

    /// Creates a pool; `threads` ≤ 1 means every job runs on the calling thread.
    public init(threads: Int) {
        threadCount = max(1, threads)
        let core = PoolCore()
        var started: [pthread_t] = []
        for _ in 1..<threadCount {
            let box = Unmanaged.passRetained(core)
            var thread = pthread_t()
            let rc = pthread_create(
                &thread, nil,
                { raw in
                    guard let raw else { return nil }
                    let core = Unmanaged<PoolCore>.fromOpaque(raw).takeRetainedValue()
                    core.workerLoop()
                    return nil
                }, box.toOpaque())
            if rc == 0 { started.append(thread) } else { box.release() }
        }
        core.workerCount.store(started.count, ordering: .relaxed)
        self.core = core
        self.threads = started
    }

    deinit {
        core.shutdown()
        for thread in threads { pthread_join(thread, nil) }
    }

    /// Runs `body(i)` for every `i` in `0..<count`, spread over the pool; returns when all are done.
    public func parallelFor(count: Int, _ body: (Int) -> Void) {
        if count <= 0 { return }
        if threads.isEmpty || count == 1 {
            for i in 0..<count { body(i) }
            return
        }
        submitLock.withLock { _ in core.run(count: count, body) }
    }
}

/// State shared by the submitting thread and the workers (workers retain it, not the pool).
private final class PoolCore: Sendable {
    let generation = Atomic<Int>(0)
    let nextIndex = Atomic<Int>(0)
    let unfinishedWorkers = Atomic<Int>(0)
    let shuttingDown = Atomic<Bool>(false)
    let sleepers = Atomic<Int>(0)
    /// Worker threads started (set once by the pool's initializer, before any job).
    let workerCount = Atomic<Int>(0)

    // Job description; written by the submitter before `generation` is bumped and read by
    // workers after they observe the bump (relaxed: the bump orders them). `jobBody` is the
    // address of the submitter's closure, valid until `run` returns, which waits for every
    // worker to finish the job.
    private let jobCount = Atomic<Int>(0)
    private let jobBody = Atomic<UInt>(0)

    /// Where idle workers sleep after spinning (only then: the job path never takes it unless
    /// a worker sleeps).
    private let wake = NSCondition()

    func shutdown() {
        shuttingDown.store(true, ordering: .sequentiallyConsistent)
        wake.lock()
        generation.add(1, ordering: .sequentiallyConsistent)
        wake.broadcast()
        wake.unlock()
    }

    func run(count: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { escapable in
            var closure: (Int) -> Void = escapable
            withUnsafePointer(to: &closure) { pointer in
                jobBody.store(UInt(bitPattern: pointer), ordering: .relaxed)
                jobCount.store(count, ordering: .relaxed)
                nextIndex.store(0, ordering: .relaxed)
                unfinishedWorkers.store(workerCount.load(ordering: .relaxed), ordering: .relaxed)
                generation.add(1, ordering: .sequentiallyConsistent)
                if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                    wake.lock()
                    wake.broadcast()
                    wake.unlock()
                }
                runIndices(pointer.pointee, count: count)
                var spins = 0
                while unfinishedWorkers.load(ordering: .acquiring) > 0 {
                    spins += 1
                    if spins > 256 { sched_yield() }
                }
                jobBody.store(0, ordering: .relaxed)
            }
        }
    }

    private func runIndices(_ body: (Int) -> Void, count: Int) {
        while true {
            let i = nextIndex.add(1, ordering: .relaxed).oldValue
            if i >= count { break }
            body(i)
        }
    }

    func workerLoop() {
        // Workers start before any job can be submitted, at generation 0; reading the counter
        // here instead would race with a job submitted before this thread got scheduled.
        var seen = 0
        while true {
            // Spin a little for the next job (decode submits many small ones), then sleep.
            var current = generation.load(ordering: .acquiring)
            var spins = 0
            while current == seen {
                spins += 1
                if spins > 30_000 {
                    wake.lock()
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while generation.load(ordering: .sequentiallyConsistent) == seen {
                        wake.wait()
                    }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    wake.unlock()
                    spins = 0
                } else if spins > 20_000 {
                    sched_yield()
                }
                current = generation.load(ordering: .acquiring)
            }
            seen = current
            if shuttingDown.load(ordering: .acquiring) { return }
            if let raw = UnsafeRawPointer(bitPattern: jobBody.load(ordering: .relaxed)) {
                let body = raw.assumingMemoryBound(to: ((Int) -> Void).self).pointee
                runIndices(body, count: jobCount.load(ordering: .relaxed))
            }
            unfinishedWorkers.subtract(1, ordering: .releasing)
        }
    }
}
