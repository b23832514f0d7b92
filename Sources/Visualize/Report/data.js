// data.js: reads the embedded columnar data (docs/html-report.md, format 1) and answers questions about it without
// building an object per row: per-chain figures in typed arrays, the lane order, filtering and search.
var RT = window.RT || (window.RT = {});
(function () {
  "use strict";

  // Durations for people, as DurationFormat.text in Swift: 840 µs, 12.3 ms, 1.00 s, 2 min 5 s.
  function digits(v) {
    if (v >= 99.95) return String(Math.round(v));
    if (v >= 9.995) return v.toFixed(1);
    return v.toFixed(2);
  }
  function seconds(s) {
    var a = Math.abs(s);
    if (a === 0) return "0 s";
    if (!isFinite(a)) return "unknown";
    var sign = s < 0 ? "-" : "";
    if (a < 0.9995e-3) return sign + digits(a * 1e6) + " µs";
    if (a < 0.9995) return sign + digits(a * 1e3) + " ms";
    if (a < 60) return sign + digits(a) + " s";
    var minutes = Math.floor(a / 60);
    if (minutes < 60) return sign + minutes + " min " + (Math.floor(a) % 60) + " s";
    return sign + Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }
  RT.seconds = seconds;
  RT.duration = function (us) { return seconds(us / 1e6); };
  RT.percent = function (part, whole) {
    if (!(whole > 0)) return "0%";
    return Math.round(part / whole * 100) + "%";
  };

  function column(table, name, length) {
    var col = table && table[name];
    if (Array.isArray(col) && col.length === length) return col;
    if (col === undefined && length === 0) return [];
    throw new Error("the data's column " + name + " is missing or has the wrong length");
  }
  function table(raw, name, columns) {
    var t = raw[name] || {};
    var first = t[columns[0]];
    var n = Array.isArray(first) ? first.length : 0;
    var out = { length: n };
    for (var i = 0; i < columns.length; i++) out[columns[i]] = column(t, columns[i], n);
    return out;
  }

  // Reads the JSON text of the rt-data element; throws with a message for people when it is not a report.
  RT.load = function (text) {
    var raw = JSON.parse(text);
    if (!raw || typeof raw !== "object") throw new Error("the embedded data is not an object");
    if (raw.format !== 1) throw new Error("unknown data format " + raw.format + " (this page reads format 1)");
    if (!Array.isArray(raw.strings)) throw new Error("the data has no strings table");
    return new Data(raw);
  };

  function Data(raw) {
    var t0 = performance.now();
    this.raw = raw;
    this.S = raw.strings;
    var en = raw.enums || {};
    this.enums = en;
    this.outcomeNames = en.outcome || [];
    this.kindNames = en.kind || [];
    this.sideNames = en.side || ["", "callback", "errback"];
    this.fateNames = en.fate || [];
    this.linkNames = en.link || [];
    this.eventNames = en.event || [];
    this.spanNames = en.span || [];
    var C = this.C = table(raw, "chains", ["id", "label", "badge", "exception", "reason", "result", "firedValue",
      "createdAt", "trackedBy", "file", "title", "kind", "outcome", "firedSide", "deferredID", "line", "start", "end",
      "fired", "cancelledAt", "complete", "recovered", "family", "depth", "parent", "pairStart", "pairCount",
      "runStart", "runCount", "waitStart", "waitCount", "linkStart", "linkCount", "spanStart", "spanCount", "cutAt",
      "running", "waiting", "busyStart", "busyCount", "raised"]);
    this.P = table(raw, "pairs", ["chain", "index", "callback", "errback", "site", "fate", "pathIn", "pathOut", "run"]);
    this.R = table(raw, "runs", ["chain", "pair", "name", "side", "start", "end", "input", "output", "outSide",
      "exception", "reason", "returned", "line"]);
    this.W = table(raw, "waits", ["chain", "on", "onID", "start", "end", "pair", "side", "value"]);
    this.L = table(raw, "links", ["chain", "kind", "target", "targetID", "pair", "time"]);
    this.SP = table(raw, "spans", ["chain", "kind", "name", "depth", "level", "start", "end", "status", "exception",
      "reason", "fields", "line"]);
    this.E = table(raw, "events", ["time", "type", "chain", "ref"]);
    this.B = table(raw, "busy", ["chain", "start", "end"]);
    this.n = C.length;
    this.summary = raw.summary || null;
    this.OUT = {};
    for (var i = 0; i < this.outcomeNames.length; i++) this.OUT[this.outcomeNames[i]] = i;
    this.KIND = {};
    for (i = 0; i < this.kindNames.length; i++) this.KIND[this.kindNames[i]] = i;
    this.SIDE_ERR = this.sideNames.indexOf("errback");
    this.precompute();
    this.laneOrder();
    this.loadMs = performance.now() - t0;
  }
  RT.Data = Data;

  // Controls that would act rather than show (C0 but newline and tab, DEL, C1, and the bidirectional marks,
  // embeddings, overrides and isolates), written as visible escapes as `tree` writes them: \u{202E}.
  var CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  RT.visible = function (text) {
    text = String(text);
    CONTROLS.lastIndex = 0;
    if (!CONTROLS.test(text)) return text;
    return text.replace(CONTROLS, function (ch) { return "\\u{" + ch.charCodeAt(0).toString(16).toUpperCase() + "}"; });
  };
  // A log string for the canvas, which has no elements to isolate it with: between FSI and PDI, so that its
  // direction cannot reorder the words around it.
  RT.isolated = function (text) { return text ? "\u2068" + text + "\u2069" : ""; };

  // String i of the log, its controls visible (every string shown goes through here; see RT.bdi in detail.js).
  Data.prototype.str = function (i) { return i > 0 && i < this.S.length ? RT.visible(this.S[i]) : ""; };
  Data.prototype.outcome = function (c) { return this.outcomeNames[this.C.outcome[c]] || "?"; };
  Data.prototype.kind = function (c) { return this.kindNames[this.C.kind[c]] || "?"; };
  Data.prototype.side = function (v) { return this.sideNames[v] || ""; };
  // "d #1", or the label (or title, or task id) of a chain without a Deferred id.
  Data.prototype.name = function (c) {
    if (c < 0 || c >= this.n) return "?";
    var C = this.C;
    var label = this.label(c);
    return C.deferredID[c] >= 0 ? label + " #" + C.deferredID[c] : label;
  };
  // The label part of a chain's name (the name is the label and " #id"), for isolating it.
  Data.prototype.label = function (c) {
    var C = this.C;
    return this.str(C.label[c]) || this.str(C.title[c]) || this.str(C.id[c]) || "chain " + c;
  };
  // What a chain not ended by time T (µs) was doing: "not created yet", "not fired yet" (a Deferred), "running".
  Data.prototype.stateAt = function (c, T) {
    var C = this.C;
    if (this.startEff[c] > T) return "not created yet";
    if (C.kind[c] === this.KIND.deferred && !(C.fired[c] >= 0 && C.fired[c] <= T)) return "not fired yet";
    return "running";
  };
  // Duration of a chain in µs; an open chain runs to the end of the log.
  Data.prototype.duration = function (c) { return this.endEff[c] - this.startEff[c]; };
  // The end of an action row in µs: its end, or (never ended) the end of the log, where it was still open.
  Data.prototype.spanEnd = function (s) { return this.SP.end[s] >= 0 ? this.SP.end[s] : this.tMax; };

  Data.prototype.precompute = function () {
    var C = this.C, R = this.R, E = this.E, n = this.n;
    var start = this.startEff = new Float64Array(n);
    var end = this.endEff = new Float64Array(n);
    var tMin = Infinity, tMax = -Infinity, i, v;
    for (i = 0; i < n; i++) {
      v = +C.start[i];
      if (!(v >= 0)) v = C.fired[i] >= 0 ? +C.fired[i] : 0;
      start[i] = v;
      if (v < tMin) tMin = v;
      var e = +C.end[i];
      end[i] = e;
      if (e > tMax) tMax = e;
      if (v > tMax) tMax = v;
    }
    for (i = 0; i < E.length; i++) if (E.time[i] > tMax) tMax = +E.time[i];
    for (i = 0; i < R.length; i++) if (R.end[i] > tMax) tMax = +R.end[i];
    if (!isFinite(tMin)) tMin = 0;
    if (!isFinite(tMax) || tMax < tMin) tMax = tMin;
    this.tMin = tMin;
    this.tMax = tMax;
    // Open chains (no end) run to the end of the log: drawn as open, never dropped.
    var openEnd = this.openEnd = new Uint8Array(n), pend = this.OUT.pending, waitO = this.OUT.waiting;
    for (i = 0; i < n; i++) {
      if (!(end[i] >= start[i])) { end[i] = tMax; openEnd[i] = 1; }
      else if (C.outcome[i] === pend || C.outcome[i] === waitO) openEnd[i] = 1;
    }
    // Incomplete: the root ended but the task did not (an action below it never ended), as eliot.parse and
    // `summary` say. Its outcome is the root's; its open actions run on to the end of the log. A chain a flight
    // record cut (`cutAt`, its earlier events not recorded) is incomplete for that reason, said as such.
    var incomplete = this.incomplete = new Uint8Array(n), msgO = this.OUT.message;
    this.deferreds = 0;
    for (i = 0; i < n; i++) {
      if (!C.complete[i] && !openEnd[i] && C.outcome[i] !== msgO && C.cutAt[i] < 0) incomplete[i] = 1;
      if (C.kind[i] === this.KIND.deferred || C.kind[i] === this.KIND.legacy) this.deferreds++;
    }
    // Time in callbacks and waiting, and whether anything raised (what the "errors" status selects), per chain
    // are the report's figures, as `summary` computes them (a chain's runs merged where they overlap; an open
    // wait counts to the chain's end; `summary --errors`' rule): taken, not worked out again here.
    this.runUs = Float64Array.from(C.running);
    this.waitUs = Float64Array.from(C.waiting);
    this.raised = Uint8Array.from(C.raised);
    var failedIdx = this.OUT.failed, unhandledIdx = this.OUT.unhandled;
    var fail = this.failure = new Uint8Array(n);
    for (i = 0; i < n; i++) {
      var o = C.outcome[i];
      if (o === failedIdx || o === unhandledIdx) fail[i] = 1;
    }
  };

  // Lanes: the chains of a family together, families in the order they first appear in the table (the data is
  // written in family order, so this is usually the table's own order), parents before the chains they chained,
  // returned or contain (depth first). Computed once with typed arrays.
  Data.prototype.laneOrder = function () {
    var C = this.C, n = this.n, i, f, p;
    var fam = new Int32Array(n), nFam = 0;
    for (i = 0; i < n; i++) { f = C.family[i]; if (f >= nFam) nFam = f + 1; }
    for (i = 0; i < n; i++) { f = C.family[i]; fam[i] = f >= 0 ? f : nFam + i; }
    var famCount = nFam + n; // a chain without a family is one of its own
    var size = new Int32Array(famCount + 1), firstSeen = new Int32Array(famCount).fill(-1), fams = [];
    for (i = 0; i < n; i++) {
      f = fam[i];
      size[f + 1]++;
      if (firstSeen[f] < 0) { firstSeen[f] = i; fams.push(f); }
    }
    var memStart = new Int32Array(famCount + 1);
    for (f = 0; f < famCount; f++) memStart[f + 1] = memStart[f] + size[f + 1];
    var fill = memStart.slice(0, famCount), members = new Int32Array(n);
    for (i = 0; i < n; i++) members[fill[fam[i]]++] = i;
    var isChild = function (x) { p = C.parent[x]; return p >= 0 && p < n && p !== x && fam[p] === fam[x]; };
    var childStart = new Int32Array(n + 1);
    for (i = 0; i < n; i++) if (isChild(i)) childStart[C.parent[i] + 1]++;
    for (i = 0; i < n; i++) childStart[i + 1] += childStart[i];
    var childFill = childStart.slice(0, n), children = new Int32Array(n);
    for (i = 0; i < n; i++) if (isChild(i)) children[childFill[C.parent[i]]++] = i;
    var order = new Int32Array(n), k = 0, seen = new Uint8Array(n), stack = [];
    for (var fi = 0; fi < fams.length; fi++) {
      f = fams[fi];
      var a = memStart[f], b = memStart[f + 1];
      for (var pass = 0; pass < 2; pass++) { // roots first; then whatever a cycle of parents left
        for (var m = a; m < b; m++) {
          var root = members[m];
          if (seen[root] || (pass === 0 && isChild(root))) continue;
          stack.push(root);
          while (stack.length) {
            var x = stack.pop();
            if (seen[x]) continue;
            seen[x] = 1;
            order[k++] = x;
            for (var ch = childStart[x + 1] - 1; ch >= childStart[x]; ch--) if (!seen[children[ch]]) stack.push(children[ch]);
          }
        }
      }
    }
    this.order = order;
    var rank = this.rank = new Int32Array(n);
    for (i = 0; i < n; i++) rank[order[i]] = i;
  };

  // The chain of a Deferred id (a run's "returned" holds the id), the first in the table with it.
  Data.prototype.chainOfID = function (id) {
    if (!this._byID) {
      this._byID = new Map();
      for (var i = 0; i < this.n; i++) {
        var d = this.C.deferredID[i];
        if (d >= 0 && !this._byID.has(d)) this._byID.set(d, i);
      }
    }
    var c = this._byID.get(id);
    return c === undefined ? -1 : c;
  };

  // The strings the search looks in (labels, titles, exceptions, callback names, action types), lower-cased
  // once, on the first search.
  Data.prototype.searchStrings = function () {
    if (this._search) return this._search;
    var flag = new Uint8Array(this.S.length), C = this.C, P = this.P, SP = this.SP, R = this.R, i;
    var mark = function (col) { for (var j = 0; j < col.length; j++) flag[col[j]] = 1; };
    mark(C.label); mark(C.title); mark(C.exception); mark(C.reason);
    mark(P.callback); mark(P.errback); mark(R.name); mark(R.exception); mark(SP.name); mark(SP.exception);
    flag[0] = 0;
    var ids = [], lower = [];
    for (i = 1; i < flag.length; i++) if (flag[i]) { ids.push(i); lower.push(String(this.S[i]).toLowerCase()); }
    this._search = { ids: ids, lower: lower };
    return this._search;
  };

  // Which strings contain (or, with prefix, start with) the query, as flags by string index.
  Data.prototype.stringsMatching = function (query, prefix) {
    var s = this.searchStrings(), flags = new Uint8Array(this.S.length);
    for (var i = 0; i < s.ids.length; i++) {
      var at = s.lower[i].indexOf(query);
      if (prefix ? at === 0 : at >= 0) flags[s.ids[i]] = 1;
    }
    return flags;
  };

  // Chains whose label, title, exception, callback names or action types contain the text ("d #1" too; a task id
  // from eight hexadecimal digits on).
  Data.prototype.search = function (text) {
    var q = String(text || "").trim().toLowerCase();
    if (!q) return null;
    var C = this.C, P = this.P, SP = this.SP, R = this.R, n = this.n, i;
    var m = new Uint8Array(n);
    var sm = this.stringsMatching(q, false);
    for (i = 0; i < n; i++) {
      if (sm[C.label[i]] || sm[C.title[i]] || sm[C.exception[i]] || sm[C.reason[i]]) m[i] = 1;
    }
    if (/^[0-9a-f-]{8,}$/.test(q)) {
      for (i = 0; i < n; i++) if (this.str(C.id[i]).toLowerCase().indexOf(q) >= 0) m[i] = 1;
    }
    for (i = 0; i < P.length; i++) if (sm[P.callback[i]] || sm[P.errback[i]]) m[P.chain[i]] = 1;
    for (i = 0; i < R.length; i++) if (sm[R.name[i]] || sm[R.exception[i]]) m[R.chain[i]] = 1;
    for (i = 0; i < SP.length; i++) if (sm[SP.name[i]] || sm[SP.exception[i]]) m[SP.chain[i]] = 1;
    var byId = /^(.*?)\s*#(\d+)$/.exec(q);
    if (byId) {
      var id = +byId[2], lab = byId[1];
      for (i = 0; i < n; i++) {
        if (C.deferredID[i] === id && (!lab || this.str(C.label[i]).toLowerCase().indexOf(lab) >= 0)) m[i] = 1;
      }
    }
    return m;
  };

  // The filter: status (an outcome name, or "errors": anything raised), type (action type or label prefix),
  // minimum duration (ms), time window (seconds since the start). Returns the chains that pass, in lane order,
  // and the search's matches among them.
  Data.prototype.filter = function (f) {
    f = f || {};
    var C = this.C, n = this.n, i, c;
    var pass = new Uint8Array(n).fill(1);
    var active = false;
    var status = f.status || "";
    if (status) {
      active = true;
      if (status === "errors") {
        for (i = 0; i < n; i++) if (!this.raised[i]) pass[i] = 0;
      } else {
        var o = this.OUT.hasOwnProperty(status) ? this.OUT[status] : -2;
        for (i = 0; i < n; i++) if (C.outcome[i] !== o) pass[i] = 0;
      }
    }
    var type = String(f.type || "").trim().toLowerCase();
    if (type) {
      active = true;
      var tm = this.stringsMatching(type, true);
      var ok = new Uint8Array(n);
      for (i = 0; i < n; i++) if (tm[C.label[i]] || tm[C.title[i]]) ok[i] = 1;
      var SP = this.SP;
      for (i = 0; i < SP.length; i++) if (SP.depth[i] === 0 && tm[SP.name[i]]) ok[SP.chain[i]] = 1;
      for (i = 0; i < n; i++) if (!ok[i]) pass[i] = 0;
    }
    var min = parseFloat(f.minDuration);
    if (min > 0) {
      active = true;
      var minUs = min * 1000;
      for (i = 0; i < n; i++) if (this.endEff[i] - this.startEff[i] < minUs) pass[i] = 0;
    }
    var from = parseFloat(f.from), to = parseFloat(f.to);
    if (isFinite(from) || isFinite(to)) {
      active = true;
      var a = isFinite(from) ? this.tMin + from * 1e6 : -Infinity, b = isFinite(to) ? this.tMin + to * 1e6 : Infinity;
      for (i = 0; i < n; i++) if (this.startEff[i] > b || this.endEff[i] < a) pass[i] = 0;
    }
    var match = this.search(f.text);
    var onlyMatches = !!(f.only && match);
    var list = new Int32Array(n), k = 0, matches = 0;
    for (i = 0; i < n; i++) {
      c = this.order[i];
      if (!pass[c]) continue;
      if (match && match[c]) matches++;
      else if (onlyMatches) continue;
      list[k++] = c;
    }
    return { list: list.subarray(0, k), match: match, matches: matches, active: active || onlyMatches };
  };

  // Header figures over a list of chains: counts by outcome, duration percentiles (nearest rank over complete
  // chains), time in callbacks and waiting.
  Data.prototype.figures = function (list) {
    var C = this.C, counts = new Int32Array(this.outcomeNames.length), i, c;
    var complete = [], wait = 0, deferreds = 0, incomplete = 0, msgO = this.OUT.message;
    for (i = 0; i < list.length; i++) {
      c = list[i];
      counts[C.outcome[c]]++;
      if (C.kind[c] === this.KIND.deferred || C.kind[c] === this.KIND.legacy) deferreds++;
      if (this.incomplete[c]) incomplete++;
      wait += this.waitUs[c];
      // Over complete chains, as `summary`: a lone message is a task with no duration, left out.
      if (C.complete[c] && !this.openEnd[c] && C.outcome[c] !== msgO) complete.push(this.endEff[c] - this.startEff[c]);
    }
    var run = this.busyUnion(list);
    var d = Float64Array.from(complete).sort();
    var rank = function (p) { return d.length ? d[Math.max(0, Math.ceil(p / 100 * d.length) - 1)] : 0; };
    return {
      chains: list.length, counts: counts, complete: d.length,
      p50: rank(50), p90: rank(90), p95: rank(95), p99: rank(99), max: d.length ? d[d.length - 1] : 0,
      running: run, waiting: wait, deferreds: deferreds, incomplete: incomplete
    };
  };

  // Time in callbacks over a list of chains, as `summary` counts it: the union of their runs' intervals in each
  // file (a callback that runs inside another chain's callback, on the one reactor thread, counts once), added
  // up over the files.
  Data.prototype.busyUnion = function (list) {
    var C = this.C, B = this.B, R = this.R, i, j, c, k = 0, T, count = 0;
    // busyCount -1: the chain's runs do not overlap, and are their own union (its rows of the runs table).
    var rows = function (c) { return C.busyCount[c] < 0 ? C.runCount[c] : C.busyCount[c]; };
    for (i = 0; i < list.length; i++) count += rows(list[i]);
    var file = new Int32Array(count), start = new Float64Array(count), end = new Float64Array(count);
    for (i = 0; i < list.length; i++) {
      c = list[i];
      T = C.busyCount[c] < 0 ? R : B;
      for (j = C.busyStart[c]; j < C.busyStart[c] + rows(c); j++) {
        if (T.start[j] < 0 || T.end[j] <= T.start[j]) continue;
        file[k] = C.file[c]; start[k] = T.start[j]; end[k] = T.end[j]; k++;
      }
    }
    var order = new Int32Array(k);
    for (i = 0; i < k; i++) order[i] = i;
    order.sort(function (a, b) { return file[a] - file[b] || start[a] - start[b]; });
    var total = 0, curFile = -1, curStart = 0, curEnd = -Infinity;
    for (i = 0; i < k; i++) {
      j = order[i];
      if (file[j] !== curFile || start[j] > curEnd) {
        if (curEnd > curStart) total += curEnd - curStart;
        curFile = file[j]; curStart = start[j]; curEnd = end[j];
      } else if (end[j] > curEnd) {
        curEnd = end[j];
      }
    }
    if (curEnd > curStart) total += curEnd - curStart;
    return total;
  };

  // Incoming links (other chains' links to c), built once on first use.
  Data.prototype.incoming = function (c) {
    var L = this.L, n = this.n, i;
    if (!this._inStart) {
      var start = new Int32Array(n + 1);
      for (i = 0; i < L.length; i++) if (L.target[i] >= 0 && L.target[i] < n) start[L.target[i] + 1]++;
      for (i = 0; i < n; i++) start[i + 1] += start[i];
      var fill = start.slice(0, n), rows = new Int32Array(start[n]);
      for (i = 0; i < L.length; i++) if (L.target[i] >= 0 && L.target[i] < n) rows[fill[L.target[i]]++] = i;
      this._inStart = start;
      this._inRows = rows;
    }
    return Array.prototype.slice.call(this._inRows, this._inStart[c], this._inStart[c + 1]);
  };

  // The time axis: "nice" tick steps (1, 2, 5 × 10^k µs) and labels like "+500 ms".
  RT.ticks = function (from, to, pixels, minGap) {
    var span = Math.max(to - from, 1), want = Math.max(1, Math.floor(pixels / (minGap || 90)));
    var raw = span / want, pow = Math.pow(10, Math.floor(Math.log10(raw))), step = pow;
    if (raw / pow > 5) step = 10 * pow; else if (raw / pow > 2) step = 5 * pow; else if (raw / pow > 1) step = 2 * pow;
    step = Math.max(1, step);
    var out = [];
    for (var t = Math.ceil(from / step) * step; t <= to && out.length < 200; t += step) out.push(t);
    return { step: step, ticks: out };
  };
  // "+500 ms"; zoomed in far from the start (a step much finer than the time), enough decimals to tell the
  // ticks apart: "+6 min 40.05 s".
  RT.tickLabel = function (t, step) {
    if (t === 0) return "0";
    var a = Math.abs(t), sign = t > 0 ? "+" : "-";
    if (!step || step * 50 > a) return (t > 0 ? "+" : "") + RT.duration(t);
    var places = Math.max(0, Math.min(6, Math.ceil(-Math.log10(step / 1e6) - 1e-9)));
    var sec = a / 1e6, min = Math.floor(sec / 60);
    var rest = (sec - min * 60).toFixed(places);
    if (min >= 60) return sign + Math.floor(min / 60) + " h " + (min % 60) + " min " + rest + " s";
    return sign + (min > 0 ? min + " min " : "") + rest + " s";
  };
})();
