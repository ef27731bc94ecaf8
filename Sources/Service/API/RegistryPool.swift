import Foundation
import Registry
import Synchronization

/// The service's way into the registry: a fixed pool of read connections (WAL lets them read
/// while one writer writes) and one writer at a time, acting as the authenticated actor.
public final class RegistryPool: Sendable {
    public let home: URL
    let inspector: (any ArtifactInspector)?
    private let readers: [RegistryStore]
    private let next = Atomic<Int>(0)
    // Writer stores by actor (the actor is recorded in every audit event); also the one-writer lock.
    private let writers = Mutex<[String: RegistryStore]>([:])

    /// Opens `readerCount` connections to an existing registry at `home`.
    public init(home: URL, readerCount: Int = 4, inspector: (any ArtifactInspector)? = nil) throws {
        self.home = home
        self.inspector = inspector
        self.readers = try (0..<max(1, readerCount)).map { _ in
            try RegistryStore(home: home, actor: "assay-service", inspector: inspector)
        }
    }

    /// Runs `body` with one of the read connections (round robin).
    public func read<T>(_ body: (RegistryStore) throws -> T) throws -> T {
        let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return try body(readers[Int(UInt(bitPattern: i) % UInt(readers.count))])
    }

    /// Runs `body` with the writer store of `actor`; writes are serialized.
    public func write<T>(as actor: String, _ body: (RegistryStore) throws -> T) throws -> T {
        try writers.withLock { stores in
            let store: RegistryStore
            if let existing = stores[actor] {
                store = existing
            } else {
                if stores.count >= 16 { stores.removeAll() }
                store = try RegistryStore(home: home, actor: actor, inspector: inspector)
                stores[actor] = store
            }
            return try body(store)
        }
    }
}
