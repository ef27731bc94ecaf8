import Foundation
import Storage
import TestSupport
import Testing

@_spi(RawSQL) @testable import Registry

/// Registry/schema.sql must equal the schema of a freshly migrated database.
struct RegistrySchemaSnapshotTests {
    static let snapshotURL = Fixtures.packageRoot.appendingPathComponent("Registry/schema.sql")

    /// The schema as `sqlite_master` holds it, in creation order.
    static func currentSchema() throws -> String {
        let dir = TemporaryDirectory("schema")
        let store = try RegistryStore(home: dir.path("home"), actor: "schema", create: true)
        let statements = try store.readDatabase { db in
            try db.query("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")
                .map { try $0.get(0, as: String.self) }
        }
        let header = """
            -- Assay registry schema: generated from a freshly migrated database (sqlite_master, creation order).
            -- Do not edit by hand. Regenerate after adding a migration:
            --   ASSAY_REGENERATE_SCHEMA=1 swift test --filter RegistrySchemaSnapshotTests
            -- Migrations applied: \(RegistrySchema.migrator.migrations.map(\.id).joined(separator: ", "))

            """
        return header + statements.map { $0 + ";\n" }.joined(separator: "\n")
    }

    @Test func snapshotMatchesAFreshlyMigratedDatabase() throws {
        let current = try Self.currentSchema()
        if ProcessInfo.processInfo.environment["ASSAY_REGENERATE_SCHEMA"] == "1" {
            try Data(current.utf8).write(to: Self.snapshotURL)
        }
        let stored = (try? String(contentsOf: Self.snapshotURL, encoding: .utf8)) ?? ""
        #expect(
            stored == current,
            """
            Registry/schema.sql is out of date with the migrations. Regenerate it with:
              ASSAY_REGENERATE_SCHEMA=1 swift test --filter RegistrySchemaSnapshotTests
            """)
    }
}
