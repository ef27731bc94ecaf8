import Foundation
import Governance
import Hashing
import Registry

/// Governance over HTTP: the approval workflow, model cards, aliases and exports. The rules
/// (state machine, separation of duties, who may move which alias, what an alias may point at)
/// are `GovernanceService`'s, exactly as the CLI applies them; this file only adds the HTTP
/// precondition: moving an alias (set or rollback) requires `If-Match` naming its current
/// holder, checked under the service's single writer, so two clients cannot both move it from
/// the same state.
public struct GovernanceAPI: Sendable {
    let pool: RegistryPool
    let binding: PolicyBinding
    /// False when the service runs without a policy file: approval actions then answer 503.
    let hasPolicy: Bool
    /// Recorded as the generator of exports.
    let generator: String

    public init(pool: RegistryPool, binding: PolicyBinding?, generator: String = "assay") {
        self.pool = pool
        self.hasPolicy = binding != nil
        self.binding = binding ?? .none
        self.generator = generator
    }

    /// Anyone who may act on aliases at all; `GovernanceService` decides per alias.
    public static let aliasMovers = Access.anyOf([.submitter, .releaseManager, .admin])
    /// Roles the workflow lets submit, deprecate and revoke (`ApprovalWorkflow.check`).
    public static let submitters = Access.anyOf([.submitter, .admin])
    public static let deprecators = Access.anyOf([.releaseManager, .admin])
    public static let revokers = Access.anyOf([.admin, .approver])

    /// Roles that may vote under the policy: every tier's approver role.
    var approvers: Access {
        let roles = Set(binding.policy.tiers.values.map(\.approverRole))
        return .anyOf(roles.isEmpty ? [.approver] : roles)
    }

    func governance(_ store: RegistryStore) -> GovernanceService {
        GovernanceService(store: store, binding: binding, evidence: RegistryEvidence(store: store))
    }

