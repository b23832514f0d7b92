#!/usr/bin/env python3
"""Docs that cannot drift: every command line README.md and docs/*.md show is run, every option they name is
checked against the command's own --help, every `make` target they name against the Makefile.

    test_documented_commands.py CLI --examples DIR [--root REPO]

CLI is the reactortrack binary (.build/debug/reactortrack); DIR holds the seed-example, echo-service-example and
pipeline-example binaries, which write the logs the docs name (mon.out, echo-service.out, pipeline.out). Other
names the docs use stand for logs listed in LOGS below; a name not there fails, naming the line.

- In fenced code blocks (all but swift and json): a line running `reactortrack SUBCOMMAND ...` (alone or in a
  pipeline with cat, gzip, head) runs through bash in a fresh folder holding its logs, with `reactortrack` on
  PATH, after the `export VAR=...` lines above it in its block. It must exit 0, or the status its comment gives
  (`# exit 1`), and write the files its -o or > names. Every http:// URL, and OTEL_EXPORTER_OTLP_ENDPOINT, point
  at a loopback OTLP/HTTP receiver started here, which must receive the spans of a line that sends them.
  A synopsis line (`reactortrack render FILE... [-o OUT] [selection] ...`) is not run: each --option it names
  (with those of a group it references, such as `selection: --task UUID ...`) must be in that subcommand's
  --help, and the values it lists (`--sort duration|start`) among those the help allows. A `make TARGET` line
  must name a target of the Makefile; it is never run.
- In the prose: an inline `reactortrack SUB ...` or `SUB --option` is checked against SUB's --help; any other
  `--option` must be in some subcommand's --help, unless OTHER_TOOLS names it (another tool's option the docs
  mention), and `make TARGET` must be a Makefile target. A repository path (`Tests/OTLP/test_otlp.py`, `x.md`)
  and a relative link must exist; a `TypeName`, `Type.member` or module name must be declared in Sources/,
  unless NOT_OURS names it (Swift's, SwiftNIO's, OTLP's).
- docs/cli.md names every option of every subcommand's --help (REFERENCE_PAGE).
- Every type, key and value MonitorVocabulary.swift declares is named in the format pages (VOCABULARY_PAGES).
- Before the docs, a page with one drift of each kind must fail exactly where it has them (DRIFT_PAGE), so a
  rule that stops matching is noticed.

Prints one line per check and a closing "N passed, N failed"; exits 1 if any check failed.
"""
import argparse
import glob
import http.server
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

from doc_sources import (ASSIGNMENT, Code, Help, commands_in, inline_spans, is_synopsis, make_target,  # noqa: E402
                         makefile_targets, read_doc, split_comment, vocabulary)

# The command's reference: every option of every subcommand is named there.
REFERENCE_PAGE = "docs/cli.md"

# The pages that document the monitor's vocabulary (each value it writes must be named there), up to the
# heading where they turn to other formats.
VOCABULARY_PAGES = {"docs/monitor-format.md": "## Reading the original Reactor Track format",
                    "docs/mon-out-format.md": None}

# Log names the docs use, and the real log each one stands for: ("example", binary) is written by running that
# example; ("file", path) is a log in the repository; ("eliot", side) is written by real Eliot in two processes.
LOGS = {
    "mon.out": ("example", "seed-example"),
    "echo-service.out": ("example", "echo-service-example"),
    "pipeline.out": ("example", "pipeline-example"),
    # A service with a stuck request, a wait cycle, a blocking callback and an unhandled error (runs 5 s).
    "stuck-service.out": ("example", "stuck-service-example"),
    # A big log of many chains, some failed (82 chains; 23 failed): the overview, --failed, --slowest 50.
    "big.out": ("file", "Tests/Fixtures/generated.log"),
    "service.out": ("file", "Tests/Fixtures/generated.log"),
    # A Deferred still in flight at the end (never fired) and one ended unhandled: `top`'s states and warnings.
    "waiting.out": ("file", "Tests/Fixtures/waiting.out"),
    # Two processes: a client's task continued by a server (serialize_task_id / continue_task).
    "client.log": ("eliot", "client"),
    "server.log": ("eliot", "server"),
}

