// Writes a synthetic mon.out of a requested size for the file benchmarks (`make bench`): realistic
// `reactortrack:deferred` tasks as JSONMonitor writes them (docs/monitor-format.md), byte-for-byte in the
// encoder's layout (known fields first, then the others sorted by name). Deterministic for a given seed.
//
//     LogGenerator --size 100M --order inorder|interleaved --out /tmp/x.log [--seed 1] [--concurrency 1000]
//
// In order, each task's lines are written together. Interleaved, `--concurrency` tasks are in flight at once
// and each next line comes from a randomly chosen one (as a busy server's monitor writes them), so a reader
// must hold many unfinished tasks. Each chain: 2-8 callback/errback pairs added, fired (5% with a failure),
// runs with their inputs and outputs; 10% of callbacks throw and the next errback recovers; 10% of chains
// wait on a Deferred returned by a callback (a separate `chained` task, with waiting/resumed); 0.5% stay
// pending (never end). Timestamps rise monotonically through the file.
//
// Self-contained (Glibc only), so `bench/run.py` can also compile it with `swiftc -O` when the package does
// not declare the product.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {  // SplitMix64
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ percent: Double) -> Bool { Double(next() % 1_000_000) < percent * 10_000 }
}

func fail(_ text: String) -> Never {
    let bytes = Array("LogGenerator: \(text)\n".utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress!, $0.count) }
    exit(2)
}

// MARK: - Options

var sizeBytes = 10 << 20
var interleaved = false
var outputPath: String?
var seed: UInt64 = 1
var concurrency = 1000
do {
    var arguments = Array(CommandLine.arguments.dropFirst())[...]
    while let argument = arguments.popFirst() {
        switch argument {
        case "--size":
            guard let text = arguments.popFirst(), let number = Int(text.dropLast()) ?? Int(text) else {
                fail("--size needs a number with an optional K, M or G suffix")
            }
            switch text.last {
            case "K", "k": sizeBytes = number << 10
            case "M", "m": sizeBytes = number << 20
            case "G", "g": sizeBytes = number << 30
            default: sizeBytes = Int(text) ?? number
            }
        case "--order":
            switch arguments.popFirst() {
            case "inorder", "in-order": interleaved = false
            case "interleaved": interleaved = true
            default: fail("--order is inorder or interleaved")
            }
        case "--out": outputPath = arguments.popFirst()
        case "--seed":
            guard let text = arguments.popFirst(), let number = UInt64(text) else { fail("--seed needs a number") }
            seed = number
        case "--concurrency":
            guard let text = arguments.popFirst(), let number = Int(text), number > 0 else {
                fail("--concurrency needs a positive number")
            }
            concurrency = number
        case "-h", "--help":
            print("usage: LogGenerator --size N[K|M|G] --order inorder|interleaved --out FILE [--seed N] [--concurrency N]")
            exit(0)
        default: fail("unknown argument \(argument)")
        }
    }
}
guard let outputPath else { fail("--out FILE is required") }

// MARK: - Lines

/// One line of a task, without its timestamp: what comes before it (`{"task_uuid":…,"task_level":[…],
/// "timestamp":`) is built from `level`; `rest` is everything after it, starting with `,` and ending in `}\n`.
/// `delay` is how many microseconds (at least) pass before this line, within its task.
struct Line {
    var level: [Int]
    var rest: [UInt8]
    var delay: Int
}

struct Fields {
    var bytes: [UInt8] = []
    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }
    /// `,"key":"value"` (values here never need escaping).
    mutating func string(_ key: String, _ value: String) { raw(",\"\(key)\":\"\(value)\"") }
    mutating func int(_ key: String, _ value: Int) { raw(",\"\(key)\":\(value)") }
    mutating func null(_ key: String) { raw(",\"\(key)\":null") }
    mutating func double(_ key: String, _ value: Double) { raw(",\"\(key)\":\(value)") }
    mutating func end() -> [UInt8] {
        raw("}\n")
        return bytes
    }
}

