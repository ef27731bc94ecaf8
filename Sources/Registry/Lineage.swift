import JSON
import Storage

/// How a model version relates to what it was made from.
public enum LineageRelation: String, Sendable, Codable, CaseIterable {
    case finetunedFrom = "finetuned_from"
    case quantizedFrom = "quantized_from"
    case mergedFrom = "merged_from"
    case adapterOf = "adapter_of"
    case distilledFrom = "distilled_from"
    /// Model version → dataset version it was trained on.
    case trainedOn = "trained_on"
    /// Model version → dataset version it was evaluated on.
    case evaluatedOn = "evaluated_on"

    /// True when the parent is a dataset version (otherwise a model version).
    public var linksDataset: Bool { self == .trainedOn || self == .evaluatedOn }

    /// Parses the snake_case name.
    public init(parsing text: String) throws(RegistryError) {
        guard let relation = LineageRelation(rawValue: text) else {
            throw .invalidParameter(
                "relation '\(text)' (expected one of \(LineageRelation.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        self = relation
    }
}

/// A requested edge from the version being registered (or `child`) to a parent.
public struct LineageLink: Sendable, Equatable {
    public var relation: LineageRelation
    /// A model version, or a dataset version for `trained_on` / `evaluated_on`.
    public var parent: VersionReference
    /// Free-form parameters (method, tool, bits, …) stored as a canonical JSON object.
    public var parameters: [String: JSONValue]

    public init(relation: LineageRelation, parent: VersionReference, parameters: [String: JSONValue] = [:]) {
        self.relation = relation
        self.parent = parent
        self.parameters = parameters
    }

    /// Parses `key=value` pairs: integers and `true`/`false` become JSON numbers/booleans,
    /// anything else a string.
    public static func parseParameters(_ pairs: [String]) throws(RegistryError) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else { throw .invalidParameter(pair) }
            let key = String(pair[..<eq])
            let raw = String(pair[pair.index(after: eq)...])
            if let i = Int64(raw) {
                out[key] = .integer(i)
            } else if raw == "true" || raw == "false" {
                out[key] = .bool(raw == "true")
            } else {
                out[key] = .string(raw)
            }
        }
        return out
    }
}

/// A recorded lineage edge.
public struct LineageEdge: Sendable, Equatable, Codable {
    public var child: VersionReference
    public var relation: LineageRelation
    public var parent: VersionReference
    /// "model" or "dataset".
    public var parentKind: String
    /// Canonical JSON object text.
    public var parameters: String
    public var createdAt: String
    public var createdBy: String
}

/// Ancestors and descendants of one model version.
public struct LineageGraph: Sendable, Equatable, Codable {
    public var root: VersionReference
    /// Edges reachable upwards from `root` (towards bases and datasets).
    public var ancestorEdges: [LineageEdge]
    /// Edges reachable downwards from `root` (versions derived from it).
    public var descendantEdges: [LineageEdge]
    /// Ancestor model versions (excluding root).
    public var ancestors: [VersionReference]
    /// Descendant model versions (excluding root).
    public var descendants: [VersionReference]
}

extension RegistryStore {
    static let edgeSelect = """
        SELECT e.relation, e.parameters, e.created_at, e.created_by,
               cm.name AS child_name, cv.version AS child_version,
               COALESCE(pm.name, d.name) AS parent_name, COALESCE(pv.version, dv.version) AS parent_version,
               CASE WHEN e.parent_model_version_id IS NULL THEN 'dataset' ELSE 'model' END AS parent_kind
        FROM lineage_edges e
        JOIN model_versions cv ON cv.id = e.child_version_id
        JOIN models cm ON cm.id = cv.model_id
        LEFT JOIN model_versions pv ON pv.id = e.parent_model_version_id
        LEFT JOIN models pm ON pm.id = pv.model_id
        LEFT JOIN dataset_versions dv ON dv.id = e.parent_dataset_version_id
        LEFT JOIN datasets d ON d.id = dv.dataset_id
        """

    static func edge(_ row: Row) throws -> LineageEdge {
        LineageEdge(
            child: try VersionReference(name: try row.get("child_name"), version: try row.get("child_version")),
            relation: try LineageRelation(parsing: try row.get("relation")),
            parent: try VersionReference(name: try row.get("parent_name"), version: try row.get("parent_version")),
            parentKind: try row.get("parent_kind"),
            parameters: try row.get("parameters"),
            createdAt: try row.get("created_at"),
            createdBy: try row.get("created_by"))
    }

