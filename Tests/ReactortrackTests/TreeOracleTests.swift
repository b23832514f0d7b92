import Foundation
import TestSupport
import Testing

/// `tree` against real eliot-tree on the oracle's logs: the same tasks, the same nodes (actions, their end
/// messages, messages) at the same depth with the same levels, statuses and timestamps (to the second), and the
/// same fields on every node. Formatting may differ (eliot-tree expands nested values and writes Python's
/// `True`/`None`); content may not be missing.
@Suite("tree against eliot-tree", .enabled(if: Oracle.python != nil, "needs REACTORTRACK_PYTHON (make test sets it)"))
struct TreeOracleTests {
    @Test("every node and field eliot-tree shows, tree shows", arguments: Oracle.logNames)
    func sameContent(name: String) throws {
        let oracle = try Oracle.generated()
        let python = URL(fileURLWithPath: try #require(Oracle.python))
        let eliotTree = python.deletingLastPathComponent().appendingPathComponent("eliot-tree").path
        let theirs = try Self.run(eliotTree, ["--color=never", oracle.log(name)])
        let ours = try CommandRunner.run(["tree", "--color", "never", oracle.log(name)])
        #expect(ours.status == 0, "\(ours.stderr)")
        let expected = TreeText.tasks(eliotTree: theirs)
        let actual = TreeText.tasks(ours: ours.stdout)
        #expect(expected.count >= 5, "eliot-tree printed \(expected.count) tasks")
        #expect(Set(actual.keys) == Set(expected.keys), "\(name): the same tasks")
        for (uuid, nodes) in expected {
            let mine = actual[uuid] ?? []
            #expect(mine.map(\.label) == nodes.map(\.label), "\(name) task \(uuid): the same nodes")
            for (a, b) in zip(mine, nodes) where a.label == b.label {
                #expect(a.fields.keys.sorted() == b.fields.keys.sorted(), "\(name) \(uuid) \(a.label): fields")
                for (key, value) in b.fields where !TreeText.isFormattedDifferently(value) {
                    let mineValue = a.fields[key] ?? "<missing>"
                    #expect(
                        mineValue == value || Double(mineValue).map { $0 == Double(value) } == true,
                        "\(name) \(uuid) \(a.label) \(key): \(mineValue) vs eliot-tree's \(value)")
                }
            }
        }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let run = try TestProcess.run(executable, arguments)
        #expect(run.status == 0)
        return run.stdout
    }
}

/// The tasks of a tree printout as nodes: for each node its depth, name with level, status and time (to the
/// second) as one label, and its fields (top-level ones; eliot-tree's expansions of nested values are skipped).
enum TreeText {
    struct Node {
        var label: String
        var fields: [String: String] = [:]
    }

    static func tasks(eliotTree text: String) -> [String: [Node]] {
        var tasks: [String: [Node]] = [:]
        for block in text.components(separatedBy: "\n\n") {
            let lines = block.split(separator: "\n").map(String.init)
            guard let uuid = lines.first, !uuid.isEmpty else { continue }
            tasks[uuid] = nodes(lines.dropFirst())
        }
        return tasks
    }

    static func tasks(ours text: String) -> [String: [Node]] {
        var tasks: [String: [Node]] = [:]
        for block in text.components(separatedBy: "\n\n") {
            let lines = block.split(separator: "\n").map(String.init)
            guard let header = lines.first(where: { $0.hasPrefix("  task ") }),
                let uuid = header.dropFirst("  task ".count).split(separator: " ").first
            else { continue }
            tasks[String(uuid)] = nodes(lines.drop { !$0.hasPrefix("└── ") && !$0.hasPrefix("├── ") })
        }
        return tasks
    }

    /// Values eliot-tree writes in its own way: cut (`…`), Python's constants, nested values expanded below.
    static func isFormattedDifferently(_ value: String) -> Bool {
        value.isEmpty || value.contains("…") || ["True", "False", "None"].contains(value)
    }

    private static func nodes(_ lines: some Sequence<String>) -> [Node] {
        var nodes: [Node] = []
        // The depth of the last node: fields sit one deeper; anything deeper than a field is an expansion.
        var nodeDepth = -1
        for line in lines {
            guard let (depth, content) = split(line) else { continue }
            if let label = label(content, depth: depth) {
                nodes.append(Node(label: label))
                nodeDepth = depth
            } else if depth == nodeDepth + 1, !nodes.isEmpty, let colon = content.range(of: ": ") ?? content.range(of: ":", options: .backwards) {
                let key = String(content[..<colon.lowerBound])
                let value = String(content[colon.upperBound...])
                nodes[nodes.count - 1].fields[key] = value
            }
        }
        return nodes
    }

    /// The depth (one per `│   `/`    ` group) and the text after `├── `/`└── `.
    private static func split(_ line: String) -> (Int, String)? {
        var rest = Substring(line)
        var depth = 0
        while rest.hasPrefix("│   ") || rest.hasPrefix("    ") {
            rest = rest.dropFirst(4)
            depth += 1
        }
        guard rest.hasPrefix("├── ") || rest.hasPrefix("└── ") else { return nil }
        return (depth, String(rest.dropFirst(4)))
    }

    /// A node line: `name/1/2 ⇒ status 2023-11-14 22:13:20…` or `name/3 2023-11-14 22:13:20…`.
    private static func label(_ content: String, depth: Int) -> String? {
        guard let match = content.firstMatch(of: #/^(.+?)((?:/\d+)+)( ⇒ \w+)? (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/#)
        else { return nil }
        return "\(depth) \(match.1)\(match.2)\(match.3 ?? "") \(match.4)"
    }
}
