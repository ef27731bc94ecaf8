import Foundation
import Synchronization

/// The Sendable owner of one `Database` connection: every access goes through `read` or
/// `write`, which serialize callers with a mutex, so the connection is never used by two
/// threads at once. Writes run in a `BEGIN IMMEDIATE` transaction.
public final class DatabaseQueue: Sendable {
    /// Held for every use of `database`.
    private let lock = Mutex<Void>(())
    /// The connection (not Sendable itself): touched only inside `withConnection`, under `lock`.
    nonisolated(unsafe) private let database: Database

    /// Path of the database file.
    public let path: String

    /// Opens (creating if needed) the database at `path`.
    public init(path: String, busyTimeout: Duration = .seconds(10)) throws(StorageError) {
        self.database = try Database(path: path, busyTimeout: busyTimeout)
        self.path = path
    }

    /// Runs `body` in a read (deferred) transaction, so it sees one consistent snapshot.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try withConnection { try $0.transaction(.deferred, body) }
    }

    /// Runs `body` in an immediate write transaction; rolls back if it throws.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try withConnection { try $0.transaction(.immediate, body) }
    }

    /// Runs `body` with the connection outside any transaction (pragmas, VACUUM, migrations).
    public func withConnection<T>(_ body: (Database) throws -> T) rethrows -> T {
        try lock.withLock { _ in try body(database) }
    }
}
