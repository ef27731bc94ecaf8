import Foundation
import Governance
import Hashing
import Registry

/// Governance over HTTP: approval status and aliases. The rules (who may move which alias,
/// what an alias may point at) are `GovernanceService`'s; this file only adds the HTTP
/// precondition: moving an alias requires `If-Match` naming its current holder, checked under
/// the service's single writer, so two clients cannot both move it from the same state.
public struct GovernanceAPI: Sendable {
    let pool: RegistryPool
    let binding: PolicyBinding

    public init(pool: RegistryPool, binding: PolicyBinding?) {
        self.pool = pool
        self.binding = binding ?? PolicyBinding(policy: Policy(version: 1, defaultTier: "none", tiers: [:]), digest: "",
                                                source: "")
    }

    /// Anyone who may act on aliases at all; `GovernanceService` decides per alias.
    public static let aliasMovers = Access.anyOf([.submitter, .releaseManager, .admin])

    func governance(_ store: RegistryStore) -> GovernanceService {
        GovernanceService(store: store, binding: binding, evidence: RegistryEvidence(store: store))
    }

    public var routes: [Route] {
        [
            Route("GET", "/api/v1/models/{name}/versions/{version}/approval", access: .readers,
                  operationID: "getApprovalStatus") { req, _ in
                let ref = try PathNames.reference(req)
                _ = try Query(req, allowed: [])
                let status = try pool.read { store in
                    try store.read { db in
                        (try GovernanceRecords.approval(db, ref), try GovernanceRecords.decisions(db, ref))
                    }
                }
                let record = status.0
                return try .json([
                    "reference": .string(ref.description), "state": .string(record.state),
                    "tier": Representation.optional(record.tier), "review_round": .integer(Int64(record.reviewRound)),
                    "approvals": .array(record.approvals.map(JSONValue.string)),
                    "needs_review": .bool(record.needsReview),
                    "decisions": .array(status.1.map {
                        ["action": .string($0.action), "from_state": .string($0.fromState), "to_state": .string($0.toState),
                         "actor": .string($0.actor), "reason": Representation.optional($0.reason),
                         "created_at": .string($0.createdAt)]
                    }),
                ])
            },
            Route("GET", "/api/v1/models/{name}/aliases", access: .readers, operationID: "listAliases") { req, _ in
                let name = try PathNames.name(req)
                _ = try Query(req, allowed: [])
                let aliases = try pool.read { store in try store.read { db in try GovernanceRecords.aliases(db, model: name) } }
                return try .json(["items": .array(aliases.map(Self.alias))])
            },
            Route("PUT", "/api/v1/models/{name}/aliases/{alias}", access: Self.aliasMovers, operationID: "moveAlias",
                  handler: moveAlias),
        ]
    }

    static func alias(_ a: AliasRecord) -> JSONValue {
        ["model": .string(a.model), "name": .string(a.name), "target": .string(a.target.description),
         "digest": .string(a.digest), "protected": .bool(a.isProtected), "updated_at": .string(a.updatedAt),
         "updated_by": .string(a.updatedBy), "etag": .string(etag(a.target.description))]
    }

    /// Entity tag of an alias state: the quoted holder reference, or `"none"`.
    static func etag(_ holder: String?) -> String { "\"\(holder ?? "none")\"" }

    func moveAlias(_ req: Request, ctx: RequestContext) throws -> Response {
        let model = try PathNames.name(req)
        let aliasName = try PathNames.name(req, "alias")
        _ = try Query(req, allowed: [])
        let fields = try JSONFields(try req.jsonObject(), allowed: ["version", "reason"])
        let target: VersionReference
        do { target = try VersionReference(name: model, version: try fields.requiredString("version")) } catch let e as RegistryError {
            throw Problem(kind: .validation, detail: e.description)
        }
        let reason = try fields.string("reason")
        guard let ifMatch = req.headers["If-Match"] else {
            throw Problem(kind: .preconditionRequired,
                          detail: "moving an alias needs If-Match with its current holder's etag (\"none\" when unset)")
        }
        let actor = try ctx.requireActor()
        let entry = try pool.write(as: actor) { store in
            let current = try store.read { db in try GovernanceRecords.alias(db, model: model, name: aliasName) }
            let currentTag = Self.etag(current?.target.description)
            guard ifMatch == "*" ? current != nil : ifMatch.split(separator: ",").map({ $0.trimmingOWS() }).contains(currentTag) else {
                throw Problem(kind: .preconditionFailed, detail: "the alias is held by \(currentTag), not \(ifMatch)")
            }
            return try governance(store).setAlias(aliasName, to: target, reason: reason)
        }
        var response = try Response.json(["model": .string(model), "name": .string(aliasName),
                                          "target": .string(entry.target.description),
                                          "previous": Representation.optional(entry.previous?.description)])
        response.headers.add("ETag", Self.etag(entry.target.description))
        return response
    }
}

extension ServiceErrors {
    static func problem(_ e: GovernanceError) -> Problem {
        if case .notAuthorized = e { return Problem(kind: .forbidden, detail: e.description) }
        if case .unknownAlias = e { return Problem(kind: .notFound, detail: e.description) }
        if case .aliasTargetNotApproved = e { return Problem(kind: .conflict, detail: e.description) }
        if case .aliasTargetNeedsReview = e { return Problem(kind: .conflict, detail: e.description) }
        if case .noPreviousHolder = e { return Problem(kind: .conflict, detail: e.description) }
        return Problem(kind: .validation, detail: e.description)
    }
}
