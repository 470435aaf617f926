// concdemo's HTML report: decodes each run's data block and draws its timeline.
// Hand-written, no framework, no build step; standard APIs only (canvas 2D,
// DecompressionStream, typed arrays). Text from the run only ever reaches the
// page through textContent or fillText, never as markup.
(function () {
  "use strict";
  const R = (window.concdemoReport = { ready: false, lang: "en", runs: [], errors: [] });
  const FORMAT = "concdemo/html-data-1";
  const ROW = 22, PROC_ROW = 18, AXIS = 30, TABLE_ROWS = 200;
  const QUIET = 0, BAR = 1, EVENT = 2, CHECK = 3, ALARM = 4;
  // The terminal's process colours (render/style.py), as the page shows them.
  const PROCESS_COLOURS = ["#0097a7", "#ab47bc", "#388e3c", "#b59a00", "#3f6fd8",
    "#e0564f", "#26c6da", "#d268d2", "#5cbf5c", "#5c8cff"];
  const ALARM_COLOUR = "#d50000", CHECK_COLOUR = "#2e7d32", RAISED_COLOUR = "#f9a825";
  const QUIET_COLOUR = "#9e9e9e", ARROW_COLOUR = "#212121";

  function setLang(lang) {
    document.body.dataset.lang = lang;
    document.documentElement.lang = lang === "zh" ? "zh-Hans" : "en";
    R.lang = lang;
  }
  R.setLang = setLang;
  for (const b of document.querySelectorAll("[data-set-lang]")) {
    b.addEventListener("click", () => setLang(b.dataset.setLang));
  }

  function fromBase64(text) {
    text = text.trim();
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  async function decode(text) {
    if (typeof DecompressionStream === "undefined") {
      throw new Error("this browser has no DecompressionStream (use one from 2023 or later)");
    }
    const stream = new Blob([fromBase64(text)]).stream().pipeThrough(new DecompressionStream("gzip"));
    const buf = await new Response(stream).arrayBuffer();
    const headLen = new DataView(buf).getUint32(0, true);
    const head = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, headLen)));
    if (head.format !== FORMAT) throw new Error("unknown data format " + head.format);
    let off = 4 + headLen;
    const n = head.count;
    function take(Type, count) {
      off += (8 - (off % 8)) % 8;
      const a = new Type(buf, off, count);
      off += count * Type.BYTES_PER_ELEMENT;
      return a;
    }
    let t;
    if (head.t === "delta-us") {
      // Steps in whole microseconds, summed in integers (exact) then made seconds.
      const steps = take(Int32Array, n);
      t = new Float64Array(n);
      let us = 0;
      for (let i = 0; i < n; i++) { us += steps[i]; t[i] = us / 1e6; }
    } else {
      t = take(Float64Array, n).slice();
    }
    const key = take(Uint32Array, n);
    const detail = take(Uint32Array, n), partner = take(Int32Array, n);
    const links = take(Uint32Array, head.links * 2);
    // Each event's key names its lane, kind and code (span + 4 * priority).
    const lane = new Uint32Array(n), kind = new Uint32Array(n), code = new Uint8Array(n);
    const K = head.keys;
    const kl = Uint32Array.from(K, (k) => k[0]), kk = Uint32Array.from(K, (k) => k[1]);
    const kc = Uint8Array.from(K, (k) => k[2]);
    for (let i = 0; i < n; i++) { const k = key[i]; lane[i] = kl[k]; kind[i] = kk[k]; code[i] = kc[k]; }
    return { head, t, lane, kind, code, detail, partner, links };
  }

  function lowerBound(idx, t, value) {
    let lo = 0, hi = idx.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t[idx[mid]] < value) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  class Timeline {
    constructor(root, data, index) {
      this.root = root; this.d = data; this.index = index;
      const head = data.head, n = head.count, S = head.strings;
      this.strings = S;
      this.drawTimes = []; this.lastDrawMs = 0; this.selected = null; this.hover = null;
      this.arrows = [];
      // Rows: a header per process, then its lanes in order of first appearance.
      const procName = new Map(head.processes.map(([pid, name]) => [pid, name]));
      const colourOf = new Map(head.processes.map(([pid], k) =>
        [pid, PROCESS_COLOURS[k % PROCESS_COLOURS.length]]));
      this.laneLabels = head.lanes.map(([pid, task]) => `${procName.get(pid)}[${pid}] ${task}`);
      this.laneColour = head.lanes.map(([pid]) => colourOf.get(pid));
      // A canvas taller than about 32,000 device pixels is not drawn at all: with
      // hundreds of greenlets, lanes get thinner instead (at least 4 px).
      const budget = 30000 / (window.devicePixelRatio || 1) - AXIS - head.processes.length * PROC_ROW;
      this.rowH = Math.max(4, Math.min(ROW, Math.floor(budget / Math.max(1, head.lanes.length))));
      this.rows = []; this.laneY = new Float64Array(head.lanes.length);
      let y = AXIS;
      for (const [pid, name] of head.processes) {
        this.rows.push({ proc: true, text: `${name}[${pid}]`, y, h: PROC_ROW, colour: colourOf.get(pid) });
        y += PROC_ROW;
        head.lanes.forEach(([lp, task], lane) => {
          if (lp !== pid) return;
          this.rows.push({ proc: false, lane, text: task, y, h: this.rowH });
          this.laneY[lane] = y; y += this.rowH;
        });
      }
      this.height = y + 6;
      // Per lane: instants and span starts, each in time order; phases go on the axis.
      const isPhase = new Uint8Array(S.length);
      const count = new Float64Array(S.length);
      S.forEach((s, k) => { isPhase[k] = s === "phase-start" || s === "phase-end" ? 1 : 0; });
      const inst = head.lanes.map(() => []), spans = head.lanes.map(() => []), phases = [];
      const t = data.t, code = data.code, partner = data.partner;
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < n; i++) {
        const ti = t[i];
        if (ti < lo) lo = ti; if (ti > hi) hi = ti;
        count[data.kind[i]]++;
        const span = code[i] & 3;
        if (isPhase[data.kind[i]]) { if (span === 1) phases.push(i); continue; }
        if (span === 1) spans[data.lane[i]].push(i);
        else if (span === 0 || partner[i] < 0) inst[data.lane[i]].push(i);
      }
      if (!(lo <= hi)) { lo = 0; hi = 1; }
      if (hi - lo < 1e-6) hi = lo + 1e-3;
      this.start = lo; this.end = hi;
      const byT = (a, b) => t[a] - t[b] || a - b;
      const sorted = (list) => { for (let k = 1; k < list.length; k++) if (t[list[k]] < t[list[k - 1]]) return Uint32Array.from(list).sort(byT); return Uint32Array.from(list); };
      this.inst = inst.map(sorted); this.spans = spans.map(sorted); this.phases = sorted(phases);
      this.spanEnd = (i) => (partner[i] >= 0 ? t[partner[i]] : hi);
      // Prefix maximum of span ends: the first span that can reach into a view is found
      // by bisection, so panning never walks the spans before it.
      this.reach = this.spans.map((list) => {
        const m = new Float64Array(list.length);
        let best = -Infinity;
        for (let k = 0; k < list.length; k++) { best = Math.max(best, this.spanEnd(list[k])); m[k] = best; }
        return m;
      });
      // Score: priority first, then the rarer kind (an error beats a thousand puts;
      // among events of one priority the rarest kind keeps the pixel).
      this.score = (i) => (code[i] >> 2) * 16777216 + (16777215 - Math.min(count[data.kind[i]], 16777215));
      // Links: for each event, the events it answers or that answer it.
      this.linked = new Map();
      const L = data.links;
      for (let k = 0; k < L.length; k += 2) {
        for (const [a, b] of [[L[k], L[k + 1]], [L[k + 1], L[k]]]) {
          if (!this.linked.has(a)) this.linked.set(a, []);
          this.linked.get(a).push([L[k], L[k + 1]]);
        }
      }
      this.view = { t0: lo, t1: hi };
      this.build();
    }

    build() {
      const root = this.root;
      root.textContent = "";
      const wrap = el("div", "tl-wrap");
      const labels = el("div", "tl-labels");
      labels.style.height = this.height + "px";
      for (const row of this.rows) {
        const label = el("div", row.proc ? "tl-proc" : "tl-lane", row.text);
        label.style.top = row.y + "px";
        label.style.height = row.h + "px";
        label.style.lineHeight = row.h + "px";
        if (row.h < 14) label.style.fontSize = Math.max(4, row.h - 2) + "px";
        if (row.proc) { label.style.borderLeftColor = row.colour; label.dataset.process = row.text; }
        else { label.dataset.lane = this.laneLabels[row.lane]; label.title = this.laneLabels[row.lane]; }
        labels.appendChild(label);
      }
      const box = el("div", "tl-canvas");
      this.canvas = el("canvas");
      this.canvas.tabIndex = 0;
      this.canvas.setAttribute("role", "img");
      this.canvas.setAttribute("aria-label", "timeline of the run");
      this.tip = el("div", "tl-tip");
      this.tip.hidden = true;
      box.append(this.canvas, this.tip);
      wrap.append(labels, box);
      this.details = el("pre", "tl-details");
      this.details.setAttribute("aria-live", "polite");
      root.append(wrap, this.details, this.buildTable());
      this.box = box;
      this.bind();
      new ResizeObserver(() => this.resize()).observe(box);
      this.resize();
    }

    resize() {
      const w = Math.max(100, Math.floor(this.box.clientWidth));
      const dpr = window.devicePixelRatio || 1;
      this.W = w;
      this.canvas.width = Math.floor(w * dpr);
      this.canvas.height = Math.floor(this.height * dpr);
      this.canvas.style.width = w + "px";
      this.canvas.style.height = this.height + "px";
      this.ctx = this.canvas.getContext("2d", { alpha: false });
      this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      this.colScore = new Float64Array(w + 2);
      this.colEvent = new Int32Array(w + 2);
      this.draw();
    }

    x(t) { return ((t - this.view.t0) / (this.view.t1 - this.view.t0)) * this.W; }
    tAt(x) { return this.view.t0 + (x / this.W) * (this.view.t1 - this.view.t0); }

    setView(t0, t1) {
      const full = this.end - this.start;
      let span = Math.min(Math.max(t1 - t0, 1e-7), full * 1.2);
      t0 = Math.max(this.start - full * 0.1, Math.min(t0, this.end + full * 0.1 - span));
      this.view = { t0, t1: t0 + span };
      this.schedule();
    }

    zoom(factor, atX) {
      const at = this.tAt(atX === undefined ? this.W / 2 : atX);
      const { t0, t1 } = this.view;
      this.setView(at - (at - t0) * factor, at - (at - t0) * factor + (t1 - t0) * factor);
    }

    pan(fraction) {
      const d = (this.view.t1 - this.view.t0) * fraction;
      this.setView(this.view.t0 + d, this.view.t1 + d);
    }

    schedule() {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() => { this.pending = false; this.draw(); });
    }

    colour(i) {
      const p = this.d.code[i] >> 2, kind = this.strings[this.d.kind[i]];
      if (p === ALARM) return ALARM_COLOUR;
      if (p === CHECK) return CHECK_COLOUR;
      if (kind === "raised") return RAISED_COLOUR;
      if (p === QUIET) return QUIET_COLOUR;
      return this.laneColour[this.d.lane[i]];
    }

    draw() {
      const began = performance.now();
      const ctx = this.ctx, W = this.W, t = this.d.t;
      const { t0, t1 } = this.view;
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, W, this.height);
      this.drawAxis();
      const stats = { columns: 0, alarms: 0 };
      for (const row of this.rows) {
        if (row.proc) { ctx.fillStyle = "#eceff1"; ctx.fillRect(0, row.y, W, row.h); continue; }
        const lane = row.lane, y = row.y, h = this.rowH, pad = h >= 14 ? 4 : 1;
        // Spans: bars, merged while they fall in pixels already covered.
        const spans = this.spans[lane], reach = this.reach[lane];
        let k = 0, hi = reach.length;
        while (k < hi) { const m = (k + hi) >> 1; if (reach[m] < t0) k = m + 1; else hi = m; }
        ctx.globalAlpha = 0.45;
        ctx.fillStyle = this.laneColour[lane];
        let covered = -1;
        const labelled = [];
        for (; k < spans.length; k++) {
          const i = spans[k];
          if (t[i] > t1) break;
          const e = this.spanEnd(i);
          if (e < t0) continue;
          const x0 = Math.max(0, this.x(t[i])), x1 = Math.min(W, Math.max(this.x(e), x0 + 1));
          if (x1 <= covered) continue;
          const from = Math.max(x0, covered);
          ctx.fillRect(from, y + pad, x1 - from, h - 2 * pad);
          if (x1 - x0 > 40 && h >= 14 && labelled.length < 200) labelled.push([i, x0, x1]);
          covered = x1;
        }
        ctx.globalAlpha = 1;
        ctx.font = "11px system-ui, sans-serif";
        ctx.fillStyle = "#000000";
        for (const [i, x0, x1] of labelled) {
          const name = this.strings[this.d.kind[i]].replace(/-start$/, "");
          ctx.save(); ctx.beginPath(); ctx.rect(x0, y, x1 - x0, this.rowH); ctx.clip();
          ctx.fillText(name, x0 + 3, y + this.rowH - 7); ctx.restore();
        }
        // Instants: per pixel column the highest score wins (priority, then rarity).
        const inst = this.inst[lane];
        const cs = this.colScore, ce = this.colEvent;
        cs.fill(-1);
        let used = 0;
        for (let j = lowerBound(inst, t, t0); j < inst.length; j++) {
          const i = inst[j];
          if (t[i] > t1) break;
          const c = Math.floor(this.x(t[i]));
          const s = this.score(i);
          if (s > cs[c]) { if (cs[c] < 0) used++; cs[c] = s; ce[c] = i; }
        }
        if (used) {
          let last = "";
          for (let c = 0; c <= W; c++) {
            if (cs[c] < 0) continue;
            const i = ce[c], colour = this.colour(i);
            if (colour !== last) { ctx.fillStyle = colour; last = colour; }
            const alarm = (this.d.code[i] >> 2) >= CHECK;
            stats.columns++;
            if ((this.d.code[i] >> 2) === ALARM) stats.alarms++;
            const top = alarm ? Math.min(2, pad) : pad + 1;
            ctx.fillRect(alarm ? c - 1 : c, y + top, alarm ? 3 : 2, Math.max(1, h - 2 * top));
          }
        }
      }
      this.stats = stats;
      this.drawSelection();
      this.lastDrawMs = performance.now() - began;
      this.drawTimes.push(this.lastDrawMs);
      if (this.drawTimes.length > 1000) this.drawTimes.shift();
    }

    drawAxis() {
      const ctx = this.ctx, W = this.W, t = this.d.t;
      const { t0, t1 } = this.view;
      ctx.fillStyle = "#fafafa"; ctx.fillRect(0, 0, W, AXIS);
      const step = Math.pow(10, Math.floor(Math.log10((t1 - t0) / 5)));
      const mult = (t1 - t0) / step > 25 ? 5 : (t1 - t0) / step > 10 ? 2 : 1;
      const s = step * mult;
      ctx.fillStyle = "#555555"; ctx.font = "10px system-ui, sans-serif";
      const digits = Math.max(0, -Math.floor(Math.log10(s)) - 3);
      for (let v = Math.ceil(t0 / s) * s; v <= t1; v += s) {
        const x = this.x(v);
        ctx.fillRect(x, AXIS - 6, 1, 6);
        ctx.fillText((v * 1000).toFixed(digits) + " ms", x + 2, AXIS - 8);
      }
      // Phases on the axis, as in the terminal's timeline.
      ctx.globalAlpha = 0.25; ctx.fillStyle = "#000000";
      for (const i of this.phases) {
        const x0 = Math.max(0, this.x(t[i])), x1 = Math.min(W, this.x(this.spanEnd(i)));
        if (x1 < 0 || x0 > W) continue;
        ctx.fillRect(x0, 0, Math.max(1, x1 - x0), 6);
      }
      ctx.globalAlpha = 1;
    }

    point(i) {
      const lane = this.d.lane[i], kind = this.strings[this.d.kind[i]];
      const y = (kind === "phase-start" || kind === "phase-end") ? 3 : this.laneY[lane] + this.rowH / 2;
      return { x: this.x(this.d.t[i]), y };
    }

    drawSelection() {
      this.arrows = [];
      const i = this.selected;
      if (i === null) return;
      const ctx = this.ctx, p = this.point(i);
      ctx.strokeStyle = ARROW_COLOUR; ctx.lineWidth = 2;
      ctx.strokeRect(p.x - 4, p.y - this.rowH / 2 + 1, 8, this.rowH - 2);
      // The selected event's links, and those of the other end of its span.
      const ends = [i];
      if (this.d.partner[i] >= 0) ends.push(this.d.partner[i]);
      const seen = new Set();
      for (const e of ends) {
        for (const [a, b] of this.linked.get(e) || []) {
          const key = a + ":" + b;
          if (seen.has(key)) continue;
          seen.add(key);
          this.arrow(a, b);
          this.arrows.push({ from: this.describe(a), to: this.describe(b) });
        }
      }
    }

    arrow(a, b) {
      const ctx = this.ctx, p = this.point(a), q = this.point(b);
      ctx.strokeStyle = ARROW_COLOUR; ctx.fillStyle = ARROW_COLOUR; ctx.lineWidth = 1.5;
      ctx.beginPath(); ctx.moveTo(p.x, p.y); ctx.lineTo(q.x, q.y); ctx.stroke();
      const angle = Math.atan2(q.y - p.y, q.x - p.x);
      ctx.beginPath();
      ctx.moveTo(q.x, q.y);
      ctx.lineTo(q.x - 8 * Math.cos(angle - 0.4), q.y - 8 * Math.sin(angle - 0.4));
      ctx.lineTo(q.x - 8 * Math.cos(angle + 0.4), q.y - 8 * Math.sin(angle + 0.4));
      ctx.fill();
    }

    describe(i) {
      return { index: i, kind: this.strings[this.d.kind[i]], t: this.d.t[i],
        lane: this.laneLabels[this.d.lane[i]] };
    }

    text(i) {
      const d = this.d, kind = this.strings[d.kind[i]];
      const lines = [`${kind}  ${this.laneLabels[d.lane[i]]}`, `t = ${(d.t[i] * 1000).toFixed(3)} ms`];
      if ((d.code[i] & 3) !== 0 && d.partner[i] >= 0) {
        lines.push(`${(Math.abs(d.t[d.partner[i]] - d.t[i]) * 1000).toFixed(3)} ms`);
      }
      lines.push(this.strings[d.detail[i]]);
      return lines.join("\n");
    }

    // The event under a point: the best-scoring instant within 4 px, else the
    // innermost span there.
    pick(x, y) {
      const row = this.rows.find((r) => !r.proc && y >= r.y && y < r.y + r.h);
      if (!row) return null;
      const lane = row.lane, t = this.d.t, inst = this.inst[lane];
      const a = this.tAt(x - 4), b = this.tAt(x + 4);
      let best = null, bestScore = -1;
      for (let j = lowerBound(inst, t, a); j < inst.length && t[inst[j]] <= b; j++) {
        const s = this.score(inst[j]);
        if (s > bestScore) { bestScore = s; best = inst[j]; }
      }
      if (best !== null) return best;
      const at = this.tAt(x), spans = this.spans[lane], reach = this.reach[lane];
      let found = null, k = 0, hi = reach.length;
      // From the first span that reaches the cursor (bisection), not from the first.
      while (k < hi) { const m = (k + hi) >> 1; if (reach[m] < at) k = m + 1; else hi = m; }
      for (; k < spans.length && t[spans[k]] <= at; k++) {
        if (this.spanEnd(spans[k]) >= at) found = spans[k];
      }
      return found;
    }

    clientPoint(i) {
      const r = this.canvas.getBoundingClientRect(), p = this.point(i);
      return { x: r.left + p.x, y: r.top + p.y };
    }

    find(kind, limit) {
      const out = [], k = this.strings.indexOf(kind);
      if (k < 0) return out;
      for (let i = 0; i < this.d.head.count && out.length < (limit || 100); i++) {
        if (this.d.kind[i] === k) out.push(i);
      }
      return out;
    }

    select(i) {
      this.selected = i;
      this.details.textContent = i === null ? "" : this.text(i);
      this.draw();
    }

    bind() {
      const c = this.canvas;
      let drag = null;
      const local = (ev) => { const r = c.getBoundingClientRect(); return [ev.clientX - r.left, ev.clientY - r.top]; };
      c.addEventListener("wheel", (ev) => {
        ev.preventDefault();
        const [x] = local(ev);
        if (ev.shiftKey) this.pan(ev.deltaY / 500);
        else this.zoom(Math.exp(ev.deltaY * 0.002), x);
      }, { passive: false });
      c.addEventListener("mousedown", (ev) => { drag = { x: ev.clientX, view: this.view, moved: false }; });
      window.addEventListener("mouseup", (ev) => {
        if (drag && !drag.moved && ev.target === c) {
          const [x, y] = local(ev);
          this.select(this.pick(x, y));
        }
        drag = null;
      });
      c.addEventListener("mousemove", (ev) => {
        const [x, y] = local(ev);
        if (drag) {
          const dx = ev.clientX - drag.x;
          if (Math.abs(dx) > 3) drag.moved = true;
          if (drag.moved) {
            const dt = (dx / this.W) * (drag.view.t1 - drag.view.t0);
            this.setView(drag.view.t0 - dt, drag.view.t1 - dt);
          }
        }
        const i = this.pick(x, y);
        if (i === null) { this.tip.hidden = true; this.hover = null; return; }
        this.tip.textContent = this.text(i);
        this.tip.hidden = false;
        this.tip.style.left = Math.min(x + 12, Math.max(0, this.W - 320)) + "px";
        this.tip.style.top = (y + 14) + "px";
        this.hover = { index: i, text: this.tip.textContent };
      });
      c.addEventListener("mouseleave", () => { this.tip.hidden = true; this.hover = null; });
      c.addEventListener("keydown", (ev) => {
        const k = ev.key;
        if (k === "+" || k === "=" || k === "w") this.zoom(0.8);
        else if (k === "-" || k === "s") this.zoom(1.25);
        else if (k === "ArrowLeft" || k === "a") this.pan(-0.1);
        else if (k === "ArrowRight" || k === "d") this.pan(0.1);
        else if (k === "0") this.setView(this.start, this.end);
        else if (k === "Escape") this.select(null);
        else return;
        ev.preventDefault();
      });
    }

    // The events as a table, filtered by a word of their kind, lane or detail: the
    // first TABLE_ROWS matches in time order; a click selects and centres one.
    buildTable() {
      const box = el("div", "tl-table");
      this.filter = el("input");
      this.filter.type = "search";
      this.filter.placeholder = "filter events: kind, lane or text";
      this.filter.setAttribute("aria-label", "filter events");
      this.matchCount = el("span", "tl-count");
      this.table = el("table", "events");
      box.append(this.filter, this.matchCount, this.table);
      let timer = 0;
      this.filter.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(() => this.fillTable(), 150);
      });
      this.fillTable();
      return box;
    }

    fillTable() {
      const word = this.filter.value.trim().toLowerCase(), d = this.d, n = d.head.count;
      const S = this.strings;
      const hitString = new Uint8Array(S.length), hitLane = new Uint8Array(this.laneLabels.length);
      if (word) {
        for (let k = 0; k < S.length; k++) if (S[k].toLowerCase().includes(word)) hitString[k] = 1;
        this.laneLabels.forEach((l, k) => { if (l.toLowerCase().includes(word)) hitLane[k] = 1; });
      }
      const shown = [];
      let matches = 0;
      for (let i = 0; i < n; i++) {
        if (word && !hitString[d.kind[i]] && !hitLane[d.lane[i]] && !hitString[d.detail[i]]) continue;
        matches++;
        if (shown.length < TABLE_ROWS) shown.push(i);
      }
      shown.sort((a, b) => d.t[a] - d.t[b] || a - b);
      this.table.textContent = "";
      const head = el("tr");
      for (const h of ["t (ms)", "lane", "kind", "detail"]) head.appendChild(el("th", "", h));
      this.table.appendChild(head);
      for (const i of shown) {
        const tr = el("tr");
        tr.dataset.index = String(i);
        tr.append(el("td", "", (d.t[i] * 1000).toFixed(3)), el("td", "", this.laneLabels[d.lane[i]]),
          el("td", "", S[d.kind[i]]), el("td", "", S[d.detail[i]]));
        tr.addEventListener("click", () => {
          const half = (this.view.t1 - this.view.t0) / 2;
          this.view = { t0: d.t[i] - half, t1: d.t[i] + half };
          this.select(i);
        });
        this.table.appendChild(tr);
      }
      this.matches = matches;
      this.matchCount.textContent = `${matches} of ${n} events` +
        (matches > shown.length ? `, the first ${shown.length} shown` : "");
    }

    state() {
      return { view: { ...this.view }, lanes: this.laneLabels.slice(),
        processes: this.rows.filter((r) => r.proc).map((r) => r.text),
        selected: this.selected, hover: this.hover, arrows: this.arrows.slice(),
        stats: { ...this.stats }, lastDrawMs: this.lastDrawMs, matches: this.matches };
    }
  }

  async function main() {
    const t0 = performance.now();
    for (const block of document.querySelectorAll("script.data")) {
      const n = Number(block.dataset.run);
      const root = document.querySelector(`.timeline[data-run="${n}"]`);
      try {
        R.runs[n] = new Timeline(root, await decode(block.textContent), n);
      } catch (err) {
        root.textContent = "The timeline could not be drawn: " + err.message;
        R.errors.push(String(err.message));
        throw err;
      }
    }
    R.readyMs = performance.now() - t0;
    R.ready = true;
  }
  main().catch((err) => console.error(err));
})();
