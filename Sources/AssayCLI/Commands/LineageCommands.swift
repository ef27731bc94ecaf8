import Foundation
import Registry

/// `assay lineage show NAME@VERSION`
struct LineageShowCommand: Command {
    static let name = "show"
    static let help = CommandHelp(
        abstract: "Show where a model version comes from (ancestors) and what was derived from it (descendants).",
        usage: "NAME@VERSION [--json]",
        examples: ["assay lineage show smollm2-intents-q4@1.0", "assay lineage show smollm2-135m@1.0 --json"])

    var reference: VersionReference

    init(arguments: inout Arguments) throws(CLIError) {
        reference = try parseReference(try arguments.requiredPositional("NAME@VERSION"))
        try arguments.finish()
    }

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
    static let name = "add"
    static let help = CommandHelp(
        abstract: "Record a lineage edge between versions that are already registered.",
        usage: "CHILD@VERSION --parent NAME@VERSION --relation R [--param KEY=VALUE ...]",
        discussion: """
            Relations to model versions: finetuned_from, quantized_from, merged_from, adapter_of,
            distilled_from; to dataset versions: trained_on, evaluated_on. Edges that would make
            a version its own ancestor are rejected.
            """,
        options: [
            .init("--parent REF", "The parent model or dataset version"),
            .init("--relation R", "The relation (required)"),
            .init("--param KEY=VALUE", "Edge parameter, e.g. bits=4 (repeatable)")
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
        child = try parseReference(try arguments.requiredPositional("CHILD@VERSION"))
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
        out += "\nAncestors:\n"
        if graph.ancestorEdges.isEmpty {
            out += "  (none recorded)\n"
        } else {
            out += "\(graph.root)\n"
            var seen: Set<VersionReference> = [graph.root]
            renderUp(graph.root, graph: graph, prefix: "", seen: &seen, into: &out)
        }
        out += "\nDescendants:\n"
        if graph.descendants.isEmpty {
            out += "  (none recorded)\n"
        } else {
            out += "\(graph.root)\n"
            var seen: Set<VersionReference> = [graph.root]
            renderDown(graph.root, graph: graph, prefix: "", seen: &seen, into: &out)
        }
        return out
    }

    private static func parameters(_ text: String) -> String { text == "{}" ? "" : " \(text)" }

    private static func renderUp(
        _ node: VersionReference, graph: LineageGraph, prefix: String,
        seen: inout Set<VersionReference>, into out: inout String
    ) {
        let edges = graph.ancestorEdges.filter { $0.child == node }
        for (i, edge) in edges.enumerated() {
            let last = i == edges.count - 1
            let kind = edge.parentKind == "dataset" ? "dataset " : ""
            let repeated = edge.parentKind == "model" && seen.contains(edge.parent)
            out +=
                prefix + (last ? "└── " : "├── ")
                + "\(edge.relation.rawValue) \(kind)\(edge.parent)\(parameters(edge.parameters))\(repeated ? " (shown above)" : "")\n"
            if edge.parentKind == "model" && !repeated {
                seen.insert(edge.parent)
                renderUp(edge.parent, graph: graph, prefix: prefix + (last ? "    " : "│   "), seen: &seen, into: &out)
            }
        }
    }

    private static func renderDown(
        _ node: VersionReference, graph: LineageGraph, prefix: String,
        seen: inout Set<VersionReference>, into out: inout String
    ) {
        let edges = graph.descendantEdges.filter { $0.parent == node }
        for (i, edge) in edges.enumerated() {
            let last = i == edges.count - 1
            let repeated = seen.contains(edge.child)
            out +=
                prefix + (last ? "└── " : "├── ")
                + "\(edge.child) (\(edge.relation.rawValue)\(parameters(edge.parameters)))\(repeated ? " (shown above)" : "")\n"
            if !repeated {
                seen.insert(edge.child)
                renderDown(edge.child, graph: graph, prefix: prefix + (last ? "    " : "│   "), seen: &seen, into: &out)
            }
        }
    }
}
