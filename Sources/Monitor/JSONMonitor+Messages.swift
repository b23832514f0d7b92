import Defer
import EventLog

extension JSONMonitor {
    /// Turns one deferred event into the messages it writes, updating the chain's record.
    static func messages(
        for event: DeferredEvent, record: inout ChainRecord, linkedID: Int?, resumed: Result<Any, Failure>?,
        now: Double
    ) -> [EventMessage] {
        switch event {
        case .added(let index, let callback, let errback, let file, let line):
            record.pairsAdded += 1
            record.names[index] = (callback, errback)
            return [
                message(
                    "reactortrack:added", record: &record, now: now,
                    fields: [
                        "index": .int(index), "callback": callback.map { .string($0) } ?? .null,
                        "errback": errback.map { .string($0) } ?? .null, "site": .string("\(file):\(line)"),
                    ])
            ]
        case .fired(let result):
            record.fired = true
            record.remember(result)
            return [message("reactortrack:fired", record: &record, now: now, fields: outcomeFields(result))]
        case .willRun(let index, let onErrorPath, let input):
            record.pairsConsumed += 1
            record.runs += 1
            let slot = record.takeSlot()
            record.runningSlot = slot
            record.runStartedAt = now
            let names = record.names[index]
            let name = (onErrorPath ? names?.errback : names?.callback) ?? nil
            var fields: [String: JSONValue] = [
                "index": .int(index), "name": .string(name ?? "pair \(index)"),
                "path": .string(onErrorPath ? "error" : "success"),
            ]
            switch input {
            case .success(let value): fields["input"] = .string(ValueDescription.describe(value))
            case .failure(let failure): fields["input"] = .string(ValueDescription.describe(failure))
            }
            return [
                EventMessage(
                    taskUUID: record.taskUUID, taskLevel: [slot, 1], timestamp: now, actionType: "reactortrack:run",
                    actionStatus: .started, fields: fields)
            ]
        case .didRun(_, let output):
            guard let slot = record.runningSlot else { return [] }
            record.runningSlot = nil
            record.runStartedAt = nil
            var end = EventMessage(
                taskUUID: record.taskUUID, taskLevel: [slot, 2], timestamp: now, actionType: "reactortrack:run",
                actionStatus: .succeeded, fields: [:])
            switch output {
            case .value(let value):
                if let failure = value as? Failure {
                    markFailed(&end, failure)
                    record.remember(.failure(failure))
                } else {
                    end.fields["output"] = .string(ValueDescription.describe(value))
                    end.fields["output_path"] = .string("success")
                    record.remember(.success(value))
                }
            case .failure(let failure):
                markFailed(&end, failure)
                record.remember(.failure(failure))
            case .deferred:
                end.fields["output"] = .string(linkedID.map { "Deferred #\($0)" } ?? "Deferred")
                end.fields["output_path"] = .string("deferred")
                end.fields["returned_deferred"] = linkedID.map { .int($0) } ?? .null
            }
            return [end]
        case .skipped:
            record.pairsConsumed += 1
            return []
        case .waiting:
            record.waitingOn = linkedID ?? 0
            record.waitingSince = now
            return [message("reactortrack:waiting", record: &record, now: now, fields: ["on": linkedID.map { .int($0) } ?? .null])]
        case .resumed:
            let waited = record.waitingSince.map { max(0, now - $0) } ?? 0
            record.waitingOn = nil
            record.waitingSince = nil
            var fields: [String: JSONValue] = ["from": linkedID.map { .int($0) } ?? .null, "waited": .double(waited)]
            if let resumed {
                record.remember(resumed)
                fields.merge(outcomeFields(resumed)) { $1 }
            }
            return [message("reactortrack:resumed", record: &record, now: now, fields: fields)]
        case .chained:
            return [message("reactortrack:chained", record: &record, now: now, fields: ["to": linkedID.map { .int($0) } ?? .null])]
        case .pauseChanged(let count):
            return [message("reactortrack:pause", record: &record, now: now, fields: ["count": .int(count)])]
        case .cancelled:
            return [message("reactortrack:cancelled", record: &record, now: now, fields: [:])]
        }
    }

    /// A standalone message in the chain's task, at its next root slot.
    static func message(_ type: String, record: inout ChainRecord, now: Double, fields: [String: JSONValue])
        -> EventMessage
    {
        EventMessage(
            taskUUID: record.taskUUID, taskLevel: [record.takeSlot()], timestamp: now, messageType: type,
            fields: fields)
    }

    /// The chain's end message: `succeeded` with its result, or `failed` when it holds a failure.
    static func end(_ record: inout ChainRecord, now: Double, endedBy: String) -> EventMessage {
        record.ended = true
        var end = EventMessage(
            taskUUID: record.taskUUID, taskLevel: [record.takeSlot()], timestamp: now,
            actionType: "reactortrack:deferred", actionStatus: .succeeded,
            fields: ["ended_by": .string(endedBy), "runs": .int(record.runs)])
        if let failure = record.lastFailure {
            end.actionStatus = .failed
            end.exception = failure.exception
            end.reason = failure.reason
        } else {
            end.fields["result"] = .string(record.lastValue)
        }
        return end
    }

    static func outcomeFields(_ result: Result<Any, Failure>) -> [String: JSONValue] {
        switch result {
        case .success(let value): ["path": "success", "value": .string(ValueDescription.describe(value))]
        case .failure(let failure):
            [
                "path": "error", "exception": .string(failure.typeName),
                "reason": .string(ValueDescription.bounded(failure.errorMessage)),
            ]
        }
    }

    static func markFailed(_ message: inout EventMessage, _ failure: Failure) {
        message.actionStatus = .failed
        message.exception = failure.typeName
        message.reason = ValueDescription.bounded(failure.errorMessage)
        message.fields["output_path"] = .string("error")
    }
}

extension ChainRecord {
    mutating func remember(_ result: Result<Any, Failure>) {
        switch result {
        case .success(let value):
            lastValue = ValueDescription.describe(value)
            lastFailure = nil
        case .failure(let failure):
            lastFailure = (failure.typeName, ValueDescription.bounded(failure.errorMessage))
        }
    }
}
