// Prints nanoseconds per callback for the Deferred's hot paths, with SwiftNIO's futures beside them, and the
// heap bytes a pending Deferred (and a pending NIO future) with 3 callbacks holds.
// Figures only: medians of several rounds, release build (`make bench`). Nothing here asserts a time.
//
//     DeferBenchmarks                         human-readable table (every workload)
//     DeferBenchmarks --json [--only a,b]     one JSON object per workload: {"workload": ..., "value": ..., "unit": ...}
//     DeferBenchmarks --rounds N              timed rounds per workload (default 7; memory: 3, 1,000,000-deep: 1)
//     DeferBenchmarks --list                  the workload names
import BenchmarkSupport
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

let arguments = BenchmarkArguments()
/// Timed rounds per workload (`--rounds N`, default 7), after one warm-up round.
let innerRounds = arguments.rounds(default: 7)

/// Runs `body` (which does `operations` units of work) for `rounds` rounds and returns the median ns per unit.
func measure(rounds: Int = innerRounds, operations: Int, _ body: () -> Void) -> Double {
    body()  // warm up
    var samples: [Double] = []
    for _ in 0..<rounds {
        let start = nanoseconds()
        body()
        samples.append(Double(nanoseconds() - start) / Double(operations))
    }
    return median(samples)
}

/// Bytes of heap in use right now, as glibc's allocator counts them: the "in use bytes" of `malloc_stats()`'s
/// total (every arena's in-use chunks, headers and alignment included, plus mmapped chunks), the same
/// figure as `mallinfo2()`'s `uordblks + hblkhd` summed over arenas. `malloc.h` is not in Swift's Glibc
/// module, so `malloc_stats` is looked up with `dlsym` and its report (written to stderr) is captured through
/// a temporary file. Returns nil where that is not available (not glibc).
func heapInUse() -> Int? {
    #if canImport(Glibc)
    guard let symbol = dlsym(nil, "malloc_stats") else { return nil }
    let mallocStats = unsafeBitCast(symbol, to: (@convention(c) () -> Void).self)
    var template = Array("/tmp/reactortrack-malloc-stats-XXXXXX".utf8CString)
    let file = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard file >= 0 else { return nil }
    let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    defer {
        close(file)
        unlink(path)
    }
    fflush(nil)
    let savedStderr = dup(2)
    dup2(file, 2)
    mallocStats()
    fflush(nil)
    dup2(savedStderr, 2)
    close(savedStderr)
    guard let report = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    // The report ends with "Total (incl. mmap):", then "system bytes = N", then "in use bytes = N".
    guard let total = report.range(of: "Total (incl. mmap):") else { return nil }
    for line in report[total.upperBound...].split(separator: "\n") where line.contains("in use bytes") {
        if let number = line.split(separator: "=").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
            return number
        }
    }
    return nil
    #else
    return nil
    #endif
}

/// Median, over `rounds` rounds, of the heap bytes per object that `build` keeps alive, for `count` objects.
/// `build` fills the pre-allocated array (so the array's own storage is not counted); `release` lets the
/// objects go (and fires what must be fired) before the next round.
func bytesPerObject<T>(
    rounds: Int = 3, count: Int, build: (inout [T?]) -> Void, release: (inout [T?]) -> Void
) -> Double? {
    var samples: [Double] = []
    for _ in 0..<rounds {
        var holder = [T?](repeating: nil, count: count)
        guard let before = heapInUse() else { return nil }
        build(&holder)
        guard let after = heapInUse() else { return nil }
        samples.append(Double(after - before) / Double(count))
        release(&holder)
        blackHole(holder)
    }
    return median(samples)
}

let iterations = 100_000

struct Workload {
    let name: String
    let unit: String
    let run: () -> Double?
}

// Peers: SwiftNIO futures on an EmbeddedEventLoop (the same work, as closely as NIO allows).
let loop = EmbeddedEventLoop()

