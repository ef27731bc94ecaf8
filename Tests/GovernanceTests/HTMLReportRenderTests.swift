import Foundation
import TestSupport
import Testing

@testable import Governance

/// The HTML report as a browser lays it out: headless Chromium renders a copy with a measuring
/// script injected, the script writes every SVG text's box (getBBox) and its containers into the
/// DOM, and the test reads them back from `--dump-dom`. DOM measurements, not pixels.
struct HTMLReportRenderTests {
    /// The sample export plus what used to break the layout: long names, a value of 1.0 with its
    /// CI at the right edge, the same variant on two backends, two runs of one (variant, backend).
    static func stressExport() -> LineageExport {
        var e = ExportTests.sample()
        let long = "smollm2-135m-instruct-support-tickets-finetune@q4_k_m-2026-01-31"
        e.descendants.append(
            ExportedRelative(reference: long, digest: String(repeating: "55", count: 32), state: "in_review"))
        e.edges.append(
            ExportedEdge(
                child: long, relation: "finetuned_from_with_adapter_merge", parent: "smollm2@q8_0", parentKind: "model")
        )
        e.evaluations += [
            ExportedEvaluation(
                runID: "run-f16-server", variant: "smollm2@f16", suite: "general-knowledge", task: "general-knowledge",
                metric: "acc", value: 0.33, ciLower: 0.25, ciUpper: 0.41, items: 136, latencyP50Ms: 90,
                latencyP95Ms: 210,
                latencyP99Ms: 380, energyWhPer1000Items: 9.5,
                energyMethod: "estimate (client-side only: remote backend)",
                backend: "openai", engine: "openai-compatible http://127.0.0.1:8080 llama.cpp b6500"),
            ExportedEvaluation(
                runID: "run-f16-2", variant: "smollm2@f16", suite: "general-knowledge", task: "general-knowledge",
                metric: "acc", value: 0.32, ciLower: 0.24, ciUpper: 0.40, items: 136, latencyP50Ms: 72,
                latencyP95Ms: 128,
                latencyP99Ms: 150, energyWhPer1000Items: 1.8, energyMethod: "estimate", backend: "native",
                engine: "assay-native 0.1.0"),
            ExportedEvaluation(
                runID: "run-long", variant: long, suite: "customer-support-intent-classification-extended",
                task: "customer-support-intent-classification-extended-multilingual", metric: "macro_f1", value: 1.0,
                ciLower: 0.97, ciUpper: 1.0, items: 4000, latencyP50Ms: 1234, latencyP95Ms: 23456, latencyP99Ms: 123456,
                energyWhPer1000Items: 12.345, energyMethod: "rapl", backend: "native", engine: "assay-native 0.1.0")
        ]
        e.gateVerdicts = [
            ExportedGateVerdict(
                time: "2026-01-31T10:00:00Z", actor: "ci", auditSeq: 40, verdict: "fail", blocking: true,
                baseline: "smollm2@f16", baselineDigest: String(repeating: "11", count: 32), policyVersion: 2,
                tier: "medium", runs: ["run-gk", "run-si"],
                notPassed: ["general-knowledge/acc non-inferiority: fail", "latency p95: warn"])
        ]
        return e
    }

