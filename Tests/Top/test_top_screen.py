#!/usr/bin/env python3
"""`reactortrack top` on a real terminal: run in a pseudo-terminal of 80x24, driven by keys, its screen read back.

    test_top_screen.py CLI [STUCK_SERVICE_EXAMPLE]

Checks, on a log with a chain of waits, a wait cycle, a callback still running and an unhandled error:
- the list shows every chain in flight, what each is doing and the warnings, within 80 columns;
- Enter opens the detail (why it is stuck, followed to the innermost Deferred), Esc goes back, / filters, s sorts;
- a log that grows is followed; space pauses;
- q, SIGTERM and --fail-on each leave the terminal as it was (alternate screen left, cursor shown, echo and line
  editing back on);
- TERM=dumb prints snapshots instead of drawing;
- a log rotated, missing for a moment, truncated and written again is followed;
- with the example: top follows examples/stuck-service while it streams (see live_service).
Prints one line per check and a closing "N passed, N failed"; exits 1 if any check failed.
"""
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import tempfile
import termios
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def deferred(lines, i, label, t, rest):
    uuid = "t%d" % i
    lines.append('{"task_uuid":"%s","task_level":[1],"timestamp":%s,"action_type":"reactortrack:deferred",'
                 '"action_status":"started","deferred_id":%d,"label":"%s","tracked_by":"user",'
                 '"created_at":"Svc.swift:%d"}' % (uuid, t, i, label, i * 10))
    for k, (level, body) in enumerate(rest):
        lines.append('{"task_uuid":"%s","task_level":[%s],"timestamp":%s,%s}' % (uuid, level, t + (k + 1) * 0.001, body))


def stuck_log():
    """fetchUser waits on query, which waits on connect (never fired); render's callback never ends; lockA and
    lockB wait on each other; sendMail ended unhandled."""
    added = '"message_type":"reactortrack:added","callback":"cb","errback":null,"index":0'
    fired = '"message_type":"reactortrack:fired","path":"success","value":"1"'
    lines = []
    deferred(lines, 1, "fetchUser", 1795431200, [("2", added), ("3", fired), ("4", '"message_type":"reactortrack:waiting","on":2')])
    deferred(lines, 2, "query", 1795431201, [("2", fired), ("3", '"message_type":"reactortrack:waiting","on":3')])
    deferred(lines, 3, "connect", 1795431202, [("2", added)])
    deferred(lines, 4, "render", 1795431203, [("2", added), ("3", fired), ("4,1", '"action_type":"reactortrack:run","action_status":"started","index":0,"name":"slowStep","path":"success"')])
    deferred(lines, 5, "lockA", 1795431204, [("2", fired), ("3", '"message_type":"reactortrack:waiting","on":6'), ("4", '"message_type":"reactortrack:wait_cycle","cycle":[5,6,5]')])
    deferred(lines, 6, "lockB", 1795431204.5, [("2", fired), ("3", '"message_type":"reactortrack:waiting","on":5')])
    deferred(lines, 7, "sendMail", 1795431205, [("2", fired), ("3", '"message_type":"reactortrack:unhandled_error","exception":"E","reason":"r"'), ("4", '"action_type":"reactortrack:deferred","action_status":"failed","exception":"E","reason":"r"')])
    return "\n".join(lines) + "\n"


def titled(line, title):
    """Whether a row of the list is the chain `title`'s: at its start, or under its parent (indented, `↳ `)."""
    return line.lstrip(" ").removeprefix("↳ ").startswith(title)


class Terminal:
    """The command on a pseudo-terminal of 80x24; `screen` is what it drew since the last clear, without escapes."""

    def __init__(self, argv, env_extra=None):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            env = dict(os.environ, TERM="xterm")
            env.update(env_extra or {})
            env.pop("NO_COLOR", None)
            os.execve(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.raw = b""
        self.status = None

    def read(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], max(0, end - time.monotonic()))
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.raw += chunk

    def screen(self):
        text = self.raw.decode("utf-8", "replace")
        last = text.rfind("\x1b[H")
        return ANSI.sub("", text[last:] if last >= 0 else text).replace("\r", "")

    def send(self, keys, wait=0.6):
        os.write(self.fd, keys.encode())
        self.read(wait)

    def attributes(self):
        return termios.tcgetattr(self.fd)

    def wait(self, seconds=5):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.read(0.2)
                self.status = status
                return status
            self.read(0.05)
        os.kill(self.pid, signal.SIGKILL)
        self.status = os.waitpid(self.pid, 0)[1]
        return None


