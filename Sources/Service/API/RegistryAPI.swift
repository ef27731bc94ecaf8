import Foundation
import Governance
import Hashing
import JSON
import Registry

/// The registry's JSON API: each handler parses, calls one registry library function, renders.
public struct RegistryAPI: Sendable {
    let pool: RegistryPool
    let options: APIOptions

    public init(pool: RegistryPool, options: APIOptions = APIOptions()) {
        self.pool = pool
        self.options = options
    }

    /// Roles that may register versions, datasets and lineage.
    public static let writers = Access.anyOf([.submitter, .admin])

    public var routes: [Route] {
        [
            Route("GET", "/api/v1/whoami", access: .readers, operationID: "whoami") { req, ctx in
                _ = try Query(req, allowed: [])
                return try .json([
                    "actor": .string(try ctx.requireActor()),
                    "roles": .array(ctx.roles.sorted().map { .string($0.rawValue) })
                ])
            },
            Route("GET", "/api/v1/models", access: .readers, operationID: "listModels", handler: listModels),
            Route("GET", "/api/v1/models/{name}", access: .readers, operationID: "getModel", handler: getModel),
            Route(
                "GET", "/api/v1/models/{name}/versions", access: .readers, operationID: "listModelVersions",
                handler: listModelVersions),
            Route(
                "POST", "/api/v1/models/{name}/versions", access: Self.writers, operationID: "registerModelVersion",
                handler: registerModelVersion),
            Route(
                "POST", "/api/v1/models/{name}/versions/{version}/artifact", access: Self.writers,
                operationID: "uploadModelVersion", streamsBody: startUpload, handler: finishUpload),
            Route.versionRead("/api/v1/models/{name}/versions/{version}", operationID: "getModelVersion", pool: pool) {
                ref, store in Representation.modelVersion(try store.modelVersion(ref))
            },
            Route(
                "GET", "/api/v1/models/{name}/versions/{version}/lineage", access: .readers, operationID: "getLineage",
                handler: getLineage),
            Route(
                "POST", "/api/v1/models/{name}/versions/{version}/lineage", access: Self.writers,
                operationID: "addLineage", handler: addLineage),
            Route("GET", "/api/v1/datasets", access: .readers, operationID: "listDatasets") { req, _ in
                let query = try Query(req, allowed: ["name", "limit", "cursor"])
                let page = try query.page()
                var all = try pool.read { try $0.datasets() }
                if let name = try query["name"] { all = all.filter { $0.name.contains(name) } }
                return try .json(page.envelope(all, Representation.dataset))
            },
            Route("GET", "/api/v1/datasets/{name}", access: .readers, operationID: "getDataset") { req, _ in
                let name = try PathNames.name(req)
                _ = try Query(req, allowed: [])
                let versions = try pool.read { try $0.datasetVersions(of: name) }
                return try .json([
                    "name": .string(name), "versions": .array(versions.map(Representation.datasetVersion))
                ])
            },
            Route(
                "POST", "/api/v1/datasets/{name}/versions", access: Self.writers, operationID: "registerDatasetVersion",
                handler: registerDatasetVersion),
            Route.versionRead(
                "/api/v1/datasets/{name}/versions/{version}", operationID: "getDatasetVersion", pool: pool
            ) { ref, store in Representation.datasetVersion(try store.datasetVersion(ref)) },
            Route("GET", "/api/v1/audit/head", access: .readers, operationID: "getAuditHead") { req, _ in
                _ = try Query(req, allowed: [])
                let last = try pool.read { try $0.latestAuditEvents(1) }.last
                return try .json([
                    "seq": .integer(last?.seq ?? 0), "hash": .string(last?.hash ?? AuditEvent.genesisHash)
                ])
            },
            Route("GET", "/api/v1/audit/verify", access: .readers, operationID: "verifyAudit") { req, _ in
                _ = try Query(req, allowed: [])
                return try .json(Representation.verification(try pool.read { try $0.verifyAudit() }))
            },
            Route("GET", "/api/v1/audit/events", access: .readers, operationID: "listAuditEvents") { req, _ in
                let query = try Query(req, allowed: ["after", "limit"])
                let after = try query.int("after", range: 0...Int(Int32.max), default: 0)
                let limit = try query.int("limit", range: 1...1000, default: 100)
                // Paged by count and by bytes (at most ~2 MiB of events per page).
                let (page, hasMore) = try pool.read {
                    try $0.auditEvents(after: Int64(after), limit: limit, maxBytes: 2 << 20)
                }
                return try .json([
                    "items": .array(page.map(Representation.auditEvent)),
                    "next_after": hasMore ? .integer(page.last?.seq ?? 0) : .null
                ])
            },
            Route("GET", "/api/v1/audit/tree", access: .readers, operationID: "getAuditTreeHead") { req, _ in
                let query = try Query(req, allowed: ["tree_size"])
                let size = try query.int("tree_size", range: 0...Int(Int32.max), default: -1)
                let head = try pool.read { try $0.auditTreeHead(size: size < 0 ? nil : Int64(size)) }
                return try .json(try AuditJSON.encode(head))
            },
            Route("GET", "/api/v1/audit/proofs/inclusion", access: .readers, operationID: "getAuditInclusionProof") {
                req, _ in
                let query = try Query(req, allowed: ["seq", "tree_size"])
                let seq = try query.int("seq", range: 1...Int(Int32.max), default: 0)
                guard seq > 0 else { throw Problem(kind: .badRequest, detail: "query parameter 'seq' is required") }
                let size = try query.int("tree_size", range: 1...Int(Int32.max), default: -1)
                let proof = try pool.read {
                    try $0.auditInclusionProof(seq: Int64(seq), treeSize: size < 0 ? nil : Int64(size))
                }
                var json = try AuditJSON.encode(proof)
                if case .object(var members) = json {
                    members["event"] = Representation.auditEvent(proof.event)
                    json = .object(members)
                }
                return try .json(json)
            },
            Route("GET", "/api/v1/audit/proofs/consistency", access: .readers, operationID: "getAuditConsistencyProof")
            { req, _ in
                let query = try Query(req, allowed: ["first", "second"])
                let first = try query.int("first", range: 0...Int(Int32.max), default: -1)
                guard first >= 0 else {
                    throw Problem(kind: .badRequest, detail: "query parameter 'first' is required")
                }
                let second = try query.int("second", range: 0...Int(Int32.max), default: -1)
                let proof = try pool.read {
                    try $0.auditConsistencyProof(first: Int64(first), second: second < 0 ? nil : Int64(second))
                }
                return try .json(try AuditJSON.encode(proof))
            },
            Route("POST", "/api/v1/audit/checkpoints/verify", access: .readers, operationID: "verifyAuditCheckpoint") {
                req, _ in
                _ = try Query(req, allowed: [])
                let fields = try JSONFields(try req.jsonObject(), allowed: ["checkpoint", "public_key"])
                guard let key = Hex.decode(try fields.requiredString("public_key")), key.count == 32 else {
                    throw Problem(
                        kind: .validation, detail: "'public_key' must be 64 hex digits (an Ed25519 public key)")
                }
                guard let object = fields.object["checkpoint"], case .object = object else {
                    throw Problem(kind: .validation, detail: "'checkpoint' must be the checkpoint JSON object")
                }
                let checkpoint: AuditCheckpoint
                do { checkpoint = try AuditCheckpoint.parse(try object.canonicalBytes()) } catch let e as AuditKeyError
                {
                    throw Problem(kind: .validation, detail: e.description)
                }
                let (chain, checks) = try pool.read { store in
                    (try store.verifyAudit(), try store.checkAuditCheckpoints([checkpoint], publicKey: key))
                }
                var json = try AuditJSON.encode(checks[0])
                if case .object(var members) = json {
                    members["chain"] = Representation.verification(chain)
                    json = .object(members)
                }
                return try .json(json)
            },
            Route("GET", "/api/v1/evaluations", access: .readers, operationID: "listEvaluationRuns", handler: listRuns),
            Route("GET", "/api/v1/evaluations/{id}", access: .readers, operationID: "getEvaluationRun") { req, _ in
                let id = try Self.runID(req)
                _ = try Query(req, allowed: [])
                return try .json(Representation.run(try pool.read { try $0.evaluationRun(id) }, includeResults: true))
            },
            Route("GET", "/api/v1/evaluations/{id}/items", access: .readers, operationID: "listEvaluationItems") {
                req, _ in
                let id = try Self.runID(req)
                let query = try Query(req, allowed: ["task", "correct", "limit", "cursor"])
                let page = try query.page()
                var items = try pool.read { store in
                    _ = try store.evaluationRun(id)
                    return try store.evaluationItems(run: id)
                }
                if let task = try query["task"] { items = items.filter { $0.task == task } }
                if let correct = try query["correct"] {
                    guard correct == "true" || correct == "false" else {
                        throw Problem(kind: .badRequest, detail: "'correct' must be true or false")
                    }
                    items = items.filter { $0.correct == (correct == "true") }
                }
                return try .json(page.envelope(items, Representation.item))
            }
        ]
    }

