import Foundation
import Hashing
import Registry
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

    public init(maxAttempts: Int = 5, baseDelay: Duration = .seconds(2), maxDelay: Duration = .seconds(600),
                timeout: Duration = .seconds(10), allowPrivateNetworks: Bool = false) {
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
                try store.recordWebhookAttempt(job, statusCode: outcome.status, error: outcome.error,
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
        let startedAt = ISO8601DateFormatter.string(from: started, timeZone: TimeZone(identifier: "UTC") ?? .current,
                                                    formatOptions: [.withInternetDateTime, .withFractionalSeconds])
        let body = Array(job.body.utf8)
        var status: Int?
        var failure: String?
        do {
            let url = try WebhookURL(parsing: job.url)
            status = try WebhookClient.post(url, body: body, timeout: settings.timeout,
                                            allowPrivate: settings.allowPrivateNetworks, headers: [
                ("Content-Type", "application/json"), ("User-Agent", "assay-webhooks/1"),
                ("X-Assay-Event", job.eventType), ("X-Assay-Delivery", job.id),
                ("X-Assay-Attempt", String(job.attempt)),
                ("X-Assay-Signature", Self.signature(body: body, secret: job.secret)),
            ])
            if let code = status, !(200..<300).contains(code) { failure = "HTTP \(code)" }
        } catch {
            failure = String(describing: error)
        }
        return AttemptOutcome(status: status, error: failure, startedAt: startedAt,
                              durationMs: Int64(Date().timeIntervalSince(started) * 1000))
    }

    // MARK: background loop

    private final class Loop: @unchecked Sendable {
        let condition = NSCondition()
        var stopping = false
        var running = false
    }
    private let loop = Loop()

    /// Runs a pass every `interval` on a background thread until `stop()`. `report` receives
    /// pass errors (the loop keeps going).
    public func start(interval: Duration, report: @escaping @Sendable (String) -> Void = { _ in }) {
        let loop = self.loop
        let started: Bool = loop.condition.withLock {
            guard !loop.running else { return false }
            loop.running = true
            loop.stopping = false
            return true
        }
        guard started else { return }
        let thread = Thread { [self] in
            while true {
                do { try runOnce() } catch { report("webhook dispatch failed: \(error)") }
                let stop: Bool = loop.condition.withLock {
                    let until = Date(timeIntervalSinceNow: Double(interval.milliseconds) / 1000)
                    while !loop.stopping, loop.condition.wait(until: until) {}
                    return loop.stopping
                }
                if stop { break }
            }
            loop.condition.withLock {
                loop.running = false
                loop.condition.broadcast()
            }
        }
        thread.name = "assay-webhooks"
        thread.start()
    }

    /// Stops the background loop after its current pass; waits for it.
    public func stop() {
        loop.condition.withLock {
            loop.stopping = true
            loop.condition.broadcast()
            while loop.running { loop.condition.wait() }
        }
    }
}

/// A minimal HTTP/1.1 client for webhook POSTs: one request per connection, plain HTTP, every
/// step under `timeout`; only the status line of the answer is read (at most 16 KiB of head, no
/// body), redirects are never followed (a 3xx is a failed attempt), and the answer's bytes are
/// never echoed into the delivery log.
enum WebhookClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func post(_ url: WebhookURL, body: [UInt8], timeout: Duration, allowPrivate: Bool = false,
                     headers: [(String, String)]) throws -> Int {
        let deadline = MonotonicClock.milliseconds() + timeout.milliseconds
        let fd = try connect(url.host, url.port, deadline: deadline, allowPrivate: allowPrivate)
        defer { close(fd) }
        SocketIO.setTimeout(fd, option: SO_SNDTIMEO, milliseconds: timeout.milliseconds)
        let hostHeader = (url.host.contains(":") ? "[\(url.host)]" : url.host) + (url.port == 80 ? "" : ":\(url.port)")
        var head = "POST \(url.target) HTTP/1.1\r\nHost: \(hostHeader)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        guard SocketIO.writeAll(fd, Array(head.utf8) + body) else { throw Failure(description: "sending failed (errno \(errno))") }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { scratch.deallocate() }
        var buffer: [UInt8] = []
        while true {
            // Interim 1xx answers are skipped; the status line of the final answer is enough.
            if let lineEnd = buffer.firstIndex(of: 0x0a) {
                let line = String(decoding: buffer[..<lineEnd], as: UTF8.self)
                let parts = line.split(separator: " ")
                guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]), (100...599).contains(code) else {
                    throw Failure(description: "the receiver did not answer with HTTP")
                }
                if code >= 200 { return code }
                guard let end = find(buffer, [13, 10, 13, 10]) else {
                    if buffer.count > 16 * 1024 { throw Failure(description: "answer head too large") }
                    try readMore(fd, &buffer, scratch, deadline)
                    continue
                }
                buffer.removeSubrange(0..<(end + 4))
                continue
            }
            if buffer.count > 16 * 1024 { throw Failure(description: "answer head too large") }
            try readMore(fd, &buffer, scratch, deadline)
        }
    }

    private static func readMore(_ fd: Int32, _ buffer: inout [UInt8], _ scratch: UnsafeMutableRawBufferPointer,
                                 _ deadline: Int64) throws {
        switch SocketIO.read(fd, into: &buffer, scratch: scratch, deadline: deadline, wakeFD: -1) {
        case .data: return
        case .timeout: throw Failure(description: "no answer in time")
        case .eof: throw Failure(description: "connection closed before an answer")
        case .stopped, .failed: throw Failure(description: "reading the answer failed (errno \(errno))")
        }
    }

    private static func find(_ bytes: [UInt8], _ needle: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// Connects (non-blocking connect, polled until `deadline`), trying every address of `host`.
    private static func connect(_ host: String, _ port: Int, deadline: Int64, allowPrivate: Bool) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else {
            throw Failure(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(result) }
        var lastError: Int32 = 0
        var refused: String?
        var info: UnsafeMutablePointer<addrinfo>? = first
        while let ai = info {
            info = ai.pointee.ai_next
            if !allowPrivate, let reason = WebhookAddressPolicy.refusal(ai.pointee.ai_addr) {
                refused = reason
                continue
            }
            let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 { lastError = errno; continue }
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            var rc = Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen)
            if rc != 0 && errno == EINPROGRESS {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let remaining = max(1, deadline - MonotonicClock.milliseconds())
                if poll(&p, 1, Int32(clamping: remaining)) == 1 {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    rc = error == 0 ? 0 : -1
                    lastError = error
                } else {
                    lastError = ETIMEDOUT
                }
            } else if rc != 0 {
                lastError = errno
            }
            if rc == 0 {
                _ = fcntl(fd, F_SETFL, flags)
                return fd
            }
            close(fd)
        }
        if let refused, lastError == 0 {
            throw Failure(description: "refused to deliver to \(host): the address is \(refused) (start with --allow-private-webhooks to allow private networks)")
        }
        throw Failure(description: "cannot connect to \(host):\(port): \(String(cString: strerror(lastError)))")
    }
}
