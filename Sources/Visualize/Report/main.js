// main.js: starts the report: reads the data, the filter and its counts, the chain list (virtualised: only the
// rows in view are in the page), the keyboard, the URL hash (the view: chain, run, step, filter, zoom), and
// window.rtReport for tests and scripts.
var RT = window.RT || (window.RT = {});
(function () {
  "use strict";

  var ROW = 22;
  var $ = function (id) { return document.getElementById(id); };
  var el = RT.el;

  function fail(message) {
    var box = $("error");
    if (box) {
      box.textContent = "This report could not be shown: " + message;
      box.hidden = false;
    }
    var counts = $("counts");
    if (counts) counts.textContent = "No data.";
    document.body.setAttribute("data-error", String(message));
  }

  function App(D) {
    this.D = D;
    this.list = new Int32Array(0);
    this.match = null;
    this.matches = 0;
    this.pos = new Int32Array(D.n).fill(-1);
    this.selectedChain = -1;
    this.cursorPos = -1;
    this.listEl = $("chain-list");
    this.spacer = $("chain-list-spacer");
    this.rows = {};
    this.hashTimer = 0;
    this.restoring = false;
  }

  App.prototype.start = function () {
    var D = this.D, raw = D.raw;
    // File names and warnings come from the user and the log: their controls shown, as every log string's.
    $("title").textContent = RT.visible(raw.title || "reactortrack report");
    document.title = RT.visible(raw.title || document.title);
    $("sources").textContent = (raw.inputs || []).map(RT.visible).join(", ");
    var warnings = raw.warnings || [];
    if (warnings.length) {
      var w = $("warnings");
      var more = (raw.warningCount || 0) > warnings.length ? "\n… " + raw.warningCount + " warnings in all" : "";
      w.textContent = warnings.map(RT.visible).join("\n") + more;
      w.hidden = false;
    }
    var status = $("filter-status"), errors = status.querySelector("option[value=errors]");
    for (var i = 0; i < D.outcomeNames.length; i++) {
      status.insertBefore(el("option", { value: D.outcomeNames[i] }, [D.outcomeNames[i]]), errors);
    }
    // The timeline's height suits the number of chains (the user can drag it taller or shorter).
    var wrap = $("overview-wrap"), want = 22 + Math.max(3, Math.min(D.n, 12)) * 20 + 10;
    if (want < wrap.getBoundingClientRect().height) wrap.style.height = want + "px";
    this.overview = new RT.Overview(this, $("overview"));
    this.detail = new RT.Detail(this);
    this.replay = new RT.Replay(this);
    this.bindFilter();
    this.bindList();
    this.bindKeys();
    var h = this.readHash();
    this.applyHash(h, true);
    var self = this;
    // Back and Forward go through the chains opened (each a history entry, see writeHash).
    var onHistory = function () { if (location.hash !== self.lastHash) self.applyHash(self.readHash(), false); };
    window.addEventListener("hashchange", onHistory);
    window.addEventListener("popstate", onHistory);
    this.overview.drawNow();
  };

  // ---- filter, counts, figures ----
  App.prototype.filterState = function () {
    return {
      text: $("filter-text").value, status: $("filter-status").value, type: $("filter-type").value,
      minDuration: $("filter-min").value, from: $("filter-from").value, to: $("filter-to").value,
      only: $("filter-only").checked
    };
  };
  App.prototype.setFilterControls = function (f) {
    var set = function (id, v) { $(id).value = v === undefined || v === null ? "" : String(v); };
    set("filter-text", f.text); set("filter-type", f.type); set("filter-min", f.minDuration);
    set("filter-from", f.from); set("filter-to", f.to);
    var st = $("filter-status"), v = f.status || "";
    st.value = st.querySelector("option[value='" + (/^[A-Za-z]*$/.test(v) ? v : "") + "']") ? v : "";
    $("filter-only").checked = !!f.only;
  };

  App.prototype.applyFilter = function (quiet) {
    var D = this.D, f = this.filterState(), r = D.filter(f);
    this.list = r.list;
    this.match = r.match;
    this.matches = r.matches;
    this.filtered = r.active;
    this.pos.fill(-1);
    for (var i = 0; i < r.list.length; i++) this.pos[r.list[i]] = i;
    this.updateCounts(f);
    this.clearRows();
    this.spacer.style.height = r.list.length * ROW + "px";
    this.cursorPos = this.selectedChain >= 0 ? this.pos[this.selectedChain] : -1;
    this.renderList();
    this.overview.draw();
    if (!quiet) this.scheduleHash();
  };

  App.prototype.updateCounts = function (f) {
    var D = this.D, fig = D.figures(this.list), parts = [];
    for (var i = 0; i < D.outcomeNames.length; i++) if (fig.counts[i]) parts.push(fig.counts[i] + " " + D.outcomeNames[i]);
    var n = this.list.length;
    var text = n + (n === 1 ? " chain" : " chains") + (parts.length ? ": " + parts.join(", ") : "");
    if (fig.incomplete) text += " · " + fig.incomplete + " incomplete";
    if (this.filtered) text += " (of " + D.n + ")";
    if (this.match) text += " · " + this.matches + (this.matches === 1 ? " match" : " matches");
    $("counts").textContent = text;
    var s = D.summary, useSummary = s && !this.filtered && s.durations;
    var sec = function (v) { return v === null || v === undefined || !isFinite(v) ? "–" : RT.seconds(v); };
    var d = useSummary ? s.durations : null;
    var p = d ? [d.p50, d.p90, d.p95, d.p99, d.max] : [fig.p50 / 1e6, fig.p90 / 1e6, fig.p95 / 1e6, fig.p99 / 1e6, fig.max / 1e6];
    var count = d ? d.count : fig.complete;
    var run = useSummary ? s.running : fig.running / 1e6, wait = useSummary ? s.waiting : fig.waiting / 1e6;
    // The figures as numbers (seconds), for rtReport.figures(): the tests compare them with `summary --json`.
    var outcomes = {};
    for (i = 0; i < D.outcomeNames.length; i++) if (fig.counts[i]) outcomes[D.outcomeNames[i]] = fig.counts[i];
    this.shownFigures = { p50: p[0], p90: p[1], p95: p[2], p99: p[3], max: p[4], count: count, running: run, waiting: wait,
      chains: n, outcomes: outcomes };
    var line = count ? "chain duration p50 " + sec(p[0]) + " · p90 " + sec(p[1]) + " · p95 " + sec(p[2]) + " · p99 " + sec(p[3]) + " · max " + sec(p[4]) + " (" + count + " complete)" : "no complete chain";
    // Time in callbacks and waiting is a Deferred's: a log of plain Eliot tasks has none to tell.
    if (fig.deferreds) line += "  ·  in callbacks " + sec(run) + " (" + RT.percent(run, run + wait) + ") · waiting on other Deferreds " + sec(wait) + " (" + RT.percent(wait, run + wait) + ")";
    $("figures").textContent = line;
  };

  App.prototype.bindFilter = function () {
    var self = this, timer = 0;
    var later = function () { clearTimeout(timer); timer = setTimeout(function () { self.applyFilter(); }, 140); };
    ["filter-text", "filter-type", "filter-min", "filter-from", "filter-to"].forEach(function (id) { $(id).addEventListener("input", later); });
    ["filter-status", "filter-only"].forEach(function (id) { $(id).addEventListener("change", function () { self.applyFilter(); }); });
    $("filter-clear").addEventListener("click", function () { self.setFilterControls({}); self.applyFilter(); });
    $("filter-text").addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); self.applyFilter(); self.nextMatch(e.shiftKey ? -1 : 1); }
      else if (e.key === "Escape") { e.target.blur(); }
    });
    $("fit").addEventListener("click", function () { self.overview.fit(); });
    $("zoom-in").addEventListener("click", function () { self.overview.zoom(0.6); });
    $("zoom-out").addEventListener("click", function () { self.overview.zoom(1 / 0.6); });
    $("help-button").addEventListener("click", function () { self.toggleHelp(); });
  };

  App.prototype.nextMatch = function (dir) {
    if (!this.match || !this.list.length) return;
    var n = this.list.length, at = this.selectedChain >= 0 ? this.pos[this.selectedChain] : -1;
    for (var k = 1; k <= n; k++) {
      var i = ((at + dir * k) % n + n) % n;
      if (this.match[this.list[i]]) { this.openChain(this.list[i], { scroll: true }); return; }
    }
  };

  // ---- the chain list, virtualised ----
  App.prototype.clearRows = function () {
    for (var k in this.rows) if (this.rows.hasOwnProperty(k)) this.rows[k].remove();
    this.rows = {};
  };
  App.prototype.listRange = function () {
    var top = this.listEl.scrollTop, h = this.listEl.clientHeight || 400;
    return [Math.floor(top / ROW), Math.min(this.list.length, Math.ceil((top + h) / ROW))];
  };
  App.prototype.renderList = function () {
    var range = this.listRange(), a = Math.max(0, range[0] - 8), b = Math.min(this.list.length, range[1] + 8);
    for (var k in this.rows) {
      if (!this.rows.hasOwnProperty(k)) continue;
      if (k < a || k >= b) { this.rows[k].remove(); delete this.rows[k]; }
    }
    for (var i = a; i < b; i++) {
      if (!this.rows[i]) { this.rows[i] = this.makeRow(i); this.listEl.appendChild(this.rows[i]); }
      else this.styleRow(this.rows[i], i);
    }
  };
  var DOT = { succeeded: "var(--errback)", recovered: "var(--errback)", failed: "var(--failure)", unhandled: "var(--failure)",
    waiting: "var(--waiting)", pending: "var(--pending)" };
  App.prototype.makeRow = function (i) {
    var D = this.D, C = D.C, c = this.list[i], outcome = D.outcome(c);
    var pairs = C.kind[c] === D.KIND.action || C.kind[c] === D.KIND.message ? "" : String(C.pairCount[c]);
    var dot = el("span", { class: "dot" + (C.recovered[c] ? " recovered" : "") });
    dot.style.background = DOT[outcome] || "var(--muted)";
    var row = el("div", { class: "chain-row", role: "option", "data-chain": String(c), tabindex: "-1",
      title: D.name(c) + " — " + (D.str(C.badge[c]) || outcome) }, [
      dot, el("span", { class: "label" }, [RT.nameNode(D, c)]), el("span", { class: "pairs" }, [pairs]),
      el("span", { class: "outcome" }, [D.incomplete[c] ? "incomplete" : outcome])]);
    row.style.top = i * ROW + "px";
    if (C.depth[c] > 0) row.children[1].style.paddingLeft = Math.min(C.depth[c], 4) * 10 + "px"; // within its family
    this.styleRow(row, i);
    return row;
  };
  App.prototype.styleRow = function (row, i) {
    var D = this.D, c = this.list[i], rs = this.replay ? this.replay.info() : null;
    row.classList.toggle("selected", c === this.selectedChain);
    row.setAttribute("aria-selected", c === this.selectedChain ? "true" : "false");
    row.classList.toggle("match", !!(this.match && this.match[c]));
    // With the replay, a chain's outcome shows once it has ended.
    var T = rs && rs.step > 0 ? rs.time : Infinity, ended = T === Infinity || (!D.openEnd[c] && D.endEff[c] <= T);
    // (An incomplete task says so rather than its root's outcome: the badge in the detail has both.)
    var outcome = ended ? (D.incomplete[c] ? "incomplete" : D.outcome(c)) : D.startEff[c] > T ? "" : D.stateAt(c, T);
    var cell = row.lastChild;
    if (cell && cell.textContent !== outcome) cell.textContent = outcome;
    row.classList.toggle("failure", D.failure[c] === 1 && ended);
    row.classList.toggle("cursor", i === this.cursorPos);
    row.classList.toggle("future", !!(rs && rs.step > 0 && D.startEff[c] > rs.time));
    row.classList.toggle("replay-chain", !!(rs && rs.step > 0 && rs.chain === c));
  };
  App.prototype.restyleRows = function () {
    for (var k in this.rows) if (this.rows.hasOwnProperty(k)) this.styleRow(this.rows[k], +k);
  };
  App.prototype.scrollListTo = function (i, center) {
    var le = this.listEl, h = le.clientHeight || 400, top = i * ROW;
    if (center || top < le.scrollTop || top + ROW > le.scrollTop + h) le.scrollTop = Math.max(0, top - h / 2 + ROW / 2);
    this.cursorPos = i;
    this.renderList();
    this.restyleRows();
    this.overview.draw();
  };
  App.prototype.bindList = function () {
    var self = this, le = this.listEl, frame = 0;
    if (window.ResizeObserver) new ResizeObserver(function () { self.renderList(); }).observe(le);
    le.addEventListener("scroll", function () {
      if (frame) return;
      frame = requestAnimationFrame(function () { frame = 0; self.renderList(); self.overview.draw(); });
    });
    le.addEventListener("click", function (e) {
      var row = e.target.closest && e.target.closest(".chain-row");
      if (row) self.openChain(+row.getAttribute("data-chain"));
    });
    le.addEventListener("keydown", function (e) {
      var n = self.list.length, at = self.cursorPos;
      var moves = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
      if (moves[e.key] !== undefined || e.key === "Home" || e.key === "End") {
        e.preventDefault();
        e.stopPropagation();
        if (!n) return;
        at = e.key === "Home" ? 0 : e.key === "End" ? n - 1 : Math.max(0, Math.min(n - 1, (at < 0 ? -1 : at) + moves[e.key]));
        self.scrollListTo(at);
        var row = self.rows[at];
        if (row) row.focus({ preventScroll: true });
      } else if (e.key === "Enter" && n) {
        e.preventDefault();
        e.stopPropagation();
        var target = e.target.closest && e.target.closest(".chain-row");
        self.openChain(target ? +target.getAttribute("data-chain") : self.list[Math.max(0, at)]);
      }
    });
  };

  App.prototype.positionOf = function (c) { return c >= 0 && c < this.D.n ? this.pos[c] : -1; };
  App.prototype.setOverviewNote = function (text) { var n = $("overview-note"); if (n.textContent !== text) n.textContent = text; };

  // ---- selection ----
  App.prototype.openChain = function (c, opts) {
    c = +c;
    if (!(c >= 0 && c < this.D.n)) return;
    opts = opts || {};
    if (!this.restoring && !opts.fromReplay && c !== this.detail.chain) this.newEntry = true;
    this.selectedChain = c;
    this.detail.open(c, opts.run >= 0 ? opts.run : -1);
    var at = this.pos[c];
    if (at >= 0) { this.cursorPos = at; if (opts.scroll !== false) this.scrollListTo(at); }
    this.restyleRows();
    this.overview.draw();
    if (!opts.fromReplay) this.detail.markReplay(this.replay.info());
    this.scheduleHash();
  };
  App.prototype.selectionChanged = function () { this.scheduleHash(); };
  App.prototype.viewChanged = function () { this.scheduleHash(); };
  App.prototype.replayInfo = function () { return this.replay ? this.replay.info() : null; };

  // After each replay step: the overview's cursor, the list, and (following) the detail.
  App.prototype.replayChanged = function (opts) {
    var info = this.replay.info();
    // Following opens the step's chain, unless the filter hides it.
    if (info.step > 0 && this.replay.follow() && this.detail.chain >= 0 && info.chain >= 0 && info.chain !== this.detail.chain && !this.restoring && this.pos[info.chain] >= 0) {
      this.selectedChain = info.chain;
      this.detail.open(info.chain);
      var at = this.pos[info.chain];
      if (at >= 0) { this.cursorPos = at; this.scrollListTo(at); }
    }
    info.scroll = !!(opts && opts.scroll);
    this.detail.markReplay(info);
    var ov = this.overview;
    if (info.step > 0 && !this.restoring && (info.time < ov.t0 || info.time > ov.t1)) {
      var span = ov.t1 - ov.t0;
      ov.setWindow(info.time - span / 2, info.time + span / 2, true);
    }
    this.restyleRows();
    ov.draw();
    this.scheduleHash();
  };

  // ---- keyboard ----
  App.prototype.toggleHelp = function (show) {
    var h = $("help"), on = show === undefined ? h.hidden : show;
    h.hidden = !on;
    $("help-button").setAttribute("aria-expanded", on ? "true" : "false");
  };
  App.prototype.bindKeys = function () {
    var self = this;
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      var t = e.target, tag = t && t.tagName, type = tag === "INPUT" ? String(t.type).toLowerCase() : "";
      // Not while typing; a slider keeps its own arrow keys; a focused button or box keeps its space.
      if (tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
      if (tag === "INPUT" && !/^(checkbox|radio|button|range|submit|reset)$/.test(type)) return;
      if (type === "range" && /^(Arrow|Home|End|Page)/.test(e.key)) return;
      if (e.key === " " && (tag === "BUTTON" || tag === "A" || tag === "INPUT")) return;
      var ov = self.overview, rp = self.replay, done = true;
      switch (e.key) {
        case "n": rp.pause(); rp.next(); break;
        case "p": rp.prev(); break;
        case " ": rp.toggle(); break;
        case "Home": rp.pause(); rp.go(0); break;
        case "End": rp.pause(); rp.go(rp.count); break;
        case "+": case "=": ov.zoom(0.6); break;
        case "-": case "_": ov.zoom(1 / 0.6); break;
        case "0": ov.fit(); break;
        case "ArrowLeft": ov.pan(-0.15); break;
        case "ArrowRight": ov.pan(0.15); break;
        case "ArrowUp": case "ArrowDown":
          if (!self.list.length) break;
          var at = self.selectedChain >= 0 ? self.pos[self.selectedChain] : -1;
          var to = Math.max(0, Math.min(self.list.length - 1, at + (e.key === "ArrowUp" ? -1 : 1)));
          self.openChain(self.list[to], { scroll: true });
          break;
        case "/": $("filter-text").focus(); break;
        case "?": self.toggleHelp(); break;
        case "Escape": self.toggleHelp(false); break;
        default: done = false;
      }
      if (done) e.preventDefault();
    });
  };

  // ---- the URL hash: #chain=3&run=5&step=7&q=text&status=failed&type=job&min=10&from=0&to=2.5&t=<from>,<to> ----
  App.prototype.readHash = function () {
    var out = {}, text = location.hash.replace(/^#/, "");
    if (!text) return out;
    text.split("&").forEach(function (part) {
      var eq = part.indexOf("=");
      if (eq <= 0) return;
      try { out[decodeURIComponent(part.slice(0, eq))] = decodeURIComponent(part.slice(eq + 1).replace(/\+/g, " ")); } catch (err) { /* ignore */ }
    });
    return out;
  };
  App.prototype.applyHash = function (h, first) {
    this.restoring = true;
    this.setFilterControls({ text: h.q, status: h.status, type: h.type, minDuration: h.min, from: h.from, to: h.to, only: h.only === "1" });
    this.applyFilter(true);
    var t = (h.t || "").split(",");
    if (t.length === 2 && isFinite(parseFloat(t[0])) && isFinite(parseFloat(t[1])) && +t[1] > +t[0]) this.overview.setWindow(+t[0], +t[1], true);
    else if (first) this.overview.fit();
    var step = parseInt(h.step, 10);
    this.replay.go(step > 0 ? step : 0, { quiet: true });
    var c = parseInt(h.chain, 10), run = parseInt(h.run, 10), span = parseInt(h.span, 10);
    if (c >= 0 && c < this.D.n) {
      this.openChain(c, { scroll: true });
      if (run >= 0 && run < this.D.R.length && this.D.R.chain[run] === c) this.detail.selectRun(run, true);
      if (span >= 0 && span < this.D.SP.length && this.D.SP.chain[span] === c) this.detail.selectSpan(span, true);
    } else if (!first) {
      this.selectedChain = -1;
      this.detail.close();
    }
    this.replayChanged();
    this.restoring = false;
    this.writeHash();
  };
  App.prototype.scheduleHash = function () {
    if (this.restoring) return;
    var self = this;
    clearTimeout(this.hashTimer);
    this.hashTimer = setTimeout(function () { self.writeHash(); }, 120);
  };
  App.prototype.writeHash = function () {
    clearTimeout(this.hashTimer);
    var f = this.filterState(), parts = [];
    var add = function (k, v) { if (v !== "" && v !== undefined && v !== null && v !== false) parts.push(k + "=" + encodeURIComponent(v)); };
    if (this.detail.chain >= 0) add("chain", this.detail.chain);
    if (this.detail.run >= 0) add("run", this.detail.run);
    if (this.detail.span >= 0) add("span", this.detail.span);
    if (this.replay.step > 0) add("step", this.replay.step);
    add("q", f.text); add("status", f.status); add("type", f.type); add("min", f.minDuration);
    add("from", f.from); add("to", f.to); if (f.only) add("only", "1");
    var w = this.overview.window();
    parts.push("t=" + Math.round(w.from) + "," + Math.round(w.to));
    var hash = "#" + parts.join("&");
    // A chain the user opened is a new history entry (Back returns to the chain before); any other change of
    // view replaces the current one.
    var push = this.newEntry && this.entryChain !== this.detail.chain;
    this.newEntry = false;
    this.entryChain = this.detail.chain;
    if (location.hash !== hash || push) {
      try {
        if (push && location.hash) history.pushState(null, "", hash); else history.replaceState(null, "", hash);
      } catch (err) { /* a file: URL in some browsers */ }
    }
    this.lastHash = location.hash;
  };

  // ---- start ----
  function start() {
    var t0 = performance.now();
    var node = $("rt-data"), text = node ? node.textContent : "";
    if (!text || /^\s*\{\{DATA\}\}\s*$/.test(text)) { fail("the page carries no data."); return; }
    var D;
    try {
      D = RT.load(text);
    } catch (err) {
      fail("its data could not be read (" + (err && err.message ? err.message : String(err)) + ").");
      return;
    }
    text = null;
    var app = new App(D);
    try {
      app.start();
    } catch (err2) {
      fail("showing it failed (" + (err2 && err2.message ? err2.message : String(err2)) + ").");
      if (window.console) console.error(err2);
      return;
    }
    RT.app = app;
    window.rtReport = {
      visibleChains: function () {
        var out = [], C = D.C;
        for (var i = 0; i < app.list.length; i++) {
          var c = app.list[i];
          out.push({ index: c, label: D.str(C.label[c]), deferredID: C.deferredID[c], pairs: C.pairCount[c], outcome: D.outcome(c),
            incomplete: !!D.incomplete[c] });
        }
        return out;
      },
      selected: function () { return { chain: app.detail.chain, run: app.detail.run }; },
      replay: function () {
        var i = app.replay.info();
        return { step: i.step, count: i.count, type: i.type, chain: i.chain, run: i.run, ref: i.ref, time: i.time,
          text: i.text, fullText: i.fullText };
      },
      replayTo: function (step) { app.replay.pause(); app.replay.go(step); },
      openChain: function (i) { app.openChain(i, { scroll: true }); },
      setFilter: function (f) {
        f = f || {};
        app.setFilterControls({ text: f.text, status: f.status, type: f.type, minDuration: f.minDuration, from: f.from, to: f.to, only: f.only });
        app.applyFilter();
      },
      figures: function () { return app.shownFigures; },
      timeWindow: function () { var w = app.overview.window(); return { from: w.from, to: w.to }; },
      timings: { parse: D.loadMs, total: performance.now() - t0 }
    };
    document.body.setAttribute("data-ready", "1");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
