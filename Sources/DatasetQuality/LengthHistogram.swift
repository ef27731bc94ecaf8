/// Percentiles of record lengths in bounded memory: exact counts below 1,024, then 64
/// logarithmic sub-buckets per power of two (values above 1,024 are reported to within ~1.6 %).
struct LengthHistogram {
    private var counts = [Int](repeating: 0, count: 1024 + 64 * 54)
    private(set) var total = 0
    private var sum: Double = 0
    private var minimum = Int.max
    private var maximum = 0

    static func bucket(_ v: Int) -> Int {
        if v < 1024 { return max(0, v) }
        let width = Int.bitWidth - v.leadingZeroBitCount
        return 1024 + (width - 11) * 64 + ((v >> (width - 7)) & 63)
    }

    static func value(ofBucket b: Int) -> Int {
        if b < 1024 { return b }
        let width = (b - 1024) / 64 + 11
        let sub = (b - 1024) % 64
        return (64 + sub) << (width - 7)
    }

    mutating func add(_ v: Int) {
        counts[min(counts.count - 1, Self.bucket(v))] += 1
        total += 1
        sum += Double(v)
        minimum = min(minimum, v)
        maximum = max(maximum, v)
    }

    func percentile(_ p: Double) -> Int {
        guard total > 0 else { return 0 }
        let rank = max(1, Int((p * Double(total)).rounded(.up)))
        var seen = 0
        for (b, c) in counts.enumerated() where c > 0 {
            seen += c
            if seen >= rank { return min(maximum, max(minimum, Self.value(ofBucket: b))) }
        }
        return maximum
    }

    var summary: DatasetQualityReport.Percentiles {
        DatasetQualityReport.Percentiles(
            min: total == 0 ? 0 : minimum, p50: percentile(0.5), p90: percentile(0.9),
            p99: percentile(0.99), max: maximum, mean: total == 0 ? 0 : sum / Double(total))
    }
}

/// SPDX licence expressions: identifiers from the SPDX list joined by AND / OR / WITH, with
/// parentheses and an optional `+`; `LicenseRef-…` names a licence outside the list and is
/// accepted as valid syntax.
public enum LicenseValidation {
    public static func validate(_ expression: String) -> DatasetQualityReport.License {
        var ids: [String] = []
        var problem: String?
        let spaced = expression.replacingOccurrences(of: "(", with: " ( ").replacingOccurrences(of: ")", with: " ) ")
        let tokens = spaced.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var expectOperand = true
        var depth = 0
        for token in tokens {
            let upper = token.uppercased()
            if token == "(" {
                depth += 1
                continue
            }
            if token == ")" {
                depth -= 1
                if depth < 0 { problem = "unbalanced parentheses" }
                continue
            }
            if upper == "AND" || upper == "OR" || upper == "WITH" {
                if expectOperand { problem = problem ?? "operator \(upper) without a licence before it" }
                expectOperand = true
                continue
            }
            if !expectOperand { problem = problem ?? "two licences without AND/OR between them ('\(token)')" }
            expectOperand = false
            var id = token
            if id.hasSuffix("+") { id.removeLast() }
            if id.hasPrefix("LicenseRef-") || id.hasPrefix("DocumentRef-") {
                ids.append(id)
                continue
            }
            if let canonical = SPDXLicenseIDs.byLowercase[id.lowercased()] {
                ids.append(canonical)
            } else {
                problem = problem ?? "'\(token)' is not an SPDX licence identifier"
            }
        }
        if tokens.isEmpty { problem = "empty licence" }
        if depth != 0 { problem = problem ?? "unbalanced parentheses" }
        if expectOperand && !tokens.isEmpty { problem = problem ?? "the expression ends with an operator" }
        return DatasetQualityReport.License(
            declared: expression, spdxValid: problem == nil, identifiers: ids, problem: problem)
    }
}
