#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A fixed set of worker threads that run one data-parallel job at a time.
///
/// `parallelFor(count:)` hands out indices `0..<count` to the caller thread and the workers
/// through an atomic counter. Kernels make every index compute its own disjoint outputs with
/// a summation order that depends only on the index, so results never depend on which thread
/// ran an index or on how many threads there are.
///
/// Workers spin briefly after a job (decode issues hundreds of small jobs per token) and then
/// sleep on a condition variable, so an idle engine costs no CPU.
public final class ComputePool: @unchecked Sendable {
    /// Threads taking part in a job, including the calling thread.
    public let threadCount: Int
    private let core: PoolCore
    private var threads: [pthread_t] = []
    /// Serializes submitters: one job at a time.
    private let submitLock = Mutex<Void>(())

    /// Creates a pool; `threads` ≤ 1 means every job runs on the calling thread.
    public init(threads: Int) {
        threadCount = max(1, threads)
        core = PoolCore()
        for _ in 1..<threadCount {
            let box = Unmanaged.passRetained(core)
            var thread = pthread_t()
            let rc = pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                let core = Unmanaged<PoolCore>.fromOpaque(raw).takeRetainedValue()
                core.workerLoop()
                return nil
            }, box.toOpaque())
            if rc == 0 { self.threads.append(thread) } else { box.release() }
        }
        core.workerCount = self.threads.count
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
private final class PoolCore: @unchecked Sendable {
    let generation = Atomic<Int>(0)
    let nextIndex = Atomic<Int>(0)
    let unfinishedWorkers = Atomic<Int>(0)
    let shuttingDown = Atomic<Bool>(false)
    let sleepers = Atomic<Int>(0)
    var workerCount = 0

    // Job description; written by the submitter before `generation` is bumped and read by
    // workers after they observe the bump.
    private var jobCount = 0
    private var jobBody: UnsafeRawPointer?

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    func shutdown() {
        shuttingDown.store(true, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(mutex)
        generation.add(1, ordering: .sequentiallyConsistent)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    func run(count: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { escapable in
            var closure: (Int) -> Void = escapable
            withUnsafePointer(to: &closure) { pointer in
                jobBody = UnsafeRawPointer(pointer)
                jobCount = count
                nextIndex.store(0, ordering: .relaxed)
                unfinishedWorkers.store(workerCount, ordering: .relaxed)
                generation.add(1, ordering: .sequentiallyConsistent)
                if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                    pthread_mutex_lock(mutex)
                    pthread_cond_broadcast(condition)
                    pthread_mutex_unlock(mutex)
                }
                runIndices(pointer.pointee, count: count)
                var spins = 0
                while unfinishedWorkers.load(ordering: .acquiring) > 0 {
                    spins += 1
                    if spins > 256 { sched_yield() }
                }
                jobBody = nil
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
                    pthread_mutex_lock(mutex)
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while generation.load(ordering: .sequentiallyConsistent) == seen {
                        pthread_cond_wait(condition, mutex)
                    }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    pthread_mutex_unlock(mutex)
                    spins = 0
                } else if spins > 20_000 {
                    sched_yield()
                }
                current = generation.load(ordering: .acquiring)
            }
            seen = current
            if shuttingDown.load(ordering: .acquiring) { return }
            if let raw = jobBody {
                let body = raw.assumingMemoryBound(to: ((Int) -> Void).self).pointee
                runIndices(body, count: jobCount)
            }
            unfinishedWorkers.subtract(1, ordering: .releasing)
        }
    }
}
