import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Which network addresses webhook deliveries may reach. By default only public unicast
/// addresses: loopback, link-local (169.254.169.254 cloud metadata), private (RFC 1918, fc00::/7),
/// carrier-grade NAT, unspecified, multicast, reserved and documentation ranges are refused, so a
/// webhook cannot be pointed at the registry's own network (SSRF). Checked on every resolved
/// address at connect time, so DNS that later points at a private address is refused too.
public enum WebhookAddressPolicy {
    /// Why an IPv4 address (4 bytes, network order) is not public, or nil when it is.
    public static func refusal(ipv4 a: [UInt8]) -> String? {
        guard a.count == 4 else { return "malformed address" }
        switch (a[0], a[1]) {
        case (0, _): return "unspecified/this-network (0.0.0.0/8)"
        case (10, _): return "private (10.0.0.0/8)"
        case (100, 64...127): return "carrier-grade NAT (100.64.0.0/10)"
        case (127, _): return "loopback (127.0.0.0/8)"
        case (169, 254): return "link-local (169.254.0.0/16, cloud metadata)"
        case (172, 16...31): return "private (172.16.0.0/12)"
        case (192, 168): return "private (192.168.0.0/16)"
        case (192, 0) where a[2] == 0 || a[2] == 2: return "reserved/documentation (192.0.0.0/24, 192.0.2.0/24)"
        case (198, 18...19): return "benchmarking (198.18.0.0/15)"
        case (198, 51) where a[2] == 100: return "documentation (198.51.100.0/24)"
        case (203, 0) where a[2] == 113: return "documentation (203.0.113.0/24)"
        case (224...255, _): return "multicast/reserved/broadcast (224.0.0.0/3)"
        default: return nil
        }
    }

    /// Why an IPv6 address (16 bytes) is not public, or nil when it is.
    public static func refusal(ipv6 a: [UInt8]) -> String? {
        guard a.count == 16 else { return "malformed address" }
        if a[0..<15].allSatisfy({ $0 == 0 }) {
            return a[15] == 1 ? "loopback (::1)" : "unspecified (::)"
        }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible/NAT64 forms: judge the embedded IPv4.
        if a[0..<10].allSatisfy({ $0 == 0 }) && a[10] == 0xff && a[11] == 0xff {
            return refusal(ipv4: Array(a[12..<16])).map { "IPv4-mapped \($0)" }
        }
        if a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b {
            return refusal(ipv4: Array(a[12..<16])).map { "NAT64 \($0)" }
        }
        if a[0] & 0xfe == 0xfc { return "unique local (fc00::/7)" }
        if a[0] == 0xfe && a[1] & 0xc0 == 0x80 { return "link-local (fe80::/10)" }
        if a[0] == 0xfe && a[1] & 0xc0 == 0xc0 { return "site-local (fec0::/10)" }
        if a[0] == 0xff { return "multicast (ff00::/8)" }
        if a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8 { return "documentation (2001:db8::/32)" }
        return nil
    }

    /// Why a socket address is not public, or nil.
    static func refusal(_ address: UnsafePointer<sockaddr>) -> String? {
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                var raw = p.pointee.sin_addr.s_addr // network order
                return withUnsafeBytes(of: &raw) { refusal(ipv4: Array($0)) }
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                var raw = p.pointee.sin6_addr
                return withUnsafeBytes(of: &raw) { refusal(ipv6: Array($0)) }
            }
        default:
            return "unsupported address family"
        }
    }

    /// For a host given literally (an IP address or `localhost`): why it is not public, or nil
    /// (names are checked when they are resolved at delivery time).
    public static func refusal(literalHost host: String) -> String? {
        let lower = host.lowercased()
        if lower == "localhost" || lower.hasSuffix(".localhost") { return "loopback (localhost)" }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { refusal(ipv4: Array($0)) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { refusal(ipv6: Array($0)) }
        }
        return nil
    }
}