    /// The script injected into the test's copy of the report (the report itself has none).
    static let measure = """
        <script>
        (function () {
          const out = { problems: [], texts: 0, nodes: 0, overflowX: 0, energyBars: [], latencyBars: [], charts: [] };
          const tol = 0.75;
          const fmt = b => `[${b.x.toFixed(1)},${b.y.toFixed(1)} ${b.width.toFixed(1)}x${b.height.toFixed(1)}]`;
          document.querySelectorAll('svg.chart').forEach(svg => {
            const name = svg.getAttribute('aria-label');
            const vb = svg.viewBox.baseVal;
            out.charts.push(name);
            const texts = Array.from(svg.querySelectorAll('text'));
            const boxes = texts.map(t => t.getBBox());
            texts.forEach((t, i) => {
              const b = boxes[i];
              out.texts++;
              if (b.width <= 0) out.problems.push(`${name}: empty text "${t.textContent}"`);
              if (b.x < vb.x - tol || b.y < vb.y - tol || b.x + b.width > vb.x + vb.width + tol || b.y + b.height > vb.y + vb.height + tol)
                out.problems.push(`${name}: "${t.textContent}" ${fmt(b)} outside the viewBox ${vb.width}x${vb.height}`);
              const node = t.closest('g.node');
              if (node) {
                const r = node.querySelector('rect').getBBox();
                if (b.x < r.x + 2 || b.x + b.width > r.x + r.width - 2 || b.y < r.y || b.y + b.height > r.y + r.height)
                  out.problems.push(`${name}: "${t.textContent}" ${fmt(b)} overflows its box ${fmt(r)}`);
              }
              for (let j = 0; j < i; j++) {
                const o = boxes[j];
                const w = Math.min(b.x + b.width, o.x + o.width) - Math.max(b.x, o.x);
                const h = Math.min(b.y + b.height, o.y + o.height) - Math.max(b.y, o.y);
                if (w > tol && h > tol) out.problems.push(`${name}: "${t.textContent}" ${fmt(b)} overlaps "${texts[j].textContent}" ${fmt(o)}`);
              }
            });
            out.nodes += svg.querySelectorAll('g.node').length;
          });
          document.querySelectorAll('rect.energy-bar').forEach(r => out.energyBars.push(r.dataset.variant + ' | ' + r.dataset.backend));
          document.querySelectorAll('rect.latency-bar').forEach(r => out.latencyBars.push(r.dataset.variant + ' | ' + r.dataset.backend));
          out.overflowX = document.documentElement.scrollWidth - document.documentElement.clientWidth;
          const pre = document.createElement('pre');
          pre.id = 'assay-measure';
          pre.textContent = JSON.stringify(out);
          document.body.appendChild(pre);
        })();
        </script>
        """

    struct Measurement: Decodable {
        var problems: [String]
        var texts: Int
        var nodes: Int
        var overflowX: Double
        var energyBars: [String]
        var latencyBars: [String]
        var charts: [String]
    }

