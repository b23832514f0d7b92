/// An error thrown by test bodies; at file scope so its type name is `ActionsTests.Boom`.
struct Boom: Error, CustomStringConvertible {
    var description: String { "boom" }
}

/// A destination failure thrown on purpose.
struct Refused: Error, CustomStringConvertible {
    var description: String { "refused" }
}