/// The workloads. They are built in a function, not in top-level code: Swift 6 makes `main.swift`'s top level
/// `@MainActor`, and closures formed there would check the executor on every call, which is not what a user's
/// nonisolated code pays.
func makeWorkloads(loop: EmbeddedEventLoop) -> [Workload] { [
    // 1. A 10-callback success chain: create, add 10 callbacks, fire.
    Workload(name: "success_chain", unit: "ns/callback") {
        measure(operations: iterations * 10) {
            for i in 0..<iterations {
                let d = Deferred<Int>()
                var chain = d.addCallback { $0 &+ 1 }
                for _ in 0..<9 { chain = chain.addCallback { $0 &+ 1 } }
                try? d.callback(i)
                blackHole(d)
            }
        }
    },
    // 2. The error path: a callback throws and an errback recovers, per stage (5 throw/recover pairs).
    Workload(name: "error_path", unit: "ns/stage") {
        measure(operations: iterations * 10) {
            for i in 0..<iterations {
                let d = Deferred<Int>()
                for _ in 0..<5 {
                    d.addCallback { _ -> Int in throw Boom() }.addErrback { _ in 1 }
                }
                try? d.callback(i)
                blackHole(d)
            }
        }
    },
    // 3. Implicit chaining: a callback returns an unfired deferred that fires later (per outer/inner pair).
    Workload(name: "implicit_chaining", unit: "ns/op") {
        measure(operations: iterations) {
            for i in 0..<iterations {
                let outer = Deferred<Int>()
                let inner = Deferred<Int>()
                outer.addCallback { _ in inner }.addCallback { $0 &+ 1 }
                try? outer.callback(i)
                try? inner.callback(i)
                blackHole(outer)
            }
        }
    },
    // 4. A 10,000-deep chain of returned deferreds, resolved by firing the innermost (whole chain).
    Workload(name: "deep_chain_10k", unit: "ms/chain") { deepChain(depth: 10_000, rounds: innerRounds) / 1e6 },
    // 4b. The same 1,000,000 deep: it must work (constant stack); one timed round after a warm-up.
    Workload(name: "deep_chain_1m", unit: "ms/chain") { deepChain(depth: 1_000_000, rounds: 1) / 1e6 },
    // 5. Heap bytes per pending Deferred<Int> holding 3 callbacks (1,000,000 of them, never fired).
    Workload(name: "memory_pending_3cb", unit: "B") {
        bytesPerObject(
            count: 1_000_000,
            build: { (holder: inout [Deferred<Int>?]) in
                for index in holder.indices {
                    let d = Deferred<Int>()
                    d.addCallback { $0 &+ 1 }.addCallback { $0 &+ 1 }.addCallback { $0 &+ 1 }
                    holder[index] = d
                }
            },
            release: { holder in
                for index in holder.indices { holder[index] = nil }
            })
    },
    Workload(name: "nio_map", unit: "ns/callback") {
        measure(operations: iterations * 10) {
            for i in 0..<iterations {
                let promise = loop.makePromise(of: Int.self)
                var future = promise.futureResult.map { $0 &+ 1 }
                for _ in 0..<9 { future = future.map { $0 &+ 1 } }
                promise.succeed(i)
                blackHole(future)
            }
        }
    },
    Workload(name: "nio_flatMapError", unit: "ns/stage") {
        measure(operations: iterations * 10) {
            for i in 0..<iterations {
                let promise = loop.makePromise(of: Int.self)
                var future = promise.futureResult
                for _ in 0..<5 {
                    future = future.flatMapThrowing { _ -> Int in throw Boom() }.flatMapError { _ in
                        loop.makeSucceededFuture(1)
                    }
                }
                promise.succeed(i)
                blackHole(future)
            }
        }
    },
    Workload(name: "nio_flatMap", unit: "ns/op") {
        measure(operations: iterations) {
            for i in 0..<iterations {
                let outer = loop.makePromise(of: Int.self)
                let inner = loop.makePromise(of: Int.self)
                let future = outer.futureResult.flatMap { _ in inner.futureResult }.map { $0 &+ 1 }
                outer.succeed(i)
                inner.succeed(i)
                blackHole(future)
            }
        }
    },
    // Heap bytes per pending promise whose future has 3 `map`s chained on it (the last future is kept, as a
    // caller would keep it; 1,000,000 of them). They are fulfilled before the next round.
    Workload(name: "nio_memory_pending_3cb", unit: "B") {
        bytesPerObject(
            count: 1_000_000,
            build: { (holder: inout [(EventLoopPromise<Int>, EventLoopFuture<Int>)?]) in
                for index in holder.indices {
                    let promise = loop.makePromise(of: Int.self)
                    let future = promise.futureResult.map { $0 &+ 1 }.map { $0 &+ 1 }.map { $0 &+ 1 }
                    holder[index] = (promise, future)
                }
            },
            release: { holder in
                for index in holder.indices {
                    holder[index]?.0.succeed(0)
                    holder[index] = nil
                }
            })
    },
] }