    // MARK: models

    func listModels(_ req: Request, _: RequestContext) throws -> Response {
        let query = try Query(req, allowed: ["name", "arch", "quant", "state", "alias", "metric", "limit", "cursor"])
        let page = try query.page()
        let filter = try VersionFilter(query)
        let models: [ModelSummary] = try pool.read { store in
            var all = try store.models()
            if let name = try query["name"] { all = all.filter { $0.name.contains(name) } }
            if filter.isActive {
                all = try all.filter { model in
                    try filter.matching(try store.modelVersions(of: model.name), in: store).count > 0
                }
            }
            return all
        }
        return try .json(page.envelope(models, Representation.model))
    }

    func getModel(_ req: Request, _: RequestContext) throws -> Response {
        let name = try PathNames.name(req)
        _ = try Query(req, allowed: [])
        let versions = try pool.read { try $0.modelVersions(of: name) }
        return try .json(["name": .string(name), "versions": .array(versions.map(Representation.modelVersion))])
    }

    func listModelVersions(_ req: Request, _: RequestContext) throws -> Response {
        let name = try PathNames.name(req)
        let query = try Query(req, allowed: ["arch", "quant", "state", "alias", "metric", "limit", "cursor"])
        let page = try query.page()
        let filter = try VersionFilter(query)
        let versions = try pool.read { store in try filter.matching(try store.modelVersions(of: name), in: store) }
        return try .json(page.envelope(versions, Representation.modelVersion))
    }

