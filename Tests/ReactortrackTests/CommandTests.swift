import Foundation
import Testing

/// End to end against the built binary: help, exit statuses, and each subcommand on the fixtures.
@Suite("reactortrack command")
struct CommandTests {
    @Test("--help lists the subcommands and documents the exit statuses")
    func help() throws {
        let result = try CommandRunner.run(["--help"])
        #expect(result.status == 0)
        for word in ["render", "tree", "summary", "EXIT STATUS", "usage error"] { #expect(result.stdout.contains(word)) }
        for sub in ["render", "tree", "summary"] {
            let subHelp = try CommandRunner.run([sub, "--help"])
            #expect(subHelp.status == 0)
            #expect(subHelp.stdout.contains("--strict"))
            #expect(subHelp.stdout.contains("Exit status"))
        }
        #expect(try CommandRunner.run(["render", "--help"]).stdout.contains("--output"))
    }

    @Test("usage errors exit 2")
    func usage() throws {
        #expect(try CommandRunner.run(["render", "--no-such-option", CommandRunner.input("mon.out")]).status == 2)
        #expect(try CommandRunner.run(["render", CommandRunner.input("mon.out"), "-o", "chain.gif"]).status == 2)
        #expect(try CommandRunner.run(["summary"]).status == 2)
        #expect(try CommandRunner.run(["tree", "--color", "sometimes", CommandRunner.input("mon.out")]).status == 2)
    }

    @Test("render writes SVG, PNG and PDF from the seed mon.out", arguments: ["svg", "png", "pdf"])
    func render(format: String) throws {
        let output = CommandRunner.temporaryPath("chain.\(format)")
        let result = try CommandRunner.run(["render", CommandRunner.input("mon.out"), "-o", output])
        #expect(result.status == 0, "\(result.stderr)")
        let size = (try FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
        #expect(size > 3_000)
        #expect(result.stdout.isEmpty)
    }

    #if os(Linux)
    @Test("only render loads Cairo, and no command loads Foundation or ICU (peak memory, issue #6)")
    func librariesLoaded() throws {
        // glibc's loader names every library it maps, linked or dlopen'ed, on standard error under LD_DEBUG.
        let trace = ["LD_DEBUG": "files"]
        let foundation = ["libFoundation.so", "libFoundationInternationalization", "lib_FoundationICU"]
        let output = CommandRunner.temporaryPath("chain.svg")
        let render = try CommandRunner.run(
            ["render", CommandRunner.input("mon.out"), "-o", output], environment: trace)
        #expect(render.status == 0)
        #expect(render.stderr.contains("libcairo"))
        for name in foundation { #expect(!render.stderr.contains(name), "render loaded \(name)") }
        let input = CommandRunner.input("mon.out")
        for arguments in [["tree", input], ["summary", input], ["--help"]] {
            let result = try CommandRunner.run(arguments, environment: trace)
            #expect(result.status == 0)
            #expect(result.stderr.contains("file=libc.so"))
            for name in foundation + ["libcairo"] {
                #expect(!result.stderr.contains(name), "\(arguments[0]) loaded \(name)")
            }
        }
    }
    #endif

    @Test("bad input exits 1 with one line on standard error")
    func badInput() throws {
        for name in ["empty.log", "not-a-log.txt", "no-such-file"] {
            let result = try CommandRunner.run(["summary", CommandRunner.input(name)])
            #expect(result.status == 1)
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("reactortrack: error: "))
        }
        let nothing = try CommandRunner.run(["summary", "--failed", CommandRunner.input("mon.out")])
        #expect(nothing.status == 1)
        #expect(nothing.stderr.contains("nothing selected"))
    }

    @Test("warnings go to standard error with file and line; --strict fails on them")
    func strict() throws {
        let broken = CommandRunner.input("broken/not-json-line.log")
        let lenient = try CommandRunner.run(["summary", broken])
        #expect(lenient.status == 0)
        #expect(lenient.stderr.hasPrefix("\(broken):32: malformed line"))
        let strict = try CommandRunner.run(["summary", "--strict", broken])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("warnings with --strict"))
        #expect(try CommandRunner.run(["summary", "--strict", CommandRunner.input("mon.out")]).status == 0)
    }

    @Test("render never overwrites an input")
    func neverOverwrite() throws {
        let copy = CommandRunner.temporaryPath("input.svg")
        try FileManager.default.copyItem(atPath: CommandRunner.input("mon.out"), toPath: copy)
        let before = try Data(contentsOf: URL(fileURLWithPath: copy))
        let result = try CommandRunner.run(["render", copy, "-o", copy])
        #expect(result.status == 1)
        #expect(result.stderr.contains("refusing to overwrite input"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
    }

    @Test("summary --json is JSON with outcomes, percentiles and slowest callbacks")
    func summaryJSON() throws {
        let result = try CommandRunner.run(["summary", "--json", CommandRunner.input("waiting.out")])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["chains"] as? Int == 4)
        #expect((object["outcomes"] as? [String: Int])?["unhandled"] == 1)
        #expect((object["slowest_callbacks"] as? [[String: Any]])?.first?["name"] as? String == "render")
        let text = try CommandRunner.run(["summary", CommandRunner.input("waiting.out")])
        #expect(text.stdout.contains("chains: 4 (2 succeeded, 1 unhandled, 1 pending)"))
    }

