"""The HTML report's facts in a real browser (issue #21): an incomplete task is marked incomplete, the replay draws
only what had happened by its step, failures of inner actions are steps, strings from the log are isolated with
their bidirectional controls shown, the replay line stays one line, Back goes to the previous chain, follow mode
keeps to the filter, zoom-out stops near the data, and the original format says what it did not record.

Run through test_report.py (which imports these cases and sets the CLI); logs are written here or read from the
repository's test inputs, and expected values come from them (eliot.parse, `summary --json`, the log's lines).
"""
import json
import os
import subprocess
import uuid

from eliot.parse import Parser, WrittenAction
from selenium.webdriver.common.by import By

import report_support
from report_support import ROOT, ReportCase, chains_of, read_log, render, steps_of

T0 = 1_700_000_000.0


def write_lines(name, lines):
    path = os.path.join(report_support.WORK, name)
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path


def incomplete_log():
    """Two Eliot tasks: one whose root ends 9 µs in while its child (started at 3 µs, last heard of at 20 µs)
    never ends, and one complete."""
    a, b = str(uuid.UUID(int=11)), str(uuid.UUID(int=12))
    return write_lines("incomplete.log", [
        {"task_uuid": a, "task_level": [1], "action_type": "job:sync", "action_status": "started", "timestamp": T0},
        {"task_uuid": a, "task_level": [2, 1], "action_type": "job:fetch", "action_status": "started",
         "timestamp": T0 + 3e-6, "url": "https://example.com/a"},
        {"task_uuid": a, "task_level": [3], "action_type": "job:sync", "action_status": "succeeded",
         "timestamp": T0 + 9e-6},
        {"task_uuid": a, "task_level": [2, 2], "message_type": "job:progress", "timestamp": T0 + 20e-6, "bytes": 512},
        {"task_uuid": b, "task_level": [1], "action_type": "job:sync", "action_status": "started",
         "timestamp": T0 + 30e-6},
        {"task_uuid": b, "task_level": [2], "action_type": "job:sync", "action_status": "succeeded",
         "timestamp": T0 + 50e-6},
    ])


RLO = "\u202e"


def bidi_log():
    """An Eliot task whose action type hides an extension behind U+202E, with an unterminated one in a field."""
    a = str(uuid.UUID(int=21))
    return write_lines("bidi.log", [
        {"task_uuid": a, "task_level": [1], "action_type": "upload" + RLO + "fdp.exe", "action_status": "started",
         "timestamp": T0, "note": "ms " + RLO + "0.05"},
        {"task_uuid": a, "task_level": [2], "message_type": "upload:chunk" + RLO, "timestamp": T0 + 0.02, "n": 1},
        {"task_uuid": a, "task_level": [3], "action_type": "upload" + RLO + "fdp.exe", "action_status": "failed",
         "timestamp": T0 + 0.05, "exception": "builtins.ValueError", "reason": "bad " + RLO + "name"},
    ])


def parse(path):
    with open(path, encoding="utf-8") as f:
        return list(Parser.parse_stream(json.loads(line) for line in f if line.strip()))


