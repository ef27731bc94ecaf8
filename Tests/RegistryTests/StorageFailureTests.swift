import Registry
import Storage
import Testing

/// Service maps storage failures to HTTP problems through `StorageFailure`, without seeing SQLite.
struct StorageFailureTests {
    @Test func classifiesRawAndWrappedStorageErrors() {
        let busy = StorageError(resultCode: 5, message: "database is locked")
        let constraint = StorageError(resultCode: 19, message: "UNIQUE constraint failed")
        let io = StorageError(resultCode: 10, message: "disk I/O error")
        #expect(StorageFailure(busy) == .busy)
        #expect(StorageFailure(RegistryError.storage(busy)) == .busy)
        #expect(StorageFailure(constraint) == .constraint)
        #expect(StorageFailure(RegistryError.storage(constraint)) == .constraint)
        #expect(StorageFailure(io) == .other)
        #expect(StorageFailure(RegistryError.noArtifacts) == nil)
        #expect(StorageFailure(CancellationError()) == nil)
    }
}
