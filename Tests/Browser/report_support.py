"""What the browser tests share: reading the logs (Eliot JSON lines in the monitor's vocabulary), writing reports
with the CLI, and a test case that drives headless Chromium. test_report.py sets CLI and WORK."""
import json
import os
import re
import subprocess
import time
import unittest

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CLI = None
WORK = None
READY_TIMEOUT = 30

# ---------------------------------------------------------------------------------------------------------------
# Reading the logs (Eliot JSON lines in the monitor's vocabulary, docs/monitor-format.md)


def read_log(path):
    lines = []
    with open(path, encoding="utf-8") as f:
        for n, text in enumerate(f, 1):
            text = text.strip()
            if not text:
                continue
            try:
                m = json.loads(text)
            except ValueError:
                continue
            if isinstance(m, dict) and "task_uuid" in m and "task_level" in m:
                m["_line"] = n
                lines.append(m)
    return lines


def chains_of(lines):
    """The tracked Deferreds of a monitor log: label, id, pair count, outcome, runs and the steps of each."""
    chains = {}
    for m in lines:
        if m.get("action_type") == "reactortrack:deferred" and m.get("action_status") == "started":
            key = (m["task_uuid"], tuple(m["task_level"][:-1]))
            chains[key] = {"label": m.get("label", ""), "id": m.get("deferred_id", -1), "pairs": 0, "end": None,
                           "runs": [], "raised": False, "waiting": 0, "start": m}
    run_starts = {}
    for m in lines:
        level = tuple(m["task_level"])
        # The chain a line belongs to: the longest chain prefix of its level in its task.
        key = None
        for k in range(len(level) - 1, -1, -1):
            if (m["task_uuid"], level[:k]) in chains:
                key = (m["task_uuid"], level[:k])
                break
        if key is None:
            continue
        c = chains[key]
        depth = len(key[1])
        t = m.get("message_type")
        if t == "reactortrack:added" and len(level) == depth + 1:
            c["pairs"] += 1
        elif t == "reactortrack:waiting":
            c["waiting"] += 1
        elif t == "reactortrack:resumed":
            c["waiting"] -= 1
        elif m.get("action_type") == "reactortrack:deferred" and m.get("action_status") in ("succeeded", "failed") \
                and len(level) == depth + 1:
            c["end"] = m
        elif m.get("action_type") == "reactortrack:run":
            if m.get("action_status") == "started":
                run = {"name": m.get("name"), "index": m.get("index"), "start": m, "end": None}
                c["runs"].append(run)
                run_starts[(m["task_uuid"], level[:-1])] = run
            else:
                run = run_starts.get((m["task_uuid"], level[:-1]))
                if run:
                    run["end"] = m
                if m.get("action_status") == "failed":
                    c["raised"] = True
    for c in chains.values():
        end = c["end"]
        if end is None:
            c["outcome"] = "waiting" if c["waiting"] > 0 else "pending"
        elif end.get("action_status") == "failed":
            c["outcome"] = "failed"
        else:
            c["outcome"] = "recovered" if c["raised"] else "succeeded"
    return list(chains.values())


STEP_OF = {"reactortrack:fired": "fired", "reactortrack:waiting": "wait", "reactortrack:resumed": "resumed",
           "reactortrack:chained": "link", "reactortrack:cancelled": "cancelled"}


def steps_of(lines):
    """The replay's steps as the log has them: (timestamp, type, (label, id), (run name, pair index) or None), in
    time order."""
    chains = chains_of(lines)
    by_task = {}
    for c in chains:
        by_task.setdefault(c["start"]["task_uuid"], []).append(c)

    def owner(m):
        level = tuple(m["task_level"])
        best = None
        for c in by_task.get(m["task_uuid"], []):
            prefix = tuple(c["start"]["task_level"][:-1])
            if level[:len(prefix)] == prefix and (best is None or len(prefix) > len(best[0])):
                best = (prefix, c)
        return best[1] if best else None

    steps = []
    for m in lines:
        c = owner(m)
        if c is None:
            continue
        who = (c["label"], c["id"])
        t = m.get("message_type")
        if m is c["start"]:
            steps.append((m["timestamp"], m["_line"], "created", who, None))
        elif m is c["end"]:
            steps.append((m["timestamp"], m["_line"], "ended", who, None))
        elif t in STEP_OF:
            steps.append((m["timestamp"], m["_line"], STEP_OF[t], who, None))
        elif m.get("action_type") == "reactortrack:run" and m.get("action_status") == "started":
            steps.append((m["timestamp"], m["_line"], "run", who, (m.get("name"), m.get("index"))))
    steps.sort(key=lambda s: (s[0], s[1]))
    return [(s[0], s[2], s[3], s[4]) for s in steps]


