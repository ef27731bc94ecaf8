import Foundation
import Testing

@testable import Registry

/// The one UTC formatter and its reader (`created` of `/v1/models` comes from a version's
/// `created_at`).
struct RegistryClockTests {
    @Test func timestampsReadBackAsEpochSeconds() throws {
        #expect(RegistryClock.epochSeconds("2026-12-05T23:01:28.123Z") == 1_796_511_688)
        #expect(RegistryClock.epochSeconds("2026-12-05T23:01:28Z") == 1_796_511_688)
        #expect(RegistryClock.epochSeconds("1970-01-01T00:00:00Z") == 0)
        #expect(RegistryClock.epochSeconds("yesterday") == nil)
        #expect(RegistryClock.epochSeconds("") == nil)
        let before = Int64(Date().timeIntervalSince1970)
        for milliseconds in [true, false] {
            let now = try #require(RegistryClock.epochSeconds(RegistryClock.now(milliseconds: milliseconds)))
            #expect(now >= before && now <= before + 5)
        }
    }
}
