/// Kinds of personal data and secrets the scanner recognises.
public enum PIIKind: String, Sendable, Codable, CaseIterable, Comparable {
    case email
    case phone
    case paymentCard = "payment_card"
    case iban
    case ssn = "us_ssn"
    case ipAddress = "ip_address"
    case secret

    public static func < (a: PIIKind, b: PIIKind) -> Bool { a.rawValue < b.rawValue }
}

/// One finding in a text: the kind, the matched value, and its masked form for reports.
public struct PIIFinding: Sendable, Equatable {
    public var kind: PIIKind
    public var value: String
    public var masked: String
}

/// Finds personal data with hand-written scanners over UTF-8 bytes (no regular expressions):
///
/// * e-mail: `local@domain.tld` with a dotted domain and an alphabetic TLD of ≥ 2 letters;
/// * payment cards: 13–19 digits (single spaces or dashes between groups) passing the Luhn check;
/// * IBAN: country letters, 2 check digits, 11–30 alphanumerics (optionally grouped by spaces),
///   total length 15–34, passing ISO 7064 mod-97;
/// * US SSN: `AAA-GG-SSSS` with area ≠ 000, 666, 9xx, group ≠ 00, serial ≠ 0000;
/// * phone: `+` and 8–15 digits, or North American 10 digits grouped 3-3-4 (`(555) 123-4567`,
///   `555-123-4567`, `555.123.4567`), optionally preceded by `1`;
/// * IPv4 addresses (four 0–255 octets, not part of a longer dotted number);
/// * secrets: PEM private-key blocks, AWS access key ids (`AKIA…`), GitHub tokens (`ghp_`,
///   `github_pat_`…), Slack tokens (`xox?-`), Stripe live keys (`sk_live_`), OpenAI-style keys
///   (`sk-…`, ≥ 20 characters), Google API keys (`AIza…`).
///
/// Digit runs that fail every validator (e.g. a 16-digit number with a wrong Luhn digit) are
/// reported as nothing.
public enum PIIScanner {
    public static func scan(_ text: String) -> [PIIFinding] {
        var out: [PIIFinding] = []
        let bytes = Array(text.utf8)
        let n = bytes.count
        if n == 0 { return out }
        scanSecrets(bytes, into: &out)
        var i = 0
        while i < n {
            let b = bytes[i]
            if b == 0x40 { // '@'
                if let f = email(bytes, at: i) { out.append(f) }
                i += 1
                continue
            }
            let prevIsWord = i > 0 && isAlnum(bytes[i - 1])
            if !prevIsWord, isUpper(b), i + 1 < n, isUpper(bytes[i + 1]), let (f, end) = iban(bytes, at: i) {
                if let f { out.append(f) }
                i = end
                continue
            }
            if !prevIsWord && (isDigit(b) || b == 0x2b || b == 0x28) {
                if let (f, end) = numeric(bytes, at: i) {
                    if let f { out.append(f) }
                    i = end
                    continue
                }
            }
            i += 1
        }
        return out
    }