# ---------------------------------------------------------------------------------------------------------------
# Reports and the browser


def render(log, name):
    out = os.path.join(WORK, name)
    r = subprocess.run([CLI, "render", log, "-o", out], capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(out):
        raise RuntimeError("%s render %s failed (%d): %s%s" % (CLI, log, r.returncode, r.stdout, r.stderr))
    if os.environ.get("REACTORTRACK_REASSEMBLE") == "1":
        reassemble(out)
    return out


def reassemble(path):
    """Development only: the current page, styles and scripts around the data the CLI wrote."""
    with open(path, encoding="utf-8") as f:
        page = f.read()
    data = re.search(r'<script type="application/json" id="rt-data">(.*?)</script>', page, re.S).group(1)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    report = os.path.join(ROOT, "Sources", "Visualize", "Report")

    def read(name):
        with open(os.path.join(report, name), encoding="utf-8") as f:
            return f.read()
    parts = {"TITLE": title, "CSS": read("style.css"), "DATA": data,
             "JS": "".join(read(n) + "\n" for n in ["data.js", "overview.js", "detail.js", "replay.js", "main.js"])}
    template, out = read("page.html"), []
    while True:
        i = template.find("{{")
        j = template.find("}}", i + 2) if i >= 0 else -1
        if i < 0 or j < 0:
            break
        out.append(template[:i])
        out.append(parts.get(template[i + 2:j], template[i:j + 2]))
        template = template[j + 2:]
    out.append(template)
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(out))


def make_driver():
    o = Options()
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,900",
              "--force-device-scale-factor=1", "--lang=en-US"]:
        o.add_argument(a)
    if os.path.exists("/usr/bin/chromium"):
        o.binary_location = "/usr/bin/chromium"
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service("/usr/bin/chromedriver") if os.path.exists("/usr/bin/chromedriver") else Service()
    return webdriver.Chrome(service=service, options=o)


class ReportCase(unittest.TestCase):
    driver = None

    @classmethod
    def setUpClass(cls):
        cls.driver = make_driver()

    @classmethod
    def tearDownClass(cls):
        if cls.driver:
            cls.driver.quit()

    def open(self, path, hash_=""):
        d = self.driver
        d.get("about:blank")
        d.get_log("browser")  # drop what came before
        start = time.time()
        d.get("file://" + path + hash_)
        while time.time() - start < READY_TIMEOUT:
            state = d.execute_script("return [document.body.dataset.ready || '', document.body.dataset.error || '']")
            if state[1]:
                self.fail("the page reports an error: " + state[1])
            if state[0] == "1":
                return time.time() - start
            time.sleep(0.02)
        self.fail("the page was not ready within %d s" % READY_TIMEOUT)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def errors(self):
        return [e for e in self.driver.get_log("browser") if e.get("level") in ("SEVERE", "ERROR")]

    def assertNoErrors(self):
        errors = self.errors()
        self.assertEqual(errors, [], "console errors: %r" % errors)

    def key(self, k, times=1):
        """Keys pressed with nothing focused (as after clicking an empty part of the page)."""
        self.js("if (document.activeElement) document.activeElement.blur()")
        for _ in range(times):
            ActionChains(self.driver).send_keys(k).perform()

    def wait_for(self, fn, what, timeout=5):
        start = time.time()
        while time.time() - start < timeout:
            v = fn()
            if v:
                return v
            time.sleep(0.03)
        self.fail("timed out waiting for " + what)

    def row(self, chain):
        self.js("rtReport.openChain(arguments[0])", chain)  # scrolls it into the list, so the row exists
        return self.driver.find_element(By.CSS_SELECTOR, "#chain-list .chain-row[data-chain='%d']" % chain)


def expected_counts(outcomes):
    order = ["succeeded", "recovered", "failed", "unhandled", "cancelled", "waiting", "pending", "message"]
    parts = ["%d %s" % (outcomes.count(o), o) for o in order if outcomes.count(o)]
    n = len(outcomes)
    return "%d %s: %s" % (n, "chain" if n == 1 else "chains", ", ".join(parts))