    /// Resolves server-side paths, refusing anything outside the configured roots.
    func serverFiles(_ paths: [String]) throws -> [ArtifactInput] {
        guard !options.artifactRoots.isEmpty else {
            throw Problem(
                kind: .forbidden,
                detail: "registration by server-side path is disabled (start the service with --artifact-root DIR)")
        }
        guard !paths.isEmpty else { throw Problem(kind: .validation, detail: "'files' must name at least one file") }
        let roots = options.artifactRoots.map {
            ArtifactSafety.canonicalPath($0.path) ?? $0.resolvingSymlinksInPath().standardizedFileURL.path
        }
        let urls = try paths.map { path throws -> URL in
            guard path.hasPrefix("/"), !path.utf8.contains(0) else {
                throw Problem(kind: .validation, detail: "files must be absolute server paths")
            }
            guard let canonical = ArtifactSafety.canonicalPath(path) else {
                throw Problem(kind: .validation, detail: "file not found: \(Self.shortPath(path))")
            }
            guard roots.contains(where: { ArtifactSafety.isInside(canonical, $0) }) else {
                throw Problem(
                    kind: .forbidden, detail: "'\(Self.shortPath(path))' is outside the service's artifact roots")
            }
            return URL(fileURLWithPath: canonical)
        }
        let collected: Result<[ArtifactInput], RegistryError> = Result { () throws(RegistryError) in
            try ArtifactInput.collect(urls, within: roots)
        }
        switch collected {
        case .success(let inputs): return inputs
        case .failure(let error):
            if case .artifactOutsideRoots(let path) = error {
                throw Problem(
                    kind: .forbidden, detail: "'\(Self.shortPath(path))' resolves outside the service's artifact roots")
            }
            throw error
        }
    }

    /// A client-supplied path for an error message: at most 200 characters.
    static func shortPath(_ path: String) -> String {
        path.count <= 200 ? path : String(path.prefix(200)) + "…"
    }

    func registerModelVersion(_ req: Request, ctx: RequestContext) throws -> Response {
        let name = try PathNames.name(req)
        _ = try Query(req, allowed: [])
        let fields = try JSONFields(try req.jsonObject(), allowed: ["version", "files", "format", "lineage"])
        let reference: VersionReference
        do { reference = try VersionReference(name: name, version: try fields.requiredString("version")) } catch let e
            as RegistryError
        {
            throw Problem(kind: .validation, detail: e.description)
        }
        var format: ArtifactFormat?
        if let text = try fields.string("format") {
            guard let f = ArtifactFormat(rawValue: text) else {
                throw Problem(kind: .validation, detail: "unknown format '\(text)'")
            }
            format = f
        }
        let lineage = try fields.objects("lineage").map(Self.lineageLink)
        let files = try serverFiles(try fields.strings("files"))
        let outcome = try pool.write(as: try ctx.requireActor()) {
            try $0.registerModelVersion(
                ModelRegistration(
                    reference: reference, files: files, expectedFormat: format,
                    lineage: lineage))
        }
        return try .json(Representation.modelVersion(outcome.value), status: outcome.isNew ? .created : .ok)
    }

