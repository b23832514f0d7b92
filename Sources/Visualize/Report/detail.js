// detail.js: one chain in detail. A Deferred's ladder (callback and errback columns, the path taken, each run as
// a bar on the chain's time axis, waits, the cancel mark, links that open other chains), an Eliot task's action
// tree, and the side panel with the selected run's values. Every string from the log goes in as text.
var RT = window.RT || (window.RT = {});
(function () {
  "use strict";

  var PAIR_LIMIT = 400, SPAN_LIMIT = 600;

  // el("div", {class: "x"}, [children or strings]): text children become text nodes, never HTML.
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (!attrs.hasOwnProperty(k) || attrs[k] === undefined || attrs[k] === null) continue;
      if (k === "class") e.className = attrs[k];
      else if (k === "text") e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    if (kids) for (var i = 0; i < kids.length; i++) {
      var kid = kids[i];
      if (kid === null || kid === undefined) continue;
      e.appendChild(typeof kid === "string" ? document.createTextNode(kid) : kid);
    }
    return e;
  }
  RT.el = el;
  // A string from the log, isolated from the words around it (its direction cannot reorder them).
  function bdi(text) { return el("bdi", null, [text]); }
  RT.bdi = bdi;
  // A chain's name as nodes: its label isolated, then " #id".
  RT.nameNode = function (D, c) {
    var f = document.createDocumentFragment();
    f.appendChild(bdi(D.label(c)));
    if (D.C.deferredID[c] >= 0) f.appendChild(document.createTextNode(" #" + D.C.deferredID[c]));
    return f;
  };
  // "✗ Exception: reason", each log string isolated.
  function failText(D, exception, reason) {
    var f = document.createDocumentFragment(), r = D.str(reason);
    f.appendChild(document.createTextNode("✗ "));
    f.appendChild(bdi(D.str(exception)));
    if (r) { f.appendChild(document.createTextNode(": ")); f.appendChild(bdi(r)); }
    return f;
  }
  // A run's result: "→ value", or that the log did not record it (the original Reactor Track format).
  function outText(D, output) {
    var v = D.str(output);
    return v ? el("span", { class: "out" }, ["→ ", bdi(v)]) : el("span", { class: "out muted" }, ["result not recorded"]);
  }

  var LINK_OUT = { chained: "chained to", waitedOn: "waited on", returned: "returned", contains: "contains" };
  var LINK_IN = { chained: "chained from", waitedOn: "waited on by", returned: "returned by", contains: "tracked inside" };

  function Detail(app) {
    this.app = app;
    this.D = app.D;
    this.root = document.getElementById("detail");
    this.panel = document.getElementById("run-panel");
    this.chain = -1;
    this.run = -1;
    this.span = -1;
    this.showAll = false;
    this.T = Infinity; // the replay's time: what happened later is not drawn
    this.stepText = "";
    this.bind();
  }
  RT.Detail = Detail;

  Detail.prototype.chainLink = function (c, text) {
    var a = el("a", { class: "chain-link", href: "#chain=" + c, "data-chain": String(c) }, [text || RT.nameNode(this.D, c)]);
    return a;
  };
  // A link to a chain by index, or the Deferred id as text when that chain is not in the report.
  Detail.prototype.target = function (c, id) {
    if (c >= 0 && c < this.D.n) return this.chainLink(c);
    return el("span", { class: "muted", title: "not in this report" }, [id >= 0 ? "#" + id : "?"]);
  };

  Detail.prototype.range = function (c) {
    var D = this.D, C = D.C, R = D.R, W = D.W, SP = D.SP;
    var a = D.startEff[c], b = D.endEff[c], i;
    for (i = C.runStart[c]; i < C.runStart[c] + C.runCount[c]; i++) {
      if (R.start[i] >= 0 && R.start[i] < a) a = R.start[i];
      if (R.end[i] > b) b = R.end[i];
    }
    for (i = C.waitStart[c]; i < C.waitStart[c] + C.waitCount[c]; i++) if (W.end[i] > b) b = W.end[i];
    for (i = C.spanStart[c]; i < C.spanStart[c] + C.spanCount[c]; i++) {
      if (SP.start[i] >= 0 && SP.start[i] < a) a = SP.start[i];
      if (D.spanEnd(i) > b) b = D.spanEnd(i);
    }
    if (!(b > a)) b = a + 1;
    return { a: a, b: b, pct: function (t) { return Math.max(0, Math.min(100, (t - a) / (b - a) * 100)); } };
  };

  Detail.prototype.close = function () {
    this.chain = -1; this.run = -1; this.span = -1;
    this.root.textContent = "";
    this.root.appendChild(el("div", { id: "detail-empty", class: "muted" }, ["Click a chain in the list or the timeline to see its ladder."]));
    this.panel.textContent = "";
  };

  Detail.prototype.open = function (c, run) {
    var D = this.D, C = D.C;
    if (c !== this.chain) this.showAll = false;
    this.chain = c;
    this.run = -1;
    this.span = -1;
    this.rg = null;
    var root = this.root;
    root.textContent = "";
    var head = el("div", { class: "chain-head" });
    var outcome = D.outcome(c);
    var title = el("h2", { id: "detail-title" }, [
      el("span", { class: "name" }, [RT.nameNode(D, c)]),
      el("span", { class: "badge outcome-badge " + outcome }, [bdi(D.str(C.badge[c]) || outcome)]),
      D.incomplete[c] ? el("span", { class: "badge incomplete", title: "the root ended, but not every action below it did" }, ["incomplete"]) : null,
      C.cutAt[c] >= 0 ? el("span", { class: "badge cut", title: this.cutText(c) }, ["cut"]) : null,
      el("span", { class: "badge replay-state", hidden: "" })
    ]);
    head.appendChild(title);
    head.appendChild(el("div", { class: "chain-sub" }, [this.subline(c)]));
    var links = this.linksLine(c);
    if (links) head.appendChild(links);
    root.appendChild(head);
    if (C.kind[c] === D.KIND.deferred || C.kind[c] === D.KIND.legacy || C.pairCount[c] > 0) root.appendChild(this.ladder(c));
    if (C.spanCount[c] > 0) root.appendChild(this.spans(c));
    if (C.kind[c] === D.KIND.legacy) root.appendChild(el("div", { class: "chain-sub" }, ["inferred, not recorded: the original Reactor Track format has durations, not times"]));
    this.showChain(c);
    if (run >= 0) this.selectRun(run, true);
  };

  /** What a flight record's cut means for chain `c`. */
  Detail.prototype.cutText = function (c) {
    var D = this.D, C = D.C;
    return "tracked before the flight record began: its events up to " + RT.tickLabel(C.cutAt[c] - D.startEff[c]) + " are not in it";
  };

  Detail.prototype.subline = function (c) {
    // Each part is known from a time on (`at`): the replay hides the parts not known by its step.
    var D = this.D, C = D.C, parts = [], end = D.openEnd[c] ? D.tMax : D.endEff[c];
    var later = function (at, part) { return { at: at, part: part }; };
    var total = D.duration(c);
    if (C.cutAt[c] >= 0) parts.push(later(D.startEff[c], "✂ " + this.cutText(c)));
    if (D.incomplete[c]) parts.push(later(end, "incomplete: the root ended after " + RT.duration(total) + ", " + this.openCount(c) + " still open at the end of the log"));
    else parts.push(later(end, (D.openEnd[c] ? "open for " : "total ") + RT.duration(total)));
    if (C.kind[c] === D.KIND.deferred || C.kind[c] === D.KIND.legacy) {
      parts.push(later(end, "running " + RT.duration(D.runUs[c]) + " (" + RT.percent(D.runUs[c], total) + ")"));
      parts.push(later(end, "waiting " + RT.duration(D.waitUs[c]) + " (" + RT.percent(D.waitUs[c], total) + ")"));
      parts.push(C.pairCount[c] + (C.pairCount[c] === 1 ? " pair" : " pairs") + ", " + C.runCount[c] + (C.runCount[c] === 1 ? " run" : " runs"));
      if (C.fired[c] >= 0) parts.push(later(C.fired[c], "fired " + RT.tickLabel(C.fired[c] - D.startEff[c]) + (C.firedSide[c] === D.SIDE_ERR ? " with a failure" : "")));
      else parts.push(later(end, C.cutAt[c] >= 0 ? "not fired since the cut" : "never fired"));
      if (C.cancelledAt[c] >= 0) parts.push(later(C.cancelledAt[c], "⊘ cancelled " + RT.tickLabel(C.cancelledAt[c] - D.startEff[c])));
      var made = D.str(C.createdAt[c]);
      if (made) parts.push([(D.str(C.trackedBy[c]) === "chained" ? "tracked at " : "created at "), bdi(made)]);
    } else {
      parts.push(C.spanCount[c] + (C.spanCount[c] === 1 ? " action or message" : " actions and messages"));
    }
    parts.push(["task ", bdi(D.str(C.id[c]))]);
    var file = D.str(C.file[c]);
    if (file) parts.push([bdi(file), C.line[c] >= 0 ? ":" + C.line[c] : ""]);
    var f = document.createDocumentFragment();
    for (var i = 0; i < parts.length; i++) {
      var at = parts[i].part !== undefined ? parts[i].at : null, part = at === null ? parts[i] : parts[i].part;
      var span = el("span", { class: "sub-part", "data-at": at === null ? null : String(at) }, [el("span", { class: "sep" }, [i > 0 ? " · " : ""])]);
      part = typeof part === "string" ? [part] : part;
      for (var j = 0; j < part.length; j++) span.appendChild(typeof part[j] === "string" ? document.createTextNode(part[j]) : part[j]);
      f.appendChild(span);
    }
    return f;
  };
  // "1 action" / "2 actions": the actions of chain c that never ended.
  Detail.prototype.openCount = function (c) {
    var D = this.D, C = D.C, SP = D.SP, n = 0;
    for (var s = C.spanStart[c]; s < C.spanStart[c] + C.spanCount[c]; s++) if (SP.kind[s] === 0 && SP.end[s] < 0) n++;
    return n + (n === 1 ? " action" : " actions");
  };

  // Links from this chain (chained to, waited on, returned, contains) and to it, each opening the other chain.
  Detail.prototype.linksLine = function (c) {
    var D = this.D, C = D.C, L = D.L, box = el("div", { class: "chain-links" }), any = false, seen = {};
    for (var l = C.linkStart[c]; l < C.linkStart[c] + C.linkCount[c]; l++) {
      var kind = D.linkNames[L.kind[l]] || "";
      var note = el("span", { class: "link-note", "data-link": String(l) }, [(LINK_OUT[kind] || kind) + " ", this.target(L.target[l], L.targetID[l])]);
      box.appendChild(note);
      seen[kind + ">" + L.target[l]] = 1;
      any = true;
    }
    var incoming = D.incoming(c);
    for (var i = 0; i < incoming.length; i++) {
      var li = incoming[i], k2 = D.linkNames[L.kind[li]] || "";
      box.appendChild(el("span", { class: "link-note", "data-link": String(li) }, [(LINK_IN[k2] || k2) + " ", this.chainLink(L.chain[li])]));
      seen["in>" + L.chain[li]] = 1;
      any = true;
    }
    var parent = C.parent[c];
    if (parent >= 0 && !seen["in>" + parent]) {
      box.appendChild(el("span", { class: "link-note" }, ["in the family of ", this.chainLink(parent)]));
      any = true;
    }
    return any ? box : null;
  };

  Detail.prototype.axis = function (rg) {
    var axis = el("div", { class: "axis" });
    var w = Math.max(200, (this.root.clientWidth || 800) * 0.3);
    var tk = RT.ticks(0, rg.b - rg.a, w, 70);
    for (var i = 0; i < tk.ticks.length; i++) {
      var t = tk.ticks[i], at = rg.pct(rg.a + t);
      var tick = el("span", { class: "tick" + (at < 6 ? " first" : at > 88 ? " last" : "") }, [RT.tickLabel(t)]);
      tick.style.left = at + "%";
      axis.appendChild(tick);
    }
    this.ticks = tk.ticks;
    return axis;
  };

  Detail.prototype.track = function (rg, c) {
    var D = this.D, C = D.C, tr = el("div", { class: "track" });
    for (var i = 1; i < this.ticks.length; i++) {
      var g = el("div", { class: "tickline" });
      g.style.left = rg.pct(rg.a + this.ticks[i]) + "%";
      tr.appendChild(g);
    }
    if (C.fired[c] >= 0) { var f = el("div", { class: "fired-line", title: "fired" }); f.style.left = rg.pct(C.fired[c]) + "%"; tr.appendChild(f); }
    if (C.cancelledAt[c] >= 0) { var x = el("div", { class: "cancel-line", title: "cancelled" }); x.style.left = rg.pct(C.cancelledAt[c]) + "%"; tr.appendChild(x); }
    return tr;
  };

  function bar(cls, rg, start, end, title) {
    var b = el("div", { class: "bar " + cls, title: title });
    b.style.left = rg.pct(start) + "%";
    b.style.width = Math.max(0, rg.pct(end) - rg.pct(start)) + "%";
    return b;
  }

  Detail.prototype.ladder = function (c) {
    var D = this.D, C = D.C, P = D.P, R = D.R, W = D.W, L = D.L;
    var rg = this.rg = this.range(c);
    var box = el("div", { id: "ladder", role: "table", "aria-label": "callback and errback ladder" });
    box.appendChild(el("div", { class: "ladder-head", role: "row" }, [
      el("span", { text: "#" }), el("span", { class: "h-cb", text: "callback" }), el("span", { class: "h-eb", text: "errback" }),
      this.axis(rg), el("span", { text: "run" })]));
    var waitsAt = {}, linksAt = {}, w, l;
    for (w = C.waitStart[c]; w < C.waitStart[c] + C.waitCount[c]; w++) (waitsAt[W.pair[w]] = waitsAt[W.pair[w]] || []).push(w);
    for (l = C.linkStart[c]; l < C.linkStart[c] + C.linkCount[c]; l++) if (L.pair[l] >= 0) (linksAt[L.pair[l]] = linksAt[L.pair[l]] || []).push(l);
    var count = C.pairCount[c], shown = this.showAll ? count : Math.min(count, PAIR_LIMIT);
    for (var k = 0; k < shown; k++) {
      var p = C.pairStart[c] + k, idx = P.index[p], r = P.run[p];
      var fate = D.fateNames[P.fate[p]] || "", pin = D.side(P.pathIn[p]), pout = D.side(P.pathOut[p]);
      var row = el("div", { class: "pair", role: "row", "data-index": String(idx), "data-fate": fate, "data-path-in": pin, "data-path-out": pout });
      row.appendChild(el("span", { class: "idx", text: String(idx) }));
      var rside = r >= 0 ? D.side(R.side[r]) : "";
      var raised = r >= 0 && R.exception[r] > 0;
      for (var h = 0; h < 2; h++) {
        var side = h === 0 ? "callback" : "errback", name = D.str(h === 0 ? P.callback[p] : P.errback[p]);
        var cls = (h === 0 ? "cb" : "eb") + (name ? "" : " pass");
        var ran = r >= 0 && rside === side;
        if (ran) cls += " ran" + (raised ? " raised" : "");
        if (pin === side && fate !== "notReached") cls += " on-path";
        var cell = el("span", { class: cls, role: "cell", title: name || "pass-through: the result goes on unchanged" }, [name ? bdi(name) : "pass"]);
        if (ran) { cell.setAttribute("data-run", String(r)); cell.tabIndex = 0; }
        row.appendChild(cell);
      }
      var tr = this.track(rg, c), note = el("span", { class: "note" });
      if (r >= 0) {
        var rs = R.start[r], re = R.end[r] >= 0 ? R.end[r] : D.endEff[c];
        tr.appendChild(bar((rside === "errback" ? "eb-run" : "cb-run") + (raised ? " raised" : ""), rg, rs, re, null));
        tr.lastChild.setAttribute("data-run", String(r));
        tr.lastChild.setAttribute("data-end", String(re));
        note.appendChild(this.runNote(r));
      } else {
        note.appendChild(el("span", { class: "out" }, [fate === "passedThrough" ? "passed through" : fate === "notReached" ? "not reached" : fate === "beforeTracking" ? "ran before tracking" : ""]));
      }
      var ws = waitsAt[idx] || [];
      for (var j = 0; j < ws.length; j++) tr.appendChild(this.waitBar(ws[j], rg, c)), note.appendChild(this.waitNote(ws[j]));
      var ls = linksAt[idx] || [];
      for (j = 0; j < ls.length; j++) {
        var kind = D.linkNames[L.kind[ls[j]]] || "";
        note.appendChild(el("span", { class: "link-note", "data-link": String(ls[j]) }, ["  → " + (LINK_OUT[kind] || kind) + " ", this.target(L.target[ls[j]], L.targetID[ls[j]])]));
      }
      if (r >= 0 && R.returned[r] >= 0) {
        var rc = D.chainOfID(R.returned[r]);
        if (!ls.length) note.appendChild(el("span", { class: "link-note" }, ["  → returned ", this.target(rc, R.returned[r])]));
      }
      row.appendChild(tr);
      row.appendChild(note);
      box.appendChild(row);
      if (pin && pout && pin !== pout) {
        var toErr = pout === "errback";
        var label = toErr ? ["✗ ", raised ? bdi(D.str(R.exception[r])) : "failure"] : ["✓ recovered"];
        box.appendChild(el("div", { class: "crossing " + (toErr ? "to-errback" : "to-callback"), "aria-hidden": "true", "data-run": r >= 0 ? String(r) : null }, [el("span", null, label)]));
      }
    }
    if (shown < count) {
      var more = el("button", { type: "button", class: "more" }, ["Show all " + count + " pairs (" + (count - shown) + " more)"]);
      var self = this;
      more.addEventListener("click", function () { self.showAll = true; self.open(c, self.run); self.app.replayChanged(); });
      box.appendChild(more);
    }
    var extra = [];
    for (var x = C.runStart[c]; x < C.runStart[c] + C.runCount[c]; x++) if (R.pair[x] < 0) extra.push(x);
    var loose = waitsAt[-1] || [];
    if (extra.length || loose.length) {
      box.appendChild(el("div", { class: "section-title", text: "runs and waits outside any pair" }));
      for (j = 0; j < extra.length; j++) {
        var rx = extra[j], row2 = el("div", { class: "pair", "data-index": "", "data-fate": "ran", "data-path-in": "", "data-path-out": "" });
        var s2 = D.side(R.side[rx]), r2 = R.exception[rx] > 0;
        var cb = el("span", { class: "cb" + (s2 !== "errback" ? " ran" + (r2 ? " raised" : "") : "") }, [s2 !== "errback" ? bdi(D.str(R.name[rx])) : ""]);
        var eb = el("span", { class: "eb" + (s2 === "errback" ? " ran" + (r2 ? " raised" : "") : "") }, [s2 === "errback" ? bdi(D.str(R.name[rx])) : ""]);
        (s2 === "errback" ? eb : cb).setAttribute("data-run", String(rx));
        (s2 === "errback" ? eb : cb).tabIndex = 0;
        var tr2 = this.track(rg, c);
        var end2 = R.end[rx] >= 0 ? R.end[rx] : D.endEff[c];
        tr2.appendChild(bar((s2 === "errback" ? "eb-run" : "cb-run") + (r2 ? " raised" : ""), rg, R.start[rx], end2, null));
        tr2.lastChild.setAttribute("data-run", String(rx));
        tr2.lastChild.setAttribute("data-end", String(end2));
        row2.appendChild(el("span", { class: "idx", text: "·" }));
        row2.appendChild(cb); row2.appendChild(eb); row2.appendChild(tr2);
        row2.appendChild(el("span", { class: "note" }, [this.runNote(rx)]));
        box.appendChild(row2);
      }
      for (j = 0; j < loose.length; j++) {
        var row3 = el("div", { class: "pair waits-row", "data-index": "", "data-fate": "", "data-path-in": "", "data-path-out": "" });
        var tr3 = this.track(rg, c);
        tr3.appendChild(this.waitBar(loose[j], rg, c));
        row3.appendChild(el("span", { class: "idx", text: "·" }));
        row3.appendChild(el("span", { class: "cb pass", text: "" }));
        row3.appendChild(el("span", { class: "eb pass", text: "" }));
        row3.appendChild(tr3);
        row3.appendChild(el("span", { class: "note" }, [this.waitNote(loose[j])]));
        box.appendChild(row3);
      }
    }
    return box;
  };

  Detail.prototype.runNote = function (r) {
    var D = this.D, R = D.R, f = document.createDocumentFragment();
    var d = R.end[r] >= 0 && R.start[r] >= 0 ? RT.duration(R.end[r] - R.start[r]) : "still running";
    // What the run's end says (its time, result, exception) is one element, hidden by the replay before it ends.
    var done = el("span", { class: "run-end", "data-run-end": String(r) }, [d + " "]);
    if (R.exception[r] > 0) done.appendChild(el("span", { class: "fail" }, [failText(D, R.exception[r], R.reason[r])]));
    else if (R.end[r] >= 0) done.appendChild(outText(D, R.output[r]));
    f.appendChild(done);
    return f;
  };

  Detail.prototype.waitBar = function (w, rg, c) {
    var D = this.D, W = D.W;
    var end = W.end[w] >= 0 ? W.end[w] : D.endEff[c];
    var b = bar("wait", rg, W.start[w], end, "waiting");
    b.setAttribute("data-wait", String(w));
    b.setAttribute("data-end", String(end));
    return b;
  };
  Detail.prototype.waitNote = function (w) {
    var D = this.D, W = D.W;
    var span = el("span", { class: "link-note waits", "data-wait": String(w) }, ["  waited on ", this.target(W.on[w], W.onID[w])]);
    span.appendChild(el("span", { class: "wait-end" }, [W.end[w] >= 0 ? " " + RT.duration(W.end[w] - W.start[w]) : " (still waiting)"]));
    return span;
  };

  // An Eliot task's action tree: one indented row per action and message, bars on the task's time axis.
  Detail.prototype.spans = function (c) {
    var D = this.D, C = D.C, SP = D.SP;
    var rg = this.range(c);
    if (!this.rg) this.rg = rg;
    var box = el("div", { id: "spans", role: "table", "aria-label": "action tree" });
    box.appendChild(el("div", { class: "span-head", role: "row" }, [el("span", { text: "action / message" }), el("span", { text: "status" }), this.axis(rg), el("span", { text: "fields" })]));
    var count = C.spanCount[c], shown = this.showAll ? count : Math.min(count, SPAN_LIMIT);
    for (var k = 0; k < shown; k++) {
      var s = C.spanStart[c] + k, isMsg = (D.spanNames[SP.kind[s]] || "") === "message";
      var status = D.str(SP.status[s]);
      var row = el("div", { class: "span-row" + (isMsg ? " message" : ""), role: "row", "data-span": String(s), tabindex: "0" });
      var name = el("span", { class: "span-name", title: D.str(SP.name[s]) + " " + D.str(SP.level[s]) }, [bdi(D.str(SP.name[s]))]);
      name.style.paddingLeft = Math.min(SP.depth[s], 30) * 14 + "px";
      row.appendChild(name);
      row.appendChild(el("span", { class: "status " + status, "data-status": isMsg ? "message" : status || "open" }, [isMsg ? "message" : status || "open"]));
      var tr = this.track(rg, c);
      if (isMsg) {
        var m = el("div", { class: "bar message-mark" });
        m.style.left = "calc(" + rg.pct(SP.start[s]) + "% - 3px)";
        tr.appendChild(m);
      } else {
        // An action that never ended runs to the end of the log, past its parent's end.
        var open = SP.end[s] < 0;
        tr.appendChild(bar("span-bar" + (status === "failed" ? " failed" : "") + (open ? " open" : ""), rg, SP.start[s], D.spanEnd(s), open ? "open: no end message" : null));
        tr.lastChild.setAttribute("data-span", String(s));
        tr.lastChild.setAttribute("data-end", String(D.spanEnd(s)));
      }
      row.appendChild(tr);
      var note = el("span", { class: "note" }), ending = el("span", { class: "span-end" });
      if (!isMsg && SP.end[s] >= 0 && SP.start[s] >= 0) ending.appendChild(document.createTextNode(RT.duration(SP.end[s] - SP.start[s]) + " "));
      if (!isMsg && SP.end[s] < 0) ending.appendChild(el("span", { class: "open-note" }, ["open at the end of the log "]));
      if (SP.exception[s] > 0) ending.appendChild(el("span", { class: "fail" }, [failText(D, SP.exception[s], SP.reason[s]), " "]));
      note.appendChild(ending);
      var fl = D.str(SP.fields[s]).split("\n"), out = el("span", { class: "out" });
      for (var q = 0; q < fl.length; q++) { if (q) out.appendChild(document.createTextNode(" · ")); out.appendChild(bdi(fl[q])); }
      note.appendChild(out);
      row.appendChild(note);
      box.appendChild(row);
    }
    if (shown < count) {
      var more = el("button", { type: "button", class: "more" }, ["Show all " + count + " rows (" + (count - shown) + " more)"]);
      var self = this;
      more.addEventListener("click", function () { self.showAll = true; self.open(c); self.app.replayChanged(); });
      box.appendChild(more);
    }
    return box;
  };

  // The side panel: the title, then the replay's step in full (the replay line shows one line of it), then the
  // fields. Keys and values from the log are isolated (style.css: unicode-bidi: isolate).
  function fields(panel, title, rows, step) {
    panel.textContent = "";
    panel.appendChild(el("h2", null, [typeof title === "string" ? bdi(title) : title]));
    if (step) panel.appendChild(el("div", { class: "field replay-step" }, [el("div", { class: "key", text: "replay step" }), el("div", { class: "value", text: step })]));
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (r[1] === "" || r[1] === null || r[1] === undefined) continue;
      var v = el("div", { class: "value" + (r[2] ? " " + r[2] : "") });
      if (typeof r[1] === "string") v.textContent = r[1]; else v.appendChild(r[1]);
      panel.appendChild(el("div", { class: "field" }, [el("div", { class: "key", text: r[0] }), v]));
    }
  }
  function at(D, t) { return t >= 0 ? RT.tickLabel(t - D.tMin) : ""; }

  // Whether chain c had ended by the replay's time (always, without a replay).
  Detail.prototype.endedBy = function (c, T) { return T === Infinity || (!this.D.openEnd[c] && this.D.endEff[c] <= T); };

  // The chain's fields; with the replay, only what had happened by its time.
  Detail.prototype.showChain = function (c) {
    var D = this.D, C = D.C, T = this.T, ended = this.endedBy(c, T);
    var seen = function (t) { return t >= 0 && t <= T; };
    var fired = seen(C.fired[c]) ? at(D, C.fired[c]) + (C.firedSide[c] === D.SIDE_ERR ? " (error path)" : "") : "";
    var state = D.startEff[c] > T ? "not created yet" : "not ended yet";
    var done = function (v) { return ended ? v : ""; };
    fields(this.panel, RT.nameNode(D, c), [
      ["outcome", ended ? D.str(C.badge[c]) || D.outcome(c) : state, ended && D.failure[c] ? "fail" : ""],
      ["complete", C.cutAt[c] >= 0 ? "no: cut by the flight record" : ended && D.incomplete[c] ? "no: " + this.openCount(c) + " never ended" : ""],
      ["kind", D.kind(c)], ["label", D.str(C.label[c])], ["title", D.str(C.title[c])], ["task", D.str(C.id[c])],
      ["deferred id", C.deferredID[c] >= 0 ? String(C.deferredID[c]) : ""],
      ["created at", D.str(C.createdAt[c])], ["tracked by", D.str(C.trackedBy[c])],
      ["start", at(D, D.startEff[c])], ["end", done(D.openEnd[c] ? "open" : at(D, D.endEff[c]))],
      ["duration", done(RT.duration(D.duration(c)))],
      ["in callbacks", done(D.deferreds ? RT.duration(D.runUs[c]) : "")], ["waiting", done(D.deferreds ? RT.duration(D.waitUs[c]) : "")],
      ["fired", fired], ["fired with", fired ? D.str(C.firedValue[c]) : ""],
      ["cancelled", seen(C.cancelledAt[c]) ? at(D, C.cancelledAt[c]) : ""], ["result", done(D.str(C.result[c]))],
      ["exception", done(D.str(C.exception[c])), "fail"], ["reason", done(D.str(C.reason[c])), "fail"],
      ["pairs", String(C.pairCount[c])], ["runs", String(C.runCount[c])],
      ["source", D.str(C.file[c]) + (C.line[c] >= 0 ? ":" + C.line[c] : "")]
    ], this.stepText);
  };

  Detail.prototype.selectRun = function (r, quiet) {
    var D = this.D, R = D.R, c = R.chain[r];
    if (c !== this.chain) { this.open(c); }
    this.run = r;
    this.span = -1;
    this.mark("selected-run", "[data-run='" + r + "'].ran");
    // With the replay, only what had happened by its time: a run not yet started, or still running.
    var T = this.T, started = R.start[r] <= T, ended = R.end[r] >= 0 && R.end[r] <= T;
    var ret = ended && R.returned[r] >= 0 ? this.target(D.chainOfID(R.returned[r]), R.returned[r]) : "";
    var pair = R.pair[r] >= 0 ? String(D.P.index[R.pair[r]]) : "";
    var output = D.str(R.output[r]);
    fields(this.panel, D.str(R.name[r]) || "run", [
      ["chain", this.chainLink(c)], ["pair", pair], ["side", D.side(R.side[r])],
      ["start", started ? at(D, R.start[r]) : "not started yet"],
      ["duration", !started ? "" : ended && R.start[r] >= 0 ? RT.duration(R.end[r] - R.start[r]) : "still running"],
      ["input", started ? D.str(R.input[r]) : ""],
      ["output", ended && !(R.exception[r] > 0) ? output || "not recorded" : ""],
      ["goes on to", ended ? D.side(R.outSide[r]) + " side" : ""],
      ["exception", ended ? D.str(R.exception[r]) : "", "fail"], ["reason", ended ? D.str(R.reason[r]) : "", "fail"],
      ["returned", ret], ["log line", R.line[r] >= 0 ? String(R.line[r]) : ""]
    ], this.stepText);
    if (!quiet) this.app.selectionChanged();
  };

  Detail.prototype.selectSpan = function (s, quiet) {
    var D = this.D, SP = D.SP, c = SP.chain[s];
    if (c !== this.chain) this.open(c);
    this.span = s;
    this.run = -1;
    this.mark("selected-run", ".span-row[data-span='" + s + "']");
    // With the replay, an action not yet ended shows no status, duration, exception or fields (the fields hold
    // its end message's too).
    var T = this.T, isMsg = (D.spanNames[SP.kind[s]] || "") === "message";
    var ended = isMsg ? SP.start[s] <= T : SP.end[s] >= 0 && SP.end[s] <= T, started = SP.start[s] <= T;
    var rows = [
      ["chain", this.chainLink(c)], ["kind", D.spanNames[SP.kind[s]] || ""],
      ["status", ended ? D.str(SP.status[s]) : started ? (SP.end[s] < 0 && T === Infinity ? "open" : "started") : "not started yet"],
      ["level", D.str(SP.level[s])], ["start", started ? at(D, SP.start[s]) : ""],
      ["duration", ended && SP.end[s] >= 0 && SP.start[s] >= 0 && SP.end[s] !== SP.start[s] ? RT.duration(SP.end[s] - SP.start[s]) : ""],
      ["exception", ended ? D.str(SP.exception[s]) : "", "fail"], ["reason", ended ? D.str(SP.reason[s]) : "", "fail"],
      ["log line", SP.line[s] >= 0 ? String(SP.line[s]) : ""]
    ];
    var lines = ended ? D.str(SP.fields[s]).split("\n") : [];
    for (var i = 0; i < lines.length; i++) {
      if (!lines[i]) continue;
      var k = lines[i].indexOf(": ");
      rows.push(k > 0 ? [lines[i].slice(0, k), lines[i].slice(k + 2)] : ["", lines[i]]);
    }
    fields(this.panel, D.str(SP.name[s]) || "span", rows, this.stepText);
    if (!quiet) this.app.selectionChanged();
  };

  Detail.prototype.mark = function (cls, selector) {
    var old = this.root.querySelectorAll("." + cls);
    for (var i = 0; i < old.length; i++) old[i].classList.remove(cls);
    if (!selector) return null;
    var found = this.root.querySelectorAll(selector);
    for (i = 0; i < found.length; i++) found[i].classList.add(cls);
    return found[0] || null;
  };

  Detail.prototype.bind = function () {
    var self = this;
    var onActivate = function (e) {
      var t = e.target;
      var a = t.closest && t.closest("a.chain-link");
      if (a) {
        e.preventDefault();
        self.app.openChain(+a.getAttribute("data-chain"), { scroll: true });
        return;
      }
      var run = t.closest && t.closest(".ran[data-run]");
      if (run && self.root.contains(run)) { self.selectRun(+run.getAttribute("data-run")); return; }
      var span = t.closest && t.closest(".span-row");
      if (span) self.selectSpan(+span.getAttribute("data-span"));
    };
    this.root.addEventListener("click", onActivate);
    this.panel.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a.chain-link");
      if (a) { e.preventDefault(); self.app.openChain(+a.getAttribute("data-chain"), { scroll: true }); }
    });
    this.root.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" && e.key !== " ") return;
      if (e.target.closest && (e.target.closest(".ran[data-run]") || e.target.closest(".span-row"))) { e.preventDefault(); onActivate(e); }
    });
  };
})();