# Options of other tools that the docs mention in backticks, with the tool they belong to. Each must still be
# mentioned somewhere (a stale entry fails), so the list stays minimal.
OTHER_TOOLS = {
    "--product": "swift build",
    "--static-swift-stdlib": "swift build (make cli)",
    "--sanitize": "swift test (make test-tsan)",
}

# Names in backticks that are not declared in Sources/, with what they belong to. Stale entries fail too.
NOT_OURS = {
    "Atomic": "Swift's Synchronization module",
    "Double": "the Swift standard library",
    "Int": "the Swift standard library",
    "Sendable": "the Swift standard library",
    "EventLoopFuture": "SwiftNIO",
    "NIOLockedValueBox": "SwiftNIO",
    "ExportTraceServiceRequest": "OTLP's protobuf schema",
    "ResourceSpans": "OTLP's protobuf schema",
    "TracesData": "OTLP's protobuf schema",
    "MyModule": "an example: a user's module",
    "Connection": "HTTP (a header name)",
    "Host": "HTTP (a header name)",
}

# Commands a documented pipeline may pass the output through (they read no log).
FILTERS = {"gzip", "head"}

SHELL_FENCES_NOT_CHECKED = {"swift", "json"}
PATH = re.compile(r"^(?:Sources|Tests|examples|docs|bench|Benchmarks|Fuzz|scripts)/[\w./-]*$")
SYMBOL = re.compile(r"^([A-Z][A-Za-z0-9]*)(?:<[A-Za-z, ]*>)?((?:\.[A-Za-z_]\w*)*)$")
OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)(?:[ =]([a-z][a-z0-9-]*(?:\|[a-z][a-z0-9-]*)*)(?![\w.-]))?")


class Results:
    """Counts checks; prints each (unless quiet) as PASS or FAIL with where it is and, on failure, why."""

    def __init__(self, quiet=False):
        self.passed = 0
        self.failed = []
        self.quiet = quiet

    def check(self, ok, where, what, detail=""):
        if ok:
            self.passed += 1
            if not self.quiet:
                print(f"PASS {where}: {what}")
        else:
            self.failed.append(f"{where}: {what}")
            if not self.quiet:
                print(f"FAIL {where}: {what}" + (f"\n     {detail}" if detail else ""))


# --- the checks -------------------------------------------------------------------------------------------------

def check_options(results, where, text, subcommands, help_, mentioned):
    """Every --option in text exists in one of `subcommands` (any subcommand when None), with its listed values."""
    for option, value in OPTION.findall(text):
        mentioned.add(option)
        if subcommands is None and option in OTHER_TOOLS:
            results.check(True, where, f"{option} belongs to {OTHER_TOOLS[option]}")
            continue
        candidates = subcommands if subcommands is not None else help_.subcommands
        having = [sub for sub in candidates if option in help_.options[sub]]
        scope = "/".join(candidates) if subcommands is not None else "any subcommand"
        known = sorted(set().union(*(help_.options[sub] for sub in candidates)))
        results.check(bool(having), where, f"{option} exists in {scope}'s --help",
                      f"not an option of {scope} (the command has: {', '.join(known)})")
        allowed = [help_.options[sub][option] for sub in having if help_.options[sub][option] is not None]
        if value and allowed:
            for one in value.split("|"):
                results.check(any(one in values for values in allowed), where, f"{option} {one} is allowed",
                              f"--help allows {', '.join(allowed[0])}")


def check_synopsis_block(results, doc, lines, help_, mentioned):
    """Synopsis lines of one block, with the option groups (`selection: ...`) they reference."""
    groups, current, synopses = {}, None, []
    for number, line in lines:
        command, _ = split_comment(line)
        words = command.split()
        if words[:1] == ["reactortrack"] and len(words) > 1:
            synopses.append((number, command, words[1]))
            current = None
        elif re.match(r"^[a-z][\w-]*:\s", command):
            current = command.split(":", 1)[0]
            groups[current] = [(number, command.split(":", 1)[1])]
        elif current and command.startswith((" ", "\t")) and command.strip():
            groups[current].append((number, command))
        else:
            current = None
    referenced = set()
    for number, command, sub in synopses:
        where = f"{doc}:{number}"
        results.check(sub in help_.subcommands, where, f"reactortrack {sub} is a subcommand")
        if sub not in help_.subcommands:
            continue
        check_options(results, where, command, [sub], help_, mentioned)
        for name in re.findall(r"\[([a-z][\w-]*)\]", command):
            if name in groups:
                referenced.add(name)
                for group_number, text in groups[name]:
                    check_options(results, f"{doc}:{group_number}", text, [sub], help_, mentioned)
    for name, group in groups.items():
        if name not in referenced:
            for group_number, text in group:
                check_options(results, f"{doc}:{group_number}", text, None, help_, mentioned)


