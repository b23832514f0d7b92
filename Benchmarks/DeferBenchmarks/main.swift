// Prints nanoseconds per callback for the Deferred's hot paths, with SwiftNIO's futures beside them.
// Figures only: medians of several rounds, release build (`make bench`). Nothing here asserts a time.
import Defer
import Foundation
import NIOCore
import NIOEmbedded

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Boom: Error {}

@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

func nanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// Runs `body` (which does `operations` units of work) for `rounds` rounds and returns the median ns per unit.
func measure(rounds: Int = 7, operations: Int, _ body: () -> Void) -> Double {
    body()  // warm up
    var samples: [Double] = []
    for _ in 0..<rounds {
        let start = nanoseconds()
        body()
        samples.append(Double(nanoseconds() - start) / Double(operations))
    }
    samples.sort()
    return samples[samples.count / 2]
}

let iterations = 100_000

// 1. A 10-callback success chain: create, add 10 callbacks, fire.
let successChain = measure(operations: iterations * 10) {
    for i in 0..<iterations {
        let d = Deferred<Int>()
        var chain = d.addCallback { $0 &+ 1 }
        for _ in 0..<9 { chain = chain.addCallback { $0 &+ 1 } }
        try? d.callback(i)
        blackHole(d)
    }
}

// 2. The error path: a callback throws and an errback recovers, per stage (5 throw/recover pairs).
let errorPath = measure(operations: iterations * 10) {
    for i in 0..<iterations {
        let d = Deferred<Int>()
        for _ in 0..<5 {
            d.addCallback { _ -> Int in throw Boom() }.addErrback { _ in 1 }
        }
        try? d.callback(i)
        blackHole(d)
    }
}

// 3. Implicit chaining: a callback returns an unfired deferred that fires later.
let implicitChaining = measure(operations: iterations) {
    for i in 0..<iterations {
        let outer = Deferred<Int>()
        let inner = Deferred<Int>()
        outer.addCallback { _ in inner }.addCallback { $0 &+ 1 }
        try? outer.callback(i)
        try? inner.callback(i)
        blackHole(outer)
    }
}

// 4. A 10,000-deep chain of returned deferreds, resolved by firing the innermost (per link, and per chain).
let depth = 10_000
var deepChainNanosecondsPerChain = 0.0
let deepChain = measure(rounds: 7, operations: depth) {
    let start = nanoseconds()
    let deferreds = (0...depth).map { _ in Deferred<Int>() }
    for index in 0..<depth {
        let next = deferreds[index + 1]
        deferreds[index].addCallback { _ in next }
    }
    for index in 0..<depth { try? deferreds[index].callback(0) }
    try? deferreds[depth].callback(1)
    blackHole(deferreds)
    deepChainNanosecondsPerChain = Double(nanoseconds() - start)
}

// Peers: SwiftNIO futures on an EmbeddedEventLoop (the same work, as closely as NIO allows).
let loop = EmbeddedEventLoop()
let nioMap = measure(operations: iterations * 10) {
    for i in 0..<iterations {
        let promise = loop.makePromise(of: Int.self)
        var future = promise.futureResult.map { $0 &+ 1 }
        for _ in 0..<9 { future = future.map { $0 &+ 1 } }
        promise.succeed(i)
        blackHole(future)
    }
}
let nioErrorPath = measure(operations: iterations * 10) {
    for i in 0..<iterations {
        let promise = loop.makePromise(of: Int.self)
        var future = promise.futureResult
        for _ in 0..<5 {
            future = future.flatMapThrowing { _ -> Int in throw Boom() }.flatMapError { _ in loop.makeSucceededFuture(1) }
        }
        promise.succeed(i)
        blackHole(future)
    }
}
let nioFlatMap = measure(operations: iterations) {
    for i in 0..<iterations {
        let outer = loop.makePromise(of: Int.self)
        let inner = loop.makePromise(of: Int.self)
        let future = outer.futureResult.flatMap { _ in inner.futureResult }.map { $0 &+ 1 }
        outer.succeed(i)
        inner.succeed(i)
        blackHole(future)
    }
}
try? loop.syncShutdownGracefully()

func row(_ name: String, _ ours: Double, _ peer: Double?, _ peerName: String) -> String {
    let label = name.padding(toLength: 58, withPad: " ", startingAt: 0)
    let oursText = String(format: "%8.1f ns", ours)
    guard let peer else { return label + oursText }
    let peerText = String(format: "%8.1f ns", peer)
    let ratio = String(format: "%5.2f", peer / ours)
    return label + oursText + "   " + peerName + " " + peerText + "   (NIO/ours " + ratio + "x)"
}

print("Deferred benchmarks (release, median of 7 rounds)")
print(row("10-callback success chain, per callback", successChain, nioMap, "NIO map"))
print(row("error path (throw, errback recovers), per stage", errorPath, nioErrorPath, "NIO flatMapError"))
print(row("implicit chaining (callback returns unfired Deferred)", implicitChaining, nioFlatMap, "NIO flatMap"))
print(row("10,000-deep chain of returned Deferreds, per link", deepChain, nil, ""))
print(String(format: "10,000-deep chain, whole chain: %.2f ms", deepChainNanosecondsPerChain / 1e6))