    // MARK: uploads

    /// The file name an upload is recorded under (`?filename=`, default `model.gguf`).
    static func uploadFileName(_ req: Request) throws -> String {
        let name = try Query(req, allowed: ["filename"]).raw("filename") ?? "model.gguf"
        guard ArtifactStore.validFileName(name) else {
            throw Problem(
                kind: .badRequest,
                detail: "'filename' must be 6-200 characters from A-Z a-z 0-9 . _ - ending in .gguf")
        }
        return name
    }

    /// Checks everything that can be checked before the body arrives, then opens the upload file.
    func startUpload(_ req: Request, _: RequestContext) throws -> any RequestBodySink {
        _ = try PathNames.reference(req)
        _ = try Self.uploadFileName(req)
        let type = req.headers["Content-Type"]?.split(separator: ";").first?.trimmingOWS().lowercased()
        guard type == "application/octet-stream" else {
            throw Problem(kind: .unsupportedMediaType, detail: "send the GGUF file as application/octet-stream")
        }
        return try ArtifactUpload(directory: ArtifactStore(home: pool.home).incoming)
    }

    /// Places the hashed upload in the artifact store and registers it exactly as a
    /// server-side path would be (GGUF expected; same bytes again: 200, no-op).
    func finishUpload(_ req: Request, ctx: RequestContext) throws -> Response {
        let reference = try PathNames.reference(req)
        let fileName = try Self.uploadFileName(req)
        guard let upload = req.streamedBody as? ArtifactUpload else {
            throw Problem(kind: .internalError, detail: "the upload was not received")
        }
        let digest = try upload.finish()
        let (url, placed) = try ArtifactStore(home: pool.home).place(
            upload.temporaryURL, digest: digest, fileName: fileName)
        let outcome = try pool.write(as: try ctx.requireActor()) { store in
            do {
                return try store.registerModelVersion(
                    ModelRegistration(
                        reference: reference,
                        files: [ArtifactInput(url: url, relativePath: fileName, precomputedDigest: digest)],
                        expectedFormat: .gguf))
            } catch {
                // Under the writer lock: nothing can start referencing the file meanwhile.
                if placed, (try? store.isArtifactRegistered(uri: url.standardizedFileURL.path)) == false {
                    unlink(url.path)
                }
                // Name the upload, never the artifact store's internal path.
                if let registryError = error as? RegistryError {
                    switch registryError {
                    case .inspectionFailed(_, let reason):
                        throw Problem(
                            kind: .validation,
                            detail: "cannot read the GGUF header of the upload \(fileName): \(reason)")
                    case .formatMismatch(_, let expected, let detected):
                        throw Problem(
                            kind: .validation,
                            detail:
                                "the upload \(fileName) is not a \(expected.displayName) file (detected: \(detected.displayName))"
                        )
                    case .unreadableFile, .fileMissing:
                        throw Problem(kind: .internalError, detail: "the stored upload could not be read")
                    default: break
                    }
                }
                throw error
            }
        }
        var response = try Response.json(
            Representation.modelVersion(outcome.value), status: outcome.isNew ? .created : .ok)
        response.headers.add(
            "Location",
            "/api/v1/models/\(PercentDecoding.encode(reference.name))/versions/\(PercentDecoding.encode(reference.version))"
        )
        return response
    }

    static func lineageLink(_ object: [String: JSONValue]) throws -> LineageLink {
        let fields = try JSONFields(object, allowed: ["relation", "parent", "parameters"])
        let relation: LineageRelation
        do { relation = try LineageRelation(parsing: try fields.requiredString("relation")) } catch let e
            as RegistryError
        {
            throw Problem(kind: .validation, detail: e.description)
        }
        let parent = try PathNames.reference(parsing: try fields.requiredString("parent"), field: "parent")
        var parameters: [String: JSONValue] = [:]
        if let p = object["parameters"], p != .null {
            guard let o = p.objectValue else {
                throw Problem(kind: .validation, detail: "'parameters' must be an object")
            }
            parameters = o
        }
        return LineageLink(relation: relation, parent: parent, parameters: parameters)
    }

