import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One client connection: reads requests with deadlines, answers them in order.
struct HTTPConnection {
    let fd: Int32
    let server: HTTPServer
    let wakeFD: Int32

    func run() {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)
        defer { scratch.deallocate() }
        var closeGracefully = false
        serve(scratch: scratch, lingering: &closeGracefully)
        if closeGracefully {
            SocketIO.lingeringClose(fd, scratch: scratch)
        } else {
            close(fd)
        }
    }

    private func serve(scratch: UnsafeMutableRawBufferPointer, lingering: inout Bool) {
        let config = server.configuration
        let parser = RequestHeadParser(limits: config.limits)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        var start = 0
        var handled = 0
        let acceptedAt = MonotonicClock.milliseconds()

        func fail(_ error: HTTPError, version: String = "HTTP/1.1") {
            let response = Problem(httpError: error).response
            _ = SocketIO.writeAll(
                fd,
                ResponseSerializer.head(
                    response, version: version, keepAlive: false,
                    isHEAD: false, chunked: false))
            lingering = true
        }

        while true {
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            // Tolerate empty lines between requests (RFC 9112 §2.2).
            while buffer.count - start >= 2, buffer[start] == 0x0d, buffer[start + 1] == 0x0a { start += 2 }

            // 1. The head.
            var scanFrom = start
            // The first request's head must be complete within headerTimeout of the connection's
            // acceptance: an idle or trickling client cannot hold a slot longer than that.
            var headDeadline: Int64? =
                handled == 0
                ? acceptedAt + config.headerTimeout.milliseconds
                : buffer.count > start ? MonotonicClock.milliseconds() + config.headerTimeout.milliseconds : nil
            let head: RequestHead
            var headEnd: Int
            while true {
                do {
                    if case .complete(let h, let end) = try parser.parse(buffer, start: start, scanFrom: &scanFrom) {
                        head = h
                        headEnd = end
                        break
                    }
                } catch {
                    fail(error)
                    return
                }
                let idle = buffer.count == start
                if idle && server.isStopping { return }
                let deadline =
                    headDeadline
                    ?? MonotonicClock.milliseconds()
                    + (handled == 0 ? config.headerTimeout : config.idleTimeout).milliseconds
                switch SocketIO.read(
                    fd, into: &buffer, scratch: scratch, deadline: deadline, wakeFD: idle ? wakeFD : -1)
                {
                case .data:
                    if headDeadline == nil {
                        headDeadline = MonotonicClock.milliseconds() + config.headerTimeout.milliseconds
                    }
                case .timeout:
                    if !idle { fail(HTTPError(.requestTimeout, "the request head was not received in time")) }
                    return
                case .eof, .stopped, .failed:
                    return
                }
            }

            // 2. The body: buffered, streamed to a sink (uploads), or refused unread.
            var request: Request
            do {
                request = try Request(
                    method: head.method, target: head.target, version: head.version,
                    headers: head.headers)
            } catch {
                fail(error, version: head.version)
                return
            }
            var sink: (any RequestBodySink)?
            switch server.responder.bodyDisposition(for: request) {
            case .buffer: break
            case .stream(let s): sink = s
            case .reject(let response):
                _ = SocketIO.writeAll(
                    fd,
                    ResponseSerializer.head(
                        response, version: head.version, keepAlive: false,
                        isHEAD: false, chunked: false))
                lingering = true
                return
            }
            let limit = sink == nil ? config.limits.maxBodyBytes : config.limits.maxUploadBytes
            // Buffered bodies must arrive within bodyTimeout; streamed ones may take longer but
            // never stall for more than bodyTimeout.
            var bodyDeadline = MonotonicClock.milliseconds() + config.bodyTimeout.milliseconds
            func readMore() -> Bool {
                switch SocketIO.read(fd, into: &buffer, scratch: scratch, deadline: bodyDeadline, wakeFD: -1) {
                case .data:
                    if sink != nil { bodyDeadline = MonotonicClock.milliseconds() + config.bodyTimeout.milliseconds }
                    return true
                case .timeout:
                    fail(HTTPError(.requestTimeout, "the request body was not received in time"), version: head.version)
                    return false
                default: return false
                }
            }
            /// Passes bytes to the sink; on its error answers with the error and gives up.
            func deliver(_ bytes: ArraySlice<UInt8>, to sink: any RequestBodySink) -> Bool {
                do { try sink.write(bytes) } catch {
                    sink.abandon()
                    let problem =
                        (error as? any ProblemConvertible)?.problem
                        ?? Problem(kind: .internalError, detail: "the upload could not be stored")
                    _ = SocketIO.writeAll(
                        fd,
                        ResponseSerializer.head(
                            problem.response, version: head.version,
                            keepAlive: false, isHEAD: false, chunked: false))
                    lingering = true
                    return false
                }
                return true
            }
            switch head.framing {
            case .none:
                start = headEnd
            case .length(let n):
                guard n <= limit else {
                    fail(HTTPError(.contentTooLarge, "request body exceeds \(limit) bytes"), version: head.version)
                    return
                }
                if head.expectsContinue && buffer.count - headEnd < n {
                    _ = SocketIO.writeAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                }
                if let sink {
                    var remaining = n
                    while remaining > 0 {
                        let available = min(buffer.count - headEnd, remaining)
                        if available > 0 {
                            guard deliver(buffer[headEnd..<(headEnd + available)], to: sink) else { return }
                            buffer.removeSubrange(headEnd..<(headEnd + available))
                            remaining -= available
                        } else if !readMore() {
                            sink.abandon()
                            return
                        }
                    }
                    start = headEnd
                } else {
                    while buffer.count - headEnd < n {
                        guard readMore() else { return }
                    }
                    request.body = Array(buffer[headEnd..<(headEnd + n)])
                    start = headEnd + n
                }
            case .chunked:
                if head.expectsContinue && buffer.count == headEnd {
                    _ = SocketIO.writeAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                }
                var decoder = ChunkedDecoder(maxBodyBytes: limit)
                var index = headEnd
                while true {
                    do { try decoder.feed(buffer, index: &index) } catch {
                        sink?.abandon()
                        fail(error, version: head.version)
                        return
                    }
                    if let sink {
                        let chunk = decoder.takeBody()
                        if !chunk.isEmpty { guard deliver(chunk[...], to: sink) else { return } }
                    }
                    if decoder.isDone { break }
                    // Keep the buffer small: drop what the decoder consumed.
                    buffer.removeSubrange(0..<index)
                    index = 0
                    guard readMore() else {
                        sink?.abandon()
                        return
                    }
                }
                if sink == nil { request.body = decoder.body }
                start = index
            }
            request.streamedBody = sink

            // 3. Respond.
            let response = server.responder.respondBlocking(to: request)
            // Whatever the handler kept of a streamed body is its own now; the rest is discarded.
            sink?.abandon()
            // Checked after handling: a request in flight during shutdown is answered, then closed.
            var keepAlive = head.keepAlive && !server.isStopping
            if response.headers["Connection"]?.lowercased() == "close" { keepAlive = false }
            let isHEAD = head.method == "HEAD"
            let chunked = head.version == "HTTP/1.1"
            switch response.body {
            case .bytes:
                let bytes = ResponseSerializer.head(
                    response, version: head.version, keepAlive: keepAlive,
                    isHEAD: isHEAD, chunked: false)
                guard SocketIO.writeAll(fd, bytes) else { return }
            case .stream(let produce):
                // Without chunked coding (HTTP/1.0) the end of the body is the end of the connection.
                if !chunked { keepAlive = false }
                guard
                    SocketIO.writeAll(
                        fd,
                        ResponseSerializer.head(
                            response, version: head.version, keepAlive: keepAlive,
                            isHEAD: isHEAD, chunked: chunked))
                else { return }
                if !isHEAD {
                    let writer = SocketBodyWriter(fd: fd, chunked: chunked)
                    do { try produce(writer) } catch { return }
                    guard writer.finish() else { return }
                }
            }
            server.countServed()
            handled += 1
            if !keepAlive {
                lingering = true
                return
            }
        }
    }
}
