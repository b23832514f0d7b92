#!/usr/bin/env python3
"""The HTML report in a real browser: headless Chromium driven by selenium.

Usage: test_report.py [CLI [WORKDIR]]   (or env REACTORTRACK_CLI, REACTORTRACK_WORKDIR)

Every report is written by the CLI (`CLI render LOG -o X.html`). Logs:
- the seed example's mon.out: env REACTORTRACK_SEED_LOG, else `seed-example` next to the CLI is run, else the
  seed fixture Tests/Fixtures/mon.out;
- the echo-service example's log, for the overview screenshot: env REACTORTRACK_ECHO_LOG (else the seed's);
- a hostile Eliot log written here (hostile_log.py, beside this file);
- optionally a big log, env REACTORTRACK_BIG_LOG: its report must be interactive within 3 s.
Expected values are computed from the logs themselves, not hard-coded. Screenshots report-overview.png,
report-detail.png and report-replay.png go to WORKDIR.

For developing the page only: REACTORTRACK_REASSEMBLE=1 puts the current Sources/Visualize/Report files around the
data the CLI wrote (the CLI embeds the scripts as they were when it was built). The tests themselves never need it.
Exits non-zero when a test fails.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import hostile_log  # noqa: E402  (beside this file)

from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

import report_support  # noqa: E402  (beside this file)
from report_support import ReportCase, chains_of, expected_counts, read_log, render, steps_of  # noqa: E402,F401
# The report's facts (issue #21), in a file of their own; imported so that this runner runs them.
from test_report_facts import ReportFacts  # noqa: E402,F401

CLI = None
WORK = None

# ---------------------------------------------------------------------------------------------------------------


class SeedReport(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.log = SEED_LOG
        cls.lines = read_log(SEED_LOG)
        cls.chains = chains_of(cls.lines)
        cls.html = render(SEED_LOG, "seed.html")

    def visible(self):
        return self.js("return rtReport.visibleChains()")

    def index_of(self, label, id_):
        for c in self.js("rtReport.setFilter({}); return rtReport.visibleChains()"):
            if c["label"] == label and c["deferredID"] == id_:
                return c["index"]
        self.fail("no chain %s #%s in the list" % (label, id_))

    def test_loads_without_errors_and_lists_the_logs_chains(self):
        self.open(self.html)
        self.assertNoErrors()
        got = sorted((c["label"], c["deferredID"], c["pairs"], c["outcome"]) for c in self.visible())
        want = sorted((c["label"], c["id"], c["pairs"], c["outcome"]) for c in self.chains)
        self.assertEqual(got, want)
        # The rows in the page say the same.
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#chain-list .chain-row")
        shown = sorted((r.find_element(By.CSS_SELECTOR, ".label").text, r.find_element(By.CSS_SELECTOR, ".pairs").text,
                        r.find_element(By.CSS_SELECTOR, ".outcome").text) for r in rows)
        self.assertEqual(shown, sorted(("%s #%d" % (c["label"], c["id"]), str(c["pairs"]), c["outcome"]) for c in self.chains))
        self.assertEqual(self.driver.find_element(By.ID, "counts").text,
                         expected_counts([c["outcome"] for c in self.chains]))
        self.assertEqual(self.js("return document.querySelectorAll('script').length"), 2)
        self.assertNoErrors()

    def test_filter_by_status_and_search(self):
        self.open(self.html)
        for status in ("failed", "recovered", "succeeded"):
            self.js("rtReport.setFilter({status: arguments[0]})", status)
            got = sorted((c["label"], c["deferredID"]) for c in self.visible())
            want = sorted((c["label"], c["id"]) for c in self.chains if c["outcome"] == status)
            self.assertEqual(got, want, "status " + status)
            self.assertEqual(self.driver.find_element(By.ID, "filter-status").get_attribute("value"), status)
            counts = self.driver.find_element(By.ID, "counts").text
            self.assertTrue(counts.startswith("%d chain" % len(want)), counts)
        # "errors": anything raised, recovered or not.
        self.js("rtReport.setFilter({status: 'errors'})")
        got = sorted((c["label"], c["deferredID"]) for c in self.visible())
        self.assertEqual(got, sorted((c["label"], c["id"]) for c in self.chains if c["raised"] or c["outcome"] == "failed"))
        # Search highlights the chain whose label matches, typed into the box.
        self.js("rtReport.setFilter({})")
        label = max((c["label"] for c in self.chains), key=len)
        box = self.driver.find_element(By.ID, "filter-text")
        box.send_keys(label)
        matching = [c for c in self.chains if label.lower() in c["label"].lower()]
        self.wait_for(lambda: len(self.driver.find_elements(By.CSS_SELECTOR, ".chain-row.match")) == len(matching),
                      "the search highlight")
        for row in self.driver.find_elements(By.CSS_SELECTOR, ".chain-row.match"):
            self.assertIn(label, row.find_element(By.CSS_SELECTOR, ".label").text)
        others = self.driver.find_elements(By.CSS_SELECTOR, ".chain-row:not(.match)")
        self.assertEqual(len(others), len(self.chains) - len(matching))
        self.assertIn("%d match" % len(matching), self.driver.find_element(By.ID, "counts").text)
        # Typing "n" or "p" in the box is text, not a replay step.
        box.send_keys("np")
        self.assertEqual(self.js("return rtReport.replay().step"), 0)
        self.assertNoErrors()

    def test_ladder_path_and_link(self):
        self.open(self.html)
        d = [c for c in self.chains if c["label"] == "d"][0]
        d2 = [c for c in self.chains if c["label"] == "d2"][0]
        i = self.index_of("d", d["id"])
        self.row(i).click()
        self.assertEqual(self.js("return rtReport.selected().chain"), i)
        self.assertIn("d #%d" % d["id"], self.driver.find_element(By.ID, "detail-title").text)
        pairs = self.driver.find_elements(By.CSS_SELECTOR, "#ladder .pair")
        self.assertEqual(len(pairs), d["pairs"])
        self.assertEqual(len(pairs), 6)
        names = [p.find_element(By.CSS_SELECTOR, ".cb").text for p in pairs]
        problem = names.index("problem")
        recover = [p.find_element(By.CSS_SELECTOR, ".eb").text for p in pairs].index("simpleErrback")
        self.assertEqual(recover, problem + 1)
        for k, p in enumerate(pairs):
            path_in, path_out = p.get_attribute("data-path-in"), p.get_attribute("data-path-out")
            want_in = "errback" if k == recover else "callback"
            want_out = "errback" if k == problem else "callback"
            self.assertEqual((path_in, path_out), (want_in, want_out), "pair %d" % k)
            self.assertEqual(p.get_attribute("data-fate"), "ran")
            ran = p.find_elements(By.CSS_SELECTOR, ".ran")
            self.assertEqual(len(ran), 1, "pair %d: one half ran" % k)
            self.assertIn("eb" if k == recover else "cb", ran[0].get_attribute("class").split())
            self.assertIn("on-path", ran[0].get_attribute("class").split())
        self.assertEqual(pairs[recover].find_element(By.CSS_SELECTOR, ".cb").text, "pass")
        # Clicking a run shows its values in the side panel.
        pairs[problem].find_element(By.CSS_SELECTOR, ".cb.ran").click()
        panel = self.driver.find_element(By.ID, "run-panel").text
        self.assertIn("Problem", panel)
        self.assertIn("something went wrong", panel)
        self.assertGreaterEqual(self.js("return rtReport.selected().run"), 0)
        # The link to d2 opens d2.
        j = self.index_of("d2", d2["id"])
        self.row(i)
        links = self.driver.find_elements(By.CSS_SELECTOR, "#detail a.chain-link[data-chain='%d']" % j)
        self.assertTrue(links, "a link from d to d2")
        links[0].click()
        self.assertEqual(self.js("return rtReport.selected().chain"), j)
        self.assertIn("d2 #%d" % d2["id"], self.driver.find_element(By.ID, "detail-title").text)
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, "#ladder .pair")), d2["pairs"])
        back = self.driver.find_elements(By.CSS_SELECTOR, "#detail a.chain-link[data-chain='%d']" % i)
        self.assertTrue(back, "d2 links back to d")
        self.assertNoErrors()

    def test_replay_follows_the_log(self):
        self.open(self.html)
        steps = steps_of(self.lines)
        count = self.js("return rtReport.replay().count")
        self.assertEqual(count, len(steps))
        chains = {c["index"]: (c["label"], c["deferredID"]) for c in self.visible()}
        self.js("rtReport.openChain(arguments[0])", self.index_of("d", 1))
        for k in range(1, len(steps) + 1):
            self.key("n")
            r = self.js("return rtReport.replay()")
            self.assertEqual(r["step"], k)
            # Steps at the same time may come in either order; the k-th must be one of them.
            same_time = [s for s in steps if s[0] == steps[k - 1][0]]
            got = (r["type"], chains[r["chain"]])
            self.assertIn(got, [(s[1], s[2]) for s in same_time], "step %d" % k)
            who = "%s #%d" % chains[r["chain"]]
            self.assertTrue(r["text"].startswith(who + ": "), r["text"])
            self.assertEqual(self.driver.find_element(By.ID, "replay-text").text, r["text"])
            if r["type"] == "run":
                runs = [s[3] for s in same_time if s[1] == "run" and s[2] == chains[r["chain"]]]
                # Following, the detail shows the step's chain, its run outlined.
                self.assertEqual(self.js("return rtReport.selected().chain"), r["chain"])
                current = self.driver.find_elements(By.CSS_SELECTOR, "#ladder .pair > .cb.current, #ladder .pair > .eb.current")
                self.assertEqual(len(current), 1, "step %d: one outlined cell" % k)
                self.assertEqual(current[0].get_attribute("data-run"), str(r["run"]))
                pair = current[0].find_element(By.XPATH, "..").get_attribute("data-index")
                self.assertIn((current[0].text, int(pair)), runs)
                self.assertIn(current[0].text + " ran on the", r["text"])
        self.assertEqual(self.js("return rtReport.replay().step"), len(steps))
        self.key("n")  # past the end: stays
        self.assertEqual(self.js("return rtReport.replay().step"), len(steps))
        self.key("p", 2)
        self.assertEqual(self.js("return rtReport.replay().step"), len(steps) - 2)
        self.driver.find_element(By.ID, "replay-prev").click()
        self.assertEqual(self.js("return rtReport.replay().step"), len(steps) - 3)
        self.driver.find_element(By.ID, "replay-next").click()
        self.assertEqual(self.js("return rtReport.replay().step"), len(steps) - 2)
        scrub = self.driver.find_element(By.ID, "replay-scrub")
        self.assertEqual(scrub.get_attribute("max"), str(len(steps)))
        self.assertEqual(scrub.get_attribute("value"), str(len(steps) - 2))
        # Play runs by itself; space pauses.
        self.js("document.getElementById('replay-speed').value = '50'")
        self.key(Keys.HOME)
        self.assertEqual(self.js("return rtReport.replay().step"), 0)
        self.driver.find_element(By.ID, "replay-play").click()
        self.wait_for(lambda: self.js("return rtReport.replay().step") >= 3, "play to advance")
        self.key(Keys.SPACE)
        paused = self.js("return rtReport.replay().step")
        time.sleep(0.2)
        self.assertEqual(self.js("return rtReport.replay().step"), paused)
        self.assertNoErrors()

    def test_hash_restores_the_view(self):
        self.open(self.html)
        i = self.index_of("d", 1)
        self.row(i).click()
        cell = self.driver.find_element(By.CSS_SELECTOR, "#ladder .pair:nth-of-type(3) .ran")
        cell.click()
        run = self.js("return rtReport.selected().run")
        self.assertGreaterEqual(run, 0)
        self.driver.find_element(By.ID, "replay-follow").click()  # off: the detail stays on d
        self.key("n", 5)
        self.key("+", 2)
        self.js("rtReport.setFilter({status: 'recovered', text: 'd'})")
        window = self.js("return rtReport.timeWindow()")
        self.wait_for(lambda: "step=5" in self.js("return location.hash") and "status=recovered" in self.js("return location.hash"),
                      "the hash to follow the view")
        url = self.js("return location.href")
        self.assertIn("#", url)
        self.assertIn("chain=%d" % i, url)
        self.assertIn("run=%d" % run, url)
        # A fresh load of the link shows the same view.
        self.driver.get("about:blank")
        self.open(self.html, url[url.index("#"):])
        self.assertEqual(self.js("return rtReport.selected()"), {"chain": i, "run": run})
        self.assertEqual(self.js("return rtReport.replay().step"), 5)
        self.assertEqual(self.driver.find_element(By.ID, "filter-status").get_attribute("value"), "recovered")
        self.assertEqual(self.driver.find_element(By.ID, "filter-text").get_attribute("value"), "d")
        restored = self.js("return rtReport.timeWindow()")
        self.assertAlmostEqual(restored["from"], window["from"], delta=1)
        self.assertAlmostEqual(restored["to"], window["to"], delta=1)
        self.assertEqual([c["index"] for c in self.visible()],
                         [c["index"] for c in self.visible() if c["outcome"] == "recovered"])
        self.assertNoErrors()

    def test_zoom_keys_and_fit(self):
        self.open(self.html)
        full = self.js("return rtReport.timeWindow()")
        self.driver.find_element(By.ID, "overview").click()
        self.key("+")
        zoomed = self.js("return rtReport.timeWindow()")
        self.assertLess(zoomed["to"] - zoomed["from"], full["to"] - full["from"])
        self.key(Keys.ARROW_RIGHT)
        panned = self.js("return rtReport.timeWindow()")
        self.assertGreater(panned["from"], zoomed["from"])
        self.driver.find_element(By.ID, "fit").click()
        self.assertEqual(self.js("return rtReport.timeWindow()"), full)
        self.key("-")
        self.key("0")
        self.assertEqual(self.js("return rtReport.timeWindow()"), full)
        # The wheel zooms, dragging pans.
        canvas = self.driver.find_element(By.ID, "overview")
        ActionChains(self.driver).scroll_from_origin(ScrollOrigin.from_element(canvas), 0, -300).perform()
        wheeled = self.wait_for(lambda: (lambda w: w if w != full else None)(self.js("return rtReport.timeWindow()")), "the wheel to zoom")
        self.assertLess(wheeled["to"] - wheeled["from"], full["to"] - full["from"])
        ActionChains(self.driver).move_to_element(canvas).click_and_hold().move_by_offset(-200, 0).release().perform()
        dragged = self.js("return rtReport.timeWindow()")
        self.assertGreater(dragged["from"], wheeled["from"])
        self.assertAlmostEqual(dragged["to"] - dragged["from"], wheeled["to"] - wheeled["from"], delta=1)
        # Keyboard on the list: arrows and Enter open a chain.
        lst = self.driver.find_element(By.ID, "chain-list")
        lst.send_keys(Keys.ARROW_DOWN)
        lst.send_keys(Keys.ENTER)
        self.assertGreaterEqual(self.js("return rtReport.selected().chain"), 0)
        self.assertNoErrors()


class Screenshots(ReportCase):
    def test_screenshots(self):
        echo = os.environ.get("REACTORTRACK_ECHO_LOG")
        overview = render(echo, "echo.html") if echo else render(SEED_LOG, "seed-overview.html")
        took = self.open(overview)
        self.assertNoErrors()
        # With a chain open: the first that recovered, else the first.
        listed = self.js("return rtReport.visibleChains()")
        shown = ([c for c in listed if c["outcome"] == "recovered"] + listed)[0]
        self.js("rtReport.openChain(arguments[0])", shown["index"])
        self.driver.save_screenshot(os.path.join(WORK, "report-overview.png"))
        seed = render(SEED_LOG, "seed-shots.html")
        self.open(seed)
        chains = {(c["label"], c["deferredID"]): c["index"] for c in self.js("return rtReport.visibleChains()")}
        d = chains[("d", 1)]
        self.js("rtReport.openChain(arguments[0])", d)
        self.driver.find_element(By.CSS_SELECTOR, "#ladder .pair:nth-of-type(4) .ran").click()
        self.driver.save_screenshot(os.path.join(WORK, "report-detail.png"))
        steps = steps_of(read_log(SEED_LOG))
        problem = [k for k, s in enumerate(steps, 1) if s[1] == "run" and s[3][0] == "problem"][0]
        self.js("document.getElementById('run-panel').scrollTop = 0")
        self.key("n", problem)
        self.assertEqual(self.js("return rtReport.replay().type"), "run")
        self.driver.save_screenshot(os.path.join(WORK, "report-replay.png"))
        self.assertNoErrors()
        print("\nscreenshots in %s (overview ready in %.2f s)" % (WORK, took), file=sys.stderr)


class FiguresAgreeWithSummary(ReportCase):
    """The header's figures are `summary --json`'s: the same numbers for the whole log, for a filter that keeps
    every chain (the page then computes them itself), and for a selection (the report's "errors" filter against
    `summary --errors`)."""

    def summary(self, log, *options):
        """`summary --json` of `log`; None when the options select no chain (`summary` then says so and fails)."""
        r = subprocess.run([CLI, "summary", log, "--json"] + list(options), capture_output=True, text=True)
        if r.returncode == 1 and "nothing selected" in r.stderr:
            return None
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def check(self, shown, summary, what):
        d = summary["durations"]
        self.assertEqual(shown["count"], d["count"], what)
        for key in ("p50", "p90", "p95", "p99", "max"):
            # The filtered figures are computed in the page from whole microseconds.
            self.assertAlmostEqual(shown[key], d[key], delta=2e-6, msg="%s %s" % (what, key))
        self.assertAlmostEqual(shown["running"], summary["running"], delta=1e-5, msg=what + " running")
        self.assertAlmostEqual(shown["waiting"], summary["waiting"], delta=1e-5, msg=what + " waiting")
        self.assertEqual(shown["chains"], summary["chains"], what + " chains")
        self.assertEqual(shown["outcomes"], summary["outcomes"], what + " outcomes")

    def test_header_figures(self):
        fixtures = os.path.join(ROOT, "Tests", "Fixtures")
        # The examples' logs, and every log of the repo's fixtures: the monitor's, Eliot's, Twisted's and the
        # original Reactor Track format.
        logs = [l for l in (SEED_LOG, os.environ.get("REACTORTRACK_ECHO_LOG")) if l] + sorted(
            os.path.join(fixtures, name) for name in os.listdir(fixtures)
            if name.endswith((".out", ".log")) and name != "empty.log")
        for log in logs:
            html = render(log, "figures-%s.html" % os.path.basename(log))
            self.open(html)
            whole = self.summary(log)
            self.check(self.js("return rtReport.figures()"), whole, log + " (whole log)")
            # A time window from the log's start keeps every chain: the seed's d2 runs inside d's callback, and
            # its second counts once, as in `summary` (adding up runs gave 3.0 s where `summary` says 2.0 s).
            self.js("rtReport.setFilter({from: 0})")
            self.assertEqual(len(self.js("return rtReport.visibleChains()")), whole["chains"], log)
            self.check(self.js("return rtReport.figures()"), whole, log + " (every chain, filtered)")
            self.js("rtReport.setFilter({status: 'errors'})")
            errors = self.summary(log, "--errors")
            if errors is None:
                self.assertEqual(self.js("return rtReport.visibleChains()"), [], log + " (errors)")
            else:
                self.assertEqual(len(self.js("return rtReport.visibleChains()")), errors["chains"], log + " (errors)")
                self.check(self.js("return rtReport.figures()"), errors, log + " (errors)")
            self.assertNoErrors()


class HostileReport(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.log = os.path.join(WORK, "hostile.log")
        hostile_log.main(cls.log)
        cls.html = render(cls.log, "hostile.html")

    def assertSafe(self):
        with self.assertRaises(NoAlertPresentException):
            self.driver.switch_to.alert.text
        self.assertEqual(self.js("return document.querySelectorAll('script').length"), 2)
        self.assertEqual(self.js("return document.querySelectorAll('img, iframe, object, embed').length"), 0)
        self.assertFalse(self.js("return !!window.__pwned"))

    def test_hostile_strings_are_text(self):
        self.open(self.html)
        self.assertNoErrors()
        self.assertSafe()
        with open(self.html, encoding="utf-8") as f:
            page = f.read()
        # The data cannot end its element: no raw "<" inside it.
        data = re.search(r'<script type="application/json" id="rt-data">(.*?)</script>', page, re.S).group(1)
        self.assertNotIn("<", data)
        visible = self.js("return rtReport.visibleChains()")
        self.assertEqual(len(visible), 2)
        literal = "<script>alert(1)</script>"
        for c in visible:
            self.js("rtReport.openChain(arguments[0])", c["index"])
            self.assertSafe()
            detail = self.js("return document.getElementById('detail').textContent")
            self.assertIn(literal, detail)
            self.assertIn("\"'`</script>", detail)
            self.assertIn("<img src=x onerror=alert(2)>", detail)
            for cell in self.driver.find_elements(By.CSS_SELECTOR, "#ladder .ran, #spans .span-row"):
                cell.click()
                self.assertSafe()
                self.assertIn(literal, self.js("return document.getElementById('run-panel').textContent"))
        # The list and the search show it as text too, and the 1 MB value is cut, not dropped.
        self.assertIn(literal, self.js("return document.getElementById('chain-list').textContent"))
        self.js("rtReport.setFilter({text: arguments[0]})", literal)
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, ".chain-row.match")), 2)
        deferred = [c for c in visible if c["deferredID"] >= 0][0]
        self.js("rtReport.openChain(arguments[0])", deferred["index"])
        panel = self.js("return document.getElementById('run-panel').textContent")
        self.assertRegex(panel, "x{1000,}…")
        self.assertLess(len(page), 1_000_000, "a 1 MB value is cut, not carried whole")
        # Every step is about a chain labelled with the hostile text, and says so literally.
        self.js("rtReport.openChain(arguments[0])", deferred["index"])
        for k in range(self.js("return rtReport.replay().count")):
            self.key("n")
            self.assertSafe()
            self.assertIn(literal, self.js("return document.getElementById('replay-text').textContent"))
        self.assertSafe()
        self.assertNoErrors()


@unittest.skipUnless(os.environ.get("REACTORTRACK_BIG_LOG"), "set REACTORTRACK_BIG_LOG to time a big log's report")
class BigReport(ReportCase):
    def test_opens_to_interactive_in_3_s(self):
        page = render(os.environ["REACTORTRACK_BIG_LOG"], "big.html")
        took = self.open(page)
        print("\nbig report (%d MB): interactive in %.2f s" % (os.path.getsize(page) >> 20, took), file=sys.stderr)
        self.assertLess(took, 3.0)
        self.assertNoErrors()
        start = time.time()
        self.js("rtReport.setFilter({status: 'failed', text: 'a'})")
        self.assertLess(time.time() - start, 1.0)
        self.assertGreater(len(self.driver.find_elements(By.CSS_SELECTOR, "#chain-list .chain-row")), 0)
        self.js("rtReport.setFilter({})")
        self.assertLess(self.js("return document.querySelectorAll('#chain-list .chain-row').length"), 200)
        self.assertNoErrors()


class ColourSchemes(ReportCase):
    """Readable in light and dark: the page follows prefers-color-scheme, and its text keeps a contrast of at
    least 4.5:1 (WCAG AA) against what is behind it, in the header, the list, the ladder and the side panel."""

    CONTRAST = """
    function rgba(c) { var m = c.match(/[\\d.]+/g).map(Number); if (m.length < 4) m.push(1); return m; }
    function over(top, under) {  // a translucent colour composited over what is under it
      return [0, 1, 2].map(function (i) { return top[i] * top[3] + under[i] * (1 - top[3]); }).concat([1]);
    }
    function lum(c) {
      var v = c.slice(0, 3).map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
      return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
    }
    function background(e) {
      if (!e) return [255, 255, 255, 1];
      var b = rgba(getComputedStyle(e).backgroundColor);
      return b[3] >= 1 ? b : over(b, background(e.parentElement));
    }
    var out = [];
    document.querySelectorAll(arguments[0]).forEach(function (e) {
      if (!e.offsetWidth || !e.textContent.trim()) return;
      var bg = background(e), a = lum(over(rgba(getComputedStyle(e).color), bg)), b = lum(bg);
      out.push([e.tagName + "." + e.className, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]);
    });
    return [out, getComputedStyle(document.body).backgroundColor];
    """

    def test_light_and_dark(self):
        html = render(SEED_LOG, "schemes.html")
        backgrounds = []
        for scheme in ("light", "dark"):
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                        {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            self.open(html)
            self.js("rtReport.openChain(0)")
            pairs, body = self.js(self.CONTRAST, "h1, #counts, #figures, .chain-row .label, .chain-row .outcome, "
                                  "#ladder .cb, #ladder .eb, #run-panel .key, #run-panel .value, #replay-text")
            self.assertGreater(len(pairs), 10, scheme)
            low = [(what, round(ratio, 2)) for what, ratio in pairs if ratio < 4.5]
            self.assertEqual(low, [], "%s: text below 4.5:1 contrast" % scheme)
            backgrounds.append(body)
            self.assertNoErrors()
        self.assertNotEqual(backgrounds[0], backgrounds[1], "the dark scheme changes nothing")
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


class BrokenData(ReportCase):
    def test_unreadable_data_says_so(self):
        seed = render(SEED_LOG, "broken.html")
        with open(seed, encoding="utf-8") as f:
            page = f.read()
        start = page.index('id="rt-data">') + len('id="rt-data">')
        page = page[:start] + "{not json" + page[page.index("</script>", start):]
        broken = os.path.join(WORK, "broken.html")
        with open(broken, "w", encoding="utf-8") as f:
            f.write(page)
        self.driver.get("file://" + broken)
        error = self.wait_for(lambda: self.js("return document.body.dataset.error"), "the error")
        self.assertIn("could not be read", error)
        self.assertTrue(self.driver.find_element(By.ID, "error").is_displayed())
        self.assertIsNone(self.js("return document.body.dataset.ready || null"))


def main():
    global CLI, WORK, SEED_LOG
    args = sys.argv[1:]
    CLI = os.path.abspath(args[0]) if args else os.environ.get("REACTORTRACK_CLI")
    if not CLI:
        sys.exit("usage: test_report.py CLI [WORKDIR]  (or env REACTORTRACK_CLI)")
    WORK = os.path.abspath(args[1] if len(args) > 1 else os.environ.get("REACTORTRACK_WORKDIR") or tempfile.mkdtemp(prefix="rt-browser-"))
    os.makedirs(WORK, exist_ok=True)
    SEED_LOG = os.environ.get("REACTORTRACK_SEED_LOG")
    if not SEED_LOG:
        example = os.path.join(os.path.dirname(CLI), "seed-example")
        if os.path.exists(example):
            SEED_LOG = os.path.join(WORK, "mon.out")
            subprocess.run([example, SEED_LOG], check=True, capture_output=True)
        else:
            SEED_LOG = os.path.join(ROOT, "Tests", "Fixtures", "mon.out")
    SEED_LOG = os.path.abspath(SEED_LOG)
    report_support.CLI, report_support.WORK = CLI, WORK
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)


SEED_LOG = None

if __name__ == "__main__":
    main()