def check_prose(results, context, doc, prose, doc_folder):
    """Inline code outside fences: options, make targets, paths, type names; and the relative links."""
    for number, span in inline_spans(prose):
        where = f"{doc}:{number}"
        target = make_target(span)
        words = span.split()
        if target:
            results.check(target in context.targets, where, f"make {target} is a Makefile target")
        elif words[:1] == ["reactortrack"] and len(words) > 1 and words[1] in context.help.subcommands:
            check_options(results, where, span, [words[1]], context.help, context.mentioned)
        elif words[0] in context.help.subcommands and len(words) > 1 and words[1].startswith("-"):
            check_options(results, where, span, [words[0]], context.help, context.mentioned)
        elif "--" in span:
            check_options(results, where, span, None, context.help, context.mentioned)
        elif PATH.match(span) or re.match(r"^[\w./-]+\.md$", span):
            found = any(os.path.exists(os.path.join(folder, span)) for folder in (context.root, doc_folder))
            results.check(found, where, f"{span} exists")
        else:
            check_symbol(results, where, span, context.code, context.mentioned)
    for match in re.finditer(r"\]\(([^)\s]+)\)", prose):
        target = match.group(1).split("#", 1)[0]
        if target and not re.match(r"^[a-z][a-z+.-]*:", target):
            where = f"{doc}:{prose.count(chr(10), 0, match.start()) + 1}"
            results.check(os.path.exists(os.path.join(doc_folder, target)), where, f"the link to {target} resolves")


def check_symbol(results, where, span, code, mentioned):
    """`TypeName`, `Type.member`, `Module`: declared in Sources/, unless NOT_OURS names it."""
    match = SYMBOL.match(span)
    if not match or span.isupper():
        return
    head, members = match.group(1), [m for m in match.group(2).split(".") if m]
    mentioned.add(head)
    if head in NOT_OURS:
        results.check(True, where, f"{head} belongs to {NOT_OURS[head]}")
        return
    results.check(head in code.types or head in code.modules, where, f"{head} is declared in Sources/",
                  "no type or module of that name: renamed or removed?")
    for member in members:
        results.check(member in code.types or member in code.members, where, f"{span}: {member} is declared in "
                      "Sources/", "no member or nested type of that name: renamed or removed?")


class Receiver(http.server.ThreadingHTTPServer):
    """A loopback OTLP/HTTP collector: 200 to every POST /v1/traces, counting them."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.posts = []
        threading.Thread(target=self.serve_forever, daemon=True).start()


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    """Takes the body, notes path, content type and size, answers 200 (404 off /v1/traces)."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.posts.append((self.path, self.headers.get("Content-Type"), len(body)))
        status = 200 if self.path == "/v1/traces" else 404
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Logs:
    """Makes each log the docs name once, on first use, in a cache folder."""

    def __init__(self, root, examples, cache):
        self.root, self.examples, self.cache = root, examples, cache
        self.made = {}

    def path(self, name):
        if name in self.made:
            return self.made[name]
        kind, what = LOGS[name]
        if kind == "file":
            path = os.path.join(self.root, what)
        elif kind == "example":
            path = os.path.join(self.cache, name)
            done = subprocess.run([os.path.join(self.examples, what), path], capture_output=True, text=True,
                                  timeout=120)
            if done.returncode != 0 or not os.path.getsize(path):
                raise RuntimeError(f"{what} {path} exited {done.returncode}: {done.stderr.strip()}")
        else:
            self.write_two_processes()
            path = os.path.join(self.cache, name)
        self.made[name] = path
        return path

    def write_two_processes(self):
        """client.log and server.log, written by real Eliot in two processes: one task across both."""
        client = os.path.join(self.cache, "client.log")
        server = os.path.join(self.cache, "server.log")
        client_code = (
            "import sys\nfrom eliot import start_action, to_file, log_message\n"
            "to_file(open(sys.argv[1], 'w'))\n"
            "with start_action(action_type='client:request', url='/users/7') as action:\n"
            "    print(action.serialize_task_id().decode())\n"
            "    log_message(message_type='client:sent', bytes=42)\n")
        server_code = (
            "import sys\nfrom eliot import Action, start_action, to_file\n"
            "to_file(open(sys.argv[1], 'w'))\n"
            "with Action.continue_task(task_id=sys.argv[2]):\n"
            "    with start_action(action_type='server:handle', user=7) as action:\n"
            "        action.add_success_fields(status=200)\n")
        outputs = []
        for argv in ([client_code, client], [server_code, server]):
            done = subprocess.run([sys.executable, "-c"] + argv + outputs, capture_output=True, text=True, timeout=60)
            if done.returncode != 0:
                raise RuntimeError(f"real Eliot (this Python needs eliot: .venv/bin/python) failed: "
                                   f"{done.stderr.strip()[-300:]}")
            outputs = [done.stdout.strip()]  # the client's serialized task id, for the server
        self.made["client.log"], self.made["server.log"] = client, server


