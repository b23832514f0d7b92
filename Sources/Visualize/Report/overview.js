// overview.js: every chain on one time axis, on a <canvas>. A lane per chain while they fit; when there are more
// chains than pixel rows, neighbouring lanes are summed into one row (nothing is dropped, the note says how
// many chains a row holds). Wheel or +/- zooms, dragging or the arrow keys pan, Fit (0) shows everything.
var RT = window.RT || (window.RT = {});
(function () {
  "use strict";

  var AXIS = 22, PAD_L = 12, PAD_R = 12, PAD_B = 4;

  function hexRGB(text, fallback) {
    var m = /^#([0-9a-f]{6})$/i.exec(String(text || "").trim());
    var v = parseInt(m ? m[1] : fallback, 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  function rgba(rgb, a) { return "rgba(" + rgb[0] + "," + rgb[1] + "," + rgb[2] + "," + a + ")"; }

  function Overview(app, canvas) {
    this.app = app;
    this.D = app.D;
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.t0 = this.D.tMin;
    this.t1 = this.D.tMax;
    this.W = 300;
    this.H = 150;
    this.dpr = 1;
    this.layout = { mode: "lanes", rowH: 18, k: 1, rows: 0 };
    this.pending = false;
    this.readColors();
    this.resize();
    this.bind();
  }
  RT.Overview = Overview;

  Overview.prototype.readColors = function () {
    var cs = getComputedStyle(document.documentElement);
    var get = function (name, fb) { return hexRGB(cs.getPropertyValue(name), fb); };
    this.col = {
      callback: get("--callback", "0072B2"), errback: get("--errback", "009E73"), failure: get("--failure", "D55E00"),
      waiting: get("--waiting", "E69F00"), pending: get("--pending", "CC79A7"), muted: get("--muted", "8A8A8A"),
      grid: get("--grid", "E3E3E3"), text: get("--text", "1F1F1F"), bg: get("--bg", "FFFFFF"),
      band: get("--band", "F4F5F7"), link: get("--link", "56B4E9"), current: get("--current", "E8001C")
    };
  };

  // Sizes the canvas to its box in device pixels.
  Overview.prototype.resize = function () {
    var r = this.canvas.getBoundingClientRect();
    var dpr = window.devicePixelRatio || 1;
    var w = Math.max(50, Math.round(r.width)), h = Math.max(40, Math.round(r.height));
    if (w !== this.W || h !== this.H || dpr !== this.dpr) {
      this.W = w; this.H = h; this.dpr = dpr;
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
    }
  };

  Overview.prototype.plot = function () {
    return { x: PAD_L, y: AXIS, w: Math.max(10, this.W - PAD_L - PAD_R), h: Math.max(10, this.H - AXIS - PAD_B) };
  };

  // The chains drawn: every chain passing the filter while they fit a lane each (lanes stay put when panning);
  // when they do not, the ones that overlap the visible time range, so that zooming in on a big log thins the
  // rows out down to a lane per chain. view[i] is a chain, viewPos[i] its position in the list.
  Overview.prototype.computeView = function () {
    var list = this.app.list, D = this.D, h = this.plot().h;
    if (list.length * 3 <= h) { this.view = list; this.viewPos = null; return; }
    var keep = new Int32Array(list.length), pos = new Int32Array(list.length), k = 0, t0 = this.t0, t1 = this.t1;
    for (var i = 0; i < list.length; i++) {
      var c = list[i];
      if (D.startEff[c] <= t1 && D.endEff[c] >= t0) { keep[k] = c; pos[k++] = i; }
    }
    this.view = keep.subarray(0, k);
    this.viewPos = pos.subarray(0, k);
  };
  // The row index of chain c in the view, or -1.
  Overview.prototype.indexOf = function (c) {
    var at = this.app.positionOf(c);
    if (at < 0 || !this.viewPos) return at;
    var k = this.lowerBound(at);
    return k < this.viewPos.length && this.viewPos[k] === at ? k : -1;
  };
  // The first view index whose list position is at least `at`.
  Overview.prototype.lowerBound = function (at) {
    var vp = this.viewPos;
    if (!vp) return at;
    var lo = 0, hi = vp.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (vp[mid] < at) lo = mid + 1; else hi = mid; }
    return lo;
  };

  Overview.prototype.computeLayout = function () {
    this.computeView();
    var n = this.view.length, h = this.plot().h;
    if (n === 0) return (this.layout = { mode: "lanes", rowH: 18, k: 1, rows: 0 });
    if (n * 2 <= h) return (this.layout = { mode: "lanes", rowH: Math.min(20, h / n), k: 1, rows: n });
    var rows = Math.max(1, Math.floor(h / 2));
    var k = Math.ceil(n / rows);
    rows = Math.ceil(n / k);
    return (this.layout = { mode: "agg", rowH: h / rows, k: k, rows: rows });
  };

  Overview.prototype.x = function (t) { var p = this.plot(); return p.x + (t - this.t0) / (this.t1 - this.t0) * p.w; };
  Overview.prototype.timeAt = function (x) { var p = this.plot(); return this.t0 + (x - p.x) / p.w * (this.t1 - this.t0); };

  // The visible time range, µs since t0.
  Overview.prototype.window = function () { return { from: this.t0, to: this.t1 }; };
  Overview.prototype.setWindow = function (from, to, quiet) {
    if (!(to > from)) { var mid = isFinite(from) ? from : 0; from = mid - 500; to = mid + 500; }
    // Zooming out stops a little past the data (fit leaves room for the labels), and the window keeps some of
    // the data in view.
    var full = Math.max(this.D.tMax - this.D.tMin, 1000);
    var span = Math.min(Math.max(to - from, 2), full * 1.5);
    var mid2 = Math.max(this.D.tMin - span / 2 + 1, Math.min(this.D.tMax + span / 2 - 1, (from + to) / 2));
    this.t0 = mid2 - span / 2;
    this.t1 = mid2 + span / 2;
    this.draw();
    if (!quiet) this.app.viewChanged();
  };
  Overview.prototype.fit = function () {
    this.resize();
    var list = this.app.list, D = this.D, lo = Infinity, hi = -Infinity;
    for (var i = 0; i < list.length; i++) {
      var c = list[i];
      if (D.startEff[c] < lo) lo = D.startEff[c];
      if (D.endEff[c] > hi) hi = D.endEff[c];
    }
    if (!isFinite(lo)) { lo = D.tMin; hi = D.tMax; }
    var pad = Math.max((hi - lo) * 0.02, 50);
    // With a lane per chain the labels go right of the bars: leave them room.
    var n = list.length, h = this.plot().h;
    var right = n > 0 && n * 3 <= h && h / n >= 9 ? Math.max((hi - lo) * 0.25, 50) : pad;
    this.setWindow(lo - pad, hi + right);
  };
  Overview.prototype.zoom = function (factor, atX) {
    var p = this.plot();
    var x = atX === undefined ? p.x + p.w / 2 : atX;
    var t = this.timeAt(x);
    this.setWindow(t - (t - this.t0) * factor, t + (this.t1 - t) * factor);
  };
  Overview.prototype.pan = function (fraction) {
    var d = (this.t1 - this.t0) * fraction;
    this.setWindow(this.t0 + d, this.t1 + d);
  };

  Overview.prototype.draw = function () {
    if (this.pending) return;
    this.pending = true;
    var self = this;
    requestAnimationFrame(function () { self.pending = false; self.drawNow(); });
  };

  Overview.prototype.drawNow = function () {
    this.resize();
    var ctx = this.ctx, dpr = this.dpr, col = this.col;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.W, this.H);
    ctx.fillStyle = rgba(col.bg, 1);
    ctx.fillRect(0, 0, this.W, this.H);
    var L = this.computeLayout(), p = this.plot();
    this.drawAxis(p);
    if (L.rows === 0) {
      ctx.fillStyle = rgba(col.muted, 1);
      ctx.font = "13px system-ui, sans-serif";
      ctx.fillText(this.D.n ? "No chain passes the filter." : "This log has no chains.", p.x + 8, p.y + 24);
    } else if (L.mode === "lanes") {
      this.drawLanes(p, L);
    } else {
      this.drawAggregated(p, L);
    }
    this.drawMarks(p, L);
    var note = this.view.length + (this.view.length === 1 ? " chain" : " chains") + " in view";
    if (this.view.length !== this.app.list.length) note += " (of " + this.app.list.length + ")";
    if (this.app.list.length !== this.D.n) note += " · " + this.D.n + " in the log";
    note += L.mode === "agg" ? " · " + L.k + " chains per row" : " · a lane per chain";
    this.app.setOverviewNote(note);
  };

  Overview.prototype.drawAxis = function (p) {
    var ctx = this.ctx, col = this.col;
    var base = this.D.tMin, tk = RT.ticks(this.t0 - base, this.t1 - base, p.w, 100);
    ctx.font = "10px system-ui, sans-serif";
    ctx.textBaseline = "alphabetic";
    for (var i = 0; i < tk.ticks.length; i++) {
      var t = tk.ticks[i] + base, x = Math.round(this.x(t)) + 0.5;
      ctx.fillStyle = rgba(col.grid, 1);
      ctx.fillRect(x - 0.5, p.y, 1, p.h);
      ctx.fillStyle = rgba(col.muted, 1);
      var label = RT.tickLabel(t - base, tk.step);
      var w = ctx.measureText(label).width;
      ctx.fillText(label, Math.min(Math.max(x - w / 2, 2), this.W - w - 2), 14);
    }
    ctx.fillStyle = rgba(col.grid, 1);
    ctx.fillRect(0, AXIS - 1, this.W, 1);
  };

  function replayState(app) {
    var r = app.replayInfo();
    return r && r.step > 0 ? r : null;
  }

  // One lane per chain: the chain's life as a light bar, each run solid (callback blue, errback green, a raise
  // red), waits hatched, failures ending in red, recovered chains ringed; with the replay, drawn up to its time.
  Overview.prototype.drawLanes = function (p, L) {
    var ctx = this.ctx, D = this.D, C = D.C, R = D.R, W = D.W, col = this.col, app = this.app;
    var list = this.view, match = app.match, rs = replayState(app), T = rs ? rs.time : Infinity;
    var sel = app.selectedChain, rowH = L.rowH, barH = Math.max(2, Math.min(12, rowH - 3));
    var span = this.t1 - this.t0, sx = p.w / span, t0 = this.t0;
    var msgKind = D.KIND.message, labels = rowH >= 9;
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, p.y, this.W, p.h);
    ctx.clip();
    ctx.font = Math.min(10.5, rowH - 0.5) + "px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    for (var i = 0; i < list.length; i++) {
      var c = list[i], top = p.y + i * rowH, mid = top + rowH / 2, y = mid - barH / 2;
      var s = D.startEff[c], e = Math.min(D.endEff[c], T);
      if (i % 2 === 1 && rowH >= 8) { ctx.fillStyle = rgba(col.band, 0.6); ctx.fillRect(0, top, this.W, rowH); }
      if (match && match[c]) { ctx.fillStyle = rgba(col.link, 0.28); ctx.fillRect(0, top, this.W, rowH); }
      if (c === sel) { ctx.fillStyle = rgba(col.callback, 0.16); ctx.fillRect(0, top, this.W, rowH); }
      var dim = (match && !match[c]) ? 0.35 : 1;
      if (s > T) { dim *= 0.18; e = D.endEff[c]; }
      ctx.globalAlpha = dim;
      var x0 = p.x + (s - t0) * sx, x1 = p.x + (e - t0) * sx;
      var ended = T === Infinity || (!D.openEnd[c] && D.endEff[c] <= T);
      if (x1 < p.x - 2 || x0 > p.x + p.w + 2) {
        // Zoomed in past the bar: the lane keeps its label, at the edge the bar is beyond.
        if (labels && s <= T) this.edgeLabel(c, x1 < p.x ? p.x + 2 : -1, mid, ended, T);
        ctx.globalAlpha = 1;
        continue;
      }
      if (C.kind[c] === msgKind) {
        ctx.fillStyle = rgba(col.muted, 1);
        ctx.fillRect(x0 - 2.5, mid - 2.5, 5, 5);
      } else {
        var notFired = rs && C.kind[c] === D.KIND.deferred && !(C.fired[c] >= 0 && C.fired[c] <= T);
        var open = D.openEnd[c] && !rs;
        ctx.fillStyle = notFired ? rgba(col.waiting, 0.35) : open ? rgba(col.pending, 0.35) : rgba(col.callback, 0.3);
        ctx.fillRect(x0, y, Math.max(x1 - x0, 1.5), barH);
        if (C.kind[c] === D.KIND.action && !notFired) {
          // An action as the legend says: open, failed (once its end is drawn), or succeeded.
          var actionFailed = D.failure[c] && D.endEff[c] <= T;
          ctx.fillStyle = rgba(D.openEnd[c] ? col.pending : actionFailed ? col.failure : col.callback, 0.85);
          ctx.fillRect(x0, y, Math.max(x1 - x0, 1.5), barH);
        }
        // Incomplete: the root ended, an action below it did not; it is open to the end of the log (or the replay).
        if (D.incomplete[c] && D.endEff[c] < T) {
          var xe = p.x + (Math.min(D.tMax, T) - t0) * sx;
          ctx.fillStyle = rgba(col.pending, 0.35);
          ctx.fillRect(x1, y + barH / 3, Math.max(xe - x1, 1), barH / 3);
        }
        // Waits, hatched in the waiting colour.
        for (var w = C.waitStart[c], we = w + C.waitCount[c]; w < we; w++) {
          var ws = W.start[w], wend = W.end[w] >= 0 ? W.end[w] : D.endEff[c];
          if (ws < 0 || ws > T) continue;
          wend = Math.min(wend, T);
          var a = p.x + (ws - t0) * sx, b = p.x + (wend - t0) * sx;
          ctx.fillStyle = rgba(col.waiting, 0.45);
          ctx.fillRect(a, y, Math.max(b - a, 1), barH);
          ctx.fillStyle = rgba(col.waiting, 1);
          ctx.fillRect(a, y, Math.max(b - a, 1), 1.5);
        }
        // Runs, solid; runs narrower than a pixel in the same pixel as the last one are skipped.
        var lastX = -1e9;
        for (var r = C.runStart[c], re = r + C.runCount[c]; r < re; r++) {
          var rsT = R.start[r];
          if (rsT < 0 || rsT > T) continue;
          var ren = R.end[r] >= 0 ? Math.min(R.end[r], T) : Math.min(D.endEff[c], T);
          var ra = p.x + (rsT - t0) * sx, rb = p.x + (ren - t0) * sx;
          if (rb < p.x || ra > p.x + p.w) continue;
          if (rb - ra < 1 && Math.floor(ra) === lastX) continue;
          lastX = Math.floor(ra);
          var raisedBy = R.exception[r] > 0 && R.end[r] >= 0 && (R.end[r] <= T || (rs && rs.runDone && rs.run === r));
          ctx.fillStyle = rgba(raisedBy ? col.failure : R.side[r] === D.SIDE_ERR ? col.errback : col.callback, 1);
          ctx.fillRect(ra, y, Math.max(rb - ra, 1.5), barH);
          if (rs && rs.run === r) { // the step's run, outlined red
            ctx.strokeStyle = rgba(col.current, 1);
            ctx.lineWidth = 2;
            ctx.strokeRect(ra - 2, y - 2, Math.max(rb - ra, 1.5) + 4, barH + 4);
          }
        }
        if (D.failure[c] && D.endEff[c] <= T) {
          ctx.fillStyle = rgba(col.failure, 1);
          ctx.fillRect(x1 - 3, y - 1, 4, barH + 2);
        }
        if (C.recovered[c] && D.endEff[c] <= T) {
          ctx.strokeStyle = rgba(col.failure, 1);
          ctx.lineWidth = 1.5;
          ctx.strokeRect(x0 - 1.5, y - 1.5, Math.max(x1 - x0, 1.5) + 3, barH + 3);
        }
        if (C.cancelledAt[c] >= 0 && C.cancelledAt[c] <= T) {
          var cx = p.x + (C.cancelledAt[c] - t0) * sx;
          ctx.fillStyle = rgba(col.pending, 1);
          ctx.fillRect(cx - 1, y - 2, 2, barH + 4);
        }
      }
      if (labels) {
        var text = this.laneLabel(c, ended, T);
        var tw = ctx.measureText(text).width, lx = Math.max(x1 + 6, p.x + 2);
        if (lx + tw > this.W - 4 && x0 - 6 - tw >= 2) lx = x0 - 6 - tw; // no room right of the bar: left of it
        else if (lx + tw > this.W - 4) { // nor left: over the bar, on a plate
          lx = Math.max(p.x + 2, Math.min(x0 + 4, this.W - 4 - tw));
          ctx.fillStyle = rgba(col.bg, 0.85);
          ctx.fillRect(lx - 2, mid - 6.5, Math.min(tw + 4, this.W - lx), 13);
        }
        ctx.fillStyle = rgba(D.failure[c] && ended ? col.failure : col.text, 1);
        ctx.fillText(text, lx, mid);
      }
      ctx.globalAlpha = 1;
      if (rs && rs.chain === c) {
        ctx.strokeStyle = rgba(col.current, 1);
        ctx.lineWidth = 2;
        ctx.strokeRect(1, top + 1, this.W - 2, Math.max(rowH - 2, 2));
      }
    }
    this.drawLinks(p, L, rs, T);
    // Families (a chain and the chains it chained, returned or contains) joined by a bracket in the gutter.
    ctx.fillStyle = rgba(col.link, 0.9);
    for (var a = 0; a < list.length;) {
      var b = a + 1;
      while (b < list.length && C.family[list[b]] === C.family[list[a]] && C.family[list[a]] >= 0) b++;
      if (b - a > 1) {
        ctx.fillRect(p.x - 7, p.y + (a + 0.5) * rowH, 2, (b - a - 1) * rowH);
        for (var m = a; m < b; m++) ctx.fillRect(p.x - 7, p.y + (m + 0.5) * rowH - 0.75, 5, 1.5);
      }
      a = b;
    }
    ctx.restore();
  };

  // A lane's label: the name (isolated: a canvas has no elements to do it), and once the chain has ended (by the
  // replay's time) how long it took and how it ended.
  Overview.prototype.laneLabel = function (c, ended, T) {
    var D = this.D, C = D.C, name = RT.isolated(D.label(c)) + (C.deferredID[c] >= 0 ? " #" + C.deferredID[c] : "");
    var text = name;
    if (C.kind[c] !== D.KIND.message) {
      if (!ended) text += "  " + D.stateAt(c, T);
      else if (D.incomplete[c]) text += "  " + RT.duration(D.duration(c)) + ", incomplete";
      else text += "  " + (D.openEnd[c] ? "open" : RT.duration(D.duration(c)));
    }
    if (ended && D.failure[c]) text += "  ✗ " + RT.isolated(D.str(C.exception[c]));
    else if (ended && C.recovered[c]) text += "  ✓ recovered from " + RT.isolated(D.str(C.exception[c]));
    return text.length > 160 ? text.slice(0, 159) + "…" : text;
  };
  // The label of a lane whose bar is out of view, in the muted colour, at the left edge (x) or the right one
  // (x < 0), with an arrow to where the bar is.
  Overview.prototype.edgeLabel = function (c, x, mid, ended, T) {
    var ctx = this.ctx, text = (x < 0 ? "" : "◂ ") + this.laneLabel(c, ended, T) + (x < 0 ? " ▸" : "");
    var tw = ctx.measureText(text).width, lx = x < 0 ? this.W - 4 - tw : x;
    ctx.fillStyle = rgba(this.col.muted, 1);
    ctx.fillText(text, Math.max(2, lx), mid);
  };

  // Links between chains in view (chained, waited on, returned, contains): a dashed line from lane to lane at the
  // link's time; with the replay, links light up once they happen and the step's link is red.
  Overview.prototype.drawLinks = function (p, L, rs, T) {
    var ctx = this.ctx, D = this.D, C = D.C, LK = D.L, col = this.col, list = this.view;
    if (!LK.length || list.length > 400) return;
    var sx = p.w / (this.t1 - this.t0);
    ctx.lineWidth = 1.25;
    for (var i = 0; i < list.length; i++) {
      var c = list[i];
      for (var l = C.linkStart[c], le = l + C.linkCount[c]; l < le; l++) {
        var target = LK.target[l], at = target >= 0 ? this.indexOf(target) : -1;
        var time = LK.time[l] >= 0 ? LK.time[l] : D.startEff[target];
        if (at < 0 || !(time >= 0)) continue;
        var x = p.x + (time - this.t0) * sx;
        if (x < p.x || x > p.x + p.w) continue;
        var y0 = p.y + (i + 0.5) * L.rowH, y1 = p.y + (at + 0.5) * L.rowH;
        var happened = time <= T, current = rs && rs.type === "link" && rs.ref === l;
        ctx.strokeStyle = rgba(current ? col.current : col.link, rs && !happened ? 0.25 : 0.95);
        ctx.lineWidth = current ? 2.5 : 1.25;
        ctx.setLineDash(current ? [] : [4, 3]);
        ctx.beginPath();
        ctx.moveTo(x, y0);
        ctx.lineTo(x, y1);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = ctx.strokeStyle;
        var dir = y1 > y0 ? 1 : -1;
        ctx.beginPath();
        ctx.moveTo(x, y1);
        ctx.lineTo(x - 3.5, y1 - dir * 5);
        ctx.lineTo(x + 3.5, y1 - dir * 5);
        ctx.fill();
      }
    }
  };

  // More chains than rows: k neighbouring lanes per row, summed per pixel column with difference arrays (one
  // pass over the chains, one over the pixels), drawn as one image. Each pixel's colour is the mix of the
  // outcomes of the chains alive there, by their share (5% failures tint a row, they do not paint it red), its
  // strength how many are alive; the gutter mark's strength is the row's share of failures.
  Overview.prototype.drawAggregated = function (p, L) {
    var D = this.D, C = D.C, app = this.app, list = this.view, match = app.match, col = this.col;
    var rs = replayState(app), T = rs ? rs.time : Infinity;
    var wd = Math.max(1, Math.round(p.w * this.dpr)), rows = L.rows, k = L.k, stride = wd + 1;
    var size = rows * stride;
    var live = new Int32Array(size), open = new Int32Array(size), wait = new Int32Array(size), hit = new Int32Array(size);
    var fail = new Int32Array(size), rowFail = new Int32Array(rows), rowAll = new Int32Array(rows), rowMatch = new Uint8Array(rows);
    var t0 = this.t0, sx = wd / (this.t1 - this.t0), deferred = D.KIND.deferred, i, c, r;
    for (i = 0; i < list.length; i++) {
      c = list[i];
      r = (i / k) | 0;
      var s = D.startEff[c], e = D.endEff[c];
      if (s > T) continue;
      var ended = e <= T;
      if (!ended) e = T;
      if (e < t0 || (s - t0) * sx > wd) continue;
      var x0 = Math.floor((s - t0) * sx), x1 = Math.floor((e - t0) * sx);
      if (x0 < 0) x0 = 0;
      if (x1 > wd - 1) x1 = wd - 1;
      if (x1 < x0) x1 = x0;
      var base = r * stride;
      var arr = (rs && C.kind[c] === deferred && !(C.fired[c] >= 0 && C.fired[c] <= T)) ? wait
        : D.failure[c] && ended ? fail : (D.openEnd[c] && !rs ? open : live);
      arr[base + x0]++;
      arr[base + x1 + 1]--;
      if (match && match[c]) { hit[base + x0]++; hit[base + x1 + 1]--; rowMatch[r] = 1; }
      rowAll[r]++;
      if (D.failure[c] && ended) rowFail[r]++;
    }
    var img = new ImageData(wd, rows), px = img.data;
    var cb = col.callback, pe = col.pending, wa = col.waiting, fa = col.failure;
    for (r = 0; r < rows; r++) {
      var sL = 0, sO = 0, sW = 0, sH = 0, sF = 0, base2 = r * stride;
      for (var x = 0; x < wd; x++) {
        sL += live[base2 + x]; sO += open[base2 + x]; sW += wait[base2 + x]; sH += hit[base2 + x]; sF += fail[base2 + x];
        var o = (r * wd + x) * 4, total = sL + sO + sW + sF;
        if (total <= 0) continue;
        var alpha = 80 + 175 * Math.sqrt(Math.min(1, total / k));
        if (match && sH === 0) alpha *= 0.18;
        for (var ch = 0; ch < 3; ch++) px[o + ch] = (cb[ch] * sL + pe[ch] * sO + wa[ch] * sW + fa[ch] * sF) / total;
        px[o + 3] = alpha;
      }
    }
    var ctx = this.ctx;
    // Rows holding a search match get the match band; rows holding a failure a red mark in the gutter.
    for (r = 0; r < rows; r++) {
      var top = p.y + r * L.rowH;
      if (rowMatch[r]) { ctx.fillStyle = rgba(col.link, 1); ctx.fillRect(this.W - 8, top, 6, Math.max(L.rowH - 0.5, 1)); }
      if (rowFail[r]) { ctx.fillStyle = rgba(col.failure, 0.25 + 0.75 * rowFail[r] / rowAll[r]); ctx.fillRect(2, top, 4, Math.max(L.rowH - 0.5, 1)); }
    }
    if (!this.scratch) this.scratch = document.createElement("canvas");
    var sc = this.scratch;
    if (sc.width !== wd || sc.height !== rows) { sc.width = wd; sc.height = rows; }
    sc.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(sc, 0, 0, wd, rows, p.x, p.y, p.w, rows * L.rowH);
    ctx.imageSmoothingEnabled = true;
    var sel = app.selectedChain;
    if (sel >= 0) {
      var at = this.indexOf(sel);
      if (at >= 0) {
        var ry = p.y + Math.floor(at / k) * L.rowH;
        ctx.strokeStyle = rgba(col.callback, 1);
        ctx.lineWidth = 1;
        ctx.strokeRect(0.5, ry - 1.5, this.W - 1, L.rowH + 3);
      }
    }
    if (rs && rs.chain >= 0) {
      var at2 = this.indexOf(rs.chain);
      if (at2 >= 0) {
        var ry2 = p.y + Math.floor(at2 / k) * L.rowH;
        ctx.strokeStyle = rgba(col.current, 1);
        ctx.lineWidth = 2;
        ctx.strokeRect(1, ry2 - 2, this.W - 2, L.rowH + 4);
      }
    }
  };

  // The replay's cursor and which rows the list shows.
  Overview.prototype.drawMarks = function (p, L) {
    var ctx = this.ctx, col = this.col, app = this.app, rs = replayState(app);
    if (rs) {
      var x = this.x(rs.time);
      if (x >= p.x - 1 && x <= p.x + p.w + 1) {
        ctx.fillStyle = rgba(col.current, 1);
        ctx.fillRect(x - 1, p.y - 6, 2, p.h + 6);
      }
    }
    var range = app.listRange();
    if (range && L.rows > 0 && this.view.length > 0) {
      var a = Math.floor(this.lowerBound(range[0]) / L.k), b = Math.ceil(this.lowerBound(range[1]) / L.k);
      ctx.fillStyle = rgba(col.muted, 0.6);
      ctx.fillRect(0, p.y + a * L.rowH, 2, Math.max((b - a) * L.rowH, 2));
    }
  };

  // What is under a point: the row, its first list position, and the chain there (or -1).
  Overview.prototype.hit = function (x, y) {
    var p = this.plot(), L = this.layout, list = this.view || this.app.list, D = this.D;
    if (y < p.y || y > p.y + p.h || L.rows === 0) return null;
    var row = Math.floor((y - p.y) / L.rowH);
    if (row < 0 || row >= L.rows) return null;
    var first = row * L.k, last = Math.min(first + L.k, list.length);
    if (first >= list.length) return null;
    var t = this.timeAt(x), tol = 4 * (this.t1 - this.t0) / p.w;
    var listAt = this.viewPos ? this.viewPos[first] : first;
    if (L.mode === "lanes") return { row: row, first: first, last: last, listAt: listAt, chain: list[first] };
    var best = -1, bestLen = -1;
    for (var i = first; i < last; i++) {
      var c = list[i];
      if (D.startEff[c] - tol <= t && D.endEff[c] + tol >= t) {
        var len = D.endEff[c] - D.startEff[c];
        if (D.failure[c]) len += 1e15;
        if (len > bestLen) { best = c; bestLen = len; }
      }
    }
    return { row: row, first: first, last: last, listAt: listAt, chain: best };
  };

  Overview.prototype.tipText = function (h) {
    var D = this.D, C = D.C, lines = [];
    if (this.layout.mode === "agg") lines.push((h.last - h.first) + " chains in this row (from list row " + (h.listAt + 1) + ")");
    if (h.chain >= 0) {
      var c = h.chain;
      lines.push(RT.isolated(D.label(c)) + (C.deferredID[c] >= 0 ? " #" + C.deferredID[c] : "") + " — " +
        RT.isolated(D.str(C.badge[c]) || D.outcome(c)) + (D.incomplete[c] ? ", incomplete" : ""));
      lines.push((D.openEnd[c] ? "open, " : "") + RT.duration(D.duration(c)) + " from " + RT.tickLabel(D.startEff[c] - D.tMin) +
        " · " + C.pairCount[c] + " pairs · " + C.runCount[c] + " runs");
      var reason = D.str(C.reason[c]);
      if (C.exception[c] > 0) lines.push(RT.isolated(D.str(C.exception[c])) + (reason ? ": " + RT.isolated(reason) : ""));
    } else if (this.layout.mode === "agg") {
      lines.push("click to show these chains in the list");
    }
    return lines.join("\n");
  };

  Overview.prototype.bind = function () {
    var self = this, cv = this.canvas, drag = null;
    var tip = document.getElementById("tip");
    var local = function (e) { var r = cv.getBoundingClientRect(); return { x: e.clientX - r.left, y: e.clientY - r.top }; };
    cv.addEventListener("wheel", function (e) {
      e.preventDefault();
      var unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      var dx = e.deltaX * unit, dy = e.deltaY * unit, pt = local(e);
      if (e.shiftKey || Math.abs(dx) > Math.abs(dy)) self.pan((Math.abs(dx) > Math.abs(dy) ? dx : dy) / self.plot().w);
      else self.zoom(Math.exp(Math.max(-300, Math.min(300, dy)) * 0.002), pt.x);
    }, { passive: false });
    cv.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      var pt = local(e);
      drag = { x: pt.x, y: pt.y, t0: self.t0, t1: self.t1, moved: false, id: e.pointerId };
      cv.setPointerCapture(e.pointerId);
    });
    cv.addEventListener("pointermove", function (e) {
      var pt = local(e);
      if (drag) {
        if (Math.abs(pt.x - drag.x) > 3) drag.moved = true;
        if (drag.moved) {
          cv.classList.add("dragging");
          tip.hidden = true;
          var dt = (pt.x - drag.x) / self.plot().w * (drag.t1 - drag.t0);
          self.t0 = drag.t0 - dt;
          self.t1 = drag.t1 - dt;
          self.draw();
        }
        return;
      }
      var h = self.hit(pt.x, pt.y);
      if (!h) { tip.hidden = true; return; }
      tip.textContent = self.tipText(h);
      tip.hidden = false;
      var tw = tip.offsetWidth, th = tip.offsetHeight;
      tip.style.left = Math.max(4, Math.min(pt.x + 14, self.W - tw - 4)) + "px";
      tip.style.top = (pt.y + 16 + th > self.H ? Math.max(2, pt.y - th - 8) : pt.y + 16) + "px";
    });
    var end = function (e) {
      if (!drag) return;
      var d = drag;
      drag = null;
      cv.classList.remove("dragging");
      if (d.moved) { self.app.viewChanged(); return; }
      if (e.type !== "pointerup") return;
      var pt = local(e), h = self.hit(pt.x, pt.y);
      if (!h) return;
      if (h.chain >= 0) self.app.openChain(h.chain, { scroll: true });
      else self.app.scrollListTo(h.listAt, true);
    };
    cv.addEventListener("pointerup", end);
    cv.addEventListener("pointercancel", end);
    cv.addEventListener("pointerleave", function () { if (!drag) tip.hidden = true; });
    if (window.ResizeObserver) new ResizeObserver(function () { self.draw(); }).observe(cv);
    else window.addEventListener("resize", function () { self.draw(); });
    if (window.matchMedia) {
      var mq = window.matchMedia("(prefers-color-scheme: dark)");
      var onScheme = function () { self.readColors(); self.draw(); };
      if (mq.addEventListener) mq.addEventListener("change", onScheme);
    }
  };
})();
