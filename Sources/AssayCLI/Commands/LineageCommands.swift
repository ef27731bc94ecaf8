import Foundation
import Registry

/// `assay lineage show NAME@VERSION`
struct LineageShowCommand: VersionCommand {
    static let help = CommandHelp(
        "show",
        abstract: "Show where a model version comes from (ancestors) and what was derived from it (descendants).",
        usage: "NAME@VERSION [--json]",
        examples: ["assay lineage show smollm2-intents-q4@1.0", "assay lineage show smollm2-135m@1.0 --json"])

    var reference: VersionReference

    func run(context: CommandContext) async throws -> Int32 {
        let graph = try context.openRegistry().lineage(of: reference)
        if context.json {
            // The API's full walk: GET …/lineage?direction=both&depth=64.
            let depth = 64
            try context.printJSON(
                Representation.lineage(
                    root: reference, direction: "both", depth: depth,
                    ancestors: Representation.walk(from: reference, edges: graph.ancestorEdges, depth: depth, up: true),
                    descendants: Representation.walk(
                        from: reference, edges: graph.descendantEdges, depth: depth, up: false)))
            return ExitCode.success
        }
        context.output.out(LineageTree.render(graph))
        return ExitCode.success
    }
}

/// `assay lineage add CHILD --parent REF --relation R`
struct LineageAddCommand: Command {
    static let help = CommandHelp(
        "add", abstract: "Record a lineage edge between versions that are already registered.",
        usage: "CHILD@VERSION --parent NAME@VERSION --relation R [--param KEY=VALUE ...]",
        discussion: """
            Relations to model versions: finetuned_from, quantized_from, merged_from, adapter_of,
            distilled_from; to dataset versions: trained_on, evaluated_on. Edges that would make
            a version its own ancestor are rejected.
            """,
        options: [
            .value("--parent", "REF", "The parent model or dataset version"),
            .value("--relation", "R", "The relation (required)"),
            .repeated("--param", "KEY=VALUE", "Edge parameter, e.g. bits=4 (repeatable)")
        ],
        examples: [
            "assay lineage add smollm2-q4@1.0 --parent smollm2-135m@1.0 --relation quantized_from --param bits=4"
        ])

    var child: VersionReference
    var link: LineageLink

    init(arguments: inout Arguments) throws(CLIError) {
        let parentText = try arguments.option("--parent")
        let relationText = try arguments.option("--relation")
        let params = try arguments.options("--param")
        child = try arguments.reference("CHILD@VERSION")
        try arguments.finish()
        guard let parentText else { throw .usage("missing --parent") }
        guard let relationText else { throw .usage("missing --relation") }
        do {
            link = LineageLink(
                relation: try LineageRelation(parsing: relationText), parent: try parseReference(parentText),
                parameters: try LineageLink.parseParameters(params))
        } catch let error as CLIError {
            throw error
        } catch {
            throw .usage(String(describing: error))
        }
    }

    func run(context: CommandContext) async throws -> Int32 {
        let added = try context.openRegistry().addLineage(child: child, link: link)
        return try context.respond(json: Representation.lineageAdded(added, child: child, link)) {
            context.print(
                added
                    ? "Recorded \(child) \(link.relation.rawValue) \(link.parent)"
                    : "\(child) \(link.relation.rawValue) \(link.parent) was already recorded")
        }
    }
}

/// Text rendering of a lineage graph as two trees.
enum LineageTree {
    static func render(_ graph: LineageGraph) -> String {
        var out =
            "Lineage of \(graph.root): \(graph.ancestors.count) ancestor model version(s), \(graph.descendants.count) descendant(s)\n"
        section("Ancestors", isEmpty: graph.ancestorEdges.isEmpty, graph, up: true, into: &out)
        section("Descendants", isEmpty: graph.descendants.isEmpty, graph, up: false, into: &out)
        return out
    }

    /// One line of a tree: its text and the version the walk goes on from (nil for a dataset).
    private struct Branch {
        var label: String
        var next: VersionReference?
    }

    private static func section(
        _ title: String, isEmpty: Bool, _ graph: LineageGraph, up: Bool, into out: inout String
    ) {
        out += "\n\(title):\n"
        guard !isEmpty else {
            out += "  (none recorded)\n"
            return
        }
        out += "\(graph.root)\n"
        var seen: Set<VersionReference> = [graph.root]
        renderBranches(of: graph.root, graph, up: up, prefix: "", seen: &seen, into: &out)
    }

    private static func parameters(_ text: String) -> String { text == "{}" ? "" : " \(text)" }

    /// The branches below `node`: towards its parents (`up`) or its children.
    private static func branches(of node: VersionReference, _ graph: LineageGraph, up: Bool) -> [Branch] {
        if up {
            return graph.ancestorEdges.filter { $0.child == node }.map { edge in
                let kind = edge.parentKind == "dataset" ? "dataset " : ""
                return Branch(
                    label: "\(edge.relation.rawValue) \(kind)\(edge.parent)\(parameters(edge.parameters))",
                    next: edge.parentKind == "model" ? edge.parent : nil)
            }
        }
        return graph.descendantEdges.filter { $0.parent == node }.map { edge in
            Branch(label: "\(edge.child) (\(edge.relation.rawValue)\(parameters(edge.parameters)))", next: edge.child)
        }
    }

    private static func renderBranches(
        of node: VersionReference, _ graph: LineageGraph, up: Bool, prefix: String,
        seen: inout Set<VersionReference>, into out: inout String
    ) {
        let branches = branches(of: node, graph, up: up)
        for (i, branch) in branches.enumerated() {
            let last = i == branches.count - 1
            // Shown already (a diamond in the graph): named, not walked again.
            let repeated = branch.next.map(seen.contains) ?? false
            out += prefix + (last ? "└── " : "├── ") + branch.label + (repeated ? " (shown above)" : "") + "\n"
            if let next = branch.next, !repeated {
                seen.insert(next)
                renderBranches(
                    of: next, graph, up: up, prefix: prefix + (last ? "    " : "│   "), seen: &seen, into: &out)
            }
        }
    }
}
