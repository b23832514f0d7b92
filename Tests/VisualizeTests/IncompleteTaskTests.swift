import Chains
import Foundation
import Testing
import Visualize

/// A task whose root ended while an action below it did not, drawn as the log has it (as the report does).
@Suite("An incomplete task in the diagram")
struct IncompleteTaskTests {
    /// Task b: `job:sync` from 0 to 9 µs, `job:fetch` started at 3 µs and never ended, a message at 20 µs; task c
    /// from 30 to 50 µs, where the log ends.
    static let log = """
        {"task_uuid": "b", "task_level": [1], "action_type": "job:sync", "action_status": "started", "timestamp": 1700000000.0}
        {"task_uuid": "b", "task_level": [2, 1], "action_type": "job:fetch", "action_status": "started", "timestamp": 1700000000.000003}
        {"task_uuid": "b", "task_level": [3], "action_type": "job:sync", "action_status": "succeeded", "timestamp": 1700000000.000009}
        {"task_uuid": "b", "task_level": [2, 2], "message_type": "job:progress", "timestamp": 1700000000.00002, "bytes": 512}
        {"task_uuid": "c", "task_level": [1], "action_type": "job:sync", "action_status": "started", "timestamp": 1700000000.00003}
        {"task_uuid": "c", "task_level": [2], "action_type": "job:sync", "action_status": "succeeded", "timestamp": 1700000000.00005}

        """

    static func boxes(_ page: LayoutPage, _ role: String) -> [LayoutBox] {
        page.items.compactMap { if case .box(let b) = $0, b.role == role { b } else { nil } }
    }

    @Test("its late message is on the axis, its open action runs to the end of the log, and it says incomplete")
    func drawn() throws {
        let path = TestInputs.temporaryFile("incomplete.log")
        try Self.log.write(toFile: path, atomically: true, encoding: .utf8)
        let log = try LogLoader().load([path])
        let b = try #require(log.chains.first { $0.id == "b" })
        #expect(!b.isComplete)
        let page = DiagramLayout.layout(
            log, chains: [b], options: DiagramOptions(view: .detail), measurer: FixedWidthMeasurer()
        ).pages[0]
        // The root's bar covers 0–9 µs, the open action's 3 µs to the end of the log (50 µs): on one axis, the
        // root's width is 9/50 of the distance from its left edge to the open bar's right edge.
        let root = try #require(Self.boxes(page, "span").first).rect
        let open = try #require(Self.boxes(page, "span-open").first).rect
        let axis = open.x + open.width - root.x
        #expect(abs(root.width / axis - 9.0 / 50) < 0.01, "root \(root), open \(open)")
        #expect(abs((open.x - root.x) / axis - 3.0 / 50) < 0.01)
        // The message after the root's end is drawn, at 20 µs.
        let message = try #require(Self.boxes(page, "message").first).rect
        #expect(abs((message.x + message.width / 2 - root.x) / axis - 20.0 / 50) < 0.01)
        #expect(!Self.boxes(page, "badge-incomplete").isEmpty)
        let texts = page.items.compactMap { if case .text(let t) = $0 { t.text } else { nil } }
        #expect(texts.contains { $0.contains("1 open at the end of the log") })
        // A complete task says nothing of the kind.
        let c = try #require(log.chains.first { $0.id == "c" })
        let other = DiagramLayout.layout(
            log, chains: [c], options: DiagramOptions(view: .detail), measurer: FixedWidthMeasurer()
        ).pages[0]
        #expect(Self.boxes(other, "badge-incomplete").isEmpty)
    }
}
