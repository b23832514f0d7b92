"""What the docs test reads: the Markdown (fenced blocks, inline code, command lines), the command's --help, the
Makefile's targets and the names declared in Sources/. Beside test_documented_commands.py, which checks them."""
import glob
import os
import re
import subprocess
import sys

ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")

# --- what the command and the Makefile offer --------------------------------------------------------------------

class Help:
    """Each subcommand's options (name -> values it allows, or None) and which of them take a value."""

    def __init__(self, cli):
        top = run_capture([cli, "--help"])
        section = top.split("SUBCOMMANDS:", 1)[1]
        self.subcommands = re.findall(r"^  ([a-z][a-z-]*)\s", section, re.M)
        self.options = {}
        self.takes_value = {}
        for sub in self.subcommands:
            self.options[sub], self.takes_value[sub] = parse_help(run_capture([cli, sub, "--help"]))


def run_capture(argv):
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(argv)} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def parse_help(text):
    """Options from swift-argument-parser's OPTIONS section: `  -o, --output <OUT>   Where ... (values: a, b)`."""
    options, takes_value = {}, set()
    body = text.split("OPTIONS:", 1)[1] if "OPTIONS:" in text else ""
    entries = re.split(r"\n(?=  -)", "\n" + body)
    for entry in entries:
        entry = entry.strip("\n")
        if not entry.startswith("  -"):
            continue
        first = entry.splitlines()[0].strip()
        names_part = re.split(r"\s{2,}", first)[0]
        names = re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-z])\b", names_part)
        listed = re.search(r"\(values: ([^)]*)\)", " ".join(entry.split()))
        values = [v.strip() for v in listed.group(1).split(";")[0].split(",")] if listed else None
        for name in names:
            options[name] = values
            if "<" in names_part:
                takes_value.add(name)
    return options, takes_value


def makefile_targets(root):
    with open(os.path.join(root, "Makefile"), encoding="utf-8") as f:
        return set(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", f.read(), re.M))


# --- reading the docs -------------------------------------------------------------------------------------------

def read_doc(path):
    """Fenced blocks as (info, [(line number, text)]) and the prose with the fences blanked (line numbers kept)."""
    blocks, prose, block = [], [], None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for number, line in enumerate(lines, 1):
        fence = re.match(r"^ {0,3}(```+|~~~+)\s*([\w+-]*)", line)
        if block is None and fence:
            block = (fence.group(1), fence.group(2).lower(), [])
            prose.append("")
        elif block is not None and line.strip().startswith(block[0][:3]) and not line.strip().strip(block[0][0]):
            blocks.append((block[1], block[2]))
            block = None
            prose.append("")
        elif block is not None:
            block[2].append((number, line))
            prose.append("")
        else:
            prose.append(line)
    return blocks, "\n".join(prose)


def inline_spans(prose):
    """Inline code spans with their line numbers; a span may wrap to the next line of its paragraph."""
    for match in re.finditer(r"(?<!`)`([^`\n]+(?:\n[^`\n]+)?)`(?!`)", prose):
        yield prose.count("\n", 0, match.start()) + 1, " ".join(match.group(1).split())


def split_comment(line):
    """The command and its trailing `# comment`, minding quotes."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1:].strip()
    return line.rstrip(), ""


def logical_lines(numbered):
    """Lines joined across trailing backslashes, each with the number of its first line."""
    pending, start = "", None
    for number, text in numbered:
        if start is None:
            start = number
        if text.rstrip().endswith("\\"):
            pending += text.rstrip()[:-1] + " "
            continue
        yield start, pending + text
        pending, start = "", None
    if start is not None:
        yield start, pending


def is_synopsis(command):
    return bool(re.search(r"\bFILE\b|\[", command))


def make_target(command):
    match = re.match(r"^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*make\s+([A-Za-z0-9_.-]+)", command.strip())
    return match.group(1) if match else None


def commands_in(lines):
    """The runnable `reactortrack ...` lines, the `make` lines and the `export VAR=...` lines of a fenced block."""
    for number, line in logical_lines(lines):
        command, comment = split_comment(line)
        if not command.strip():
            continue
        segments = [[w for w in s.split() if not ASSIGNMENT.match(w)] for s in command.split("|")]
        runs = any(s[:1] == ["reactortrack"] and len(s) > 1 for s in segments)
        if runs and not is_synopsis(command):
            yield number, "run", command, comment
        elif make_target(command):
            yield number, "make", command, comment
        elif re.match(r"^export\s+[A-Z_][A-Z0-9_]*=", command.strip()):
            yield number, "export", command.strip(), comment


class Code:
    """The modules (Sources/ folders) and the type and member names declared in Sources/."""

    def __init__(self, root):
        sources = os.path.join(root, "Sources")
        self.modules = {name for name in os.listdir(sources) if os.path.isdir(os.path.join(sources, name))}
        self.types, self.members = set(), set()
        for path in glob.glob(os.path.join(sources, "**", "*.swift"), recursive=True):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            self.types.update(re.findall(r"\b(?:struct|enum|class|protocol|actor|typealias)\s+([A-Za-z_]\w*)", text))
            self.members.update(re.findall(r"\b(?:var|let|func)\s+([A-Za-z_]\w*)", text))
            for cases in re.findall(r"\bcase\s+([A-Za-z_][^\n:(]*)", text):
                self.members.update(re.findall(r"(?:^|,)\s*([A-Za-z_]\w*)", cases))


def vocabulary(root):
    """Every string the monitor writes as a type, key or value, from MonitorVocabulary.swift (declared once)."""
    path = os.path.join(root, "Sources", "EventLog", "Model", "MonitorVocabulary.swift")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    values = re.findall(r"\b(?:case\s+\w+|static let\s+\w+)\s*=\s*\"([^\"]+)\"", text)
    values += re.findall(r"^\s*case\s+(\w+)\s*$", text, re.M)  # a String case's raw value is its name
    return sorted(set(values))
