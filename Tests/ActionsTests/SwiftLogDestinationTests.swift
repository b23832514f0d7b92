import Actions
import EventLog
import Logging
import NIOConcurrencyHelpers
import Testing

/// A `LogHandler` that keeps records for assertions.
struct RecordingHandler: LogHandler {
    final class Store: Sendable {
        let records = NIOLockedValueBox<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        store.records.withLockedValue {
            $0.append((event.level, event.message.description, event.metadata ?? [:]))
        }
    }
}

@Suite("swift-log destination and test-run redirection")
struct SwiftLogDestinationTests {
    @Test("forwards messages as JSON lines, tracebacks at critical level")
    func forwards() throws {
        let store = RecordingHandler.Store()
        let logger = Logger(label: "eliot") { _ in RecordingHandler(store: store) }
        let destination = SwiftLogDestination(logger: logger)
        withLogDestination(destination) {
            logMessage("app:note", fields: ["k": "v"])
            logMessage("eliot:traceback", fields: ["traceback": "..."])
        }
        let records = store.records.withLockedValue { $0 }
        #expect(records.map(\.level) == [.info, .critical])
        let value = try JSONValue(parsing: Array(records[0].message.utf8))
        guard case .object(let object) = value else {
            Issue.record("not JSON")
            return
        }
        #expect(object["message_type"] == "app:note" && object["k"] == "v")
        #expect(records[0].metadata["task_level"] == "/1")
    }

    @Test("swift-log records land in the current action as eliot:stdlib messages, with level and metadata")
    func logHandlerWritesIntoTheAction() throws {
        let memory = MemoryDestination()
        let logger = Logger(label: "fetcher") { label in ActionLogHandler(label: label) }
        withLogDestination(memory) {
            withAction("app:fetch") { _ in
                logger.info("cache miss", metadata: ["key": "user:42", "task_uuid": "not mine"])
                logger.debug("below the handler's level")
            }
            logger.error("outside any action")
        }
        let messages = memory.messages
        #expect(messages.map { $0.messageType ?? $0.actionType ?? "?" } == [
            "app:fetch", "eliot:stdlib", "app:fetch", "eliot:stdlib",
        ])
        let inside = messages[1]
        #expect(inside.taskUUID == messages[0].taskUUID && inside.taskLevel == [2])
        #expect(inside.fields["message"] == "cache miss" && inside.fields["log_level"] == "INFO")
        #expect(inside.fields["logger"] == "fetcher" && inside.fields["key"] == "user:42")
        #expect(inside.fields["metadata.task_uuid"] == "not mine")
        let outside = messages[3]
        #expect(outside.taskLevel == [1] && outside.taskUUID != messages[0].taskUUID && outside.fields["log_level"] == "ERROR")
    }

    @Test("wired both ways, records forwarded from Eliot are not written back; writeFailure's level is its log_level")
    func bothWaysDoNotLoop() throws {
        let store = RecordingHandler.Store()
        let forward = Logger(label: "eliot") { _ in RecordingHandler(store: store) }
        let memory = MemoryDestination()
        let back = Logger(label: "eliot") { label in ActionLogHandler(label: label) }
        withLogDestinations(LogDestinations([memory, SwiftLogDestination(logger: forward)])) {
            logMessage("app:note")
            // What the forwarding logger received, replayed into a handler that writes into Eliot: dropped.
            for record in store.records.withLockedValue({ $0 }) {
                back.log(level: record.level, "\(record.message)", metadata: record.metadata)
            }
            logMessage("eliot:traceback", fields: ["log_level": "ERROR"])
        }
        #expect(memory.messages.map(\.messageType) == ["app:note", "eliot:traceback"])
        #expect(store.records.withLockedValue { $0.map(\.level) } == [.info, .error])
    }

    @Test("redirects once under swift test, and not at all elsewhere")
    func redirection() {
        let set = LogDestinations()
        let underTest = TestRunRedirection(
            arguments: ["/x/.build/debug/reactortrackPackageTests.xctest"], environment: [:], destinations: set,
            makeDestination: { MemoryDestination() })
        let first = underTest()
        let second = underTest()
        #expect(first != nil)
        #expect((first as? MemoryDestination) === (second as? MemoryDestination))
        #expect(set.destinations.count == 1)

        let elsewhere = TestRunRedirection(
            arguments: ["/usr/bin/reactortrack"], environment: [:], destinations: set,
            makeDestination: { MemoryDestination() })
        #expect(elsewhere() == nil)
        #expect(set.destinations.count == 1)
    }

    @Test("this process is recognised as a test run")
    func thisProcess() {
        let info = ProcessInfoSnapshot.current
        #expect(TestRunRedirection.isTestRun(arguments: info.arguments, environment: info.environment))
    }
}