    public var routes: [Route] {
        [
            Route.versionRead(
                "/api/v1/models/{name}/versions/{version}/approval", operationID: "getApprovalStatus", pool: pool
            ) { ref, store in
                let status = try store.read { db in
                    (try GovernanceRecords.approval(db, ref), try GovernanceRecords.decisions(db, ref))
                }
                return Representation.approvalStatus(ref, status.0, decisions: status.1)
            },
            Route.versionRead(
                "/api/v1/models/{name}/versions/{version}/decisions", operationID: "listDecisions", pool: pool
            ) { ref, store in
                let decisions = try store.read { db in try GovernanceRecords.decisions(db, ref) }
                return [
                    "reference": .string(ref.description), "items": .array(decisions.map(Representation.decision))
                ]
            },
            Route(
                "POST", "/api/v1/models/{name}/versions/{version}/approval/evaluate", access: .readers,
                operationID: "markEvaluated"
            ) { req, ctx in
                let fields = try JSONFields(try req.optionalJSONObject(), allowed: ["tier"])
                return try perform(.markEvaluated, req, ctx, tier: try fields.string("tier"))
            },
            Route(
                "POST", "/api/v1/models/{name}/versions/{version}/approval/submit", access: Self.submitters,
                operationID: "submitForReview"
            ) { req, ctx in
                let fields = try JSONFields(try req.optionalJSONObject(), allowed: ["tier"])
                return try perform(.submit, req, ctx, tier: try fields.string("tier"))
            },
            Route(
                "POST", "/api/v1/models/{name}/versions/{version}/approval/approve", access: approvers,
                operationID: "approveVersion"
            ) { req, ctx in
                let fields = try JSONFields(try req.optionalJSONObject(), allowed: ["comment"])
                return try perform(.approve(comment: try fields.string("comment")), req, ctx)
            },
            Route(
                "POST", "/api/v1/models/{name}/versions/{version}/approval/reject", access: approvers,
                operationID: "rejectVersion"
            ) { req, ctx in
                let fields = try JSONFields(try req.optionalJSONObject(), allowed: ["reason"])
                return try perform(.reject(reason: try fields.string("reason") ?? ""), req, ctx)
            },
            Route(
                "POST", "/api/v1/models/{name}/versions/{version}/approval/deprecate", access: Self.deprecators,
                operationID: "deprecateVersion"
            ) { req, ctx in
                let fields = try JSONFields(try req.optionalJSONObject(), allowed: ["reason"])
                return try perform(.deprecate(reason: try fields.string("reason")), req, ctx)
            },
            Route(
                "POST", "/api/v1/models/{name}/versions/{version}/approval/revoke", access: Self.revokers,
                operationID: "revokeVersion"
            ) { req, ctx in
                let fields = try JSONFields(try req.optionalJSONObject(), allowed: ["reason"])
                return try perform(.revoke(reason: try fields.string("reason") ?? ""), req, ctx)
            },
            Route.versionRead(
                "/api/v1/models/{name}/versions/{version}/card", operationID: "getModelCard", pool: pool
            ) { ref, store in
                Representation.card(ref, try store.read { db in try GovernanceRecords.modelCard(db, ref) })
            },
            Route(
                "PATCH", "/api/v1/models/{name}/versions/{version}/card", access: .readers,
                operationID: "updateModelCard"
            ) { req, ctx in
                let ref = try PathNames.reference(req)
                _ = try Query(req, allowed: [])
                var fields: [String: String] = [:]
                let object = try req.jsonObject()
                guard object.count <= 64 else {
                    throw Problem(kind: .validation, detail: "at most 64 model-card fields per request")
                }
                var total = 0
                for (key, value) in object {
                    guard key.utf8.count <= 128 else {
                        throw Problem(kind: .validation, detail: "model-card field names are at most 128 bytes")
                    }
                    guard let text = value == .null ? "" : value.stringValue else {
                        throw Problem(
                            kind: .validation,
                            detail: "model-card field '\(key)' must be a string (or null to remove it)")
                    }
                    guard text.utf8.count <= 64 * 1024 else {
                        throw Problem(
                            kind: .validation,
                            detail: "model-card field '\(key)' is \(text.utf8.count) bytes; at most 65536")
                    }
                    total += text.utf8.count
                    fields[key] = text
                }
                guard total <= 200 * 1024 else {
                    throw Problem(
                        kind: .validation,
                        detail: "the model-card fields total \(total) bytes; at most 204800 per request")
                }
                let card = try pool.write(as: try ctx.requireActor()) {
                    try governance($0).updateModelCard(ref, fields: fields)
                }
                return try .json(Representation.card(ref, card))
            },
            Route(
                "GET", "/api/v1/models/{name}/versions/{version}/export", access: .readers,
                operationID: "exportModelVersion", handler: export),
            Route("GET", "/api/v1/models/{name}/aliases", access: .readers, operationID: "listAliases") { req, _ in
                let name = try PathNames.name(req)
                _ = try Query(req, allowed: [])
                let aliases = try pool.read { store in
                    try store.read { db in try GovernanceRecords.aliases(db, model: name) }
                }
                return try .json(["items": .array(aliases.map(Representation.alias))])
            },
            Route(
                "PUT", "/api/v1/models/{name}/aliases/{alias}", access: Self.aliasMovers, operationID: "moveAlias",
                handler: moveAlias),
            Route(
                "POST", "/api/v1/models/{name}/aliases/{alias}/rollback", access: Self.aliasMovers,
                operationID: "rollbackAlias", handler: rollbackAlias),
            Route(
                "GET", "/api/v1/models/{name}/aliases/{alias}/history", access: .readers,
                operationID: "getAliasHistory"
            ) { req, _ in
                let model = try PathNames.name(req)
                let aliasName = try Self.aliasName(req)
                _ = try Query(req, allowed: [])
                let history = try pool.read { store in
                    try store.read { db in try GovernanceRecords.aliasHistory(db, model: model, name: aliasName) }
                }
                guard !history.isEmpty else { throw GovernanceError.unknownAlias(model: model, alias: aliasName) }
                return try .json(Representation.aliasHistory(model: model, name: aliasName, history))
            }
        ]
    }

    /// One approval action, as `assay approval <action>` performs it.
    func perform(_ action: ApprovalAction, _ req: Request, _ ctx: RequestContext, tier: String? = nil) throws
        -> Response
    {
        let ref = try PathNames.reference(req)
        _ = try Query(req, allowed: [])
        guard hasPolicy else {
            throw Problem(
                kind: .unavailable,
                detail: "approval actions need the governance policy: start the service with --policy FILE")
        }
        let outcome = try pool.write(as: try ctx.requireActor()) {
            try governance($0).perform(action, on: ref, tier: tier)
        }
        return try .json(Representation.approvalOutcome(ref, outcome))
    }

    /// The export formats and their media types.
    static func mediaType(_ format: ExportFormat) -> String {
        switch format {
        case .json: return "application/json"
        case .markdown: return "text/markdown; charset=utf-8"
        case .html: return "text/html; charset=utf-8"
        case .cyclonedx: return "application/vnd.cyclonedx+json; version=\(CycloneDXExport.specVersion)"
        }
    }

