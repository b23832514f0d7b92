/// An error travelling down a deferred's error path, with where it came from.
///
/// A `Failure` is Twisted's wrapper for the exception a chain carries. It keeps the original error
/// object (so `trap(_:)` re-throws the very same error to the next errback), and the source location
/// where it entered the chain: the `errback(_:)` call, or the registration site of the callback that threw.
public final class Failure: Error, Sendable, CustomStringConvertible {
    /// The error this failure carries.
    public let error: any Error
    /// Where the failure entered a chain: the `errback(_:)` call or `Failure(_:)` that made it, when known.
    public let site: CallSite?
    /// What produced it, when known: for example the label of the callback that threw it.
    public let origin: String?

    /// Wraps an error, recording the caller's location; a `Failure` passed in is unwrapped so failures never nest.
    public init(_ error: any Error, origin: String? = nil, file: String = #fileID, line: UInt = #line) {
        if let failure = error as? Failure {
            self.error = failure.error
            self.site = failure.site
            self.origin = failure.origin
        } else {
            self.error = error
            self.site = CallSite(file: file, line: line)
            self.origin = origin
        }
    }

    @usableFromInline
    init(error: any Error, origin: String?, site: CallSite?) {
        self.error = error
        self.site = site
        self.origin = origin
    }

    /// Makes `error` a failure, reusing it when it already is one.
    public static func wrapping(_ error: any Error, origin: String? = nil) -> Failure {
        if let failure = error as? Failure { return failure }
        return Failure(error: error, origin: origin, site: nil)
    }

    /// The error's type name, as Twisted's `Failure.type` (for example `"CancelledError"`).
    public var typeName: String { String(describing: type(of: error)) }

    /// The error's message (Twisted's `getErrorMessage()`).
    public var errorMessage: String {
        if let described = error as? any CustomStringConvertible { return described.description }
        return String(describing: error)
    }

    /// Returns the first of `types` that the carried error is an instance of, or `nil`.
    public func check(_ types: any Error.Type...) -> (any Error.Type)? {
        check(types)
    }

    /// Returns the first of `types` that the carried error is an instance of, or `nil`.
    public func check(_ types: [any Error.Type]) -> (any Error.Type)? {
        for candidate in types where Self.error(error, isA: candidate) { return candidate }
        return nil
    }

    /// Returns the matching type, or re-throws this same failure so the next errback sees the original error.
    @discardableResult
    public func trap(_ types: any Error.Type...) throws -> any Error.Type {
        try trap(types)
    }

    /// ``trap(_:)-(any Error.Type...)`` with the types in an array, for a list built at run time.
    @discardableResult
    public func trap(_ types: [any Error.Type]) throws -> any Error.Type {
        if let match = check(types) { return match }
        throw self
    }

    /// Throws the carried error itself (Twisted's `raiseException()`).
    public func raiseException() throws -> Never {
        throw error
    }

    /// `[TypeName: message]`, Twisted's short form.
    public var description: String { "[Failure \(typeName): \(errorMessage)]" }

    private static func error(_ error: any Error, isA type: any Error.Type) -> Bool {
        func open<E: Error>(_: E.Type) -> Bool { error is E }
        return open(type)
    }
}
