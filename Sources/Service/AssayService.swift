import Foundation
import Governance
import Hashing
import InferenceCore
import Registry

/// The whole service: the registry API, the OpenAI-compatible inference API when a backend is
/// given, health and the OpenAPI document, behind one router.
public struct AssayService: Sendable {
    public let router: Router

    /// Routes that need neither registry nor model.
    public static var baseRoutes: [Route] {
        [
            Route("GET", "/healthz", access: .anonymous, operationID: "health") { req, _ in
                _ = try Query(req, allowed: [])
                return try .json(["status": "ok"])
            },
            Route("GET", "/openapi.json", access: .anonymous, operationID: "getOpenAPIDocument") { req, _ in
                _ = try Query(req, allowed: [])
                guard let bytes = OpenAPIDocument.bytes else {
                    throw Problem(
                        kind: .internalError,
                        detail:
                            "the OpenAPI document is missing from this installation (Assay_Service.resources beside the binary)"
                    )
                }
                return Response(status: .ok, contentType: "application/json", bytes: bytes)
            }
        ]
    }

    /// A service over `pool` (registry API) and optionally `backend` (inference API).
    public init(
        pool: RegistryPool?, backend: (any Backend)? = nil, modelID: String = "assay",
        catalog: (any ModelCatalog)? = nil,
        accessControl: (any AccessControl)? = nil, options: APIOptions = APIOptions()
    ) {
        var routes = Self.baseRoutes
        if let pool {
            routes += RegistryAPI(pool: pool, options: options).routes
            routes.append(Self.importRoute(pool: pool, suiteRoots: options.suiteRoots))
            routes += GovernanceAPI(pool: pool, binding: options.policy, generator: options.generator).routes
            routes += DatasetQualityAPI(pool: pool, suiteRoots: options.suiteRoots).routes
        }
        routes += (catalog.map { InferenceAPI(catalog: $0) } ?? InferenceAPI(backend: backend, modelID: modelID)).routes
        let access: any AccessControl =
            accessControl
            ?? pool.map { RegistryAccessControl(pool: $0) }
            ?? StaticAccessControl(tokens: [:], grants: [:])
        router = Router(routes: routes, accessControl: access, errorMapper: ServiceErrors.mapper)
    }

    /// Removes partial uploads (`artifacts/incoming/*.part`) a crashed or killed server left in
    /// the registry `home`; uploads still in progress in another live server are kept. Call at
    /// start. Returns how many files were removed.
    @discardableResult
    public static func removeAbandonedUploads(home: URL) -> Int {
        ArtifactStore(home: home).removeAbandonedUploads()
    }

    /// A router over explicit routes (tests).
    public init(routes: [Route], accessControl: any AccessControl) {
        router = Router(routes: routes, accessControl: accessControl, errorMapper: ServiceErrors.mapper)
    }
}
