import Foundation

/// One-line reasons for Foundation file errors (instead of
/// `Error Domain=NSCocoaErrorDomain Code=4 "(null)" UserInfo={…}`).
public enum FileErrors {
    /// A short reason: the POSIX error text when there is one, else a description of the code.
    public static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code))).lowercased()
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))).lowercased() }
        guard ns.domain == NSCocoaErrorDomain else { return String(describing: error) }
        switch ns.code {
        case 4, 260: return "no such file or directory"
        case 257, 513: return "permission denied"
        case 516: return "file exists"
        case 640: return "no space left on device"
        case 642: return "read-only file system"
        case 261, 264: return "not valid text in the expected encoding"
        default: return "file error \(ns.code)"
        }
    }

    /// The path a Foundation file error names, if any.
    public static func path(_ error: any Error) -> String? {
        let ns = error as NSError
        if let path = ns.userInfo[NSFilePathErrorKey] as? String { return path }
        if let url = ns.userInfo[NSURLErrorKey] as? URL { return url.path }
        return nil
    }

    /// "PATH: reason" (or just the reason) for a Foundation file error; nil for other errors.
    public static func oneLine(_ error: any Error) -> String? {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return nil }
        let reason = reason(error)
        return path(error).map { "\($0): \(reason)" } ?? reason
    }
}
