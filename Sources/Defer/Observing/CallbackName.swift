/// How one half of a callback/errback pair is named, as an observer sees it.
public enum CallbackName: Sendable, Equatable {
    /// The half passes the result through (no function).
    case passThrough
    /// A function without a label: describe it by its registration kind and call site.
    case unnamed
    /// A function with a label given when it was added.
    case named(String)
}
