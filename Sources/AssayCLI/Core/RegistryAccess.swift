import Foundation
import Registry

extension CommandContext {
    /// Opens the registry at `registryHome` (see `CommandContext.registryHome`) as `actor`.
    /// Fails with a one-line cause when it has not been initialized (unless `create`).
    ///
    /// Identity: the acting user is the OS user. A different actor declared with `--actor` or
    /// `$ASSAY_ACTOR` is honoured when the registry trusts its environment
    /// (`assay init --trust-actor-env`, e.g. CI) or when the OS user is an admin of the
    /// registry (acting on behalf of someone); otherwise the command fails naming both.
    func openRegistry(create: Bool = false) throws -> RegistryStore {
        let os = osUser
        guard let declared = declaredActor, declared != os else {
            return try RegistryStore(
                home: registryHome, actor: os, create: create,
                inspector: RegistryInspectors.artifactInspector)
        }
        let settings = try RegistrySettings.load(home: registryHome)
        if !settings.trustActorEnvironment {
            let own = try RegistryStore(
                home: registryHome, actor: os, create: create,
                inspector: RegistryInspectors.artifactInspector)
            let roles = try own.read { try GovernanceRecords.roles($0, actor: os) }
            guard roles.contains("admin") else {
                throw CLIError.failure(
                    "you are \(os) (OS user); acting as '\(declared)' (--actor/$ASSAY_ACTOR) needs the admin role, "
                        + "or a registry that trusts its environment ('assay init --trust-actor-env', for CI)")
            }
        }
        return try RegistryStore(
            home: registryHome, actor: declared, create: create,
            inspector: RegistryInspectors.artifactInspector)
    }

    /// Opens the registry as the OS user, ignoring any declared actor (`assay init`).
    func openRegistryAsOSUser(create: Bool) throws -> RegistryStore {
        try RegistryStore(
            home: registryHome, actor: osUser, create: create, inspector: RegistryInspectors.artifactInspector)
    }
}

/// The artifact inspector the CLI hands to the registry when registering model files: GGUF
/// headers give architecture, parameter count, quantization and context length; a file with
/// GGUF magic whose header does not parse is rejected.
enum RegistryInspectors {
    static var artifactInspector: (any ArtifactInspector)? { GGUFArtifactInspector() }
}
