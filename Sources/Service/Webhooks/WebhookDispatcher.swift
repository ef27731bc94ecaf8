import Foundation
import HTTPClient
import Hashing
import Registry
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Retry and timeout settings of webhook delivery.
public struct WebhookSettings: Sendable, Equatable {
    /// Attempts per delivery before it is marked failed.
    public var maxAttempts: Int
    /// Delay before the second attempt; doubled for every further one.
    public var baseDelay: Duration
    /// Ceiling of the delay between attempts.
    public var maxDelay: Duration
    /// Connect, send and answer timeout of one attempt.
    public var timeout: Duration
    /// Deliver to loopback, link-local and private addresses too (`--allow-private-webhooks`).
    /// Off by default: see `WebhookAddressPolicy`.
    public var allowPrivateNetworks: Bool

    public init(
        maxAttempts: Int = 5, baseDelay: Duration = .seconds(2), maxDelay: Duration = .seconds(600),
        timeout: Duration = .seconds(10), allowPrivateNetworks: Bool = false
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.timeout = timeout
        self.allowPrivateNetworks = allowPrivateNetworks
    }

    /// Delay after failed attempt `attempt` (1-based): base × 2^(attempt-1), capped.
    public func delay(after attempt: Int) -> Duration {
        let factor = 1 << min(max(attempt - 1, 0), 30)
        let ms = min(baseDelay.milliseconds * Int64(factor), maxDelay.milliseconds)
        return .milliseconds(ms)
    }
}

/// What one dispatcher pass did.
public struct WebhookPassSummary: Sendable, Equatable {
    public var queued = 0
    public var attempted = 0
    public var delivered = 0
    /// Attempts that failed and will be retried.
    public var retrying = 0
    /// Deliveries that used their last attempt without success.
    public var failed = 0
}

/// Delivers webhook events: turns new audit events into queued deliveries, then POSTs each due
/// delivery, signed, and logs every attempt. Runs as one pass (`assay webhook deliver`, cron)
/// or as a background loop inside `assay serve`; several dispatchers on one registry never send
/// the same attempt twice (deliveries are leased).
public final class WebhookDispatcher: Sendable {
    let store: RegistryStore
    public let settings: WebhookSettings

    /// A dispatcher on the registry at `home`, acting as `assay-webhooks`.
    public init(home: URL, settings: WebhookSettings = WebhookSettings()) throws {
        store = try RegistryStore(home: home, actor: "assay-webhooks")
        self.settings = settings
    }

    /// The signature header value for `body`: `sha256=` + hex HMAC-SHA256 under `secret`.
    public static func signature(body: [UInt8], secret: String) -> String {
        "sha256=" + HMACSHA256.authenticate(body, key: Array(secret.utf8)).hex
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Queues new events, then attempts every delivery that is due (each once).
    @discardableResult
    public func runOnce() throws -> WebhookPassSummary {
        var summary = WebhookPassSummary()
        summary.queued = try store.enqueueWebhookDeliveries(nowMs: Self.nowMs())
        // A lease covers a whole batch even when every attempt runs into its timeout.
        let batch = 10
        let lease = settings.timeout.milliseconds * Int64(batch + 1) + 5_000
        while true {
            let jobs = try store.claimWebhookDeliveries(nowMs: Self.nowMs(), leaseMs: lease, limit: batch)
            if jobs.isEmpty { break }
            for job in jobs {
                let outcome = attempt(job)
                summary.attempted += 1
                var retryAt: Int64?
                if outcome.succeeded {
                    summary.delivered += 1
                } else if job.attempt < settings.maxAttempts {
                    summary.retrying += 1
                    retryAt = Self.nowMs() + settings.delay(after: job.attempt).milliseconds
                } else {
                    summary.failed += 1
                }
                try store.recordWebhookAttempt(
                    job, statusCode: outcome.status, error: outcome.error,
                    startedAt: outcome.startedAt, durationMs: outcome.durationMs,
                    succeeded: outcome.succeeded, retryAtMs: retryAt)
            }
        }
        return summary
    }

    struct AttemptOutcome {
        var status: Int?
        var error: String?
        var startedAt: String
        var durationMs: Int64
        var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
    }

    func attempt(_ job: WebhookDeliveryJob) -> AttemptOutcome {
        let started = Date()
        let startedAt = RegistryClock.now()
        let body = Array(job.body.utf8)
        var status: Int?
        var failure: String?
        let filter: HTTPClient.AddressFilter? =
            settings.allowPrivateNetworks
            ? nil : { @Sendable (address: UnsafePointer<sockaddr>) -> String? in WebhookAddressPolicy.refusal(address) }
        let timeout = settings.timeout.milliseconds
        do {
            let url = try HTTPURL(parsing: job.url)
            // Only the status line is read (no body, at most 16 KiB of head), redirects are never
            // followed (a 3xx is a failed attempt), and the answer's bytes never reach the log.
            do {
                status = try HTTPClient.send(
                    "POST", url,
                    headers: [
                        ("Content-Type", "application/json"), ("User-Agent", "assay-webhooks/1"),
                        ("X-Assay-Event", job.eventType), ("X-Assay-Delivery", job.id),
                        ("X-Assay-Attempt", String(job.attempt)),
                        ("X-Assay-Signature", Self.signature(body: body, secret: job.secret))
                    ], body: body, timeoutMilliseconds: timeout, read: .statusLine, addressFilter: filter
                ).status
                if let code = status, !(200..<300).contains(code) { failure = "HTTP \(code)" }
            } catch {
                if let refused = error.refusedAddress {
                    failure =
                        "refused to deliver to \(url.host): the address is \(refused) (start with --allow-private-webhooks to allow private networks)"
                } else {
                    failure = error.description
                }
            }
        } catch {
            failure = "invalid webhook URL: \(error.description)"
        }
        return AttemptOutcome(
            status: status, error: failure, startedAt: startedAt,
            durationMs: Int64(Date().timeIntervalSince(started) * 1000))
    }

    // MARK: background loop

    private final class Loop: Sendable {
        struct State {
            var stopping = false
            var running = false
        }
        let state = Mutex(State())
        /// Signalled by `stop()` to cut the wait between passes short.
        let wake = DispatchSemaphore(value: 0)
        /// Signalled by the loop thread when it has ended.
        let ended = DispatchSemaphore(value: 0)
    }
    private let loop = Loop()

    /// Runs a pass every `interval` on a background thread until `stop()`. `report` receives
    /// pass errors (the loop keeps going).
    public func start(interval: Duration, report: @escaping @Sendable (String) -> Void = { _ in }) {
        let loop = self.loop
        let started: Bool = loop.state.withLock {
            guard !$0.running else { return false }
            $0.running = true
            $0.stopping = false
            return true
        }
        guard started else { return }
        let thread = Thread { [self] in
            while true {
                do { try runOnce() } catch { report("webhook dispatch failed: \(error)") }
                if loop.state.withLock({ $0.stopping }) { break }
                _ = loop.wake.wait(timeout: .now() + .milliseconds(Int(clamping: interval.milliseconds)))
                if loop.state.withLock({ $0.stopping }) { break }
            }
            loop.state.withLock { $0.running = false }
            loop.ended.signal()
        }
        thread.name = "assay-webhooks"
        thread.start()
    }

    /// Stops the background loop after its current pass; waits for it.
    public func stop() {
        let mustWait = loop.state.withLock { state -> Bool in
            let first = !state.stopping
            state.stopping = true
            return state.running && first
        }
        guard mustWait else { return }
        loop.wake.signal()
        loop.ended.wait()
    }
}
