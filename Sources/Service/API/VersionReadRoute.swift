import JSON
import Registry

extension Route {
    /// A GET of one model or dataset version's resource, open to readers: the path names the
    /// version (`{name}` and `{version}`), no query parameters are accepted, and `represent`
    /// reads the registry through `pool` and returns the JSON body.
    static func versionRead(
        _ pattern: String, operationID: String, pool: RegistryPool,
        _ represent: @escaping @Sendable (VersionReference, RegistryStore) throws -> JSONValue
    ) -> Route {
        Route("GET", pattern, access: .readers, operationID: operationID) { req, _ in
            let ref = try PathNames.reference(req)
            _ = try Query(req, allowed: [])
            return try .json(try pool.read { store in try represent(ref, store) })
        }
    }
}
