// replay.js: one cursor over all of the log's events (the events table), in time order. Step 0 is before the
// first event; at step k the current event is events[k - 1]. Next / Previous, Play / Pause at a chosen speed,
// a scrubber, a line saying what the step was, and the detail as it stood at the step (Detail.markReplay).
var RT = window.RT || (window.RT = {});
(function () {
  "use strict";

  var LINK_OUT = { chained: "chained to", waitedOn: "waits on", returned: "returned", contains: "contains" };

  function Replay(app) {
    this.app = app;
    this.D = app.D;
    this.count = this.D.E.length;
    this.step = 0;
    this.playing = false;
    this.timer = 0;
    this.els = {
      prev: document.getElementById("replay-prev"), next: document.getElementById("replay-next"),
      play: document.getElementById("replay-play"), speed: document.getElementById("replay-speed"),
      scrub: document.getElementById("replay-scrub"), text: document.getElementById("replay-text"),
      pos: document.getElementById("replay-pos"), follow: document.getElementById("replay-follow")
    };
    this.els.scrub.max = String(this.count);
    this.bind();
  }
  RT.Replay = Replay;

  // Log values in the replay line are cut to this many characters (the side panel shows the step in full).
  var LINE_LIMIT = 120;

  // Whether the run of step i (0-based) had returned before the next step: then the step is the whole run, and
  // its result belongs to it; otherwise its result comes later and is not told yet.
  Replay.prototype.runDone = function (i) {
    var D = this.D, E = D.E, r = E.ref[i];
    if (r < 0 || !(D.R.end[r] >= 0)) return false;
    return i + 1 >= E.length || D.R.end[r] <= E.time[i + 1];
  };

  // The parts of event i's text (0-based): strings, and {log: text} for strings from the log.
  // "d #1: simpleCallback ran on the callback side, 1.00 s → 1".
  Replay.prototype.parts = function (i) {
    var D = this.D, E = D.E, C = D.C, R = D.R, W = D.W, L = D.L, SP = D.SP;
    var c = E.chain[i], ref = E.ref[i], type = D.eventNames[E.type[i]] || "?";
    var out = [];
    var add = function () { for (var a = 0; a < arguments.length; a++) out.push(arguments[a]); };
    var log = function (text) { return { log: text }; };
    var name = function (chain) {
      add(log(D.label(chain)));
      if (C.deferredID[chain] >= 0) add(" #" + C.deferredID[chain]);
    };
    var other = function (chain, id) { if (chain >= 0) name(chain); else add(id >= 0 ? "#" + id : "?"); };
    if (c >= 0) name(c); else add("log");
    add(": ");
    switch (type) {
      case "created": add("created"); break;
      case "fired":
        var v = D.str(C.firedValue[c]);
        if (C.firedSide[c] === D.SIDE_ERR) add("fired with an error", v ? ": " : "", log(v));
        else if (v) add("fired with ", log(v)); else add("fired");
        break;
      case "run":
        if (ref < 0) { add("a callback ran"); break; }
        add(log(D.str(R.name[ref]) || "a callback"), " ran on the " + (D.side(R.side[ref]) || "callback") + " side");
        if (R.end[ref] < 0) { add(" (and had not returned when the log ended)"); break; }
        if (!this.runDone(i)) { add(" (returns after later steps)"); break; }
        add(", " + RT.duration(R.end[ref] - R.start[ref]));
        if (R.exception[ref] > 0) {
          var reason = D.str(R.reason[ref]);
          add(", raised ", log(D.str(R.exception[ref])), reason ? ": " : "", log(reason));
        } else {
          var o = D.str(R.output[ref]);
          if (o) add(" → ", log(o)); else add(", result not recorded");
        }
        break;
      case "wait": if (ref >= 0) { add("waiting on "); other(W.on[ref], W.onID[ref]); } else add("waiting"); break;
      case "resumed":
        if (ref < 0) { add("resumed"); break; }
        var val = D.str(W.value[ref]);
        if (W.side[ref] === D.SIDE_ERR) add("resumed with an error", val ? ": " : "", log(val));
        else add("resumed with ", val ? log(val) : "its result");
        if (W.end[ref] >= 0 && W.start[ref] >= 0) {
          add(" (waited " + RT.duration(W.end[ref] - W.start[ref]) + " on ");
          other(W.on[ref], W.onID[ref]);
          add(")");
        }
        break;
      case "link":
        var kind = ref >= 0 ? D.linkNames[L.kind[ref]] || "" : "";
        if (ref >= 0) { add((LINK_OUT[kind] || kind) + " "); other(L.target[ref], L.targetID[ref]); } else add("linked");
        break;
      case "cancelled": add("cancelled"); break;
      case "ended":
        add("ended, " + D.outcome(c));
        if (D.failure[c] && C.exception[c] > 0) add(" (", log(D.str(C.exception[c])), ")");
        if (D.incomplete[c]) add(", incomplete: not every action below it ended");
        break;
      case "action": add("action ", log(ref >= 0 ? D.str(SP.name[ref]) : "?"), " started"); break;
      case "actionFailed":
        add("action ", log(ref >= 0 ? D.str(SP.name[ref]) : "?"), " failed");
        if (ref >= 0 && SP.exception[ref] > 0) {
          add(": ", log(D.str(SP.exception[ref])));
          if (SP.reason[ref] > 0) add(": ", log(D.str(SP.reason[ref])));
        }
        break;
      case "message": add("message ", log(ref >= 0 ? D.str(SP.name[ref]) : "?")); break;
      default: add(type);
    }
    return out;
  };

  // A log value for the one-line replay line: newlines as spaces, cut to LINE_LIMIT characters.
  function short(text) {
    text = String(text).replace(/\s*\n\s*/g, " ");
    return text.length > LINE_LIMIT ? text.slice(0, LINE_LIMIT - 1) + "…" : text;
  }
  function joined(parts, cut) {
    var s = "";
    for (var k = 0; k < parts.length; k++) s += typeof parts[k] === "string" ? parts[k] : cut ? short(parts[k].log) : parts[k].log;
    return s;
  }
  // The text of event i (0-based), as the replay line shows it (long values cut).
  Replay.prototype.describe = function (i) { return joined(this.parts(i), true); };

  // Where the replay is: {step, count, time, type, chain, ref, run, runDone, text, fullText}.
  Replay.prototype.info = function () {
    var D = this.D, E = D.E, s = this.step;
    if (s <= 0) return { step: 0, count: this.count, time: -Infinity, type: "", chain: -1, ref: -1, run: -1, runDone: false, text: "", fullText: "" };
    var i = s - 1, type = D.eventNames[E.type[i]] || "", parts = this.parts(i);
    return {
      step: s, count: this.count, time: +E.time[i], type: type, chain: E.chain[i], ref: E.ref[i],
      run: type === "run" ? E.ref[i] : -1, runDone: type === "run" && this.runDone(i),
      text: joined(parts, true), fullText: joined(parts, false), parts: parts
    };
  };

  Replay.prototype.go = function (step, opts) {
    step = Math.max(0, Math.min(this.count, step | 0));
    this.step = step;
    this.show();
    if (!(opts && opts.quiet)) this.app.replayChanged({ scroll: true });
  };
  Replay.prototype.next = function () { if (this.step < this.count) this.go(this.step + 1); else this.pause(); };
  Replay.prototype.prev = function () { this.pause(); if (this.step > 0) this.go(this.step - 1); };

  Replay.prototype.show = function () {
    var info = this.info(), els = this.els;
    els.scrub.value = String(this.step);
    els.text.textContent = "";
    if (this.step === 0) els.text.textContent = this.count ? "Replay: " + this.count + " steps. Next (n) to start." : "Replay: this log has no events.";
    else {
      // One line: each log value isolated and cut; the whole step in the side panel and the tooltip.
      for (var k = 0; k < info.parts.length; k++) {
        var p = info.parts[k];
        if (typeof p === "string") els.text.appendChild(document.createTextNode(p));
        else if (p.log) els.text.appendChild(RT.bdi(short(p.log)));
      }
      els.text.title = info.fullText;
    }
    els.text.classList.toggle("current-step", this.step > 0);
    els.pos.textContent = "step " + this.step + " of " + this.count + (this.step > 0 ? " · " + RT.tickLabel(info.time - this.D.tMin) : "");
    els.prev.disabled = this.step === 0;
    els.next.disabled = this.step >= this.count;
  };

  Replay.prototype.delay = function () {
    var v = this.els.speed.value, E = this.D.E;
    if (v === "rt1" || v === "rt10") {
      var k = this.step, gap = k > 0 && k < this.count ? E.time[k] - E.time[k - 1] : 0;
      return Math.min(2000, Math.max(0, gap / 1000 * (v === "rt10" ? 10 : 1)));
    }
    return 1000 / Math.max(0.1, parseFloat(v) || 3);
  };
  Replay.prototype.play = function () {
    if (this.playing) return;
    if (this.step >= this.count) this.go(0);
    this.playing = true;
    this.els.play.textContent = "❚❚ Pause";
    this.els.play.setAttribute("aria-pressed", "true");
    this.schedule();
  };
  Replay.prototype.schedule = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      if (!self.playing) return;
      if (self.step >= self.count) { self.pause(); return; }
      self.go(self.step + 1);
      self.schedule();
    }, this.delay());
  };
  Replay.prototype.pause = function () {
    this.playing = false;
    clearTimeout(this.timer);
    this.els.play.textContent = "▶ Play";
    this.els.play.setAttribute("aria-pressed", "false");
  };
  Replay.prototype.toggle = function () { if (this.playing) this.pause(); else this.play(); };
  Replay.prototype.follow = function () { return this.els.follow.checked; };

  Replay.prototype.bind = function () {
    var self = this, els = this.els, frame = 0;
    els.prev.addEventListener("click", function () { self.prev(); });
    els.next.addEventListener("click", function () { self.next(); });
    els.play.addEventListener("click", function () { self.toggle(); });
    els.speed.addEventListener("change", function () { if (self.playing) self.schedule(); });
    els.scrub.addEventListener("input", function () {
      self.pause();
      var v = +els.scrub.value;
      if (frame) cancelAnimationFrame(frame);
      frame = requestAnimationFrame(function () { frame = 0; self.go(v); });
    });
    els.follow.addEventListener("change", function () { self.app.replayChanged({ scroll: true }); });
  };

  // The replay at step info (or null, before the first step): only what had happened by its time is drawn.
  // Runs, waits and actions not yet started fade; bars that started stop at the replay's time; results,
  // exceptions, durations and the outcome badge wait for the end they come from. Active waits and links light
  // up; the step's run (or wait, link, span) is outlined red; the side panel says the step in full.
  RT.Detail.prototype.markReplay = function (info) {
    if (this.chain < 0) return;
    var D = this.D, C = D.C, R = D.R, W = D.W, L = D.L, SP = D.SP, c = this.chain, root = this.root, i;
    var T = info && info.step > 0 ? info.time : Infinity, rg = this.rg;
    var changed = T !== this.T || (info && info.step > 0 ? info.text : "") !== this.stepText;
    this.T = T;
    this.stepText = info && info.step > 0 && info.chain === c ? info.fullText || info.text : "";
    var late = function (t) { return !(t >= 0) || t > T; }; // not (yet) happened
    // The step's own run, when it returned before the next step, is whole (see Replay.runDone).
    var doneRun = info && info.runDone ? info.run : -1;
    var runLate = function (r) { return r !== doneRun && late(R.end[r]); };
    var rows = root.querySelectorAll(".pair");
    for (i = 0; i < rows.length; i++) {
      var cell = rows[i].querySelector(".ran[data-run]");
      var fut = !!cell && R.start[+cell.getAttribute("data-run")] > T;
      rows[i].classList.toggle("future", fut);
    }
    var cells = root.querySelectorAll(".ran[data-run]");
    for (i = 0; i < cells.length; i++) {
      var rr = +cells[i].getAttribute("data-run");
      cells[i].classList.toggle("raised", R.exception[rr] > 0 && !runLate(rr));
    }
    var crossings = root.querySelectorAll(".crossing[data-run]");
    for (i = 0; i < crossings.length; i++) crossings[i].classList.toggle("future", runLate(+crossings[i].getAttribute("data-run")));
    var ends = root.querySelectorAll("[data-run-end]");
    for (i = 0; i < ends.length; i++) ends[i].classList.toggle("future", runLate(+ends[i].getAttribute("data-run-end")));
    // Bars: not started, faded; started, cut at the replay's time.
    var cut = function (b, start, whole) {
      var end = +b.getAttribute("data-end"), fut = start > T;
      if (whole) fut = false;
      b.classList.toggle("future", fut);
      if (rg) b.style.width = Math.max(0, rg.pct(fut || whole ? end : Math.min(end, T)) - rg.pct(start)) + "%";
    };
    var bars = root.querySelectorAll(".bar[data-run]");
    for (i = 0; i < bars.length; i++) {
      var br = +bars[i].getAttribute("data-run");
      cut(bars[i], R.start[br], br === doneRun);
      bars[i].classList.toggle("raised", R.exception[br] > 0 && !runLate(br));
    }
    var wb = root.querySelectorAll(".bar[data-wait]");
    for (i = 0; i < wb.length; i++) {
      var w = +wb[i].getAttribute("data-wait");
      cut(wb[i], W.start[w]);
      wb[i].classList.toggle("active", T !== Infinity && W.start[w] <= T && (W.end[w] < 0 || W.end[w] > T));
    }
    var wn = root.querySelectorAll(".link-note.waits[data-wait]");
    for (i = 0; i < wn.length; i++) {
      var we = wn[i].querySelector(".wait-end");
      if (we) we.classList.toggle("future", late(W.end[+wn[i].getAttribute("data-wait")]));
    }
    var ln = root.querySelectorAll(".link-note[data-link]");
    for (i = 0; i < ln.length; i++) {
      var l = +ln[i].getAttribute("data-link");
      ln[i].classList.toggle("lit", T !== Infinity && L.time[l] >= 0 && L.time[l] <= T);
    }
    var sr = root.querySelectorAll(".span-row");
    for (i = 0; i < sr.length; i++) {
      var s = +sr[i].getAttribute("data-span"), isMsg = SP.kind[s] === 1;
      var ended = isMsg ? SP.start[s] <= T : !late(SP.end[s]);
      sr[i].classList.toggle("future", SP.start[s] > T);
      sr[i].classList.toggle("unended", !ended);
      var st = sr[i].querySelector(".status");
      if (st) st.textContent = ended || isMsg ? st.getAttribute("data-status") : SP.start[s] > T ? "" : T === Infinity ? "open" : "started";
      var sb = sr[i].querySelector(".bar[data-span]");
      if (sb) { cut(sb, SP.start[s]); sb.classList.toggle("failed", ended && SP.status[s] > 0 && D.str(SP.status[s]) === "failed"); }
    }
    // The chain's line keeps only the parts known by the replay's time, a separator between those.
    var subs = root.querySelectorAll(".sub-part"), first = true;
    for (i = 0; i < subs.length; i++) {
      var at = subs[i].getAttribute("data-at");
      subs[i].hidden = at !== null && +at > T;
      if (subs[i].hidden) continue;
      subs[i].firstChild.textContent = first ? "" : " · ";
      first = false;
    }
    this.mark("current", null);
    var state = root.querySelector(".replay-state"), badge = root.querySelector(".outcome-badge");
    var inc = root.querySelector(".badge.incomplete");
    var over = this.endedBy(c, T);
    if (badge) badge.hidden = !over;
    if (inc) inc.hidden = !over;
    if (state) {
      state.hidden = T === Infinity;
      var text = "";
      if (T !== Infinity) {
        if (D.startEff[c] > T) text = "not created yet";
        else if (over) text = "ended";
        else if ((C.kind[c] === D.KIND.deferred) && !(C.fired[c] >= 0 && C.fired[c] <= T)) text = "waiting to fire";
        else text = "at " + RT.tickLabel(T - D.startEff[c]);
      }
      state.textContent = text;
    }
    this.cursorAt(T);
    if (changed) {
      if (this.run >= 0) this.selectRun(this.run, true);
      else if (this.span >= 0) this.selectSpan(this.span, true);
      else this.showChain(c);
    }
    if (!info || info.step === 0 || info.chain !== c) return;
    var type = info.type, ref = info.ref, target = null;
    if (type === "run") target = this.mark("current", ".ran[data-run='" + ref + "'], .bar[data-run='" + ref + "']");
    else if (type === "wait" || type === "resumed") target = this.mark("current", "[data-wait='" + ref + "']");
    else if (type === "link") target = this.mark("current", ".link-note[data-link='" + ref + "']");
    else if (type === "action" || type === "message" || type === "actionFailed") target = this.mark("current", ".span-row[data-span='" + ref + "']");
    else if (state) { state.classList.add("current"); target = state; }
    if (target && target.scrollIntoView && info.scroll) target.scrollIntoView({ block: "nearest" });
  };

  // One red line across the ladder (and tree) at the replay's time.
  RT.Detail.prototype.cursorAt = function (T) {
    var boxes = this.root.querySelectorAll("#ladder, #spans");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i], line = box.querySelector(":scope > .cursor-line");
      var axis = box.querySelector(".axis");
      if (T === Infinity || !axis || !this.rg) { if (line) line.remove(); continue; }
      if (!line) { line = RT.el("div", { class: "cursor-line" }); box.appendChild(line); }
      var rg = this.range(this.chain);
      var x = axis.offsetLeft + axis.offsetWidth * Math.max(0, Math.min(1, (T - rg.a) / (rg.b - rg.a)));
      line.style.cssText = "position:absolute;top:0;bottom:0;width:0;border-left:2px solid var(--current);pointer-events:none;left:" + x + "px";
    }
  };

})();
