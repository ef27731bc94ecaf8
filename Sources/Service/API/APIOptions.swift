import Foundation
import Governance

/// Settings of the JSON API.
public struct APIOptions: Sendable {
    /// Directories under which `POST …/versions` may name server-side files. Empty: registration
    /// by server-side path is refused (403), so a token never lets a caller make the server read
    /// arbitrary files.
    public var artifactRoots: [URL]
    /// The governance policy (protected aliases, roles); nil uses the built-in defaults for
    /// aliases and refuses approval actions (503).
    public var policy: PolicyBinding?
    /// Recorded as the generator of exports (e.g. `assay 0.4.0`).
    public var generator: String
    /// Where bundled suites are looked up when imported shards name a suite the registry has
    /// not registered yet (as `assay eval` finds them).
    public var suiteRoots: [URL]

    public init(
        artifactRoots: [URL] = [], policy: PolicyBinding? = nil, generator: String = "assay",
        suiteRoots: [URL] = []
    ) {
        self.artifactRoots = artifactRoots
        self.policy = policy
        self.generator = generator
        self.suiteRoots = suiteRoots
    }
}
