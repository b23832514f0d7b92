import EventLog
import Foundation
import Testing
import Visualize
import Chains

@Suite("Damaged and unusable input")
struct DamagedInputTests {
    /// Each broken fixture and the lines its warnings must name (see make_broken_variants.py). A truncated log
    /// also gets one warning per task left with unfinished actions, at the line of the first one.
    static let expected: [(String, [Int])] = [
        ("blank-line.log", [32]),
        ("dropped-message-gap.log", [42]),
        ("duplicate-line.log", [33]),
        ("late-message-after-end.log", [64]),
        ("missing-start-message.log", [7]),
        ("missing-timestamp.log", [42]),
        ("not-json-line.log", [32]),
        ("shuffled.log", []),
        ("truncated-at-line-boundary.log", [7, 9, 12, 13]),
        ("truncated-mid-line.log", [32, 7, 9, 12, 13]),
        ("wrong-end-action-type.log", [33]),
    ]

    @Test("every broken fixture renders, with warnings naming exactly the damaged lines", arguments: expected)
    func broken(name: String, lines: [Int]) throws {
        let path = TestInputs.path("broken/\(name)")
        let log = try LogLoader().load([path])
        #expect(log.warnings.map(\.line) == lines)
        #expect(log.warnings.allSatisfy { $0.file == path })
        #expect(log.warnings.allSatisfy { $0.description.hasPrefix("\(path):\($0.line ?? 0): ") })
        #expect(!log.chains.isEmpty)
        let output = TestInputs.temporaryFile("\(name).svg")
        try Renderer.render(log, chains: log.chains, to: output)
        #expect(FileManager.default.fileExists(atPath: output))
    }

    @Test("unfinished actions of a truncated log are drawn open")
    func openActions() throws {
        let log = try LogLoader().load([TestInputs.path("broken/truncated-at-line-boundary.log")])
        let chain = try #require(log.chains.first { $0.label == "rt:deferred_chain" })
        #expect(chain.outcome == .pending)
        #expect(chain.spans.contains { $0.isOpen })
        let document = DiagramLayout.layout(log, chains: [chain], options: DiagramOptions(), measurer: FixedWidthMeasurer())
        #expect(document.pages[0].items.contains { if case .box(let b) = $0 { b.role == "span-open" && b.dashed } else { false } })
    }

    @Test("empty, unknown, missing: one clear error each")
    func unusable() throws {
        #expect(throws: ReportError.self) { try LogLoader().load([TestInputs.path("empty.log")]) }
        do {
            _ = try LogLoader().load([TestInputs.path("empty.log")])
        } catch {
            #expect(error.code == .emptyLog)
        }
        do {
            _ = try LogLoader().load([TestInputs.path("not-a-log.txt")])
            Issue.record("no error")
        } catch {
            #expect(error.code == .unknownFormat)
            #expect(!error.description.contains("\n"))
        }
        do {
            _ = try LogLoader().load([TestInputs.path("no-such-file.out")])
            Issue.record("no error")
        } catch {
            #expect(error.code == .unreadable)
            #expect(error.description.hasSuffix("no-such-file.out: cannot read: no such file"))
        }
        do {
            _ = try LogLoader().load([TestInputs.directory.path])
            Issue.record("no error")
        } catch {
            #expect(error.code == .unreadable)
        }
    }

    @Test("the output may not be an input")
    func neverOverwrite() throws {
        let input = TestInputs.path("mon.out")
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let log = try LogLoader().load([input])
        #expect(throws: RenderError.self) { try Renderer.refuseOverwriting(inputs: [input], output: input) }
        // An input that happens to be called .svg, reached through another spelling of its path.
        let copy = TestInputs.temporaryFile("log.svg")
        try before.write(to: URL(fileURLWithPath: copy))
        let copied = try LogLoader().load([copy])
        let folder = URL(fileURLWithPath: copy).deletingLastPathComponent()
        let otherSpelling = folder.path + "/../" + folder.lastPathComponent + "/log.svg"
        do {
            try Renderer.render(copied, chains: copied.chains, to: otherSpelling)
            Issue.record("overwrote its input")
        } catch {
            #expect(error.code == .wouldOverwriteInput)
        }
        // A hard link: no path spelling matches, only the file's device and inode do.
        let link = TestInputs.temporaryFile("link.svg")
        try FileManager.default.linkItem(atPath: copy, toPath: link)
        do {
            try Renderer.render(copied, chains: copied.chains, to: link)
            Issue.record("overwrote its input through a hard link")
        } catch {
            #expect(error.code == .wouldOverwriteInput)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
        #expect(log.chains.count == 2)
    }
}
