/// The `assay` command tree. Every command is listed here exactly once; add yours to the
/// group it belongs to (create the group if it does not exist yet). Keep groups alphabetical.
public enum CommandTree {
    public static let root = CommandGroup(
        name: "assay",
        abstract: "Assay: model registry and evaluation harness for small language models.",
        children: [
            // Registry
            // Inference core
            // Evaluation
            // Governance
            // Service
        ]
    )
}