let workloads = makeWorkloads(loop: loop)

/// ns for one whole chain of `depth` returned deferreds (median of `rounds` after a warm-up).
func deepChain(depth: Int, rounds: Int) -> Double {
    measure(rounds: rounds, operations: 1) {
        let deferreds = (0...depth).map { _ in Deferred<Int>() }
        for index in 0..<depth {
            let next = deferreds[index + 1]
            deferreds[index].addCallback { _ in next }
        }
        for index in 0..<depth { try? deferreds[index].callback(0) }
        try? deferreds[depth].callback(1)
        blackHole(deferreds)
    }
}

// MARK: - Command line

if arguments.values.contains("--list") {
    for workload in workloads { print(workload.name) }
    exit(0)
}
arguments.checkOnly(known: workloads.map(\.name), program: "DeferBenchmarks", hint: " (see --list)")

var results: [String: Double] = [:]
for workload in workloads where arguments.selects(workload.name) {
    let value = workload.run()
    if let value { results[workload.name] = value }
    if arguments.json {
        print(jsonLine(workload.name, value, workload.unit))
        fflush(nil)
    }
}
try? loop.syncShutdownGracefully()

if !arguments.json {
    func row(_ name: String, _ oursKey: String, _ peerKey: String?, _ peerName: String) -> String {
        let label = name.padding(toLength: 58, withPad: " ", startingAt: 0)
        guard let ours = results[oursKey] else { return label + "       -" }
        let oursText = String(format: "%8.1f ns", ours)
        guard let peerKey, let peer = results[peerKey] else { return label + oursText }
        let peerText = String(format: "%8.1f ns", peer)
        let ratio = String(format: "%5.2f", peer / ours)
        return label + oursText + "   " + peerName + " " + peerText + "   (NIO/ours " + ratio + "x)"
    }
    func bytes(_ key: String) -> String { results[key].map { String(format: "%.0f B", $0) } ?? "n/a" }
    print("Deferred benchmarks (release, median of \(innerRounds) rounds)")
    print(row("10-callback success chain, per callback", "success_chain", "nio_map", "NIO map"))
    print(row("error path (throw, errback recovers), per stage", "error_path", "nio_flatMapError", "NIO flatMapError"))
    print(row("implicit chaining (callback returns unfired Deferred)", "implicit_chaining", "nio_flatMap", "NIO flatMap"))
    if let deep = results["deep_chain_10k"] {
        print(String(format: "10,000-deep chain of returned Deferreds, whole chain: %.2f ms (%.1f ns per link)", deep, deep * 1e6 / 10_000))
    }
    if let deep = results["deep_chain_1m"] {
        print(String(format: "1,000,000-deep chain of returned Deferreds, whole chain: %.1f ms", deep))
    }
    print("memory per pending Deferred with 3 callbacks: \(bytes("memory_pending_3cb"))   NIO future with 3 maps: \(bytes("nio_memory_pending_3cb"))   (glibc mallinfo2, 1,000,000 pending)")
}
