/// Carries a reactor-thread-only value through a `@Sendable` closure to the reactor thread.
///
/// The reactor guarantees the hand-off (a lock inside the event loop orders the write before the read) and
/// every access happens on the reactor thread; the compiler cannot see that, hence `@unchecked`.
struct ReactorBound<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