    func addLineage(_ req: Request, ctx: RequestContext) throws -> Response {
        let child = try PathNames.reference(req)
        _ = try Query(req, allowed: [])
        let link = try Self.lineageLink(try req.jsonObject())
        let added = try pool.write(as: try ctx.requireActor()) { try $0.addLineage(child: child, link: link) }
        return try .json(
            Representation.lineageAdded(added, child: child, link),
            status: added ? .created : .ok)
    }

    func getLineage(_ req: Request, _: RequestContext) throws -> Response {
        let ref = try PathNames.reference(req)
        let query = try Query(req, allowed: ["direction", "depth"])
        let direction = try query["direction"] ?? "both"
        guard ["up", "down", "both"].contains(direction) else {
            throw Problem(kind: .badRequest, detail: "'direction' must be up, down or both")
        }
        let depth = try query.int("depth", range: 1...64, default: 64)
        let graph = try pool.read { try $0.lineage(of: ref) }
        let ancestors =
            direction == "down"
            ? nil
            : Representation.walk(from: ref, edges: graph.ancestorEdges, depth: depth, up: true)
        let descendants =
            direction == "up"
            ? nil
            : Representation.walk(from: ref, edges: graph.descendantEdges, depth: depth, up: false)
        return try .json(
            Representation.lineage(
                root: ref, direction: direction, depth: depth,
                ancestors: ancestors, descendants: descendants))
    }

    // MARK: datasets

    func registerDatasetVersion(_ req: Request, ctx: RequestContext) throws -> Response {
        let name = try PathNames.name(req)
        _ = try Query(req, allowed: [])
        let fields = try JSONFields(
            try req.jsonObject(),
            allowed: [
                "version", "files", "license", "contains_pii", "source", "description", "collection_process",
                "known_limitations"
            ])
        let reference: VersionReference
        do { reference = try VersionReference(name: name, version: try fields.requiredString("version")) } catch let e
            as RegistryError
        {
            throw Problem(kind: .validation, detail: e.description)
        }
        let license = try fields.requiredString("license")
        guard let pii = try fields.bool("contains_pii") else {
            throw Problem(kind: .validation, detail: "'contains_pii' is required")
        }
        let files = try serverFiles(try fields.strings("files"))
        let registration = DatasetRegistration(
            reference: reference, files: files, license: license, containsPII: pii, source: try fields.string("source"),
            description: try fields.string("description"), collectionProcess: try fields.string("collection_process"),
            knownLimitations: try fields.string("known_limitations"))
        let outcome = try pool.write(as: try ctx.requireActor()) { store in
            let outcome = try store.registerDatasetVersion(registration)
            if outcome.isNew {
                DatasetQualityAPI.checkAfterRegistration(reference, store: store, suiteRoots: options.suiteRoots)
            }
            return outcome
        }
        return try .json(Representation.datasetVersion(outcome.value), status: outcome.isNew ? .created : .ok)
    }

    // MARK: evaluations

    static func runID(_ req: Request) throws -> String {
        let id = try req.parameter("id")
        guard id.utf8.count <= 200, id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            throw Problem(kind: .badRequest, detail: "invalid evaluation run id")
        }
        return id
    }

    func listRuns(_ req: Request, _: RequestContext) throws -> Response {
        let query = try Query(req, allowed: ["model", "status", "suite", "metric", "limit", "cursor"])
        let page = try query.page()
        let model = try (try query["model"]).map { try PathNames.reference(parsing: $0, field: "model") }
        var runs = try pool.read { try $0.evaluationRuns(model: model, limit: 100_000) }
        if let status = try query["status"] {
            guard status == "running" || status == "completed" else {
                throw Problem(kind: .badRequest, detail: "'status' must be running or completed")
            }
            runs = runs.filter { $0.status.rawValue == status }
        }
        if let suite = try query["suite"] { runs = runs.filter { $0.suiteID == suite } }
        if let metric = query.raw("metric") {
            let filter = try MetricFilter(parsing: metric)
            runs = runs.filter { filter.accepts($0.results) }
        }
        return try .json(page.envelope(runs) { Representation.run($0, includeResults: false) })
    }
}
