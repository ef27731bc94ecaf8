import Foundation
import Hashing
import InferenceCore
import Registry

/// Progress of a run, reported after every committed batch.
public struct EvaluationProgress: Sendable {
    public var runID: String
    public var done: Int
    public var total: Int
    /// Items completed in this process and the seconds it took.
    public var sessionItems: Int
    public var sessionSeconds: Double
    public var resumedItems: Int

    public var itemsPerSecond: Double { sessionSeconds > 0 ? Double(sessionItems) / sessionSeconds : 0 }
    public var etaSeconds: Double? {
        let rate = itemsPerSecond
        return rate > 0 ? Double(total - done) / rate : nil
    }
}
