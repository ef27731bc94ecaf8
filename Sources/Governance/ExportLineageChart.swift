extension ExportCharts {
    /// Layered lineage graph: each node's column is its signed distance from the exported
    /// version. Boxes are as wide as their labels (columns as wide as their widest box), and the
    /// gap between columns fits the widest relation label.
    static func lineageSVG(_ e: LineageExport) -> String {
        let root = e.version.reference
        var level: [String: Int] = [root: 0]
        var isDataset: Set<String> = []
        // Ancestors: walk edges upwards; descendants: downwards (a few passes settle small graphs).
        for _ in 0..<(e.edges.count + 1) {
            for edge in e.edges {
                if edge.parentKind == "dataset" { isDataset.insert(edge.parent) }
                if let c = level[edge.child], level[edge.parent] == nil, c <= 0 || edge.parentKind == "dataset" {
                    level[edge.parent] = c - 1
                }
                if let p = level[edge.parent], level[edge.child] == nil, p >= 0, edge.parentKind == "model" {
                    level[edge.child] = p + 1
                }
            }
        }
        for d in e.datasets where level[d.reference] == nil {
            level[d.reference] = -1
            isDataset.insert(d.reference)
        }
        let states = Dictionary(
            (e.ancestors + e.descendants).map { ($0.reference, $0.state ?? "") }, uniquingKeysWith: { a, _ in a })
        func subtitle(_ node: String) -> String {
            isDataset.contains(node) ? "dataset" : (node == root ? (e.approval?.state ?? "") : (states[node] ?? ""))
        }
        func boxWidth(_ node: String) -> Double {
            max(
                120, SVGText.width(node, size: 11, bold: node == root) + 20, SVGText.width(subtitle(node), size: 9) + 20
            )
        }

        let levels = Set(level.values).sorted()
        var columns: [Int: [String]] = [:]
        for (node, l) in level.sorted(by: { $0.key < $1.key }) { columns[l, default: []].append(node) }
        let gap = max(70, (e.edges.map { SVGText.width($0.relation, size: 9) }.max() ?? 0) + 24)
        let rowH = 56.0
        let boxH = 34.0
        var columnX: [Int: Double] = [:]
        var columnW: [Int: Double] = [:]
        var x = 10.0
        for l in levels {
            columnX[l] = x
            columnW[l] = (columns[l] ?? []).map(boxWidth).max() ?? 120
            x += (columnW[l] ?? 120) + gap
        }
        let width = max(400, x - gap + 10)
        let maxRows = Double(columns.values.map(\.count).max() ?? 1)
        let height = maxRows * rowH + 30
        var pos: [String: (x: Double, y: Double, w: Double)] = [:]
        for l in levels {
            let nodes = columns[l] ?? []
            let offset = (maxRows - Double(nodes.count)) * rowH / 2
            for (ri, n) in nodes.enumerated() {
                let w = boxWidth(n)
                let cx = (columnX[l] ?? 10) + ((columnW[l] ?? w) - w) / 2
                pos[n] = (cx, 15 + offset + Double(ri) * rowH, w)
            }
        }
        var out = open(width, height, "Lineage graph", "lineage")
        out +=
            "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>"
        for edge in e.edges {
            guard let c = pos[edge.child], let p = pos[edge.parent] else { continue }
            let forward = c.x > p.x
            let x1 = forward ? c.x : c.x + c.w
            let y1 = c.y + boxH / 2
            let x2 = forward ? p.x + p.w : p.x
            let y2 = p.y + boxH / 2
            out +=
                "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"#555\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"/>"
            out +=
                "<text class=\"edge-label\" x=\"\(f((x1 + x2) / 2))\" y=\"\(f((y1 + y2) / 2 - 4))\" font-size=\"9\" text-anchor=\"middle\" fill=\"#333\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">\(h(edge.relation))</text>"
        }
        for (node, p) in pos.sorted(by: { $0.key < $1.key }) {
            let dataset = isDataset.contains(node)
            let fill = node == root ? "#dbe7f7" : (dataset ? "#e2f3e5" : "#f4f5f7")
            let stroke = node == root ? "#3b6fb6" : (dataset ? "#3a9a5b" : "#8a93a0")
            out += "<g class=\"node\">"
            out +=
                "<rect x=\"\(f(p.x))\" y=\"\(f(p.y))\" width=\"\(f(p.w))\" height=\"\(f(boxH))\" rx=\"6\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(node == root ? "2" : "1")\"/>"
            out +=
                "<text x=\"\(f(p.x + p.w / 2))\" y=\"\(f(p.y + 15))\" font-size=\"11\" text-anchor=\"middle\" font-weight=\"\(node == root ? "700" : "400")\">\(h(node))</text>"
            out +=
                "<text x=\"\(f(p.x + p.w / 2))\" y=\"\(f(p.y + 28))\" font-size=\"9\" text-anchor=\"middle\" fill=\"#4a5260\">\(h(subtitle(node)))</text>"
            out += "</g>"
        }
        return out + "</svg>"
    }
}