    static func measure(_ html: String, in dir: TemporaryDirectory) throws -> Measurement {
        let page = dir.path("report.html")
        try html.replacingOccurrences(of: "</body>", with: measure + "\n</body>").write(
            to: page, atomically: true, encoding: .utf8)
        let dom = try Chromium.dumpDOM(page, workDirectory: dir.url)
        guard let start = dom.range(of: "<pre id=\"assay-measure\">"),
            let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex)
        else {
            throw Chromium.Failure(description: "the measuring script left no result in the DOM: \(dom.prefix(300))")
        }
        let json = String(dom[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        return try JSONDecoder().decode(Measurement.self, from: Data(json.utf8))
    }

    @Test(.enabled(if: Fixtures.chromiumAvailableOrCI, "needs headless chromium (scripts/setup.sh installs it)"))
    func everyLabelFitsInChromium() throws {
        let dir = TemporaryDirectory("html-render")
        for (name, export) in [("sample", ExportTests.sample()), ("stress", Self.stressExport())] {
            let m = try Self.measure(ExportRenderer.html(export), in: dir)
            #expect(
                m.charts == [
                    "Lineage graph", "Metric per variant and backend", "Latency per variant and backend",
                    "Energy per variant and backend"
                ], "\(name)")
            #expect(m.texts > 20, "\(name): measured only \(m.texts) texts")
            #expect(
                m.nodes == Set(export.edges.flatMap { [$0.child, $0.parent] } + [export.version.reference]).count,
                "\(name)")
            #expect(m.problems.isEmpty, "\(name): \(m.problems.joined(separator: "\n"))")
            #expect(m.overflowX <= 0, "\(name): the page scrolls sideways by \(m.overflowX) px")
        }
    }

    /// The measurement is not blind: a label past the SVG edge, a label wider than its lineage box
    /// and two overlapping labels are each reported.
    @Test(.enabled(if: Fixtures.chromiumAvailableOrCI, "needs headless chromium (scripts/setup.sh installs it)"))
    func theMeasurementCatchesClippingOverflowAndOverlap() throws {
        let dir = TemporaryDirectory("html-negative")
        let broken =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 200 100\" width=\"200\" height=\"100\" aria-label=\"Broken\">"
            + "<text x=\"150\" y=\"20\" font-size=\"11\">0.875 clipped at the edge</text>"
            + "<g class=\"node\"><rect x=\"10\" y=\"40\" width=\"60\" height=\"34\"/><text x=\"14\" y=\"55\" font-size=\"11\">a-much-too-long-label@v1</text></g>"
            + "<text x=\"10\" y=\"90\" font-size=\"11\">first</text><text x=\"14\" y=\"91\" font-size=\"11\">second</text></svg>"
        let html = ExportRenderer.html(ExportTests.sample()).replacingOccurrences(
            of: "</body>", with: broken + "</body>")
        let m = try Self.measure(html, in: dir)
        #expect(
            m.problems.contains { $0.contains("\"0.875 clipped at the edge\"") && $0.contains("outside the viewBox") },
            "\(m.problems)")
        #expect(
            m.problems.contains { $0.contains("\"a-much-too-long-label@v1\"") && $0.contains("overflows its box") },
            "\(m.problems)")
        #expect(m.problems.contains { $0.contains("\"second\"") && $0.contains("overlaps \"first\"") }, "\(m.problems)")
    }

    /// One energy bar (and one latency bar) per (variant, backend): smollm2@f16 ran natively twice
    /// and once through a server, giving two bars, never one averaged over the backends.
    @Test(.enabled(if: Fixtures.chromiumAvailableOrCI, "needs headless chromium (scripts/setup.sh installs it)"))
    func oneEnergyBarPerBackend() throws {
        let dir = TemporaryDirectory("html-backends")
        let e = Self.stressExport()
        let m = try Self.measure(ExportRenderer.html(e), in: dir)
        let f16 = m.energyBars.filter { $0.hasPrefix("smollm2@f16 |") }
        #expect(
            f16.sorted() == [
                "smollm2@f16 | native (assay-native 0.1.0)",
                "smollm2@f16 | openai (openai-compatible http://127.0.0.1:8080 llama.cpp b6500)"
            ])
        #expect(m.energyBars.count == Set(e.evaluations.map { "\($0.variant) | \($0.backendLabel)" }).count)
        #expect(m.latencyBars.count == m.energyBars.count)
        // The native bar is the mean of its two runs (1.6, 1.8), the server's its own 9.5.
        let svg = ExportCharts.energySVG(e.evaluations)
        #expect(svg.contains(">1.700 Wh<") && svg.contains(">9.500 Wh<") && svg.contains(">mean of 2 runs<"))
    }

    /// Printable: Chromium's print path produces a PDF from the report (`@media print` applies).
    @Test(.enabled(if: Fixtures.chromiumAvailableOrCI, "needs headless chromium (scripts/setup.sh installs it)"))
    func printsToPDF() throws {
        let dir = TemporaryDirectory("html-print")
        let page = dir.path("report.html")
        let pdf = dir.path("report.pdf")
        try ExportRenderer.html(Self.stressExport()).write(to: page, atomically: true, encoding: .utf8)
        try Chromium.printToPDF(page, pdf: pdf, workDirectory: dir.url)
        let bytes = try Data(contentsOf: pdf)
        #expect(bytes.starts(with: Array("%PDF-".utf8)))
        let pages =
            String(decoding: bytes, as: UTF8.self).components(separatedBy: "/Type /Page").count - 1
            - (String(decoding: bytes, as: UTF8.self).components(separatedBy: "/Type /Pages").count - 1)
        #expect(pages >= 2, "expected a multi-page PDF, got \(pages) page objects")
    }

    @Test func reportHasABackendColumnAndAGateSection() {
        let html = ExportRenderer.html(Self.stressExport())
        #expect(html.contains("<th>Backend</th>"))
        #expect(html.contains("<td>openai (openai-compatible http://127.0.0.1:8080 llama.cpp b6500)</td>"))
        #expect(html.contains("<section class=\"gate\" id=\"gate\">"))
        #expect(html.contains("Latest: <span class=\"verdict fail\">fail</span> (blocking) against smollm2@f16"))
        #expect(html.contains("general-knowledge/acc non-inferiority: fail<br/>latency p95: warn"))
        #expect(html.contains("@media print") && html.contains("@page"))
        #expect(!html.contains("<script"))
    }
}