class Results:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print("PASS " + what)
        else:
            self.failed += 1
            print("FAIL " + what + ("\n     " + detail.replace("\n", "\n     ") if detail else ""))


def restored(term, results, what):
    text = term.raw.decode("utf-8", "replace")
    results.check(text.rstrip().endswith("\x1b[?1049l") or "\x1b[?25h\x1b[?1049l" in text,
                  what + ": left the alternate screen with the cursor shown", repr(text[-200:]))
    lflag = term.attributes()[3]
    results.check(lflag & termios.ECHO and lflag & termios.ICANON and lflag & termios.ISIG,
                  what + ": echo, line editing and signals are back on")


def live_service(cli, example, work, results):
    """top following examples/stuck-service while it runs and streams its log: the stuck request followed to the
    connection that never came, the wait cycle found before the monitor says so, the blocked callback, the
    unhandled error; rewind shows fewer requests than now."""
    import subprocess
    log = os.path.join(work, "stuck-service.out")
    service = subprocess.Popen([example, log, "6"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 10
        while not os.path.exists(log) and time.monotonic() < end:
            time.sleep(0.05)
        time.sleep(1.0)
        term = Terminal([cli, "top", "--interval", "0.3", "--step", "0.5s", log])
        term.read(1.5)
        screen = term.screen()
        lines = screen.split("\n")
        results.check(service.poll() is None, "live: the service is still running while top reads its log")
        for title, state in [("connect #1", "not fired"), ("query #2", "waiting on #1"),
                             ("fetchUser #3", "waiting on #2 → #1"), ("lockA #4", "waiting on #5"),
                             ("lockB #5", "waiting on #4")]:
            results.check(any(titled(l, title) and state in l for l in lines), "live: %s %s" % (title, state), screen)
        for kind, names in [("blocked", "report #6"), ("cycle", "lockA #4, lockB #5"), ("unhandled", "sendMail #7")]:
            results.check(any(l.strip().startswith(kind) and names in l for l in lines), "live: warning %s (%s)" % (kind, names),
                          screen)
        term.send("/fetch\r\r", 0.8)
        screen = term.screen()
        results.check("waits on query #2: waiting on #1" in screen and "waits on connect #1: not fired" in screen
                      and "created at" in screen, "live: why fetchUser is stuck names connect #1, where it was made",
                      screen)
        # c: the callbacks by name, the report's 250 ms renderReport first (by total time), the requests' too.
        term.send("\x1bc", 0.8)
        screen = term.screen()
        rows = [l for l in screen.split("\n") if re.match(r"^(renderReport|parse|respond) ", l)]
        results.check(re.search(r"CALLBACKS \(\d+\)\s+CALLS\s+TOTAL\s+P50\s+P99\s+MAX\s+FAILED", screen) is not None
                      and rows and rows[0].startswith("renderReport") and re.search(r"renderReport\s+1\s+25\d ms", screen)
                      and any(l.startswith("respond ") for l in rows),
                      "live: c lists the callbacks, renderReport (1 call, 250 ms) first", screen)
        term.send("c", 0.4)
        results.check("IN FLIGHT" in term.screen(), "live: c again goes back to the list", term.screen())
        # The count now, just before the rewind: the log has grown since the first screen, and goes on growing.
        term.send("/\x7f\x7f\x7f\x7f\x7f\r", 0.4)
        requests = int(re.search(r"(\d+) chains", term.screen()).group(1))
        term.send("[[", 1.0)
        screen = term.screen()
        earlier = re.search(r"(\d+) chains", screen)
        results.check("rewound" in screen and earlier is not None and int(earlier.group(1)) < requests,
                      "live: rewound 1 s, fewer chains than now (%s < %d)" % (earlier and earlier.group(1), requests),
                      screen)
        term.send("{{", 1.0)
        results.check("nothing in the log before" in term.screen() and "0 chains" in term.screen()
                      and "connect #1" not in term.screen(), "live: rewound before the log began, it says so",
                      term.screen())
        term.send("q")
        status = term.wait()
        results.check(status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, "live: q exits 0")
        restored(term, results, "live")
    finally:
        service.wait(timeout=20)


def request_chains(first, count, t0):
    """`count` ended request chains (fired, one callback run), ids from `first`: six lines each."""
    lines = []
    for i in range(first, first + count):
        t = t0 + i * 0.001
        deferred(lines, i, "request", t, [
            ("2", '"message_type":"reactortrack:added","callback":"parse","errback":null,"index":0'),
            ("3", '"message_type":"reactortrack:fired","path":"success","value":"1"'),
            ("4,1", '"action_type":"reactortrack:run","action_status":"started","index":0,"name":"parse","path":"success","input":"1"'),
            ("4,2", '"action_type":"reactortrack:run","action_status":"succeeded","output":"2","output_path":"success"'),
            ("5", '"action_type":"reactortrack:deferred","action_status":"succeeded","result":"2"')])
    return "\n".join(lines) + "\n"


def behind(cli, work, results):
    """A log growing faster than top reads it (each read reads only what was added: 10,000 chains at a time, more
    than it reads within --interval): the screen and the batch output say top falls behind."""
    import subprocess
    import threading
    log = os.path.join(work, "big.out")
    with open(log, "w") as f:
        f.write(stuck_log())
        f.write(request_chains(100, 10000, 1795431300))
    term = Terminal([cli, "top", "--interval", "0.05", log])
    seen = threading.Event()

    def grow():
        for k in range(1, 11):
            if seen.wait(0.5):
                return
            with open(log, "a") as f:
                f.write(request_chains(100 + 10000 * k, 10000, 1795431300 + 10 * k))

    writer = threading.Thread(target=grow)
    writer.start()
    end = time.monotonic() + 30
    while time.monotonic() < end and "behind: a read takes" not in term.screen():
        term.read(0.2)
    seen.set()
    writer.join()
    results.check("behind: a read takes" in term.screen(), "behind: the status says a read takes longer than --interval",
                  term.screen() + "\nRAW: " + repr(term.raw[-600:]))
    term.send("q")
    term.wait()
    batch = subprocess.run([cli, "top", "--count", "2", "--interval", "0.05", log], capture_output=True, text=True,
                           timeout=120)
    results.check(batch.returncode == 0 and batch.stderr.count("the snapshots fall behind the log") == 1,
                  "behind: without a terminal, said once on standard error", batch.stderr[-300:])


def following_memory(cli, work, results):
    """top following a log written for 12 s (about 20 MB, chains coming and going) stays under 150 MB, and its
    last snapshot counts every chain written."""
    import subprocess
    import threading
    log = os.path.join(work, "growing.out")
    with open(log, "w") as f:
        f.write(stuck_log())
    done = threading.Event()

    def write():
        first = 100
        end = time.monotonic() + 12
        with open(log, "a") as f:
            while time.monotonic() < end:
                f.write(request_chains(first, 250, 1795431300))
                f.flush()
                first += 250
                time.sleep(0.1)
        done.written = first - 100
        done.set()

    writer = threading.Thread(target=write)
    top = subprocess.Popen([cli, "top", "--interval", "0.5", log], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True)
    writer.start()
    peak = 0
    while not done.is_set():
        try:
            with open("/proc/%d/status" % top.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        peak = max(peak, int(line.split()[1]) // 1024)
        except OSError:
            break
        time.sleep(0.1)
    writer.join()
    # The last read began after the writer stopped: its snapshot counts every chain.
    time.sleep(0.6)
    deadline = time.monotonic() + 120
    expected = done.written + 7
    seen = None
    output = ""
    import select
    while time.monotonic() < deadline:
        ready, _, _ = select.select([top.stdout], [], [], 1.0)
        if ready:
            line = top.stdout.readline()
            output += line
            m = re.match(r"(\d+) chains:", line)
            if m:
                seen = int(m.group(1))
                if seen == expected:
                    break
    top.kill()
    top.wait()
    size = os.path.getsize(log) // (1 << 20)
    results.check(0 < peak < 150, "memory: following a %d MB log as it grew, top stayed at %d MB (< 150)" % (size, peak))
    results.check(seen == expected, "memory: the last snapshot counts every chain written (%s of %d)" % (seen, expected),
                  output[-400:])


def rotation(cli, work, results):
    """Following a log that is rotated (renamed, a new one written by the same name), briefly missing, then
    truncated and written again: every read after the change shows the file as it now is, and top goes on."""
    import subprocess
    log = os.path.join(work, "rotating.out")
    with open(log, "w") as f:
        f.write(stuck_log())
    top = subprocess.Popen([cli, "top", "--count", "8", "--interval", "0.5", log], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    time.sleep(0.7)
    os.rename(log, log + ".1")  # rotated: for a moment there is no file by that name
    time.sleep(0.6)
    with open(log, "w") as f:
        f.write(stuck_log().split("\n")[0] + "\n")  # a new log: fetchUser's start alone
    time.sleep(1.0)
    with open(log, "w") as f:  # truncated, then written again
        f.write("")
    time.sleep(0.6)
    with open(log, "w") as f:
        f.write(stuck_log())
    out, err = top.communicate(timeout=30)
    snapshots = out.split("top: ")[1:]
    counts = [re.search(r"(\d+) chains?: (\d+) in flight", s).groups() for s in snapshots]
    results.check(top.returncode == 0, "rotation: top goes on and exits 0", err)
    results.check(counts and counts[0] == ("7", "6") and ("1", "1") in counts and counts[-1] == ("7", "6"),
                  "rotation: the old log, the new one, then the rewritten one", repr(counts))
    results.check("read again" in err and "rotating.out" in err, "rotation: a missing or empty file is said, not fatal",
                  err)


def main():
    cli = os.path.abspath(sys.argv[1])
    results = Results()
    work = tempfile.mkdtemp(prefix="rt-top-")
    log = os.path.join(work, "stuck.out")
    with open(log, "w") as f:
        f.write(stuck_log())

    term = Terminal([cli, "top", "--interval", "0.3", log])
    term.read(1.5)
    screen = term.screen()
    lines = screen.split("\n")
    for title, state in [("fetchUser #1", "waiting on #2 → #3"), ("query #2", "waiting on #3"),
                         ("connect #3", "not fired"), ("render #4", "running slowStep"), ("lockA #5", "waiting on #6")]:
        results.check(any(titled(l, title) and state in l for l in lines), "list: %s %s" % (title, state), screen)
    results.check("sendMail" not in "\n".join(l for l in lines if "IN FLIGHT" in l or l.startswith("sendMail")),
                  "list: an ended chain is not in flight", screen)
    for kind in ["blocked", "cycle", "unhandled"]:
        results.check(any(l.strip().startswith(kind) for l in lines), "warnings: " + kind, screen)
    results.check(all(len(l) <= 80 for l in lines) and len(lines) <= 24, "the screen fits 80x24",
                  "\n".join(l for l in lines if len(l) > 80))

    # Families: what a chain awaits is folded under it, indented; z folds each family to its root.
    names = [l.lstrip(" ").removeprefix("↳ ").split("  ")[0] for l in lines if re.match(r"^\s*(↳ )?\w+ #\d", l)]
    results.check(names[:3] == ["fetchUser #1", "query #2", "connect #3"]
                  and any(l.startswith("↳ query #2") for l in lines) and any(l.startswith("  ↳ connect #3") for l in lines)
                  and any(l.startswith("↳ lockB #6") for l in lines),
                  "families: query under fetchUser, connect under query, lockB under lockA", screen)
    term.send("z")
    screen = term.screen()
    results.check("IN FLIGHT (3)" in screen and re.search(r"^fetchUser #1 \+2 ", screen, re.M) is not None
                  and re.search(r"^lockA #5 \+1 ", screen, re.M) is not None and "query #2" not in screen
                  and "folded" in screen, "z: each family folded to its root, +N under it", screen)
    term.send("z")
    results.check("IN FLIGHT (6)" in term.screen() and "↳ query #2" in term.screen(), "z again: unfolded",
                  term.screen())

    term.send("\r")
    screen = term.screen()
    results.check("WHY IT IS STUCK" in screen and "waits on query #2" in screen and "waits on connect #3: not fired" in screen,
                  "Enter: the detail follows the waits to the Deferred that never fired", screen)
    term.send("\x1b", 0.8)
    results.check("IN FLIGHT (6)" in term.screen(), "Esc: back to the list", term.screen())
    term.send("/lock\r")
    screen = term.screen()
    results.check("IN FLIGHT (2)" in screen and "lockA #5" in screen and "fetchUser" not in screen,
                  "/lock: only the chains that match", screen)
    term.send("/\x7f\x7f\x7f\x7f\rs")
    screen = term.screen()
    rows = [l for l in screen.split("\n") if re.match(r"^\w+ #\d", l)]
    results.check("sort: callbacks" in screen and rows and rows[0].startswith("render #4"),
                  "s: sorted by time in callbacks, the running one first", screen)

    # Rewind: three steps of a second back from the last event (sendMail's end, 5.003 s after the first), the log
    # as it stood 2.003 s after the first event: fetchUser, query and connect had begun; render had not.
    term.send("[[[", 1.0)
    screen = term.screen()
    results.check("rewound to 2026-11-23 10:53:22.003Z" in screen and "IN FLIGHT (3)" in screen
                  and "connect #3" in screen and "render #4" not in screen,
                  "[ [ [: the log as it stood three seconds before its end", screen)
    results.check(re.search(r"fetchUser #1\s+waiting on #2 → #3\s+2\.00 s", screen) is not None,
                  "rewound: ages run to the moment shown", screen)
    term.send("g1795431201.5\r", 1.0)
    screen = term.screen()
    results.check("rewound to 2026-11-23 10:53:21.500Z" in screen and "IN FLIGHT (2)" in screen,
                  "g: go to a time", screen)
    term.send("f", 1.0)
    results.check("IN FLIGHT (6)" in term.screen() and "following" in term.screen(), "f: follows the log again",
                  term.screen())

    # The log grows: the next read shows it; paused, it does not.
    with open(log, "a") as f:
        f.write('{"task_uuid":"t3","task_level":[3],"timestamp":1795431300,"message_type":"reactortrack:fired","path":"success","value":"1"}\n')
    term.read(1.0)
    results.check(re.search(r"connect #3\s+pending", term.screen()) is not None, "a growing log is followed", term.screen())
    term.send(" ")
    with open(log, "a") as f:
        f.write('{"task_uuid":"t3","task_level":[4],"timestamp":1795431301,"action_type":"reactortrack:deferred","action_status":"succeeded"}\n')
    term.read(1.0)
    results.check("paused" in term.screen() and "connect #3" in term.screen(), "space: paused, the screen stays", term.screen())
    term.send(" ", 1.0)
    results.check("connect #3" not in term.screen(), "space again: following, the chain that ended is gone", term.screen())
    # The chains that ended (within --retain, 10 min), the latest first: connect #3 now, sendMail before it.
    term.send("e")
    screen = term.screen()
    ended = [l for l in screen.split("\n") if re.match(r"^\w+ #\d", l)]
    results.check(re.search(r"ENDED \(2\)\s+OUTCOME\s+LIFETIME", screen) is not None and len(ended) == 2
                  and re.match(r"connect #3\s+succeeded\s+1 min 39 s\s", ended[0]) is not None
                  and re.match(r"sendMail #7\s+unhandled\s", ended[1]) is not None and "IN FLIGHT" not in screen,
                  "e: the chains that ended, the latest first, how each ended and how long it lived", screen)
    term.send("e")
    results.check("IN FLIGHT (5)" in term.screen(), "e again: back to the list", term.screen())

    term.send("q")
    status = term.wait()
    results.check(status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, "q: exits 0", str(status))
    restored(term, results, "q")

    term = Terminal([cli, "top", log])
    term.read(1.0)
    os.kill(term.pid, signal.SIGTERM)
    status = term.wait()
    results.check(status is not None and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM,
                  "SIGTERM: ends by the signal", str(status))
    restored(term, results, "SIGTERM")

    term = Terminal([cli, "top", "--interval", "0.2", "--fail-on", "cycle", log])
    status = term.wait()
    results.check(status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3
                  and "failing on cycle (2)" in term.raw.decode("utf-8", "replace"), "--fail-on: exits 3 and says why",
                  repr(term.raw[-300:]))

    term = Terminal([cli, "top", "--interval", "0.2", "--count", "2", log])
    term.wait()
    term_dumb = Terminal([cli, "top", "--interval", "0.2", "--count", "2", log], {"TERM": "dumb"})
    term_dumb.wait()
    text = term_dumb.raw.decode("utf-8", "replace")
    results.check(text.count("top: ") == 2 and "\x1b[" not in text, "TERM=dumb: snapshots, no escapes", repr(text[:300]))

    rotation(cli, work, results)
    behind(cli, work, results)
    following_memory(cli, work, results)
    if len(sys.argv) > 2:
        live_service(cli, os.path.abspath(sys.argv[2]), work, results)
    print("%d passed, %d failed" % (results.passed, results.failed))
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
