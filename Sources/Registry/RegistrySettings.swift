import Foundation
import JSON

/// Registry-wide settings kept in `<home>/settings.json` (written by `assay init`).
///
/// Trust model: whoever can write the registry home owns the registry and can do anything;
/// these settings do not protect against the owner. They decide how much the command line
/// trusts its environment: by default the acting user is the OS user, and a self-declared
/// actor (`--actor`, `$ASSAY_ACTOR`) is honoured only for an admin — unless
/// `trustActorEnvironment` is set (CI machines, demos, tests).
public struct RegistrySettings: Sendable, Equatable, Codable {
    public static let fileName = "settings.json"

    /// Honour `--actor`/`$ASSAY_ACTOR` for anyone (the environment is trusted, e.g. CI).
    public var trustActorEnvironment: Bool = false
    /// The policy file used when no `--policy` is given (absolute path), nil: the bundled default.
    public var policyPath: String?

    enum CodingKeys: String, CodingKey {
        case trustActorEnvironment = "trust_actor_environment"
        case policyPath = "policy"
    }

    /// The settings of the registry at `home` (defaults when the file does not exist).
    public static func load(home: URL) throws(RegistryError) -> RegistrySettings {
        let url = home.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return RegistrySettings() }
        do {
            return try JSONDecoder().decode(RegistrySettings.self, from: data)
        } catch {
            throw .unreadableFile(
                path: url.path, reason: "not valid registry settings JSON (\(error.localizedDescription))")
        }
    }

    /// Writes the settings atomically.
    public func save(home: URL) throws(RegistryError) {
        let url = home.appendingPathComponent(Self.fileName)
        do {
            try JSONOutput.data(self, pretty: true).write(to: url, options: .atomic)
        } catch {
            throw .unreadableFile(path: url.path, reason: "cannot write settings (\(error.localizedDescription))")
        }
    }
}

extension RegistrySettings {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        trustActorEnvironment = try c.decodeIfPresent(Bool.self, forKey: .trustActorEnvironment) ?? false
        policyPath = try c.decodeIfPresent(String.self, forKey: .policyPath)
    }
}