let labels = [
    "fetchUser", "loadProfile", "queryOrders", "renderPage", "sendEmail", "authenticate", "cacheLookup",
    "resolveDNS", "uploadAvatar", "syncInventory",
]
let callbackNames = [
    "decodeJSON", "validate", "enrich", "normalize", "store", "notify", "format", "checkQuota", "merge",
    "compress",
]
let errbackNames = ["recoverTimeout", "useCache", "retryOnce", "logAndDefault", "fallbackToDefault"]
let failures = [
    ("Service.TimeoutError", "timed out after 30 s"),
    ("Service.HTTPError", "server replied 503 Service Unavailable"),
    ("Foundation.DecodingError", "dataCorrupted: the given data was not valid JSON"),
    ("Service.QuotaExceeded", "quota of 1000 requests per minute exceeded"),
]
let files = ["UserService.swift", "Orders.swift", "Gateway.swift", "Mailer.swift", "Cache.swift"]

/// A chain's lines, as JSONMonitor writes them. `returns` is the id of a Deferred one callback returns (the
/// chain then waits on it), if any.
func chainLines(
    id: Int, label: String, trackedBy: String, returns: Int?, random: inout Generator
) -> [Line] {
    var lines: [Line] = []
    var slot = 0
    func next() -> Int {
        slot += 1
        return slot
    }
    let file = files[random.below(files.count)]
    var start = Fields()
    start.raw(",\"action_type\":\"reactortrack:deferred\",\"action_status\":\"started\"")
    start.string("created_at", "\(file):\(20 + random.below(400))")
    start.int("deferred_id", id)
    start.string("label", label)
    start.string("tracked_by", trackedBy)
    lines.append(Line(level: [next()], rest: start.end(), delay: 0))

    let pairs = 2 + random.below(7)
    var names: [(callback: String, errback: String?)] = []
    for index in 0..<pairs {
        let callback = label + "." + callbackNames[random.below(callbackNames.count)]
        let errback = random.chance(30) ? errbackNames[random.below(errbackNames.count)] : nil
        names.append((callback, errback))
        var added = Fields()
        added.raw(",\"message_type\":\"reactortrack:added\"")
        added.string("callback", callback)
        if let errback { added.string("errback", errback) } else { added.null("errback") }
        added.int("index", index)
        added.string("site", "\(file):\(40 + index * 3 + random.below(3))")
        lines.append(Line(level: [next()], rest: added.end(), delay: 2 + random.below(20)))
    }

    if random.chance(0.5) { return lines }  // pending: never fired, never ends

    var value = random.below(100_000)
    var failure: (String, String)? = random.chance(5) ? failures[random.below(failures.count)] : nil
    var fired = Fields()
    fired.raw(",\"message_type\":\"reactortrack:fired\"")
    if let failure {
        fired.string("exception", failure.0)
        fired.string("path", "error")
        fired.string("reason", failure.1)
    } else {
        fired.string("path", "success")
        fired.string("value", "\(value)")
    }
    lines.append(Line(level: [next()], rest: fired.end(), delay: 50 + random.below(5_000)))

    let returnsAt = returns.map { _ in random.below(pairs) }
    var runs = 0
    for index in 0..<pairs {
        let onError = failure != nil
        guard let name = onError ? names[index].errback : names[index].callback else { continue }  // pass-through
        runs += 1
        let runSlot = next()
        var runStart = Fields()
        runStart.raw(",\"action_type\":\"reactortrack:run\",\"action_status\":\"started\"")
        runStart.int("index", index)
        runStart.string("input", failure.map { "\($0.0): \($0.1)" } ?? "\(value)")
        runStart.string("name", name)
        runStart.string("path", onError ? "error" : "success")
        lines.append(Line(level: [runSlot, 1], rest: runStart.end(), delay: 3 + random.below(30)))

        var runEnd = Fields()
        let duration = 5 + random.below(random.chance(5) ? 200_000 : 2_000)
        if !onError, index == returnsAt, let returned = returns {
            runEnd.raw(",\"action_type\":\"reactortrack:run\",\"action_status\":\"succeeded\"")
            runEnd.string("output", "Deferred #\(returned)")
            runEnd.string("output_path", "deferred")
            runEnd.int("returned_deferred", returned)
            lines.append(Line(level: [runSlot, 2], rest: runEnd.end(), delay: duration))
            var waiting = Fields()
            waiting.raw(",\"message_type\":\"reactortrack:waiting\"")
            waiting.int("on", returned)
            lines.append(Line(level: [next()], rest: waiting.end(), delay: 1))
            let waited = 100 + random.below(50_000)
            value = random.below(100_000)
            var resumed = Fields()
            resumed.raw(",\"message_type\":\"reactortrack:resumed\"")
            resumed.int("from", returned)
            resumed.string("path", "success")
            resumed.string("value", "\(value)")
            resumed.double("waited", Double(waited) / 1e6)
            lines.append(Line(level: [next()], rest: resumed.end(), delay: waited))
        } else if !onError, random.chance(10) {
            let thrown = failures[random.below(failures.count)]
            runEnd.raw(",\"action_type\":\"reactortrack:run\",\"action_status\":\"failed\"")
            runEnd.string("exception", thrown.0)
            runEnd.string("reason", thrown.1)
            runEnd.string("output_path", "error")
            failure = thrown
            lines.append(Line(level: [runSlot, 2], rest: runEnd.end(), delay: duration))
        } else {
            value = onError ? 0 : value &+ random.below(100)
            runEnd.raw(",\"action_type\":\"reactortrack:run\",\"action_status\":\"succeeded\"")
            runEnd.string("output", "\(value)")
            runEnd.string("output_path", "success")
            failure = nil
            lines.append(Line(level: [runSlot, 2], rest: runEnd.end(), delay: duration))
        }
    }

    var end = Fields()
    if let failure {
        end.raw(",\"action_type\":\"reactortrack:deferred\",\"action_status\":\"failed\"")
        end.string("exception", failure.0)
        end.string("reason", failure.1)
        end.string("ended_by", "released")
        end.int("runs", runs)
    } else {
        end.raw(",\"action_type\":\"reactortrack:deferred\",\"action_status\":\"succeeded\"")
        end.string("ended_by", "released")
        end.string("result", "\(value)")
        end.int("runs", runs)
    }
    lines.append(Line(level: [next()], rest: end.end(), delay: 10 + random.below(500)))
    return lines
}