    @Test("tree colours only on request or on a terminal")
    func treeColour() throws {
        let plain = try CommandRunner.run(["tree", CommandRunner.input("mon.out")])
        #expect(plain.status == 0)
        #expect(!plain.stdout.contains("\u{1B}["))
        #expect(plain.stdout.contains("[2] problem"))
        #expect(plain.stdout.contains("↳ d2 #2"))
        let coloured = try CommandRunner.run(["tree", "--color", "always", CommandRunner.input("mon.out")])
        #expect(coloured.stdout.contains("\u{1B}[31m"))
        #expect(!(try CommandRunner.run(["tree", "--color", "never", CommandRunner.input("twisted-eliot.log")]).stdout.contains("\u{1B}[")))
    }

    @Test("tree streams families as they complete: the same families as reading the whole log (--strict)")
    func treeStreams() throws {
        let inputs = ["mon.out", "waiting.out", "twisted-eliot.log"].map(CommandRunner.input)
        let streamed = try CommandRunner.run(["tree"] + inputs)
        let whole = try CommandRunner.run(["tree", "--strict"] + inputs)
        #expect(streamed.status == 0 && whole.status == 0, "\(streamed.stderr)\(whole.stderr)")
        func families(_ text: String) -> [String] {
            text.trimmingCharacters(in: .newlines).components(separatedBy: "\n\n").sorted()
        }
        #expect(families(streamed.stdout) == families(whole.stdout))
        #expect(families(streamed.stdout).count > 10)
        #expect(streamed.stdout.contains("↳ d2 #2"))
    }

    @Test("several files merge and - reads standard input")
    func mergeAndStdin() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: CommandRunner.input("waiting.out")))
        let result = try CommandRunner.run(["summary", "--json", CommandRunner.input("mon.out"), "-"], stdin: data)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["chains"] as? Int == 6)
        #expect((object["inputs"] as? [String])?.last == "<stdin>")
    }

    @Test("selection: --task, --slowest, --since")
    func selection() throws {
        let task = try CommandRunner.run(["tree", "--task", "a4000000", CommandRunner.input("waiting.out")])
        #expect(task.stdout.hasPrefix("sendMail #4"))
        let slowest = try CommandRunner.run(["summary", "--json", "--slowest", "2", CommandRunner.input("waiting.out")])
        #expect(slowest.stdout.contains("\"chains\" : 2"))
        #expect(try CommandRunner.run(["summary", "--since", "yesterday", CommandRunner.input("mon.out")]).status == 2)
    }

    @Test("the original format's documented example: d 2.003 s with d2 nested under pair [4], inferred labelled, 14 messages")
    func reactorTrackChained() throws {
        let input = CommandRunner.input("reactor-track-chained.log")
        let tree = try CommandRunner.run(["tree", input])
        #expect(tree.status == 0, "\(tree.stderr)")
        let lines = tree.stdout.split(separator: "\n").map(String.init)
        let pair4 = try #require(lines.firstIndex { $0.contains("[4] twisted.internet.defer.Deferred.callback") })
        try #require(pair4 + 1 < lines.count)
        #expect(lines[pair4 + 1].contains("↳ Deferred #25656712"))
        #expect(lines.filter { $0.contains("inferred, not recorded: start times (from durations)") }.count == 2)
        let summary = try CommandRunner.run(["summary", input])
        #expect(summary.stdout.contains("(14 messages, 0 warnings)"), "\(summary.stdout)")
        let json = try CommandRunner.run(["summary", "--json", input])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["messages"] as? Int == 14)
        let slowest = try #require(object["slowest_chains"] as? [[String: Any]])
        #expect(slowest.first?["title"] as? String == "Deferred #25657144")
        #expect(abs((slowest.first?["duration"] as? Double ?? 0) - 2.003) < 0.0005)
        #expect(abs((object["running"] as? Double ?? 0) - 2.003) < 0.0005)
        let output = CommandRunner.temporaryPath("legacy.svg")
        let render = try CommandRunner.run(["render", input, "-o", output])
        #expect(render.status == 0, "\(render.stderr)")
        let svg = try String(contentsOfFile: output, encoding: .utf8)
        #expect(svg.contains("inferred, not recorded:"))
        #expect(svg.contains("times are inferred"))
        #expect(!svg.contains("times are wall-clock"))
        #expect(!svg.contains("raised ?"))
    }

    @Test("the original Reactor Track format renders")
    func reactorTrack() throws {
        let output = CommandRunner.temporaryPath("legacy.png")
        let result = try CommandRunner.run(["render", CommandRunner.input("reactor-track.log"), "-o", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: output))
    }
}