class ReportFacts(ReportCase):
    """One browser for all of them (a browser takes a second or two to start)."""

    def test_an_incomplete_task_is_marked_and_its_open_action_runs_on(self):
        log = incomplete_log()
        tasks = {t.root().task_uuid: t for t in parse(log)}
        summary = json.loads(subprocess.run([report_support.CLI, "summary", "--json", log], capture_output=True,
                                            text=True, check=True).stdout)
        self.open(render(log, "incomplete.html"))
        self.assertNoErrors()
        listed = self.js("return rtReport.visibleChains()")
        self.assertEqual(len(listed), len(tasks))
        incomplete = [t for t in summary["tasks"] if not t["complete"]]
        self.assertEqual(len(incomplete), 1)
        self.assertEqual(summary["incomplete"], 1)
        # eliot.parse: a task whose root ended is complete only when every action below it ended too.
        parsed = [uuid_ for uuid_, t in tasks.items() if t.root().end_message and any(
            isinstance(ch, WrittenAction) and ch.end_message is None for ch in t.root().children)]
        self.assertEqual([t["task_uuid"] for t in incomplete], parsed)
        self.assertEqual(sum(1 for c in listed if c["incomplete"]), 1)
        self.assertIn("1 incomplete", self.driver.find_element(By.ID, "counts").text)
        # Time in callbacks is a Deferred's: a log of plain tasks does not say "in callbacks 0 s".
        self.assertNotIn("in callbacks", self.driver.find_element(By.ID, "figures").text)
        chain = [c for c in listed if c["incomplete"]][0]
        self.js("rtReport.openChain(arguments[0])", chain["index"])
        title = self.driver.find_element(By.ID, "detail-title")
        self.assertTrue(title.find_element(By.CSS_SELECTOR, ".badge.incomplete").is_displayed())
        self.assertIn("incomplete", self.driver.find_element(By.CSS_SELECTOR, "#detail .chain-sub").text)
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#spans .span-row")
        lines = read_log(log)
        root_end = [m for m in lines if m.get("action_type") == "job:sync" and m.get("action_status") == "succeeded"][0]
        log_end = max(m["timestamp"] for m in lines)  # the child was still open when the log ended
        bars = {}
        for row in rows:
            name = row.find_element(By.CSS_SELECTOR, ".span-name").text
            bar = row.find_elements(By.CSS_SELECTOR, ".bar")
            if bar and name in ("job:sync", "job:fetch"):
                bars[name] = self.js("var r = arguments[0].getBoundingClientRect(); return [r.left, r.right]", bar[0])
        self.assertIn("job:fetch", bars)
        # The root's bar ends at its end message; the open child's runs past it, to the end of the log.
        sync, fetch = bars["job:sync"], bars["job:fetch"]
        width = (sync[1] - sync[0]) / (root_end["timestamp"] - T0)
        self.assertGreater(fetch[1], sync[1] + 5)
        self.assertAlmostEqual(fetch[1] - sync[0], width * (log_end - T0), delta=3)
        self.assertIn("open", rows[[r.find_element(By.CSS_SELECTOR, ".span-name").text for r in rows].index("job:fetch")].text)
        self.driver.save_screenshot(os.path.join(report_support.WORK, "report-incomplete.png"))
        self.assertNoErrors()


    def test_nothing_later_than_the_step_is_drawn(self):
        log = os.environ.get("REACTORTRACK_SEED_LOG") or os.path.join(ROOT, "Tests", "Fixtures", "mon.out")
        lines = read_log(log)
        chains = chains_of(lines)
        steps = steps_of(lines)
        self.open(render(log, "replay-past.html"))
        by_name = {(c["label"], c["deferredID"]): c["index"] for c in self.js("return rtReport.visibleChains()")}
        self.js("rtReport.openChain(arguments[0])", by_name[(chains[0]["label"], chains[0]["id"])])
        # The page at every step, in one call: the detail's chain, its badge, and each pair's bar, result and crossing.
        states = self.js("""
          var all = [];
          for (var k = 1; k <= arguments[0]; k++) {
            rtReport.replayTo(k);
            all.push((function () {
              var out = {chain: rtReport.selected().chain, rows: [], cursor: null, replay: rtReport.replay()};
              var line = document.querySelector('#ladder > .cursor-line');
              if (line) out.cursor = line.getBoundingClientRect().left;
              var badge = document.querySelector('#detail-title .outcome-badge');
              out.badge = !!badge && badge.offsetParent !== null;
              document.querySelectorAll('#ladder .pair').forEach(function (p) {
                var bar = p.querySelector('.bar[data-run]'), end = p.querySelector('.run-end');
                var cross = p.nextElementSibling && p.nextElementSibling.classList.contains('crossing') ? p.nextElementSibling : null;
                out.rows.push({index: +p.dataset.index, bar: bar && getComputedStyle(bar).visibility !== 'hidden' ? bar.getBoundingClientRect().right : null,
                  end: end ? end.getClientRects().length > 0 && getComputedStyle(end).visibility !== 'hidden' : null,
                  cross: cross ? getComputedStyle(cross.firstChild).visibility !== 'hidden' : null});
              });
              return out;
            })());
          }
          return all;""", len(steps))
        for k in range(1, len(steps) + 1):
            state = states[k - 1]
            r = state["replay"]
            T = steps[k - 1][0]
            nxt = steps[k][0] if k < len(steps) else float("inf")
            chain = [c for c in chains if by_name[(c["label"], c["id"])] == state["chain"]][0]
            ended = chain["end"] is not None and chain["end"]["timestamp"] <= T
            self.assertEqual(state["badge"], ended, "step %d: the outcome badge shows only once the chain ended" % k)
            runs = {run["index"]: run for run in chain["runs"]}
            for row in state["rows"]:
                run = runs.get(row["index"])
                if run is None:
                    continue
                start, end = run["start"]["timestamp"], run["end"]["timestamp"] if run["end"] else None
                current = (r["type"] == "run" and steps[k - 1][2] == (chain["label"], chain["id"])
                           and steps[k - 1][3] == (run["name"], run["index"]) and end is not None and end <= nxt)
                known = end is not None and (end <= T or current)
                what = "step %d, pair %d" % (k, row["index"])
                self.assertEqual(row["bar"] is not None, start <= T, what + ": a bar only once the run started")
                self.assertEqual(row["end"], known, what + ": its result or exception only once it returned")
                if row["cross"] is not None:
                    self.assertEqual(row["cross"], known, what + ": the crossing's exception only once raised")
                if row["bar"] is not None and not current and state["cursor"] is not None:
                    # (A bar is at least 2 px wide.)
                    self.assertLessEqual(row["bar"], state["cursor"] + 4, what + ": the bar stops at the step's time")
        self.assertNoErrors()


    def test_every_failed_inner_action_is_a_step(self):
        log = os.path.join(ROOT, "Tests", "Fixtures", "twisted-eliot.log")
        failed = []

        def walk(node, depth):
            if isinstance(node, WrittenAction):
                if node.status == "failed" and depth > 0:
                    failed.append((node.action_type, node.end_message.timestamp))
                for child in node.children:
                    walk(child, depth + 1)
        for task in parse(log):
            walk(task.root(), 0)
        self.assertGreater(len(failed), 0)
        self.open(render(log, "inner-failures.html"))
        seen = self.js("""
          var seen = [];
          for (var k = 1; k <= rtReport.replay().count; k++) {
            rtReport.replayTo(k);
            var r = rtReport.replay();
            if (r.type === 'actionFailed') seen.push([r.text, Math.round(r.time)]);
          }
          return seen;""")
        t0 = self.js("return RT.app.D.raw.t0")
        self.assertEqual(len(seen), len(failed))
        for action_type, at in failed:
            match = [s for s in seen if "action %s failed" % action_type in s[0] and abs(s[1] - (at - t0) * 1e6) <= 1]
            self.assertTrue(match, "no step for the failure of %s at %s: %r" % (action_type, at, seen))
        self.assertNoErrors()


    ISOLATED = """
      var bad = [], raw = [];
      var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (var n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.parentElement.closest('script')) continue;
        if (/[\\u202a-\\u202e\\u2066-\\u2069]/.test(n.data)) raw.push(n.data);
        if (n.data.indexOf(arguments[0]) < 0) continue;
        var ok = false;
        for (var e = n.parentElement; e && e !== document.body; e = e.parentElement) {
          if (getComputedStyle(e).unicodeBidi === 'isolate' || getComputedStyle(e).unicodeBidi === 'plaintext') { ok = true; break; }
        }
        if (!ok) bad.push(n.parentElement.outerHTML.slice(0, 200));
      }
      return [bad, raw];"""

    def test_log_strings_are_isolated_and_their_controls_shown(self):
        log = bidi_log()
        self.open(render(log, "bidi.html"))
        self.assertNoErrors()
        shown = "upload\\u{202E}fdp.exe"  # as `tree` writes it
        tree = subprocess.run([report_support.CLI, "tree", log], capture_output=True, text=True, check=True).stdout
        self.assertIn(shown, tree)
        chain = self.js("return rtReport.visibleChains()")[0]
        self.js("rtReport.openChain(arguments[0])", chain["index"])
        for row in self.driver.find_elements(By.CSS_SELECTOR, "#spans .span-row"):
            row.click()
        self.js("rtReport.openChain(arguments[0])", chain["index"])
        self.js("rtReport.replayTo(arguments[0])", self.js("return rtReport.replay().count"))
        for where in ("chain-list", "detail", "run-panel", "replay-text"):
            self.assertIn(shown, self.js("return document.getElementById(arguments[0]).textContent", where), where)
        bad, raw = self.js(self.ISOLATED, "fdp.exe")
        self.assertEqual(raw, [], "no bidirectional control reaches the page as one")
        self.assertEqual(bad, [], "every log string is isolated")
        self.driver.save_screenshot(os.path.join(report_support.WORK, "report-bidi.png"))
        self.assertNoErrors()


    # The colour of the timeline's pixel 20 px before the end of chain `c`'s bar, in its lane.
    LANE_PIXEL = """
      var o = RT.app.overview, D = RT.app.D, c = arguments[0], p = o.plot(), L = o.layout;
      var cv = document.getElementById('overview'), s = cv.width / cv.clientWidth;
      var row = RT.app.list.indexOf(c), x = o.x(D.endEff[c]) - 20, y = p.y + (row + 0.5) * L.rowH;
      var d = cv.getContext('2d').getImageData(Math.round(x * s), Math.round(y * s), 1, 1).data;
      return [d[0], d[1], d[2]];"""

    def test_a_failed_action_is_drawn_in_the_failure_colour(self):
        # The legend says blue is "callback ran / action succeeded": a failed root action's lane bar was blue too.
        for log, name, failed in ((bidi_log(), "lane-failed.html", True), (incomplete_log(), "lane-ok.html", False)):
            self.open(render(log, name))
            chain = self.js("return rtReport.visibleChains()")[0]
            self.assertEqual(chain["outcome"] == "failed", failed, chain)
            r, g, b = self.js(self.LANE_PIXEL, chain["index"])
            reddish = r > g + 60 and r > b + 100  # the failure colour, #D55E00, over the lane's background
            self.assertEqual(reddish, failed, "%s: lane bar pixel %s" % (name, (r, g, b)))
            self.assertNoErrors()

    def seed(self):
        return os.environ.get("REACTORTRACK_SEED_LOG") or os.path.join(ROOT, "Tests", "Fixtures", "mon.out")

    def test_back_goes_to_the_previous_chain(self):
        self.open(render(self.seed(), "back.html"))
        listed = self.js("return rtReport.visibleChains()")
        self.assertGreaterEqual(len(listed), 2)
        first, second = listed[0]["index"], listed[1]["index"]
        self.row(first).click()
        self.wait_for(lambda: "chain=%d" % first in self.js("return location.hash"), "the first chain's entry")
        self.row(second).click()
        self.wait_for(lambda: "chain=%d" % second in self.js("return location.hash"), "the second chain's entry")
        self.driver.back()
        self.wait_for(lambda: self.js("return window.rtReport ? rtReport.selected().chain : -1") == first,
                      "Back to open the first chain again")
        self.assertTrue(self.js("return location.protocol === 'file:' && !!document.getElementById('rt-data')"))
        self.assertNoErrors()

    def test_follow_keeps_to_the_filter(self):
        log = self.seed()
        self.open(render(log, "follow.html"))
        shown = [c for c in self.js("rtReport.setFilter({status: 'recovered'}); return rtReport.visibleChains()")]
        self.assertTrue(shown)
        allowed = {c["index"] for c in shown}
        self.js("rtReport.openChain(arguments[0])", shown[0]["index"])
        opened = self.js("""
          var opened = [];
          for (var k = 1; k <= rtReport.replay().count; k++) { rtReport.replayTo(k); opened.push(rtReport.selected().chain); }
          return opened;""")
        for k, chain in enumerate(opened, 1):
            self.assertIn(chain, allowed, "step %d opened a hidden chain" % k)
        self.assertNoErrors()

    def test_zoom_out_stops_near_the_data(self):
        log = self.seed()
        times = [m["timestamp"] for m in read_log(log)]
        extent = max(max(times) - min(times), 1e-3) * 1e6
        self.open(render(log, "zoom.html"))
        self.js("for (var i = 0; i < 25; i++) document.getElementById('zoom-out').click()")
        w = self.js("return rtReport.timeWindow()")
        self.assertLessEqual(w["to"] - w["from"], 2 * extent)
        self.assertLess(w["from"], max(times) * 1e6 - self.js("return RT.app.D.raw.t0") * 1e6)
        self.assertNoErrors()

    def test_replay_line_stays_one_line(self):
        log = os.path.join(report_support.WORK, "hostile.log")
        import hostile_log
        hostile_log.main(log)
        self.open(render(log, "line.html"))
        self.js("rtReport.openChain(0)")
        heights, limit = set(), self.js("return RT.app.D.raw.valueLimit")
        for k in range(1, self.js("return rtReport.replay().count") + 1):
            self.js("rtReport.replayTo(arguments[0])", k)
            heights.add(self.js("return document.getElementById('replay-text').getBoundingClientRect().height"))
            r = self.js("return rtReport.replay()")
            if r["type"] == "fired":
                # The fired value (1 MB in the log, cut to valueLimit in the data) is whole in the side panel.
                panel = self.js("return document.querySelector('#run-panel .replay-step .value').textContent")
                self.assertIn("x" * (limit - 1) + "…", panel)
                self.assertLess(len(r["text"]), 400)
        self.assertEqual(len(heights), 1, heights)
        self.assertLess(heights.pop(), 30)
        self.assertNoErrors()

    def test_the_original_format_says_what_it_did_not_record(self):
        log = os.path.join(ROOT, "Tests", "Fixtures", "reactor-track.log")
        self.open(render(log, "legacy.html"))
        with open(log, encoding="utf-8") as f:
            executed = [json.loads(x) for x in f if '"executed"' in x]
        self.assertTrue(all("result" not in e for e in executed), "the format records no results")
        notes = []
        for c in self.js("return rtReport.visibleChains()"):
            self.js("rtReport.openChain(arguments[0])", c["index"])
            notes += [n.text for n in self.driver.find_elements(By.CSS_SELECTOR, "#ladder .run-end")]
        self.assertEqual(len(notes), len(executed))
        for note in notes:
            self.assertNotRegex(note, "→\\s*$")
            self.assertIn("not recorded", note)
        self.assertNoErrors()

    def test_aggregated_rows_are_coloured_by_their_share_of_outcomes(self):
        # 2000 short chains one after another, every 20th failing: more chains than pixel rows.
        lines, n = [], 2000
        for i in range(n):
            task, t, failed = str(uuid.UUID(int=1000 + i)), T0 + i * 0.001, i % 20 == 7
            end = {"exception": "builtins.KeyError", "reason": "'id'"} if failed else {"output": "1", "output_path": "success"}
            lines += [
                {"task_uuid": task, "task_level": [1], "action_type": "reactortrack:deferred", "action_status": "started",
                 "timestamp": t, "deferred_id": i + 1, "label": "job", "tracked_by": "user"},
                {"task_uuid": task, "task_level": [2], "message_type": "reactortrack:added", "timestamp": t,
                 "index": 0, "callback": "step", "errback": None},
                {"task_uuid": task, "task_level": [3], "message_type": "reactortrack:fired", "timestamp": t,
                 "path": "success", "value": "0"},
                {"task_uuid": task, "task_level": [4, 1], "action_type": "reactortrack:run", "action_status": "started",
                 "timestamp": t, "index": 0, "name": "step", "path": "success", "input": "0"},
                dict({"task_uuid": task, "task_level": [4, 2], "action_type": "reactortrack:run",
                      "action_status": "failed" if failed else "succeeded", "timestamp": t + 0.0004}, **end),
                dict({"task_uuid": task, "task_level": [5], "action_type": "reactortrack:deferred",
                      "action_status": "failed" if failed else "succeeded", "timestamp": t + 0.0005,
                      "ended_by": "released", "runs": 1}, **({"exception": end["exception"], "reason": end["reason"]}
                                                             if failed else {"result": "1"})),
            ]
        log = write_lines("many.out", lines)
        chains = chains_of(read_log(log))
        share = sum(1 for c in chains if c["outcome"] == "failed") / len(chains)
        self.open(render(log, "many.html"))
        self.assertIn("chains per row", self.driver.find_element(By.ID, "overview-note").text)
        # Each drawn pixel is the background mixed with a mix of the callback and failure colours: solved for both
        # amounts (least squares over the three channels), the failure colour's part of all that is drawn.
        measure = """
          var cv = document.getElementById('overview'), cs = getComputedStyle(document.documentElement);
          var hex = function (n) { var v = parseInt(cs.getPropertyValue(n).trim().slice(1), 16); return [v >> 16 & 255, v >> 8 & 255, v & 255]; };
          var bg = hex('--bg'), cb = hex('--callback'), fa = hex('--failure'), grid = hex('--grid');
          var u = [0, 1, 2].map(function (i) { return cb[i] - bg[i]; }), v = [0, 1, 2].map(function (i) { return fa[i] - cb[i]; });
          var dot = function (a, b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; };
          var uu = dot(u, u), uv = dot(u, v), vv = dot(v, v), det = uu * vv - uv * uv;
          var img = cv.getContext('2d').getImageData(arguments[0], 24, cv.width - 12 - arguments[0], cv.height - 30).data, sa = 0, sb = 0;
          for (var i = 0; i < img.length; i += 4) {
            var d = [img[i] - bg[0], img[i + 1] - bg[1], img[i + 2] - bg[2]];
            if (Math.abs(d[0]) + Math.abs(d[1]) + Math.abs(d[2]) < 30) continue;  // background
            if (img[i] === grid[0] && img[i + 1] === grid[1] && img[i + 2] === grid[2]) continue;  // the time grid
            var du = dot(d, u), dv = dot(d, v), a = (du * vv - dv * uv) / det, b = (dv * uu - du * uv) / det;
            if (a > 0) { sa += a; sb += Math.max(0, Math.min(a, b)); }
          }
          return sb / sa;"""
        # The bars (right of the gutter) hold as much failure colour as the failures' share of the chains.
        red = self.js(measure, 20)
        self.assertAlmostEqual(red, share, delta=0.02, msg="failures (%.1f%% of the chains) drew %.1f%% of the bars' colour" % (share * 100, red * 100))
        # The gutter marks rows holding failures by their share too: with it, the canvas is not mostly red.
        whole = self.js(measure, 0)
        self.assertLess(whole, 4 * share, "failures (%.1f%% of the chains) drew %.1f%% of the colour" % (share * 100, whole * 100))
        self.driver.save_screenshot(os.path.join(report_support.WORK, "report-many.png"))
        self.assertNoErrors()

    def test_lanes_keep_their_labels_when_zoomed_past_their_bars(self):
        log = incomplete_log()
        lines = read_log(log)
        starts = sorted({m["timestamp"] for m in lines if m.get("action_status") == "started" and len(m["task_level"]) == 1})
        late = (starts[1] - T0) * 1e6
        # Zoomed in before the second task starts: its bar is right of the view, its lane still says whose it is.
        self.open(render(log, "zoomed.html"), "#t=0,%d" % (late * 0.6))
        dark = self.js("""
          var cv = document.getElementById('overview'), ctx = cv.getContext('2d');
          var y = 22 + 1.5 * Math.min(20, (cv.height - 26) / 2), img = ctx.getImageData(cv.width / 2, y - 4, cv.width / 2 - 12, 8).data, n = 0;
          for (var i = 0; i < img.length; i += 4) if (img[i] + img[i + 1] + img[i + 2] < 600) n++;  // text, darker than the band and the grid
          return n;""")
        self.assertGreater(dark, 20, "the second lane has a label")
        self.assertNoErrors()