// MARK: - Writing

/// A task in flight: its uuid's bytes and the lines still to write.
struct Task {
    var uuid: [UInt8]
    var lines: [Line]
    var position = 0
}

var random = Generator(state: seed)
var nextID = 1
var clock = 1_795_431_274_000_000  // microseconds since the epoch

@MainActor
func makeUUID() -> [UInt8] {
    let hex = Array("0123456789abcdef".utf8)
    let high = random.next()
    let low = random.next()
    var bytes: [UInt8] = []
    bytes.reserveCapacity(36)
    for index in 0..<32 {
        if index == 8 || index == 12 || index == 16 || index == 20 { bytes.append(UInt8(ascii: "-")) }
        var nibble = Int(((index < 16 ? high : low) >> UInt64((index % 16) * 4)) & 0xF)
        if index == 12 { nibble = 4 }  // version 4
        if index == 16 { nibble = 8 | (nibble & 3) }  // variant
        bytes.append(hex[nibble])
    }
    return bytes
}

/// The next task(s): a chain, plus (when one of its callbacks returns a Deferred) the chained one it waits on.
@MainActor
func makeTasks() -> [Task] {
    let id = nextID
    nextID += 1
    let label = labels[random.below(labels.count)]
    var returned: Int?
    var tasks: [Task] = []
    if random.chance(10) {
        returned = nextID
        nextID += 1
        let inner = chainLines(
            id: returned!, label: label + ".inner", trackedBy: "chained", returns: nil, random: &random)
        tasks.append(Task(uuid: makeUUID(), lines: inner))
    }
    tasks.insert(
        Task(uuid: makeUUID(), lines: chainLines(id: id, label: label, trackedBy: "user", returns: returned, random: &random)),
        at: 0)
    return tasks
}