def io_names(command, help_):
    """The log names a command line reads, the files it writes (-o, --output, >), and whether it sends spans."""
    inputs, outputs, sends = [], [], False
    for segment in command.split("|"):
        words, i = [], 0
        tokens = shlex.split(segment)
        while i < len(tokens):
            if tokens[i] in ("<", ">", ">>") and i + 1 < len(tokens):
                (inputs if tokens[i] == "<" else outputs).append(tokens[i + 1])
                i += 2
            else:
                words.append(tokens[i])
                i += 1
        while words and ASSIGNMENT.match(words[0]):
            words.pop(0)
        if not words or words[0] in FILTERS:
            continue
        if words[0] == "cat":
            inputs += [w for w in words[1:] if w != "-"]
            continue
        if words[0] != "reactortrack" or len(words) < 2:
            raise ValueError(f"a command this test does not know: {words[0]} (add a rule for it)")
        sub, rest = words[1], words[2:]
        i = 0
        while i < len(rest):
            word = rest[i]
            name, _, value = word.partition("=")
            if word.startswith("-") and word != "-":
                if name in help_.takes_value.get(sub, ()) and not value and i + 1 < len(rest):
                    value = rest[i + 1]
                    i += 1
                if name in ("-o", "--output") and value != "-":
                    outputs.append(value)
                sends = sends or name == "--otlp-endpoint" or (name == "--format" and value == "otlp")
            elif word != "-":
                inputs.append(word)
            i += 1
    return inputs, outputs, sends


def run_command(results, where, command, comment, prelude, context):
    """Runs one documented line after the `export` lines above it in its block; checks its status and output."""
    expected = 0
    said = re.search(r"\bexit(?: status)? (\d+)", comment)
    if said:
        expected = int(said.group(1))
    try:
        inputs, outputs, sends = io_names(command, context.help)
    except ValueError as error:
        results.check(False, where, command, str(error))
        return
    unknown = [name for name in inputs if name not in LOGS]
    if unknown:
        results.check(False, where, command, f"unknown log name(s) {', '.join(unknown)}: add them to LOGS in "
                      f"{os.path.relpath(__file__)}, mapped to a real log")
        return
    folder = tempfile.mkdtemp(prefix="cmd-", dir=context.logs.cache)
    try:
        for name in inputs:
            shutil.copyfile(context.logs.path(name), os.path.join(folder, name))
    except (RuntimeError, OSError) as error:
        results.check(False, where, command, f"cannot make the logs it reads: {error}")
        return
    # The collector the docs name (a URL, or the OpenTelemetry environment) is the loopback receiver.
    collector = f"http://127.0.0.1:{context.receiver.server_port}"
    script = "\n".join(prelude + [command])
    script = re.sub(r"http://[A-Za-z0-9.-]+(?::\d+)?", collector, script)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector
    env["PATH"] = os.path.dirname(context.cli) + os.pathsep + env.get("PATH", "")
    posts_before = len(context.receiver.posts)
    try:
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=folder, env=env, input="",
                              capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        results.check(False, where, command, "did not finish in 60 s")
        return
    detail = f"exit {done.returncode}, expected {expected}; stderr: {done.stderr.strip()[-600:]}"
    results.check(done.returncode == expected, where, command, detail)
    if done.returncode != 0 or expected != 0:
        return
    for output in outputs:
        path = os.path.join(folder, output)
        results.check(os.path.isfile(path) and os.path.getsize(path) > 0, where, f"it wrote {output}")
    if sends:
        posts = context.receiver.posts[posts_before:]
        results.check(bool(posts) and all(p == "/v1/traces" and t == "application/x-protobuf" and n > 0
                                          for p, t, n, in posts),
                      where, "the collector received the spans (protobuf POSTs to /v1/traces)", f"posts: {posts}")