    func export(_ req: Request, _: RequestContext) throws -> Response {
        let ref = try PathNames.reference(req)
        let query = try Query(req, allowed: ["format"])
        let name = try query["format"] ?? "json"
        guard let format = ExportFormat(rawValue: name) else {
            throw Problem(
                kind: .badRequest,
                detail: "'format' must be one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let generatedAt = RegistryClock.now(milliseconds: false)
        let text = try pool.read { store in
            try format.render(
                try LineageExportBuilder.build(
                    store: store, reference: ref, generatedAt: generatedAt,
                    generator: generator))
        }
        var response = Response(status: .ok, contentType: Self.mediaType(format), bytes: Array(text.utf8))
        let fileName = "\(ref.name)-\(ref.version)".map {
            $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_"
        }
        let ext = ["json": "json", "markdown": "md", "html": "html", "cyclonedx": "cdx.json"][format.rawValue] ?? "txt"
        response.headers.add("Content-Disposition", "inline; filename=\"\(String(fileName)).\(ext)\"")
        return response
    }

    /// Entity tag of an alias state: the quoted holder reference, or `"none"`.
    static func etag(_ holder: String?) -> String { Representation.aliasETag(holder) }

    /// The `{alias}` path parameter, checked against the alias rules before any precondition
    /// (a malformed name is a 400, never a 412).
    static func aliasName(_ req: Request) throws -> String {
        let alias = try req.parameter("alias")
        guard GovernanceService.isValidAliasName(alias) else {
            throw Problem(
                kind: .badRequest,
                detail: "invalid alias name: use 1-64 characters from a-z 0-9 . _ - starting with a letter")
        }
        return alias
    }

    func moveAlias(_ req: Request, ctx: RequestContext) throws -> Response {
        let model = try PathNames.name(req)
        let aliasName = try Self.aliasName(req)
        _ = try Query(req, allowed: [])
        let fields = try JSONFields(try req.jsonObject(), allowed: ["version", "reason"])
        let target: VersionReference
        do { target = try VersionReference(name: model, version: try fields.requiredString("version")) } catch let e
            as RegistryError
        {
            throw Problem(kind: .validation, detail: e.description)
        }
        let reason = try fields.string("reason")
        guard let ifMatch = req.headers["If-Match"] else {
            throw Problem(
                kind: .preconditionRequired,
                detail: "moving an alias needs If-Match with its current holder's etag (\"none\" when unset)")
        }
        let entry = try pool.write(as: try ctx.requireActor()) { store in
            try governance(store).setAlias(aliasName, to: target, reason: reason) {
                try Self.checkHolder($0, ifMatch: ifMatch)
            }
        }
        return try Self.moved(entry)
    }

    /// Restores the alias' previous holder (the history is a stack), with the same If-Match
    /// precondition as a move.
    func rollbackAlias(_ req: Request, ctx: RequestContext) throws -> Response {
        let model = try PathNames.name(req)
        let aliasName = try Self.aliasName(req)
        _ = try Query(req, allowed: [])
        let reason = try JSONFields(try req.optionalJSONObject(), allowed: ["reason"]).string("reason")
        guard let ifMatch = req.headers["If-Match"] else {
            throw Problem(
                kind: .preconditionRequired,
                detail: "rolling back an alias needs If-Match with its current holder's etag")
        }
        let entry = try pool.write(as: try ctx.requireActor()) { store in
            try governance(store).rollbackAlias(model: model, alias: aliasName, reason: reason) {
                try Self.checkHolder($0, ifMatch: ifMatch)
            }
        }
        return try Self.moved(entry)
    }

    /// 412 unless `ifMatch` names the alias' current holder (`*`: any holder). Runs inside the
    /// move's write transaction (the governance service's `precondition`), so no other writer
    /// can move the alias between the check and the move.
    static func checkHolder(_ current: AliasRecord?, ifMatch: String) throws {
        let currentTag = etag(current?.target.description)
        guard
            ifMatch == "*"
                ? current != nil : ifMatch.split(separator: ",").map({ $0.trimmingOWS() }).contains(currentTag)
        else {
            throw Problem(kind: .preconditionFailed, detail: "the alias is held by \(currentTag), not \(ifMatch)")
        }
    }

    static func moved(_ entry: AliasHistoryEntry) throws -> Response {
        var response = try Response.json(Representation.aliasMove(entry))
        response.headers.add("ETag", etag(entry.target.description))
        return response
    }
}

extension ServiceErrors {
    /// Refusals of the approval state machine: missing roles and separation of duties are 403,
    /// a missing reason 422, everything the version's state does not allow 409.
    static func problem(_ e: ApprovalError) -> Problem {
        switch e {
        case .missingRole, .separationOfDuties, .overrideNeedsAdmin:
            return Problem(kind: .forbidden, detail: e.description)
        case .reasonRequired: return Problem(kind: .validation, detail: e.description)
        case .invalidTransition, .missingEvaluations, .incompleteModelCard, .datasetPolicy, .alreadyApproved,
            .belowFloor, .gateBlocked:
            return Problem(kind: .conflict, detail: e.description)
        }
    }

    static func problem(_ e: GovernanceError) -> Problem {
        if case .notAuthorized = e { return Problem(kind: .forbidden, detail: e.description) }
        if case .unknownAlias = e { return Problem(kind: .notFound, detail: e.description) }
        if case .aliasTargetNotApproved = e { return Problem(kind: .conflict, detail: e.description) }
        if case .aliasTargetNeedsReview = e { return Problem(kind: .conflict, detail: e.description) }
        if case .noPreviousHolder = e { return Problem(kind: .conflict, detail: e.description) }
        return Problem(kind: .validation, detail: e.description)
    }
}
