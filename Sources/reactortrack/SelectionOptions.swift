import ArgumentParser
import Visualize
import Chains

/// Which chains to show.
struct SelectionOptions: ParsableArguments {
    @Option(name: .customLong("task"), help: ArgumentHelp("Only this task (a task_uuid or a prefix of 4+ characters, or #ID for a Deferred id). Repeatable.", valueName: "UUID"))
    var tasks: [String] = []

    @Flag(help: "Only chains that ended failed (or with an unhandled error).")
    var failed = false

    @Flag(help: "Only chains where anything raised: those that ended failed, and those that recovered from a failure.")
    var errors = false

    @Option(help: ArgumentHelp("Only the N slowest chains.", valueName: "N"))
    var slowest: Int?

    @Option(help: ArgumentHelp("Only chains still running at or after TIME (Unix seconds or ISO 8601, e.g. 2026-11-23T10:54:34Z).", valueName: "TIME"))
    var since: String?

    @Option(help: ArgumentHelp("Only chains started at or before TIME.", valueName: "TIME"))
    var until: String?

    func validate() throws {
        if let slowest, slowest < 1 { throw ValidationError("--slowest needs a positive number") }
        if let since, ChainSelection.parseTime(since) == nil { throw ValidationError("--since: cannot read the time '\(since)'") }
        if let until, ChainSelection.parseTime(until) == nil { throw ValidationError("--until: cannot read the time '\(until)'") }
    }

    var selection: ChainSelection {
        ChainSelection(
            tasks: tasks, failedOnly: failed, errorsOnly: errors, slowest: slowest, since: since.flatMap(ChainSelection.parseTime),
            until: until.flatMap(ChainSelection.parseTime))
    }
}