class Context:
    """What every check needs: the command's options, the Makefile's targets, the logs, the receiver."""

    def __init__(self, cli, root, examples, work):
        self.cli = cli
        self.help = Help(cli)
        self.targets = makefile_targets(root)
        self.logs = Logs(root, examples, work)
        self.receiver = Receiver()
        self.mentioned = set()
        self.root = root
        self.code = Code(root)


def check_layout(results, root, doc, lines):
    """A layout block (`Sources/Defer/   Core/ (...), Bridges/ ...`): each path at a line's start exists, and each
    folder named after it (`Core/`) exists somewhere below that path; indented lines continue the last path. A
    folder listing two or more of its subfolders (Sources/, examples/) lists them all."""
    base, listed = None, {}
    for number, line in lines:
        first = line.split()[0] if line.strip() else ""
        if PATH.match(first.rstrip(",")):
            base = first
            results.check(os.path.exists(os.path.join(root, base)), f"{doc}:{number}", f"{base} exists")
            parent, name = os.path.split(base.rstrip("/"))
            listed.setdefault(parent, (number, set()))[1].add(name)
        elif not line.startswith(" "):
            base = None
        if base is None:
            continue
        below = {name for _, folders, _ in os.walk(os.path.join(root, base)) for name in folders}
        for folder in re.findall(r"(?:(?<=\s)|(?<=\())([A-Za-z][\w-]*)/(?=[\s,):;]|$)", line[len(first):]):
            results.check(folder in below, f"{doc}:{number}", f"{base} has a folder {folder}/")
    for parent, (number, names) in listed.items():
        if parent and len(names) > 1:
            folder = os.path.join(root, parent)
            present = {n for n in os.listdir(folder) if os.path.isdir(os.path.join(folder, n))}
            results.check(present <= names, f"{doc}:{number}", f"every folder of {parent}/ is listed",
                          f"not listed: {', '.join(sorted(present - names))}")


def check_doc(results, context, path, doc):
    """All the checks of one Markdown file; returns how many command lines it ran."""
    blocks, prose = read_doc(path)
    runs = 0
    for info, lines in blocks:
        if info in SHELL_FENCES_NOT_CHECKED:
            continue
        synopsis_lines = [(n, line) for n, line in lines
                          if is_synopsis(split_comment(line)[0]) or not line.lstrip().startswith("reactortrack")]
        check_synopsis_block(results, doc, synopsis_lines, context.help, context.mentioned)
        prelude = []  # the block's `export VAR=...` lines so far: a shell session
        for number, kind, command, comment in commands_in(lines):
            where = f"{doc}:{number}"
            if kind == "make":
                target = make_target(command)
                results.check(target in context.targets, where, f"make {target} is a Makefile target")
            elif kind == "export":
                prelude.append(command)
            else:
                runs += 1
                run_command(results, where, command, comment, prelude, context)
        check_layout(results, context.root, doc, lines)
    check_prose(results, context, doc, prose, os.path.dirname(os.path.abspath(path)))
    return runs


