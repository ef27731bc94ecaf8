import Foundation
import Hashing
import Testing

@testable import Registry

/// Issue 12 item 4: credentials never reach the append-only log.
struct RedactionTests {
    @Test(arguments: [
        ("http://bob:hunter2@example.com:8080/v1", "http://REDACTED@example.com:8080/v1"),
        ("openai-compatible http://bob@10.0.0.1:80", "openai-compatible http://REDACTED@10.0.0.1:80"),
        ("https://h/x?token=abc&model=m", "https://h/x?token=REDACTED&model=m"),
        ("https://h/x?a=1&api_key=k1#frag", "https://h/x?a=1&api_key=REDACTED#frag"),
        (
            "https://h/?X-Amz-Signature=ff&X-Amz-Credential=c&ok=1",
            "https://h/?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED&ok=1"
        ),
        ("see https://u:p@a/b?password=x and http://c", "see https://REDACTED@a/b?password=REDACTED and http://c"),
        ("plain text, no url", "plain text, no url"),
        ("user@example.com", "user@example.com"),
        ("http://host/path?limit=5", "http://host/path?limit=5")
    ])
    func redacts(_ input: String, _ expected: String) {
        #expect(Redaction.redact(input) == expected)
    }

    @Test func auditPayloadsAreRedactedBeforeTheyAreChained() throws {
        let r = try TestRegistry()
        try r.store.write { tx in
            _ = try tx.appendAudit(
                action: "evaluation_run.start", subject: "run-1",
                payload: [
                    "engine_version": .string("openai-compatible http://bob:hunter2@127.0.0.1:8080"),
                    "nested": .array([.object(["url": .string("http://h/hook?secret=s3cr3t&x=1")])])
                ])
        }
        let event = try #require(try r.store.latestAuditEvents(1).last)
        #expect(!event.payload.contains("hunter2"))
        #expect(!event.payload.contains("s3cr3t"))
        #expect(event.payload.contains("http://REDACTED@127.0.0.1:8080"))
        #expect(try r.store.verifyAudit().isIntact)
        let raw = try Data(contentsOf: r.dir.path("home/registry.sqlite"))
        #expect(raw.range(of: Data("hunter2".utf8)) == nil)
    }
}
