// replay.js: one cursor over all of the log's events (the events table), in time order. Step 0 is before the
// first event; at step k the current event is events[k - 1]. Next / Previous, Play / Pause at a chosen speed,
// a scrubber, and a line saying what the step was.
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

  // The text of event i (0-based): "d #1: simpleCallback ran on the callback side, 1.00 s → 1".
  Replay.prototype.describe = function (i) {
    var D = this.D, E = D.E, C = D.C, R = D.R, W = D.W, L = D.L, SP = D.SP;
    var c = E.chain[i], ref = E.ref[i], type = D.eventNames[E.type[i]] || "?";
    var who = c >= 0 ? D.name(c) : "log";
    var other = function (chain, id) { return chain >= 0 ? D.name(chain) : id >= 0 ? "#" + id : "?"; };
    var what;
    switch (type) {
      case "created": what = "created"; break;
      case "fired":
        var v = D.str(C.firedValue[c]);
        what = C.firedSide[c] === D.SIDE_ERR ? "fired with an error" + (v ? ": " + v : "") : v ? "fired with " + v : "fired";
        break;
      case "run":
        if (ref < 0) { what = "a callback ran"; break; }
        what = (D.str(R.name[ref]) || "a callback") + " ran on the " + (D.side(R.side[ref]) || "callback") + " side";
        if (R.end[ref] < 0) { what += " (and had not returned when the log ended)"; break; }
        what += ", " + RT.duration(R.end[ref] - R.start[ref]);
        if (R.exception[ref] > 0) {
          var reason = D.str(R.reason[ref]);
          what += ", raised " + D.str(R.exception[ref]) + (reason ? ": " + reason : "");
        } else {
          what += " → " + D.str(R.output[ref]);
        }
        break;
      case "wait": what = ref >= 0 ? "waiting on " + other(W.on[ref], W.onID[ref]) : "waiting"; break;
      case "resumed":
        if (ref < 0) { what = "resumed"; break; }
        var val = D.str(W.value[ref]);
        what = "resumed" + (W.side[ref] === D.SIDE_ERR ? " with an error" + (val ? ": " + val : "") : " with " + (val || "its result"));
        if (W.end[ref] >= 0 && W.start[ref] >= 0) what += " (waited " + RT.duration(W.end[ref] - W.start[ref]) + " on " + other(W.on[ref], W.onID[ref]) + ")";
        break;
      case "link":
        var kind = ref >= 0 ? D.linkNames[L.kind[ref]] || "" : "";
        what = ref >= 0 ? (LINK_OUT[kind] || kind) + " " + other(L.target[ref], L.targetID[ref]) : "linked";
        break;
      case "cancelled": what = "cancelled"; break;
      case "ended":
        what = "ended, " + D.outcome(c);
        if (D.failure[c] && C.exception[c] > 0) what += " (" + D.str(C.exception[c]) + ")";
        break;
      case "action": what = "action " + (ref >= 0 ? D.str(SP.name[ref]) : "?") + " started"; break;
      case "message": what = "message " + (ref >= 0 ? D.str(SP.name[ref]) : "?"); break;
      default: what = type;
    }
    return who + ": " + what;
  };

  // Where the replay is: {step, count, time, type, chain, ref, run, text}.
  Replay.prototype.info = function () {
    var D = this.D, E = D.E, s = this.step;
    if (s <= 0) return { step: 0, count: this.count, time: -Infinity, type: "", chain: -1, ref: -1, run: -1, text: "" };
    var i = s - 1, type = D.eventNames[E.type[i]] || "";
    return {
      step: s, count: this.count, time: +E.time[i], type: type, chain: E.chain[i], ref: E.ref[i],
      run: type === "run" ? E.ref[i] : -1, text: this.describe(i)
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
    els.text.textContent = this.step === 0 ? (this.count ? "Replay: " + this.count + " steps. Next (n) to start." : "Replay: this log has no events.") : info.text;
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
})();