# A page with one drift of each kind, and the lines where the checks must fail (how many times): the checker
# itself is checked, so a rule that silently stops matching fails here.
DRIFT_PAGE = """# drift
```sh
reactortrack summary mon.out --no-such-option
reactortrack summary mon.out --json   # exit 1
reactortrack tree unknown-name.out
make no-such-target
reactortrack summary mon.out --top 1
reactortrack summary mon.out --json | sort
```
```text
reactortrack render FILE... [--sort fastest] [--nope] [--view overview]
```
Prose: `--label`, `summary --top 3`, `tree --json`, `make test`, `make nothing-here`, `--format carrier-pigeon`.
`NoSuchType`, `JSONMonitor`, `EventLogFormat.noSuchMember`, `docs/no-such.md`, `docs/cli.md`, [gone](gone.png).
```text
Sources/Defer/      Core/ (Deferred), Gone/ (async/await), Bridges/
Sources/Nowhere/    what was
```
"""
DRIFT_FAILURES = {3: 1, 4: 1, 5: 1, 6: 1, 8: 1, 11: 2, 13: 4, 14: 4, 16: 2, 17: 1}


def check_vocabulary(results, root):
    """Each type, key and value of MonitorVocabulary appears in the format pages' prose, as `x` or "x"."""
    text = ""
    for page, stop in VOCABULARY_PAGES.items():
        prose = read_doc(os.path.join(root, page))[1]
        if stop:
            results.check(stop in prose, page, f"has the heading {stop!r} (VOCABULARY_PAGES)")
        text += prose.split(stop, 1)[0] if stop else prose
    named = set(re.findall(r"`([^`\n]+)`", text)) | set(re.findall(r'"([^"\n]+)"', text))
    values = vocabulary(root)
    results.check(len(values) > 20, "MonitorVocabulary.swift", f"{len(values)} values read")
    for value in values:
        results.check(value in named, " and ".join(VOCABULARY_PAGES), f"names {value!r}, which the monitor writes",
                      "MonitorVocabulary.swift declares it; say what it means")


def check_reference(results, context, root):
    """The command's reference page names every option each subcommand's --help has (a new option is documented)."""
    with open(os.path.join(root, REFERENCE_PAGE), encoding="utf-8") as f:
        named = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", f.read()))
    for sub in context.help.subcommands:
        for option in sorted(context.help.options[sub]):
            if not option.startswith("--") or option in ("--help", "--version"):
                continue
            paired = "--no-" + option[2:] if not option.startswith("--no-") else "--" + option[5:]
            results.check(option in named or paired in named, REFERENCE_PAGE, f"names {sub}'s {option}",
                          f"reactortrack {sub} --help lists it: document it")


def check_the_checker(results, context, work):
    page = os.path.join(work, "drift.md")
    with open(page, "w", encoding="utf-8") as f:
        f.write(DRIFT_PAGE)
    quiet = Results(quiet=True)
    runs = check_doc(quiet, context, page, "drift.md")
    failed = {}
    for line in quiet.failed:
        number = int(line.split(":")[1])
        failed[number] = failed.get(number, 0) + 1
    results.check(failed == DRIFT_FAILURES and runs == 5 and quiet.passed > 0, "self-check",
                  "a page with known drift fails exactly where it should",
                  f"failed at {failed} (expected {DRIFT_FAILURES}), {runs} runs: " + "; ".join(quiet.failed))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cli")
    parser.add_argument("--examples", required=True, help="folder with seed-example, echo-service-example, "
                        "pipeline-example")
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(HERE)))
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    # `reactortrack` on PATH is the CLI under test, whatever its file is called.
    work = tempfile.mkdtemp(prefix="reactortrack-docs-")
    bin_folder = os.path.join(work, "bin")
    os.mkdir(bin_folder)
    cli = os.path.join(bin_folder, "reactortrack")
    os.symlink(os.path.abspath(args.cli), cli)

    results = Results()
    context = Context(cli, root, os.path.abspath(args.examples), work)
    docs = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    try:
        check_the_checker(results, context, work)
        context.mentioned.clear()
        runs = sum(check_doc(results, context, path, os.path.relpath(path, root)) for path in docs)
        results.check(runs > 0, "docs", f"{runs} documented command lines found and run")
        check_vocabulary(results, root)
        check_reference(results, context, root)
        for table, names in (("OTHER_TOOLS", OTHER_TOOLS), ("NOT_OURS", NOT_OURS)):
            for name, owner in names.items():
                results.check(name in context.mentioned, table, f"{name} ({owner}) is still mentioned in the docs",
                              f"remove it from {table}")
    finally:
        context.receiver.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    if results.failed:
        print("\nfailed:\n  " + "\n  ".join(results.failed))
    print(f"{results.passed} passed, {len(results.failed)} failed")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
