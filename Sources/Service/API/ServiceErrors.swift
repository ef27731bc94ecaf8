import Foundation
import Governance
import JSON
import Registry

/// JSON of the audit proof and checkpoint types (their Codable form, snake_case keys).
enum AuditJSON {
    static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        do { return try JSONValue.parse(Array(try JSONOutput.data(value))) } catch {
            throw Problem(kind: .internalError, detail: "cannot encode the response")
        }
    }
}

/// Maps library errors to problems: unknown things are 404, invalid input 422, conflicts 409.
public enum ServiceErrors {
    public static let mapper: @Sendable (any Error) -> Problem = { error in
        switch error {
        case let p as any ProblemConvertible: return p.problem
        case let e as RegistryError: return problem(e)
        case let e as GovernanceError: return problem(e)
        case let e as ApprovalError: return problem(e)
        case let e as PolicyError: return Problem(kind: .validation, detail: e.description)
        case let e as AuditKeyError: return Problem(kind: .validation, detail: e.description)
        case let e as EvaluationRecordError:
            // if-case rather than switch: new cases added by the evaluation records stay 422.
            if case .unknownRun = e { return Problem(kind: .notFound, detail: e.description) }
            if case .unknownSuite = e { return Problem(kind: .notFound, detail: e.description) }
            if case .suiteConflict = e { return Problem(kind: .conflict, detail: e.description) }
            if case .runNotRunning = e { return Problem(kind: .conflict, detail: e.description) }
            return Problem(kind: .validation, detail: e.description)
        case let e as TokenError:
            switch e {
            case .unknownToken: return Problem(kind: .notFound, detail: e.description)
            case .alreadyRevoked: return Problem(kind: .conflict, detail: e.description)
            case .randomnessUnavailable: return Problem(kind: .internalError, detail: e.description)
            case .notAuthorized: return Problem(kind: .forbidden, detail: e.description)
            }
        default:
            if let failure = StorageFailure(error) { return storage(failure) }
            return Router.defaultErrorMapper(error)
        }
    }

    static func storage(_ failure: StorageFailure) -> Problem {
        switch failure {
        case .busy: return Problem(kind: .unavailable, detail: "the registry is busy; retry")
        case .constraint: return Problem(kind: .conflict, detail: "the change conflicts with the registry's rules")
        // Never echo SQL or internal messages.
        case .other: return Problem(kind: .internalError, detail: "registry storage error")
        }
    }

    static func problem(_ e: RegistryError) -> Problem {
        switch e {
        case .unknownModel, .unknownModelVersion, .unknownDataset, .unknownDatasetVersion:
            return Problem(kind: .notFound, detail: e.description)
        case .versionConflict, .lineageCycle:
            return Problem(kind: .conflict, detail: e.description)
        case .notInitialized:
            return Problem(kind: .unavailable, detail: "the registry is not initialized")
        case .artifactInsideRegistry, .artifactOutsideRoots:
            return Problem(kind: .forbidden, detail: e.description)
        case .storage:
            return storage(StorageFailure(e) ?? .other)
        default:
            return Problem(kind: .validation, detail: e.description)
        }
    }
}