let descriptor = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
guard descriptor >= 0 else { fail("cannot open \(outputPath): \(String(cString: strerror(errno)))") }
var buffer: [UInt8] = []
buffer.reserveCapacity(1 << 21)
var written = 0

@MainActor
func flushBuffer() {
    buffer.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let result = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if result < 0 {
                if errno == EINTR { continue }
                fail("cannot write \(outputPath): \(String(cString: strerror(errno)))")
            }
            offset += result
        }
    }
    written += buffer.count
    buffer.removeAll(keepingCapacity: true)
}

@MainActor
func appendInt(_ value: Int) {
    if value >= 10 { appendInt(value / 10) }
    buffer.append(UInt8(ascii: "0") + UInt8(value % 10))
}

/// Writes `task`'s next line with the current time, advancing the clock by the line's delay first.
@MainActor
func emit(_ task: inout Task) {
    let line = task.lines[task.position]
    task.position += 1
    clock += line.delay + 1 + random.below(3)
    buffer.append(contentsOf: #"{"task_uuid":""#.utf8)
    buffer.append(contentsOf: task.uuid)
    buffer.append(contentsOf: #"","task_level":["#.utf8)
    for (index, level) in line.level.enumerated() {
        if index > 0 { buffer.append(UInt8(ascii: ",")) }
        appendInt(level)
    }
    buffer.append(contentsOf: #"],"timestamp":"#.utf8)
    appendInt(clock / 1_000_000)
    buffer.append(UInt8(ascii: "."))
    var micros = clock % 1_000_000
    var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 6)
    for index in stride(from: 5, through: 0, by: -1) {
        digits[index] = UInt8(ascii: "0") + UInt8(micros % 10)
        micros /= 10
    }
    buffer.append(contentsOf: digits)
    buffer.append(contentsOf: line.rest)
    if buffer.count >= 1 << 20 { flushBuffer() }
}

@MainActor
func total() -> Int { written + buffer.count }

// The format header, a task of its own.
var header = Task(
    uuid: makeUUID(),
    lines: [
        Line(
            level: [1],
            rest: Array(
                #","message_type":"reactortrack:format","format_version":1,"program":"LogGenerator"}"#.utf8) + [10],
            delay: 0)
    ])
emit(&header)

if interleaved {
    // New tasks start while what is written plus what the tasks in flight still hold (estimated: their
    // lines' tails plus 90 bytes of uuid, level and timestamp each) is below the requested size.
    var active: [Task] = []
    var pending = 0
    while total() < sizeBytes || !active.isEmpty {
        while active.count < concurrency && total() + pending < sizeBytes {
            for task in makeTasks() {
                pending += task.lines.reduce(0) { $0 + $1.rest.count + 90 }
                active.append(task)
            }
        }
        guard !active.isEmpty else { break }
        let pick = random.below(active.count)
        pending -= active[pick].lines[active[pick].position].rest.count + 90
        emit(&active[pick])
        if active[pick].position == active[pick].lines.count { active.swapAt(pick, active.count - 1); active.removeLast() }
    }
} else {
    while total() < sizeBytes {
        for var task in makeTasks() {
            while task.position < task.lines.count { emit(&task) }
        }
    }
}
flushBuffer()
close(descriptor)
print("\(outputPath): \(written) bytes, \(nextID - 1) deferreds, \(interleaved ? "interleaved (\(concurrency) in flight)" : "in order")")
