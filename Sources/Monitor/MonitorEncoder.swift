import Defer
import EventLog
import Foundation

/// Turns recorded `MonitorEvent`s (with the texts of the buffer they were recorded in) into Eliot messages (the vocabulary in `docs/monitor-format.md`).
///
/// It replays the events in order, keeping per chain its task id, the names of its pairs and its current value,
/// so a run's input is the chain's result at that point (Twisted hands each callback the previous result).
struct MonitorEncoder: Sendable {
    private typealias V = MonitorVocabulary
    private typealias F = MonitorVocabulary.Field

    private struct ChainState: Sendable {
        let taskUUID: String
        var current: MonitorEvent.Outcome = .success("None")
        var names: [Int: (callback: String?, errback: String?)] = [:]
    }

    private var chains: [Int: ChainState] = [:]
    /// Turns the events' ticks into Unix seconds; the streaming writer renews it for every batch.
    var scale: TickScale

    init(scale: TickScale) {
        self.scale = scale
    }

    mutating func encode(_ event: MonitorEvent, in buffer: EventBuffer) -> EventMessage? {
        switch event {
        case .chainStarted(let chain, let time, let detail):
            guard case .started(let label, let createdAt, let trackedBy) = buffer[detail: detail] else { return nil }
            let uuid = UUID().uuidString.lowercased()
            chains[Int(chain)] = ChainState(taskUUID: uuid)
            return EventMessage(
                taskUUID: uuid, taskLevel: [1], timestamp: scale.seconds(time), actionType: V.deferredAction,
                actionStatus: .started,
                fields: [
                    F.deferredID: .int(Int(chain)), F.label: .string(buffer[text: label]),
                    F.createdAt: createdAt.map { .string("\(buffer[text: $0.file]):\($0.line)") } ?? .null,
                    F.trackedBy: .string(buffer[text: trackedBy]),
                ])
        case .added(let chain, let slot, let time, let index, let siteRef):
            let added = buffer[site: siteRef]
            let site = "\(buffer[text: added.file]):\(added.line)"
            func name(_ half: MonitorEvent.Name) -> String? {
                switch half {
                case .passThrough: nil
                case .unnamed: "\(added.kind)@\(site)"
                case .named(let text): buffer[text: text]
                }
            }
            let names = (name(added.callback), name(added.errback))
            chains[Int(chain)]?.names[Int(index)] = names
            return message(
                chain, slot, time, V.Message.added.rawValue,
                [
                    F.index: .int(Int(index)), F.callback: names.0.map { .string($0) } ?? .null,
                    F.errback: names.1.map { .string($0) } ?? .null, F.site: .string(site),
                ])
        case .fired(let chain, let slot, let time, let value):
            let outcome = buffer.outcome(value)
            chains[Int(chain)]?.current = outcome
            return message(chain, slot, time, V.Message.fired.rawValue, Self.fields(outcome))
        case .runStarted(let chain, let slot, let time, let index, let onErrorPath):
            guard let state = chains[Int(chain)] else { return nil }
            let names = state.names[Int(index)]
            let name = (onErrorPath ? names?.errback : names?.callback) ?? "pair \(index)"
            return EventMessage(
                taskUUID: state.taskUUID, taskLevel: [Int(slot), 1], timestamp: scale.seconds(time), actionType: V.runAction,
                actionStatus: .started,
                fields: [
                    F.index: .int(Int(index)), F.name: .string(name), F.path: .string((onErrorPath ? V.Path.error : V.Path.success).rawValue),
                    F.input: .string(state.current.text),
                ])
        case .runEnded(let chain, let slot, let time, let output):
            guard let state = chains[Int(chain)] else { return nil }
            var end = EventMessage(
                taskUUID: state.taskUUID, taskLevel: [Int(slot), 2], timestamp: scale.seconds(time), actionType: V.runAction,
                actionStatus: .succeeded, fields: [:])
            switch output {
            case .value(.failure(let ref)):
                guard case .failure(let type, let reason) = buffer.outcome(.failure(ref)) else { return nil }
                end.actionStatus = .failed
                end.exception = type
                end.reason = reason
                end.fields[F.outputPath] = .string(V.Path.error.rawValue)
                chains[Int(chain)]?.current = .failure(type: type, reason: reason)
            case .value(let value):
                let text = buffer.outcome(value).text
                end.fields[F.output] = .string(text)
                end.fields[F.outputPath] = .string(V.Path.success.rawValue)
                chains[Int(chain)]?.current = .success(text)
            case .deferred(let id):
                end.fields[F.output] = .string(id.map { "Deferred #\($0)" } ?? "Deferred")
                end.fields[F.outputPath] = .string(V.Path.deferred.rawValue)
                end.fields[F.returnedDeferred] = id.map { .int(Int($0)) } ?? .null
            }
            return end
        case .waiting(let chain, let slot, let time, let on):
            return message(chain, slot, time, V.Message.waiting.rawValue, [F.on: on.map { .int(Int($0)) } ?? .null])
        case .resumed(let chain, let slot, let time, let detail):
            guard case .resumed(let from, let waited, let value) = buffer[detail: detail] else { return nil }
            var fields: [String: JSONValue] = [F.from: from.map { .int(Int($0)) } ?? .null, F.waited: .double(scale.duration(from: 0, to: waited))]
            if let value {
                let outcome = buffer.outcome(value)
                chains[Int(chain)]?.current = outcome
                fields.merge(Self.fields(outcome)) { $1 }
            }
            return message(chain, slot, time, V.Message.resumed.rawValue, fields)
        case .chained(let chain, let slot, let time, let to, let index):
            return message(
                chain, slot, time, V.Message.chained.rawValue,
                [F.to: to.map { .int(Int($0)) } ?? .null, F.index: .int(Int(index))])
        case .pause(let chain, let slot, let time, let count):
            return message(chain, slot, time, V.Message.pause.rawValue, [F.count: .int(Int(count))])
        case .cancelled(let chain, let slot, let time):
            return message(chain, slot, time, V.Message.cancelled.rawValue, [:])
        case .unhandled(let chain, let slot, let time, let failure):
            var fields = Self.fields(buffer.outcome(failure))
            fields[F.path] = nil
            return message(chain, slot, time, V.Message.unhandledError.rawValue, fields)
        case .chainEnded(let chain, let slot, let time, let detail):
            guard let state = chains[Int(chain)],
                case .ended(let closedAt, let endedBy, let runs, let value) = buffer[detail: detail]
            else { return nil }
            let outcome = buffer.outcome(value)
            var end = EventMessage(
                taskUUID: state.taskUUID, taskLevel: [Int(slot)], timestamp: scale.seconds(time), actionType: V.deferredAction,
                actionStatus: .succeeded,
                fields: [F.endedBy: .string(buffer[text: endedBy]), F.runs: .int(runs), F.closedAt: .double(scale.seconds(closedAt))])
            switch outcome {
            case .success, .integer: end.fields[F.result] = .string(outcome.text)
            case .failure(let type, let reason):
                end.actionStatus = .failed
                end.exception = type
                end.reason = reason
            }
            return end
        }
    }

    private func message(_ chain: Int32, _ slot: Int32, _ time: UInt64, _ type: String, _ fields: [String: JSONValue])
        -> EventMessage?
    {
        guard let state = chains[Int(chain)] else { return nil }
        return EventMessage(taskUUID: state.taskUUID, taskLevel: [Int(slot)], timestamp: scale.seconds(time), messageType: type, fields: fields)
    }

    private static func fields(_ outcome: MonitorEvent.Outcome) -> [String: JSONValue] {
        switch outcome {
        case .success, .integer: [F.path: .string(V.Path.success.rawValue), F.value: .string(outcome.text)]
        case .failure(let type, let reason):
            [
                F.path: .string(V.Path.error.rawValue), EventMessage.Key.exception: .string(type),
                EventMessage.Key.reason: .string(reason),
            ]
        }
    }
}
