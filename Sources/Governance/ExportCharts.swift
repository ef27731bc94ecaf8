/// The HTML report's inline SVG charts. Every chart sizes itself from its labels (`SVGText`):
/// margins grow to the widest label, lineage boxes to their text, so nothing is clipped at the
/// SVG edge or overflows its box. Runs on different backends are separate series, never averaged
/// together.
enum ExportCharts {
    static let palette = ["#3b6fb6", "#d9822b", "#3a9a5b", "#a0479b", "#c23b3b", "#5b6b7b", "#2b9aa0", "#8a6d3b"]

    static func h(_ s: String) -> String { XMLText.escape(s) }
    static func f(_ x: Double) -> String { Format.fixed(x, 1) }

    /// A vertical grid line at `x` from the plot top (y 20) to `bottom`, labelled above the plot.
    static func gridLine(x: Double, bottom: Double, label: String) -> String {
        "<line x1=\"\(f(x))\" y1=\"20\" x2=\"\(f(x))\" y2=\"\(f(bottom))\" stroke=\"#e1e4ea\"/>"
            + "<text x=\"\(f(x))\" y=\"14\" font-size=\"10\" text-anchor=\"middle\" fill=\"#4a5260\">\(label)</text>"
    }

    /// One (variant, backend) pair: the unit a chart may aggregate over.
    struct Series: Hashable {
        var variant: String
        var backend: String
        var label: String { "\(variant) · \(backend)" }
    }

    static func series(_ ev: ExportedEvaluation) -> Series { Series(variant: ev.variant, backend: ev.backendLabel) }

    static func variants(_ evs: [ExportedEvaluation]) -> [String] {
        var seen: [String] = []
        for ev in evs where !seen.contains(ev.variant) { seen.append(ev.variant) }
        return seen
    }

    static func allSeries(_ evs: [ExportedEvaluation]) -> [Series] {
        var seen: [Series] = []
        for ev in evs where !seen.contains(series(ev)) { seen.append(series(ev)) }
        return seen
    }

    static func color(_ variant: String, _ variants: [String]) -> String {
        palette[(variants.firstIndex(of: variant) ?? 0) % palette.count]
    }

    static func open(_ width: Double, _ height: Double, _ label: String, _ kind: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart \(kind)\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(h(label))\">"
            + "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>"
    }

    /// Legend entries laid out in lines that fit `width`; returns the markup and its height.
    static func legend(_ variants: [String], top: Double, width: Double) -> (String, Double) {
        var out = ""
        var x = 10.0
        var y = top + 12
        for (i, v) in variants.enumerated() {
            let itemW = 14 + SVGText.width(v, size: 11) + 14
            if x > 10, x + itemW > width - 10 {
                x = 10
                y += 16
            }
            out +=
                "<rect x=\"\(f(x))\" y=\"\(f(y - 9))\" width=\"10\" height=\"10\" fill=\"\(palette[i % palette.count])\"/>"
            out += "<text x=\"\(f(x + 14))\" y=\"\(f(y))\" font-size=\"11\">\(h(v))</text>"
            x += itemW
        }
        return (out, y - top + 6)
    }

