import Defer
import Testing

/// A class whose live instances are counted, to check that reading a chain's value as a typed input neither
/// leaks nor over-releases it.
private final class Counted {
    nonisolated(unsafe) static var live = 0
    let tag: Int
    init(_ tag: Int) {
        self.tag = tag
        Counted.live += 1
    }
    deinit { Counted.live -= 1 }
}

private class Animal {
    var name: String { "animal" }
}

private final class Dog: Animal {
    override var name: String { "dog" }
}

private struct Wide: Equatable {
    var a = 1, b = 2, c = 3, d = 4, e = "fifth field, stored out of line"
}

/// Typed callbacks read the chain's `Any` value: exactly the callback's type (the common, fast case) or anything
/// Swift's `as?` accepts (subclass for superclass, value for a protocol existential or `Any`, wrapping in an
/// optional). Anything else is a `DeferredTypeError` failure.
@Suite("Typed callback inputs", .serialized)
struct TypedInputTests {
    @Test("values of exactly the callback's type arrive intact: inline, boxed, strings, arrays, classes")
    func exactTypes() throws {
        var seen: [String] = []
        let d = Deferred<Int>()
        d.addCallback { $0 + 1 }
            .addCallback { "n=\($0)" }
            .addCallback { text -> [String] in seen.append(text); return [text, text] }
            .addCallback { list -> Wide in seen.append(list.joined(separator: ",")); return Wide() }
            .addCallback { wide -> Wide in #expect(wide == Wide()); return wide }
            .addCallback { wide in seen.append(wide.e) }
        try d.callback(41)
        #expect(seen == ["n=42", "n=42,n=42", "fifth field, stored out of line"])
    }

    @Test("a class instance passed along a chain is released exactly once")
    func referenceCounts() throws {
        Counted.live = 0
        do {
            let d = Deferred<Counted>()
            var tags: [Int] = []
            d.addCallback { counted -> Counted in tags.append(counted.tag); return Counted(counted.tag + 1) }
                .addCallback { counted -> Counted in tags.append(counted.tag); return counted }
                .addCallback { counted in tags.append(counted.tag) }
            try d.callback(Counted(1))
            #expect(tags == [1, 2, 2])
            #expect(Counted.live == 0)  // the chain now holds `()`
        }
        #expect(Counted.live == 0)
    }

    @Test("a subclass instance reaches a callback typed with its superclass")
    func classUpcast() throws {
        let d = Deferred<Animal>(unchecked: AnyDeferred())
        var name: String?
        d.addCallback { name = $0.name }
        try d.base.callback(Dog())
        #expect(name == "dog")
    }

    @Test("a value reaches callbacks typed with a protocol existential, with Any, and with an optional")
    func existentialsAndOptionals() throws {
        var seen: [String] = []
        let d = Deferred<any CustomStringConvertible>(unchecked: AnyDeferred())
        d.addCallback { value -> Any in seen.append(value.description); return value }
            .addCallback { (value: Any) -> Any in seen.append("\(value)"); return value }
        try d.base.callback(17)
        let optional = Deferred<Int?>(unchecked: AnyDeferred())
        optional.addCallback { seen.append("optional \($0.map(String.init) ?? "nil")") }
        try optional.base.callback(5)
        #expect(seen == ["17", "17", "optional 5"])
    }

    @Test("a value of another type is a DeferredTypeError naming both types")
    func mismatchNamesTypes() throws {
        let d = Deferred<String>(unchecked: AnyDeferred())
        var failure: Failure?
        d.addCallback { $0.count }.addErrback { f -> Int in failure = f; return 0 }
        try d.base.callback(3.5)
        let error = try #require(failure?.error as? DeferredTypeError)
        #expect(error.expected == "String")
        #expect(error.actual == "Double")
    }

    @Test("while a callback runs, the deferred still shows its input as the current result (Twisted's rule)")
    func stateVisibleDuringCallback() throws {
        let d = Deferred<Int>()
        var during: Int?
        d.addCallback { value -> Int in
            if case .success(let current) = d.state { during = current as? Int }
            return value * 10
        }
        try d.callback(4)
        #expect(during == 4)
        guard case .success(let after) = d.state else {
            Issue.record("expected a success result")
            return
        }
        #expect(after as? Int == 40)
    }

    @Test("currentValue(as:) reads the current value as as? would, and nothing for a failure or no result")
    func currentValueAs() throws {
        let d = Deferred<Int>()
        #expect(d.base.currentValue(as: Int.self) == nil)  // not fired
        try d.callback(7)
        #expect(d.base.currentValue(as: Int.self) == 7)
        #expect(d.base.currentValue(as: String.self) == nil)
        #expect(d.base.currentValue(as: Int?.self) == .some(.some(7)))
        #expect(d.base.currentValue(as: Any.self) as? Int == 7)
        d.addCallback { _ -> Int in throw DeferredTypeError(expected: "x", actual: "y") }
        #expect(d.base.currentValue(as: Int.self) == nil)  // a failure
        let pet = Deferred<Animal>()
        try pet.callback(Dog())
        #expect(pet.base.currentValue(as: Dog.self)?.name == "dog")
        #expect(pet.base.currentValue(as: Animal.self)?.name == "dog")
        let counted = Deferred<Counted>()
        try counted.callback(Counted(3))
        #expect(Counted.live == 1)
        #expect(counted.base.currentValue(as: Counted.self)?.tag == 3)
        #expect(Counted.live == 1)
        counted.addCallback { _ in 0 }
        #expect(Counted.live == 0)
    }
}