    // MARK: character classes

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5a }
    @inline(__always) static func isLower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7a }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { isUpper(b) || isLower(b) }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) }

    static func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    // MARK: e-mail

    static func email(_ bytes: [UInt8], at: Int) -> PIIFinding? {
        func localByte(_ b: UInt8) -> Bool {
            isAlnum(b) || b == 0x2e || b == 0x5f || b == 0x25 || b == 0x2b || b == 0x2d
        }
        func domainByte(_ b: UInt8) -> Bool { isAlnum(b) || b == 0x2e || b == 0x2d }
        var s = at
        while s > 0, localByte(bytes[s - 1]) { s -= 1 }
        while s < at, bytes[s] == 0x2e { s += 1 }
        guard s < at else { return nil }
        var e = at + 1
        while e < bytes.count, domainByte(bytes[e]) { e += 1 }
        while e > at + 1, bytes[e - 1] == 0x2e || bytes[e - 1] == 0x2d { e -= 1 }
        guard e > at + 1 else { return nil }
        let domain = bytes[(at + 1)..<e]
        guard let lastDot = domain.lastIndex(of: 0x2e), lastDot > at + 1 else { return nil }
        let tld = bytes[(lastDot + 1)..<e]
        guard tld.count >= 2, tld.allSatisfy(isAlpha) else { return nil }
        let value = string(bytes[s..<e])
        let local = bytes[s..<at]
        let masked = string(local.prefix(1)) + "***@" + string(domain)
        _ = value
        return PIIFinding(kind: .email, value: value, masked: masked)
    }

    // MARK: numbers: cards, SSNs, phones, IPv4

    /// Reads a run of digit groups starting at `start`; returns a finding (or nil when the run
    /// validates as nothing) and where scanning continues; nil when no digit run starts here.
    static func numeric(_ bytes: [UInt8], at start: Int) -> (PIIFinding?, Int)? {
        let n = bytes.count
        var i = start
        var digits: [UInt8] = []
        var groups: [Int] = []
        var separators: [UInt8] = []
        let plus = bytes[i] == 0x2b
        if plus { i += 1 }
        var paren = false
        if i < n, bytes[i] == 0x28 {
            paren = true
            i += 1
        }
        var current = 0
        while i < n {
            let b = bytes[i]
            if isDigit(b) {
                digits.append(b - 0x30)
                current += 1
                i += 1
                continue
            }
            if current > 0, paren, b == 0x29 { // ')' closing an area code
                groups.append(current)
                current = 0
                separators.append(0x29)
                paren = false
                i += 1
                if i < n, bytes[i] == 0x20 { i += 1 }
                continue
            }
            if current > 0, b == 0x20 || b == 0x2d || b == 0x2e, i + 1 < n, isDigit(bytes[i + 1]) {
                groups.append(current)
                current = 0
                separators.append(b)
                i += 1
                continue
            }
            break
        }
        if current > 0 { groups.append(current) }
        guard !digits.isEmpty else { return nil }
        let end = i
        // A run glued to letters or further digits is an identifier, not personal data.
        if end < n, isAlpha(bytes[end]) { return (nil, end) }
        let text = string(bytes[start..<end])
        let count = digits.count

        // IPv4: four dot-separated groups of 1–3 digits, each ≤ 255, not followed by ".digit".
        if !plus, groups.count == 4, separators.allSatisfy({ $0 == 0x2e }), groups.allSatisfy({ $0 <= 3 }) {
            var octets: [Int] = []
            var k = 0
            for g in groups {
                octets.append(digits[k..<(k + g)].reduce(0) { $0 * 10 + Int($1) })
                k += g
            }
            if octets.allSatisfy({ $0 <= 255 }) {
                let masked = "\(octets[0]).\(octets[1]).*.*"
                return (PIIFinding(kind: .ipAddress, value: text, masked: masked), end)
            }
            return (nil, end)
        }
        if separators.contains(0x2e) && !(groups.count == 3 && count == 10) { return (nil, end) }
        // US SSN: 3-2-4 with dashes.
        if !plus, groups == [3, 2, 4], separators == [0x2d, 0x2d] {
            let area = Int(digits[0]) * 100 + Int(digits[1]) * 10 + Int(digits[2])
            let group = Int(digits[3]) * 10 + Int(digits[4])
            let serial = digits[5...].reduce(0) { $0 * 10 + Int($1) }
            if area != 0 && area != 666 && area < 900 && group != 0 && serial != 0 {
                return (PIIFinding(kind: .ssn, value: text, masked: "***-**-" + string(bytes[(end - 4)..<end])), end)
            }
            return (nil, end)
        }
        // Payment cards: 13–19 digits, Luhn-valid, no '+' or parentheses.
        if !plus, !separators.contains(0x29), (13...19).contains(count) {
            if luhn(digits) && knownIssuer(digits) {
                let last4 = digits.suffix(4).map { String($0) }.joined()
                return (PIIFinding(kind: .paymentCard, value: text, masked: "**** **** **** " + last4), end)
            }
            return (nil, end)
        }
        // Phones.
        let tail = digits.suffix(2).map { String($0) }.joined()
        if plus, (8...15).contains(count), !groups.isEmpty {
            return (
                PIIFinding(kind: .phone, value: text, masked: "+" + String(repeating: "*", count: count - 2) + tail),
                end
            )
        }
        if !plus, groups.count >= 3 {
            let g = groups.suffix(3)
            let lead = groups.dropLast(3)
            let nanp = Array(g) == [3, 3, 4] && (lead.isEmpty || (lead == [1] && digits[0] == 1))
            if nanp {
                return (PIIFinding(kind: .phone, value: text, masked: "(***) ***-**" + tail), end)
            }
        }
        return (nil, end)
    }

    /// Issuer prefixes and lengths of the major card networks (Visa, Mastercard, Amex,
    /// Discover, Diners, JCB, UnionPay, Maestro); a Luhn-valid run outside them is not a card.
    static func knownIssuer(_ d: [UInt8]) -> Bool {
        func prefix(_ k: Int) -> Int { d.prefix(k).reduce(0) { $0 * 10 + Int($1) } }
        let n = d.count
        switch d[0] {
        case 4: return n == 13 || n == 16 || n == 19
        case 3:
            let p2 = prefix(2)
            if p2 == 34 || p2 == 37 { return n == 15 }
            if p2 == 36 || p2 == 38 || (300...305).contains(prefix(3)) { return n >= 14 && n <= 19 }
            if p2 == 35 { return n >= 16 && n <= 19 }
            return false
        case 5:
            let p2 = prefix(2)
            if (51...55).contains(p2) { return n == 16 }
            return p2 == 50 || (56...59).contains(p2) ? n >= 12 && n <= 19 : false
        case 2: return (2221...2720).contains(prefix(4)) && n == 16
        case 6: return n >= 16 && n <= 19
        default: return false
        }
    }

    /// The Luhn checksum over decimal digits (most significant first).
    public static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (k, d) in digits.reversed().enumerated() {
            var v = Int(d)
            if k % 2 == 1 {
                v *= 2
                if v > 9 { v -= 9 }
            }
            sum += v
        }
        return sum % 10 == 0
    }

    // MARK: IBAN

    static func iban(_ bytes: [UInt8], at start: Int) -> (PIIFinding?, Int)? {
        let n = bytes.count
        guard start + 4 <= n, isDigit(bytes[start + 2]), isDigit(bytes[start + 3]) else { return nil }
        var chars: [UInt8] = [bytes[start], bytes[start + 1], bytes[start + 2], bytes[start + 3]]
        var i = start + 4
        var lastGood = i
        while i < n, chars.count < 34 {
            let b = bytes[i]
            if isUpper(b) || isDigit(b) {
                chars.append(b)
                i += 1
                lastGood = i
                continue
            }
            if b == 0x20, i + 1 < n, isUpper(bytes[i + 1]) || isDigit(bytes[i + 1]) {
                i += 1
                continue
            }
            break
        }
        let end = lastGood
        guard chars.count >= 15, chars.count <= 34 else { return nil }
        if end < n, isAlnum(bytes[end]) { return nil }
        // IBAN-shaped but failing the checksum: a decoy; skip it whole.
        guard mod97(chars) else { return (nil, end) }
        let value = string(bytes[start..<end])
        let masked = string(ArraySlice(chars.prefix(2))) + "** **** " + string(ArraySlice(chars.suffix(4)))
        return (PIIFinding(kind: .iban, value: value, masked: masked), end)
    }

    /// ISO 7064 mod-97-10 over an IBAN (first four characters moved to the end, letters A=10…Z=35).
    public static func mod97(_ chars: [UInt8]) -> Bool {
        var remainder = 0
        for b in chars[4...] + chars[..<4] {
            if isDigit(b) {
                remainder = (remainder * 10 + Int(b - 0x30)) % 97
            } else if isUpper(b) {
                remainder = (remainder * 100 + Int(b - 0x41 + 10)) % 97
            } else {
                return false
            }
        }
        return remainder == 1
    }

    // MARK: secrets

    static let secretPrefixes: [(prefix: [UInt8], minBody: Int, body: @Sendable (UInt8) -> Bool)] = [
        (Array("AKIA".utf8), 16, { isUpper($0) || isDigit($0) }),
        (Array("ASIA".utf8), 16, { isUpper($0) || isDigit($0) }),
        (Array("ghp_".utf8), 36, isAlnum), (Array("gho_".utf8), 36, isAlnum), (Array("ghs_".utf8), 36, isAlnum),
        (Array("github_pat_".utf8), 40, { isAlnum($0) || $0 == 0x5f }),
        (Array("xoxb-".utf8), 20, { isAlnum($0) || $0 == 0x2d }),
        (Array("xoxp-".utf8), 20, { isAlnum($0) || $0 == 0x2d }),
        (Array("sk_live_".utf8), 20, isAlnum), (Array("rk_live_".utf8), 20, isAlnum),
        (Array("sk-".utf8), 20, { isAlnum($0) || $0 == 0x2d || $0 == 0x5f }),
        (Array("AIza".utf8), 35, { isAlnum($0) || $0 == 0x2d || $0 == 0x5f })
    ]
    static let pemBegin = Array("-----BEGIN ".utf8)
    static let pemKey = Array("PRIVATE KEY-----".utf8)

    /// First bytes of every secret pattern (a quick filter before the prefix comparisons).
    static let secretStarts: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        table[0x2d] = true
        for s in secretPrefixes { table[Int(s.prefix[0])] = true }
        return table
    }()

    static func scanSecrets(_ bytes: [UInt8], into out: inout [PIIFinding]) {
        let n = bytes.count
        var i = 0
        while i < n {
            let b = bytes[i]
            if !secretStarts[Int(b)] {
                i += 1
                continue
            }
            if b == 0x2d, matches(bytes, at: i, pemBegin) {
                // "-----BEGIN [RSA |EC |OPENSSH ]PRIVATE KEY-----" within the next 40 bytes.
                var j = i + pemBegin.count
                let limit = min(n, j + 40)
                while j < limit, bytes[j] != 0x0a, !matches(bytes, at: j, pemKey) { j += 1 }
                if j < limit, matches(bytes, at: j, pemKey) {
                    out.append(
                        PIIFinding(
                            kind: .secret, value: string(bytes[i..<(j + pemKey.count)]),
                            masked: "-----BEGIN … PRIVATE KEY----- (redacted)"))
                    i = j + pemKey.count
                    continue
                }
            }
            if i == 0 || !(isAlnum(bytes[i - 1]) || bytes[i - 1] == 0x5f || bytes[i - 1] == 0x2d) {
                for s in secretPrefixes where bytes[i] == s.prefix[0] && matches(bytes, at: i, s.prefix) {
                    var j = i + s.prefix.count
                    while j < n, s.body(bytes[j]) { j += 1 }
                    let body = j - i - s.prefix.count
                    if body >= s.minBody {
                        let value = string(bytes[i..<j])
                        out.append(
                            PIIFinding(
                                kind: .secret, value: value,
                                masked: string(bytes[i..<(i + s.prefix.count)]) + "…"
                                    + "(\(body + s.prefix.count) chars)"))
                        i = j - 1
                        break
                    }
                }
            }
            i += 1
        }
    }

    @inline(__always)
    static func matches(_ bytes: [UInt8], at i: Int, _ pattern: [UInt8]) -> Bool {
        guard i + pattern.count <= bytes.count else { return false }
        for k in 0..<pattern.count where bytes[i + k] != pattern[k] { return false }
        return true
    }
}