    /// Horizontal bars: one group per task and metric, one bar per (variant, backend), CI whiskers.
    static func metricSVG(_ evs: [ExportedEvaluation]) -> String {
        let vs = variants(evs)
        let ss = allSeries(evs)
        func key(_ ev: ExportedEvaluation) -> String { "\(ev.suite)/\(ev.task) · \(ev.metric)" }
        var tasks: [String] = []
        for ev in evs where !tasks.contains(key(ev)) { tasks.append(key(ev)) }
        var rows: [(label: String, ev: ExportedEvaluation?)] = []
        for t in tasks {
            rows.append((t, nil))
            for s in ss {
                if let ev = evs.first(where: { key($0) == t && series($0) == s }) { rows.append((s.label, ev)) }
            }
        }
        let barH = 14.0
        let valueW = SVGText.width("0.000", size: 10) + 12
        let left = max(120, (rows.filter { $0.ev != nil }.map { SVGText.width($0.label, size: 11) }.max() ?? 0) + 16)
        let headerW =
            (rows.filter { $0.ev == nil }.map { SVGText.width($0.label, size: 12, bold: true) }.max() ?? 0) + 16
        let width = max(720, left + 240 + valueW, headerW)
        let plotW = width - left - valueW
        let plotBottom = 28 + Double(rows.count) * (barH + 6)
        let (legendMarkup, legendH) = legend(vs, top: plotBottom + 6, width: width)
        let height = plotBottom + 6 + legendH
        var out = open(width, height, "Metric per variant and backend", "metrics")
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            let x = left + tick * plotW
            out += gridLine(x: x, bottom: plotBottom, label: Format.fixed(tick, 2))
        }
        var y = 28.0
        for row in rows {
            defer { y += barH + 6 }
            guard let ev = row.ev else {
                out +=
                    "<text x=\"6\" y=\"\(f(y + barH - 3))\" font-size=\"12\" font-weight=\"600\">\(h(row.label))</text>"
                continue
            }
            let w = max(0, min(1, ev.value)) * plotW
            out +=
                "<text x=\"\(f(left - 6))\" y=\"\(f(y + barH - 3))\" font-size=\"11\" text-anchor=\"end\">\(h(row.label))</text>"
            out +=
                "<rect class=\"metric-bar\" x=\"\(f(left))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(barH))\" fill=\"\(color(ev.variant, vs))\" opacity=\"0.85\"><title>\(h("\(row.label): \(Format.fixed(ev.value, 3))"))</title></rect>"
            var right = w
            if let lo = ev.ciLower, let hi = ev.ciUpper {
                let x1 = left + max(0, min(1, lo)) * plotW
                let x2 = left + max(0, min(1, hi)) * plotW
                let cy = y + barH / 2
                out +=
                    "<line x1=\"\(f(x1))\" y1=\"\(f(cy))\" x2=\"\(f(x2))\" y2=\"\(f(cy))\" stroke=\"#111\" stroke-width=\"1.5\"/>"
                out +=
                    "<line x1=\"\(f(x1))\" y1=\"\(f(y + 2))\" x2=\"\(f(x1))\" y2=\"\(f(y + barH - 2))\" stroke=\"#111\" stroke-width=\"1.5\"/>"
                out +=
                    "<line x1=\"\(f(x2))\" y1=\"\(f(y + 2))\" x2=\"\(f(x2))\" y2=\"\(f(y + barH - 2))\" stroke=\"#111\" stroke-width=\"1.5\"/>"
                right = max(right, x2 - left)
            }
            out +=
                "<text x=\"\(f(left + right + 5))\" y=\"\(f(y + barH - 3))\" font-size=\"10\" fill=\"#1d232b\">\(Format.fixed(ev.value, 3))</text>"
        }
        return out + legendMarkup + "</svg>"
    }

    /// p50–p99 range bar with a p95 tick per (variant, backend) (the run with the most items).
    static func latencySVG(_ evs: [ExportedEvaluation]) -> String {
        let vs = variants(evs)
        let rows: [(Series, Double, Double, Double)] = allSeries(evs).compactMap { s in
            let candidates = evs.filter { series($0) == s && $0.latencyP95Ms != nil }
            guard let ev = candidates.max(by: { $0.items < $1.items }), let p95 = ev.latencyP95Ms else { return nil }
            return (s, ev.latencyP50Ms ?? p95, p95, ev.latencyP99Ms ?? p95)
        }
        func note(_ r: (Series, Double, Double, Double)) -> String {
            "p50 \(Format.fixed(r.1, 0)) · p95 \(Format.fixed(r.2, 0)) · p99 \(Format.fixed(r.3, 0))"
        }
        let barH = 16.0
        let left = max(120, (rows.map { SVGText.width($0.0.label, size: 11) }.max() ?? 0) + 16)
        let right = max(60, (rows.map { SVGText.width(note($0), size: 10) }.max() ?? 0) + 16)
        let width = max(720, left + 240 + right)
        let height = 40 + Double(max(rows.count, 1)) * (barH + 10) + 10
        var out = open(width, height, "Latency per variant and backend", "latency")
        guard let maxV = rows.map(\.3).max(), maxV > 0 else {
            return out + "<text x=\"10\" y=\"30\" font-size=\"12\">Latency was not measured.</text></svg>"
        }
        let scale = (width - left - right) / (maxV * 1.1)
        for i in 0...4 {
            let v = maxV * 1.1 * Double(i) / 4
            let x = left + v * scale
            out += gridLine(x: x, bottom: height - 10, label: "\(Format.fixed(v, 0)) ms")
        }
        var y = 30.0
        for row in rows {
            let x50 = left + row.1 * scale
            let x95 = left + row.2 * scale
            let x99 = left + row.3 * scale
            out +=
                "<text x=\"\(f(left - 6))\" y=\"\(f(y + barH - 4))\" font-size=\"11\" text-anchor=\"end\">\(h(row.0.label))</text>"
            out +=
                "<rect class=\"latency-bar\" data-variant=\"\(h(row.0.variant))\" data-backend=\"\(h(row.0.backend))\" x=\"\(f(x50))\" y=\"\(f(y))\" width=\"\(f(max(2, x99 - x50)))\" height=\"\(f(barH))\" fill=\"\(color(row.0.variant, vs))\" opacity=\"0.5\"/>"
            out +=
                "<line x1=\"\(f(x95))\" y1=\"\(f(y - 3))\" x2=\"\(f(x95))\" y2=\"\(f(y + barH + 3))\" stroke=\"#111\" stroke-width=\"2\"/>"
            out += "<text x=\"\(f(x99 + 4))\" y=\"\(f(y + barH - 4))\" font-size=\"10\">\(note(row))</text>"
            y += barH + 10
        }
        return out + "</svg>"
    }

    /// Vertical bars of Wh per 1,000 items: one bar per (variant, backend), the mean over that
    /// pair's runs; runs on different backends are never averaged together.
    static func energySVG(_ evs: [ExportedEvaluation]) -> String {
        let vs = variants(evs)
        let values: [(Series, Double?, Int)] = allSeries(evs).map { s in
            var perRun: [String: Double] = [:]
            for ev in evs where series(ev) == s { if let wh = ev.energyWhPer1000Items { perRun[ev.runID] = wh } }
            return (s, perRun.isEmpty ? nil : perRun.values.reduce(0, +) / Double(perRun.count), perRun.count)
        }
        func runsNote(_ n: Int) -> String { n > 1 ? "mean of \(n) runs" : "" }
        let slot =
            max(
                110,
                values.map {
                    max(
                        SVGText.width($0.0.variant, size: 11), SVGText.width($0.0.backend, size: 9),
                        SVGText.width(runsNote($0.2), size: 9))
                }.max() ?? 0) + 16
        let left = 60.0
        let top = 24.0
        let bottom = 58.0
        let height = 240.0
        let width = max(720, left + slot * Double(values.count) + 20)
        let maxV = values.compactMap(\.1).max() ?? 0
        var out = open(width, height, "Energy per variant and backend", "energy")
        guard maxV > 0 else {
            return out + "<text x=\"10\" y=\"30\" font-size=\"12\">Energy was not measured.</text></svg>"
        }
        let plotH = height - top - bottom
        out +=
            "<line x1=\"\(f(left))\" y1=\"\(f(height - bottom))\" x2=\"\(f(width - 10))\" y2=\"\(f(height - bottom))\" stroke=\"#888\"/>"
        out +=
            "<text x=\"\(f(left - 6))\" y=\"\(f(top + 4))\" font-size=\"10\" text-anchor=\"end\">\(Format.fixed(maxV * 1.1, 2))</text>"
        out += "<text x=\"\(f(left - 6))\" y=\"\(f(height - bottom))\" font-size=\"10\" text-anchor=\"end\">0</text>"
        for (i, (s, value, runs)) in values.enumerated() {
            let cx = left + slot * (Double(i) + 0.5)
            out +=
                "<text x=\"\(f(cx))\" y=\"\(f(height - bottom + 15))\" font-size=\"11\" text-anchor=\"middle\">\(h(s.variant))</text>"
            out +=
                "<text x=\"\(f(cx))\" y=\"\(f(height - bottom + 28))\" font-size=\"9\" text-anchor=\"middle\" fill=\"#4a5260\">\(h(s.backend))</text>"
            if runs > 1 {
                out +=
                    "<text x=\"\(f(cx))\" y=\"\(f(height - bottom + 40))\" font-size=\"9\" text-anchor=\"middle\" fill=\"#4a5260\">\(runsNote(runs))</text>"
            }
            guard let value else {
                out +=
                    "<text x=\"\(f(cx))\" y=\"\(f(height - bottom - 6))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#777\">not measured</text>"
                continue
            }
            let bh = value / (maxV * 1.1) * plotH
            let bw = min(80, slot * 0.6)
            out +=
                "<rect class=\"energy-bar\" data-variant=\"\(h(s.variant))\" data-backend=\"\(h(s.backend))\" x=\"\(f(cx - bw / 2))\" y=\"\(f(height - bottom - bh))\" width=\"\(f(bw))\" height=\"\(f(bh))\" fill=\"\(color(s.variant, vs))\"/>"
            out +=
                "<text x=\"\(f(cx))\" y=\"\(f(height - bottom - bh - 4))\" font-size=\"10\" text-anchor=\"middle\">\(Format.fixed(value, 3)) Wh</text>"
        }
        return out + "</svg>"
    }
}
