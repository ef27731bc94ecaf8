import Foundation
import Registry
import TestSupport
import Testing

@testable import Service

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12 item 9: webhooks cannot be aimed at the registry's own network.
struct WebhookSSRFTests {
    @Test(arguments: [
        "127.0.0.1", "127.8.9.10", "169.254.169.254", "10.1.2.3", "172.16.0.1", "172.31.255.255",
        "192.168.1.1", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255",
        "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe", "localhost", "api.localhost"
    ])
    func privateAddressesAreRefused(_ host: String) {
        #expect(WebhookAddressPolicy.refusal(literalHost: host) != nil, "\(host)")
    }

    @Test(arguments: ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "example.com"])
    func publicAddressesAreAllowed(_ host: String) {
        #expect(WebhookAddressPolicy.refusal(literalHost: host) == nil, "\(host)")
    }

    func store() throws -> (TemporaryDirectory, RegistryStore) {
        let dir = TemporaryDirectory("assay-ssrf")
        return (dir, try RegistryStore(home: dir.path("home"), actor: "alice", create: true))
    }

    func register(_ store: RegistryStore, _ dir: TemporaryDirectory) throws {
        let file = dir.path("w.bin")
        try Data("weights".utf8).write(to: file)
        _ = try store.registerModelVersion(
            ModelRegistration(
                reference: try VersionReference(parsing: "m@1"),
                files: [ArtifactInput(url: file, relativePath: "w.bin")]))
    }

    /// Default settings: a loopback receiver never sees a request; the attempt says why.
    @Test func defaultSettingsDoNotDeliverToLoopback() throws {
        let (dir, store) = try store()
        let receiver = try RecordingReceiver(script: [204])
        defer { receiver.stop() }
        let hook = try store.addWebhook(url: receiver.url, events: [.versionRegistered])
        _ = try store.addWebhook(url: "http://[::1]:\(receiver.server.port)/hook", events: [.versionRegistered])
        try register(store, dir)
        let dispatcher = try WebhookDispatcher(home: store.home, settings: WebhookSettings(maxAttempts: 1))
        let summary = try dispatcher.runOnce()
        #expect(summary.attempted == 2 && summary.delivered == 0)
        #expect(receiver.requests.isEmpty)
        let attempts = try store.webhookAttempts(webhook: hook.id)
        #expect(attempts.first?.error?.contains("loopback") == true, "\(attempts)")
        #expect(attempts.first?.error?.contains("--allow-private-webhooks") == true)
    }

    /// A raw TCP listener that writes `reply` to every connection and closes it.
    final class BannerServer: @unchecked Sendable {
        let fd: Int32
        let port: Int
        init(reply: String) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.fd = fd
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            listen(fd, 8)
            var bound = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &bound) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            let listener = fd
            port = Int(UInt16(bigEndian: bound.sin_port))
            let bytes = Array(reply.utf8)
            Thread {
                while true {
                    let client = accept(listener, nil, nil)
                    if client < 0 { return }
                    _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    var scratch = [UInt8](repeating: 0, count: 4096)
                    _ = scratch.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                    close(client)
                }
            }.start()
        }
        func stop() {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    /// With private networks allowed (a local test receiver): a non-HTTP banner is not stored,
    /// and a redirect is a failed attempt, never followed.
    @Test func bannersAreNotEchoedAndRedirectsAreNotFollowed() throws {
        let (dir, store) = try store()
        let ssh = try BannerServer(reply: "SSH-2.0-OpenSSH_9.6 secret-banner\r\n")
        defer { ssh.stop() }
        let redirect = try BannerServer(
            reply:
                "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data\r\nContent-Length: 0\r\n\r\n")
        defer { redirect.stop() }
        let banner = try store.addWebhook(url: "http://127.0.0.1:\(ssh.port)/x", events: [.versionRegistered])
        let moved = try store.addWebhook(url: "http://127.0.0.1:\(redirect.port)/x", events: [.versionRegistered])
        try register(store, dir)
        let dispatcher = try WebhookDispatcher(
            home: store.home,
            settings: WebhookSettings(
                maxAttempts: 1, timeout: .seconds(5),
                allowPrivateNetworks: true))
        let summary = try dispatcher.runOnce()
        #expect(summary.delivered == 0 && summary.failed == 2)
        let bannerAttempt = try #require(try store.webhookAttempts(webhook: banner.id).first)
        #expect(!(bannerAttempt.error ?? "").contains("SSH-2.0"), "\(bannerAttempt.error ?? "")")
        let redirectAttempt = try #require(try store.webhookAttempts(webhook: moved.id).first)
        #expect(redirectAttempt.statusCode == 302)
    }
}