    /// Row ids of every model version `id` descends from (not including `id`).
    static func ancestorIDs(_ db: Database, of id: Int64) throws -> Set<Int64> {
        try reachableIDs(db, from: id, along: "child_version_id", to: "parent_model_version_id")
    }

    /// Row ids of every model version derived from `id` (not including `id`).
    static func descendantIDs(_ db: Database, of id: Int64) throws -> Set<Int64> {
        try reachableIDs(db, from: id, along: "parent_model_version_id", to: "child_version_id")
    }

    /// Row ids reachable from model version `id` (not including it) by following model-to-model
    /// edges from column `from` to column `to` (fixed column names, never user input).
    private static func reachableIDs(_ db: Database, from id: Int64, along from: String, to: String) throws
        -> Set<Int64>
    {
        let rows = try db.query(
            """
            WITH RECURSIVE reach(id) AS (
                SELECT ?
                UNION
                SELECT e.\(to) FROM lineage_edges e JOIN reach ON e.\(from) = reach.id
                WHERE e.\(to) IS NOT NULL
            )
            SELECT id FROM reach
            """, id)
        var ids = Set(try rows.map { try $0.get(0, as: Int64.self) })
        ids.remove(id)
        return ids
    }

    /// Inserts one edge inside a write transaction; rejects cycles. Returns false when the
    /// same edge already exists.
    static func insertEdge(
        _ tx: RegistryTransaction, childID: Int64, child: VersionReference,
        link: LineageLink
    ) throws -> Bool {
        let db = tx.database
        let parameters = try JSONValue.object(link.parameters).canonicalString()
        let parentID: Int64
        let parentColumn: String
        if link.relation.linksDataset {
            parentID = try datasetVersionID(db, link.parent)
            parentColumn = "parent_dataset_version_id"
        } else {
            parentID = try modelVersionID(db, link.parent)
            let parentAncestors = try ancestorIDs(db, of: parentID)
            if parentID == childID || parentAncestors.contains(childID) {
                throw RegistryError.lineageCycle(child: child, parent: link.parent)
            }
            parentColumn = "parent_model_version_id"
        }
        let existing =
            try db.scalar(
                "SELECT count(*) FROM lineage_edges WHERE child_version_id = ? AND relation = ? AND \(parentColumn) = ?",
                childID, link.relation.rawValue, parentID, as: Int.self) ?? 0
        if existing > 0 { return false }
        try db.run(
            "INSERT INTO lineage_edges (child_version_id, relation, \(parentColumn), parameters, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
            childID, link.relation.rawValue, parentID, parameters, tx.time, tx.actor)
        return true
    }

    static func auditPayload(_ link: LineageLink) -> JSONValue {
        [
            "relation": .string(link.relation.rawValue), "parent": .string(link.parent.description),
            "parameters": .object(link.parameters)
        ]
    }

    /// Adds a lineage edge between existing versions (`child` is a model version). Rejects
    /// cycles. Returns false (and records nothing) when the edge already exists.
    @discardableResult
    public func addLineage(child: VersionReference, link: LineageLink) throws -> Bool {
        try write { tx in
            let childID = try Self.modelVersionID(tx.database, child)
            guard try Self.insertEdge(tx, childID: childID, child: child, link: link) else { return false }
            var payload = Self.auditPayload(link).objectValue ?? [:]
            payload["child"] = .string(child.description)
            try tx.appendAudit(action: "lineage.add", subject: child.description, payload: .object(payload))
            return true
        }
    }

    /// Ancestors and descendants of a model version.
    public func lineage(of reference: VersionReference) throws -> LineageGraph {
        try readDatabase { db in
            let id = try Self.modelVersionID(db, reference)
            let up = try Self.ancestorIDs(db, of: id)
            let down = try Self.descendantIDs(db, of: id)
            func edges(childIn ids: Set<Int64>) throws -> [LineageEdge] {
                try ids.sorted().flatMap { child in
                    try db.query(Self.edgeSelect + " WHERE e.child_version_id = ? ORDER BY e.id", child).map(Self.edge)
                }
            }
            let ancestorEdges = try edges(childIn: up.union([id]))
            // Model edges of every descendant (a merge's other parents are included; a tree
            // rendered from the root only follows edges whose parent is already in it).
            let descendantEdges = try edges(childIn: down).filter { $0.parentKind == "model" }
            func refs(_ ids: Set<Int64>) throws -> [VersionReference] {
                try ids.map { try Self.modelVersionReference(db, id: $0) }.sorted()
            }
            return LineageGraph(
                root: reference, ancestorEdges: ancestorEdges, descendantEdges: descendantEdges,
                ancestors: try refs(up), descendants: try refs(down))
        }
    }
}
