/* tandem — interactive Gantt chart (grid + SVG timeline).
 *
 * Plain ES2020 in one IIFE: no framework, no build step, no network besides the
 * element's own URLs. The page is served with `script-src 'self'; style-src 'self'`, so
 * this file never writes style attributes or evaluates strings: data-dependent positions
 * go through SVG geometry attributes or the CSSOM (el.style.left = ...).
 *
 * Contract
 *   <div data-gantt data-source=URL data-move-url=URL data-link-url=URL data-csrf=TOKEN>
 *   - GET data-source (same-origin credentials) -> {project, can_edit, tasks, links}.
 *   - Move:  POST data-move-url  task=<id>&start=<YYYY-MM-DD>&version=<version>
 *     Link:  POST data-link-url  from=<id>&to=<id>&type=FS
 *     as application/x-www-form-urlencoded with X-CSRFToken. 200 -> the full document
 *     (re-rendered in place); 4xx -> {"detail", "code"}: detail goes to the status line.
 *     A 409 or 412 on a move also re-fetches data-source (the usual cause is a stale version).
 *   - After every render: data-rendered="<rows in the DOM>" on the element and a bubbling
 *     `gantt:rendered` CustomEvent, detail {reason, rows, first, last, visible, total, ms};
 *     reason is load | data | scroll | resize | zoom | toggle | fold | drag.
 *   - window.TandemGantt = {init(element), initAll(root), instances}.
 *
 * Rows are virtual: only rows in or near the viewport exist in the DOM (plans of up to 150
 * visible rows are rendered in full), while the SVG and the grid keep the full height.
 * Links are drawn only when their row span touches the rendered rows.
 */
(() => {
  "use strict";

  // ---- constants -------------------------------------------------------------------
  const ROW_H = 28;        // keep in sync with --gantt-row-h in gantt.css
  const HEAD_H = 44;       // the two-line timeline scale, 22px per line
  const OVERSCAN = 15;     // rows kept in the DOM above and below the viewport
  const MARGIN = 5;        // re-render once fewer rendered rows than this remain beyond the viewport
  const SMALL = 150;       // plans up to this many visible rows are rendered in full
  const STUB = 8;          // first/last straight segment of a link
  const EDGE = 36;         // auto-scroll zone near the viewport edges while dragging
  const DAY_MS = 86400000;
  const SVG_NS = "http://www.w3.org/2000/svg";
  const PREFS_KEY = "tandem.gantt.prefs";
  const FOLD_KEY = "tandem.gantt.folded.";
  // ppd = pixels per day; snap = drag step in days; top/bottom = units of the two scale lines.
  const ZOOMS = {
    day: { label: "Day", ppd: 32, snap: 1, top: "week", bottom: "day", padBefore: 3, padAfter: 10 },
    week: { label: "Week", ppd: 14, snap: 1, top: "month", bottom: "week", padBefore: 7, padAfter: 28 },
    month: { label: "Month", ppd: 4.5, snap: 7, top: "quarter", bottom: "month", padBefore: 14, padAfter: 60 },
    quarter: { label: "Quarter", ppd: 1.5, snap: 7, top: "year", bottom: "quarter", padBefore: 30, padAfter: 120 },
  };
  const ZOOM_KEYS = Object.keys(ZOOMS);

  // ---- small utilities ---------------------------------------------------------------
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

  function readJSON(key) {
    try { return JSON.parse(localStorage.getItem(key)); } catch { return null; }
  }
  function writeJSON(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch { /* private mode: keep in memory only */ }
  }

  // Builds an HTML element from plain attributes. Callers never pass "style" (CSP rejects
  // style attributes); positions are set afterwards through el.style.
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const k in attrs) {
      const v = attrs[k];
      if (v == null || v === false) continue;
      if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids) if (kid != null) el.append(kid);
    return el;
  }
  function svgEl(tag, attrs) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const k in attrs) {
      if (k === "text") el.textContent = attrs[k];
      else el.setAttribute(k, attrs[k]);
    }
    return el;
  }

  // ---- time ----------------------------------------------------------------------------
  // Times are the project's wall clock without a zone. We map them onto a UTC day count
  // (1970-01-01 = day 0, fractions = time of day) so neither DST nor the browser's zone
  // can ever shift a bar; all formatting below uses timeZone "UTC" for the same reason.
  const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/;
  function parseTime(s) {
    const m = typeof s === "string" && TIME_RE.exec(s);
    if (!m) return null;
    return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0)) / DAY_MS;
  }
  // A date-only finish or deadline means "end of that day".
  function parseEnd(s) {
    const v = parseTime(s);
    return v != null && !/[T ]\d/.test(s) ? v + 1 : v;
  }
  const utc = (day) => new Date(Math.floor(day) * DAY_MS);
  const dayOfUTC = (y, m, d) => Date.UTC(y, m, d) / DAY_MS;
  const weekday = (day) => (((Math.floor(day) + 4) % 7) + 7) % 7; // 0 = Sunday
  const isoDate = (day) => utc(day).toISOString().slice(0, 10);
  function ymd(day) {
    const d = utc(day);
    return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
  }
  function isoWeek(day) {
    const thursday = Math.floor(day) - ((weekday(day) + 6) % 7) + 3;
    return 1 + Math.floor((thursday - dayOfUTC(ymd(thursday)[0], 0, 1)) / 7);
  }
  // Bars cover whole days, like TeamGantt/OpenProject: a task working 08:00–17:00 fills its
  // day cells. A start late in the day rounds forward; a finish early in the day rounds back.
  function barStart(t) { return t - Math.floor(t) >= 0.7 ? Math.ceil(t) : Math.floor(t); }
  function barEnd(t) { const f = t - Math.floor(t); return f > 0 && f <= 0.34 ? Math.floor(t) : Math.ceil(t); }
  // Milestones/deadlines are points: 17:00 sits at the end of its day, 08:00 at the start.
  const pointOf = (t) => Math.round(t);
  // The calendar day a finish belongs to: midnight means the previous day ended.
  const finishDayOf = (t) => (t === Math.floor(t) ? t - 1 : Math.floor(t));
  function localToday() {
    const d = new Date();
    return dayOfUTC(d.getFullYear(), d.getMonth(), d.getDate());
  }

  function unitStart(kind, day) {
    day = Math.floor(day);
    if (kind === "day") return day;
    if (kind === "week") return day - ((weekday(day) + 6) % 7); // ISO weeks start on Monday
    const [y, m] = ymd(day);
    if (kind === "month") return dayOfUTC(y, m, 1);
    if (kind === "quarter") return dayOfUTC(y, m - (m % 3), 1);
    return dayOfUTC(y, 0, 1);
  }
  function unitNext(kind, day) {
    if (kind === "day") return day + 1;
    if (kind === "week") return day + 7;
    const [y, m] = ymd(day);
    return dayOfUTC(y, m + (kind === "month" ? 1 : kind === "quarter" ? 3 : 12), 1);
  }

  function pickLocale() {
    const lang = document.documentElement.lang;
    try { return lang ? new Intl.DateTimeFormat(lang).resolvedOptions().locale : undefined; } catch { return undefined; }
  }
  const LOCALE = pickLocale();
  const dtf = (opts) => new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", ...opts });
  const FMT = {
    date: dtf({ year: "numeric", month: "short", day: "numeric" }),
    long: dtf({ weekday: "short", year: "numeric", month: "short", day: "numeric" }),
    dayMonth: dtf({ month: "short", day: "numeric" }),
    monthYear: dtf({ month: "long", year: "numeric" }),
    month: dtf({ month: "long" }),
    weekday: dtf({ weekday: "narrow" }),
  };
  const fmtDate = (day) => (day == null ? "" : FMT.date.format(utc(day)));
  const fmtLong = (day) => (day == null ? "—" : FMT.long.format(utc(day)));
  function fmtDays(n, signed) {
    if (n == null || n === "" || !Number.isFinite(Number(n))) return "—";
    const v = Math.round(Number(n) * 10) / 10;
    return `${signed && v > 0 ? "+" : ""}${v < 0 ? "−" + -v : v} d`;
  }

  // Scale labels as [muted prefix, main text].
  function unitLabel(kind, day, top) {
    const [y, m, d] = ymd(day);
    const date = utc(day);
    switch (kind) {
      case "day": return [FMT.weekday.format(date), String(d)];
      case "week": return [`W${isoWeek(day)}`, top ? FMT.date.format(date) : FMT.dayMonth.format(date)];
      case "month": return ["", top ? FMT.monthYear.format(date) : FMT.month.format(date)];
      case "quarter": return ["", `Q${Math.floor(m / 3) + 1}${top ? " " + y : ""}`];
      default: return ["", String(y)];
    }
  }

  // ---- the chart -------------------------------------------------------------------------
  let uidCounter = 0;

  class Gantt {
    constructor(el) {
      this.el = el;
      this.uid = ++uidCounter;
      const data = el.dataset;
      this.sourceUrl = data.source;
      this.moveUrl = data.moveUrl;
      this.linkUrl = data.linkUrl;
      this.csrf = data.csrf || "";
      const prefs = readJSON(PREFS_KEY) || {};
      this.zoom = ZOOMS[prefs.zoom] ? prefs.zoom : "week";
      this.showCritical = prefs.critical === true;
      this.showBaseline = prefs.baseline === true;
      // null = automatic width (a share of the container); a number once the user drags the splitter
      this.prefGridW = Number(prefs.gridW) > 0 ? clamp(Number(prefs.gridW), 220, 900) : null;
      this.gridW = 480;
      this.doc = null;
      this.tasks = [];
      this.visible = [];
      this.links = [];
      this.byId = new Map();
      this.rowOf = new Map();
      this.folded = new Set();
      this.projectKey = null;
      this.range = null;       // [first, last] rendered row indexes
      this.nodes = new Map();  // rendered row index -> its DOM/SVG nodes
      this.hoverRow = -1;
      this.drag = null;        // moving a bar
      this.linkDrag = null;    // drawing a link from a handle
      this.busy = false;       // a POST is in flight: no new edits until it answers
      this.wheelAcc = 0;
      this.build();
      this.bind();
      this.load();
    }

    // ---- DOM skeleton (built once) ----
    build() {
      const el = this.el;
      el.classList.add("gantt");
      el.replaceChildren();
      const cols = [["WBS", "wbs"], ["Task name", "name"], ["Start", "start"], ["Finish", "finish"], ["Dur.", "dur"]];
      this.corner = h("div", { class: "gantt-corner" },
        ...cols.map(([label, key]) => h("div", { class: `gantt-cell gantt-c-${key}`, text: label })));
      this.headSvg = svgEl("svg", { class: "gantt-scale", height: HEAD_H, "aria-hidden": "true" });
      this.rowsEl = h("div", { class: "gantt-rows" });
      this.grid = h("div", { class: "gantt-grid", "aria-label": "Tasks" }, this.rowsEl);
      this.svg = svgEl("svg", { class: "gantt-svg", role: "group", "aria-label": "Timeline" });
      this.svg.append(this.buildMarkers());
      this.layers = {};
      for (const name of ["bg", "hover", "lines", "baselines", "links", "bars", "marks", "overlay"]) {
        this.layers[name] = svgEl("g", { class: `gantt-layer-${name}` });
        this.svg.append(this.layers[name]);
      }
      this.hoverRect = svgEl("rect", { class: "gantt-row-hover", x: 0, y: 0, width: 0, height: ROW_H });
      this.layers.hover.append(this.hoverRect);
      this.timeline = h("div", { class: "gantt-timeline" }, this.svg);
      this.scroller = h("div", { class: "gantt-scroll" },
        h("div", { class: "gantt-head" }, this.corner, this.headSvg),
        h("div", { class: "gantt-main" }, this.grid, this.timeline));
      this.splitter = h("div", { class: "gantt-splitter", role: "separator", tabindex: "0",
        "aria-orientation": "vertical", "aria-label": "Resize task list" });
      this.empty = h("div", { class: "gantt-empty", hidden: true, text: "No tasks in this plan yet." });
      this.status = h("div", { class: "gantt-status", role: "status", "aria-live": "polite" });
      this.meta = h("div", { class: "gantt-meta" });
      this.tip = h("div", { class: "gantt-tip", role: "tooltip", hidden: true });
      el.append(this.buildToolbar(),
        h("div", { class: "gantt-body" }, this.scroller, this.splitter, this.empty),
        h("div", { class: "gantt-footer" }, this.status, this.meta),
        this.tip);
      this.applyGridWidth();
    }

    buildToolbar() {
      const btn = (label, attrs) => h("button", { type: "button", class: "gantt-btn", ...attrs }, label);
      this.zoomBtns = ZOOM_KEYS.map((k) => btn(ZOOMS[k].label, { "data-zoom": k, "aria-pressed": String(k === this.zoom) }));
      this.critBtn = btn("Critical path", { class: "gantt-btn gantt-switch gantt-switch-critical",
        "data-action": "critical", "aria-pressed": String(this.showCritical) });
      this.baseBtn = btn("Baseline", { class: "gantt-btn gantt-switch", "data-action": "baseline",
        "aria-pressed": String(this.showBaseline) });
      const legend = [["task", "Task"], ["critical", "Critical"], ["summary", "Summary"], ["milestone", "Milestone"],
        ["baseline", "Baseline"], ["deadline", "Deadline"], ["today", "Today"]];
      return h("div", { class: "gantt-toolbar" },
        h("div", { class: "gantt-seg", role: "group", "aria-label": "Zoom" }, ...this.zoomBtns),
        btn("Today", { "data-action": "today", title: "Scroll to today" }),
        h("span", { class: "gantt-sep", "aria-hidden": "true" }),
        this.critBtn, this.baseBtn,
        h("div", { class: "gantt-legend", "aria-label": "Legend" },
          ...legend.map(([k, label]) => h("span", { class: "gantt-lg" }, h("i", { class: `gantt-lg-${k}` }), label))));
    }

    // Arrowheads. Ids carry the instance number so two charts on a page don't collide.
    buildMarkers() {
      const defs = svgEl("defs", {});
      for (const [suffix, cls] of [["", "gantt-arrow"], ["-crit", "gantt-arrow gantt-arrow-crit"]]) {
        const marker = svgEl("marker", { id: `gantt${this.uid}-arrow${suffix}`, viewBox: "0 0 8 8", refX: 7.5, refY: 4,
          markerWidth: 7, markerHeight: 7, markerUnits: "userSpaceOnUse", orient: "auto" });
        marker.append(svgEl("path", { class: cls, d: "M0,0.5L8,4L0,7.5Z" }));
        defs.append(marker);
      }
      return defs;
    }

    bind() {
      this.el.querySelector(".gantt-toolbar").addEventListener("click", (e) => {
        const b = e.target.closest("button");
        if (!b) return;
        if (b.dataset.zoom) this.setZoom(b.dataset.zoom);
        else if (b.dataset.action === "today") this.scrollToToday();
        else if (b.dataset.action === "critical") this.setToggle("showCritical", !this.showCritical);
        else if (b.dataset.action === "baseline") this.setToggle("showBaseline", !this.showBaseline);
      });
      this.scroller.addEventListener("scroll", () => this.onScroll(), { passive: true });
      this.scroller.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
      this.grid.addEventListener("click", (e) => this.onGridClick(e));
      this.grid.addEventListener("mouseover", (e) => {
        const row = e.target.closest(".gantt-row");
        if (row) this.setHoverRow(Number(row.dataset.row));
      });
      this.grid.addEventListener("mouseleave", () => this.setHoverRow(-1));
      this.svg.addEventListener("pointerdown", (e) => this.onPointerDown(e));
      this.svg.addEventListener("pointermove", (e) => this.onPointerMove(e));
      this.svg.addEventListener("pointerup", () => this.onPointerUp());
      this.svg.addEventListener("pointercancel", () => this.cancelDrag());
      this.svg.addEventListener("pointerleave", () => {
        if (!this.drag && !this.linkDrag) { this.hideTip(); this.setHoverRow(-1); }
      });
      document.addEventListener("keydown", (e) => { if (e.key === "Escape") this.cancelDrag(); });
      this.splitter.addEventListener("pointerdown", (e) => this.onSplitterDown(e));
      this.splitter.addEventListener("keydown", (e) => {
        const step = e.key === "ArrowLeft" ? -24 : e.key === "ArrowRight" ? 24 : 0;
        if (!step) return;
        e.preventDefault();
        this.setGridWidth(this.gridW + step);
      });
      new ResizeObserver(() => this.onResize()).observe(this.scroller);
    }

    // ---- data ----
    async load({ quiet = false } = {}) {
      if (!this.sourceUrl) { this.setStatus("This chart has no data-source.", "error"); return; }
      if (!quiet) this.setStatus("Loading plan…");
      try {
        const res = await fetch(this.sourceUrl, { credentials: "same-origin", cache: "no-store",
          headers: { Accept: "application/json" } });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const doc = await res.json();
        if (!quiet) this.setStatus("");
        this.applyDoc(doc);
      } catch (err) {
        this.setStatus(`Could not load the plan: ${err.message}`, "error");
      }
    }

    // Replaces the data and re-renders, keeping the date at the left edge where it was.
    applyDoc(doc) {
      this.renderStart = performance.now();
      const anchor = this.doc ? { day: this.dayAt(this.scroller.scrollLeft), offset: 0 } : null;
      const reason = this.doc ? "data" : "load";
      this.setData(doc);
      this.renderAll(reason, anchor);
    }

    setData(doc) {
      this.doc = doc;
      this.project = doc.project || {};
      this.canEdit = doc.can_edit === true;
      const key = String(this.project.id ?? this.sourceUrl);
      if (key !== this.projectKey) {
        this.projectKey = key;
        this.folded = new Set((readJSON(FOLD_KEY + key) || []).map(String));
      }
      const raws = Array.isArray(doc.tasks) ? doc.tasks : [];
      this.tasks = raws.map((raw, i) => this.prepareTask(raw, raws[i + 1]));
      this.byId = new Map(this.tasks.map((t) => [t.key, t]));
      this.links = (Array.isArray(doc.links) ? doc.links : [])
        .map((l) => ({ ...l, a: String(l.from), b: String(l.to), type: String(l.type || "FS").toUpperCase() }))
        .filter((l) => this.byId.has(l.a) && this.byId.has(l.b))
        .sort((x, y) => (x.critical === true) - (y.critical === true)); // red on top where links overlap
      const p = this.project;
      const today = parseTime(p.today);
      this.todayDay = (today ?? localToday()) + 0.5; // the middle of today's cell
      this.statusDay = p.status_date ? parseEnd(p.status_date.slice(0, 10)) : null;
      this.deadlineDay = p.deadline ? pointOf(parseEnd(p.deadline)) : null;
      this.computeVisible();
      this.computeExtent();
    }

    // Derives everything the renderer needs from one task of the document, once per load.
    prepareTask(raw, next) {
      const s = parseTime(raw.start);
      const f = parseEnd(raw.finish) ?? s;
      const t = { raw, id: raw.id, key: String(raw.id), name: String(raw.name ?? ""), depth: Number(raw.depth) || 0,
        summary: raw.summary === true, milestone: raw.milestone === true, critical: raw.critical === true,
        s, f, x0: null, x1: null, b0: null, b1: null, dl: null, startDay: null, finishDay: null };
      t.hasKids = t.summary && !!next && (Number(next.depth) || 0) > t.depth;
      if (s != null) {
        t.startDay = Math.floor(s);
        t.finishDay = Math.max(t.startDay, t.milestone ? Math.floor(f) : finishDayOf(f));
        if (t.milestone) t.x0 = t.x1 = pointOf(f);
        else { t.x0 = barStart(s); t.x1 = Math.max(barEnd(f), t.x0); }
      }
      const bs = parseTime(raw.baseline_start), bf = parseEnd(raw.baseline_finish);
      if (bs != null && bf != null) {
        if (t.milestone) t.b0 = t.b1 = pointOf(bf);
        else { t.b0 = barStart(bs); t.b1 = Math.max(barEnd(bf), t.b0); }
        t.baseFinishDay = t.milestone ? Math.floor(bf) : finishDayOf(bf);
      }
      if (raw.deadline) t.dl = pointOf(parseEnd(raw.deadline));
      return t;
    }

    // Outline folding: hide everything deeper than a folded summary until the outline climbs back.
    computeVisible() {
      const vis = [];
      let hideDeeper = Infinity;
      for (const t of this.tasks) {
        if (t.depth > hideDeeper) continue;
        hideDeeper = Infinity;
        vis.push(t);
        if (t.hasKids && this.folded.has(t.key)) hideDeeper = t.depth;
      }
      this.visible = vis;
      this.rowOf = new Map(vis.map((t, i) => [t.key, i]));
      this.range = null;
    }

    // The date span the timeline must show, independent of zoom.
    computeExtent() {
      let lo = Infinity, hi = -Infinity;
      const take = (v) => { if (v != null && Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; } };
      take(parseTime(this.project.start));
      take(parseEnd(this.project.finish));
      take(this.deadlineDay);
      for (const t of this.tasks) { take(t.x0); take(t.x1); take(t.b0); take(t.b1); take(t.dl); }
      if (!Number.isFinite(lo)) lo = hi = Math.floor(this.todayDay);
      // Today and the status date widen the range only when they are near the plan.
      for (const d of [this.todayDay, this.statusDay]) if (d != null && d > lo - 120 && d < hi + 120) take(d);
      this.lo = lo;
      this.hi = hi;
    }

    // ---- geometry ----
    computeScale() {
      const z = ZOOMS[this.zoom];
      this.ppd = z.ppd;
      const origin = unitStart(z.bottom, this.lo - z.padBefore);
      const want = Math.max(this.hi + z.padAfter, origin + this.viewWidth() / z.ppd);
      let end = unitStart(z.bottom, want);
      if (end < want) end = unitNext(z.bottom, end);
      this.origin = origin;
      this.end = end;
      this.width = Math.ceil((end - origin) * z.ppd);
    }
    xOf(day) { return Math.round((day - this.origin) * this.ppd); }
    dayAt(x) { return this.origin + x / this.ppd; }
    viewWidth() { return Math.max(0, this.scroller.clientWidth - this.gridW); }
    bodyHeight() { return Math.max(0, this.scroller.clientHeight - HEAD_H); }

    // Vertical layout inside a row; the baseline needs room under the bar.
    geom(row) {
      const top = row * ROW_H;
      return this.showBaseline
        ? { top, y: top + 5, h: 12, cy: top + 11, m: 6, by: top + 19 }
        : { top, y: top + 7, h: 14, cy: top + 14, m: 7, by: top + 21 };
    }

    // Horizontal extent of a bar in px as links see it, including a drag in progress.
    ends(t) {
      const off = this.drag && this.drag.key === t.key ? this.drag.days * this.ppd : 0;
      let x0 = this.xOf(t.x0) + off, x1 = this.xOf(t.x1) + off;
      if (t.milestone) { const m = this.showBaseline ? 6 : 7; x0 -= m; x1 += m; }
      else x1 = Math.max(x1, x0 + (t.summary ? 8 : 4));
      return { x0, x1 };
    }

    // ---- rendering ----
    // `reason` ends up in the gantt:rendered event so tests can wait for the render they mean.
    renderAll(reason, anchor) {
      if (this.renderStart == null) this.renderStart = performance.now();
      const auto = Math.round(clamp(this.el.clientWidth * 0.45, 300, 560));
      this.gridW = clamp(this.prefGridW ?? auto, 160, this.maxGridW());
      this.applyGridWidth();
      this.el.classList.toggle("gantt-narrow", this.el.clientWidth < 760);
      this.computeScale();
      const W = this.width;
      const H = (this.height = Math.max(this.visible.length * ROW_H, this.bodyHeight()));
      this.svg.setAttribute("width", W);
      this.svg.setAttribute("height", H);
      this.headSvg.setAttribute("width", W);
      this.hoverRect.setAttribute("width", W);
      this.timeline.style.width = `${W}px`;
      this.timeline.style.height = `${H}px`;
      this.grid.style.height = `${H}px`;
      this.el.classList.toggle("gantt-show-critical", this.showCritical);
      this.el.classList.toggle("gantt-show-baseline", this.showBaseline);
      this.el.classList.toggle("gantt-editable", this.canEdit);
      this.empty.hidden = this.tasks.length > 0;
      // The scale and background depend only on these; after a typical edit they are unchanged.
      const key = [this.zoom, this.origin, this.end, H, this.todayDay, this.statusDay, this.deadlineDay].join();
      if (key !== this.backKey) {
        this.backKey = key;
        this.renderScale();
        this.renderBackground();
      }
      if (anchor) this.scroller.scrollLeft = Math.max(0, this.xOf(anchor.day) - anchor.offset);
      this.lastWidth = this.scroller.clientWidth;
      this.lastSize = `${this.lastWidth}x${this.scroller.clientHeight}`;
      this.renderRows(true, reason);
      this.renderMeta();
    }

    // The two-line scale above the timeline.
    renderScale() {
      const z = ZOOMS[this.zoom], W = this.width, frag = document.createDocumentFragment();
      frag.append(svgEl("rect", { class: "gantt-scale-bg", x: 0, y: 0, width: W, height: HEAD_H }));
      if (z.bottom === "day") frag.append(svgEl("path", { class: "gantt-scale-weekend", d: this.weekendPath(22, HEAD_H) }));
      this.scaleRow(frag, z.top, 0, true);
      this.scaleRow(frag, z.bottom, 22, false);
      frag.append(svgEl("path", { class: "gantt-scale-rule", d: `M0,22.5H${W}M0,${HEAD_H - 0.5}H${W}` }));
      if (this.todayDay >= this.origin && this.todayDay <= this.end) {
        const x = this.xOf(this.todayDay);
        frag.append(svgEl("path", { class: "gantt-scale-today", d: `M${x - 5},${HEAD_H}L${x},${HEAD_H - 6}L${x + 5},${HEAD_H}Z` }));
      }
      this.headSvg.replaceChildren(frag);
    }

    scaleRow(frag, kind, y, top) {
      let ticks = "";
      for (let d = unitStart(kind, this.origin); d < this.end; d = unitNext(kind, d)) {
        const xa = this.xOf(d), xb = Math.min(this.xOf(unitNext(kind, d)), this.width);
        if (xa > 0) ticks += `M${xa + 0.5},${y}v22`;
        const left = Math.max(xa, 0), w = xb - left;
        const [pre, main] = unitLabel(kind, d, top);
        const centered = kind === "day";
        // Skip labels that would not fit (e.g. a month clipped at the left edge).
        if (w < (pre.length + main.length + (pre ? 1 : 0)) * 6.2 + (centered ? 2 : 12)) continue;
        const text = svgEl("text", { class: `gantt-scale-${top ? "top" : "bottom"}${centered ? " is-centered" : ""}`,
          x: centered ? left + w / 2 : left + 6, y: y + 15 });
        if (pre) text.append(svgEl("tspan", { class: "gantt-scale-pre", text: `${pre} ` }));
        text.append(main);
        frag.append(text);
      }
      frag.append(svgEl("path", { class: "gantt-scale-tick", d: ticks }));
    }

    // One path with a rectangle per weekend (Saturday + Sunday) between y0 and y1.
    weekendPath(y0, y1) {
      let d = "";
      const first = this.origin + ((6 - weekday(this.origin) + 7) % 7) - 7;
      for (let sat = first; sat < this.end; sat += 7) {
        d += `M${this.xOf(sat)},${y0}H${this.xOf(sat + 2)}V${y1}H${this.xOf(sat)}Z`;
      }
      return d;
    }

    // Full-height background: weekends, unit lines, today / status date / deadline lines.
    // A few paths regardless of the task count, so it is drawn in full, not virtually.
    renderBackground() {
      const z = ZOOMS[this.zoom], H = this.height, bg = document.createDocumentFragment();
      if (z.bottom === "day" || z.bottom === "week") bg.append(svgEl("path", { class: "gantt-weekend", d: this.weekendPath(0, H) }));
      for (const [kind, cls] of [[z.bottom, "gantt-grid-minor"], [z.top, "gantt-grid-major"]]) {
        let d = "";
        for (let day = unitStart(kind, this.origin); day < this.end; day = unitNext(kind, day)) {
          if (day > this.origin) d += `M${this.xOf(day) + 0.5},0V${H}`;
        }
        bg.append(svgEl("path", { class: cls, d }));
      }
      this.layers.bg.replaceChildren(bg);
      const lines = document.createDocumentFragment();
      const vline = (day, cls) => {
        if (day == null || day < this.origin || day > this.end) return;
        const x = this.xOf(day) + 0.5;
        lines.append(svgEl("line", { class: cls, x1: x, x2: x, y1: 0, y2: H }));
      };
      vline(this.statusDay, "gantt-status-date");
      vline(this.deadlineDay, "gantt-project-deadline");
      vline(this.todayDay, "gantt-today");
      this.layers.lines.replaceChildren(lines);
    }

    // Renders the rows in and near the viewport. While scrolling (no `force`) it keeps the
    // current window as long as a margin of rendered rows surrounds the viewport, and when
    // it must move, it only builds the rows scrolling in and drops the ones scrolling out.
    renderRows(force, reason = "scroll") {
      const n = this.visible.length, top = this.scroller.scrollTop;
      const v0 = Math.floor(top / ROW_H), v1 = Math.min(n - 1, Math.ceil((top + this.bodyHeight()) / ROW_H));
      const old = this.range;
      if (!force && old && (v0 - old[0] >= MARGIN || old[0] === 0) && (old[1] - v1 >= MARGIN || old[1] === n - 1)) return;
      const started = this.renderStart ?? performance.now();
      const small = n <= SMALL;
      const first = small ? 0 : clamp(v0 - OVERSCAN, 0, Math.max(0, n - 1));
      const last = small ? n - 1 : Math.min(n - 1, v1 + OVERSCAN);
      const frag = () => document.createDocumentFragment();
      const out = { rows: frag(), bars: frag(), baselines: frag(), marks: frag() };
      if (force || !old || first > old[1] || last < old[0]) {
        this.nodes = new Map();
        for (let i = first; i <= last; i++) this.buildRow(i, out);
        this.rowsEl.replaceChildren(out.rows);
        this.layers.bars.replaceChildren(out.bars);
        this.layers.baselines.replaceChildren(out.baselines);
        this.layers.marks.replaceChildren(out.marks);
      } else {
        for (let i = old[0]; i < first; i++) this.dropRow(i);
        for (let i = last + 1; i <= old[1]; i++) this.dropRow(i);
        for (let i = first; i < old[0]; i++) this.buildRow(i, out);
        this.rowsEl.prepend(out.rows); // grid rows flow in order under one translated container
        out.rows = frag();
        for (let i = old[1] + 1; i <= last; i++) this.buildRow(i, out);
        this.rowsEl.append(out.rows);
        this.layers.bars.append(out.bars);
        this.layers.baselines.append(out.baselines);
        this.layers.marks.append(out.marks);
      }
      this.range = [first, last];
      this.rowsEl.style.transform = `translateY(${first * ROW_H}px)`;
      this.renderLinks();
      const count = Math.max(0, last - first + 1);
      this.el.setAttribute("data-rendered", String(count));
      const ms = performance.now() - started;
      this.renderStart = null;
      this.el.dispatchEvent(new CustomEvent("gantt:rendered", { bubbles: true,
        detail: { reason, rows: count, first, last, visible: n, total: this.tasks.length, ms } }));
    }

    // Builds row i (grid row, bar, baseline, deadline) into `out` and remembers its nodes.
    buildRow(i, out) {
      const t = this.visible[i], row = this.gridRow(t, i), nodes = [row];
      out.rows.append(row);
      this.drawTask(t, i, out, nodes);
      this.nodes.set(i, nodes);
    }

    dropRow(i) {
      for (const el of this.nodes.get(i) || []) el.remove();
      this.nodes.delete(i);
    }

    gridRow(t, row) {
      const raw = t.raw, cls = ["gantt-row"];
      if (t.summary) cls.push("is-summary");
      if (t.milestone) cls.push("is-milestone");
      if (t.critical) cls.push("is-critical");
      if (raw.deadline_missed) cls.push("is-late");
      if (row === this.hoverRow) cls.push("is-hover");
      if (this.linkDrag && this.linkDrag.target === t) cls.push("is-link-target");
      const name = h("div", { class: "gantt-cell gantt-c-name" });
      name.style.paddingLeft = `${4 + t.depth * 16}px`;
      if (t.hasKids) {
        const open = !this.folded.has(t.key);
        name.append(h("button", { type: "button", class: "gantt-fold", "aria-expanded": String(open),
          "aria-label": `${open ? "Collapse" : "Expand"} ${t.name}` }));
      } else {
        name.append(h("span", { class: "gantt-fold-space" }));
      }
      name.append(h("span", { class: "gantt-name", title: t.name, text: t.name }));
      return h("div", { class: cls.join(" "), "data-task-id": t.key, "data-row": row },
        h("div", { class: "gantt-cell gantt-c-wbs", text: raw.wbs ?? "" }),
        name,
        h("div", { class: "gantt-cell gantt-c-start", text: fmtDate(t.startDay) }),
        h("div", { class: "gantt-cell gantt-c-finish", text: fmtDate(t.finishDay) }),
        h("div", { class: "gantt-cell gantt-c-dur", text: fmtDays(raw.duration_days) }));
    }

    // One task's bar group, plus its baseline and deadline marker (which never move on drag).
    drawTask(t, row, out, nodes) {
      const g = this.geom(row);
      const put = (fragment, el) => { fragment.append(el); nodes.push(el); };
      if (this.showBaseline && t.b0 != null) put(out.baselines, this.baselineShape(t, g));
      if (t.x0 == null) return; // unscheduled: grid row only
      const drag = this.drag && this.drag.key === t.key ? this.drag : null;
      const editable = this.canEdit && !t.summary;
      const cls = ["gantt-bar", t.summary ? "gantt-summary" : t.milestone ? "gantt-milestone" : "gantt-task"];
      if (t.critical) cls.push("gantt-critical");
      if (editable) cls.push("gantt-draggable");
      if (drag) cls.push(drag.saving ? "gantt-dragging gantt-saving" : "gantt-dragging");
      if (this.linkDrag && this.linkDrag.from === t) cls.push("gantt-link-source");
      if (this.linkDrag && this.linkDrag.target === t) cls.push("gantt-link-target");
      const grp = svgEl("g", { class: cls.join(" "), "data-task-id": t.key });
      grp.append(svgEl("title", { text: t.name }));
      const x0 = this.xOf(t.x0);
      let right;
      if (t.milestone) {
        const m = g.m;
        grp.append(svgEl("rect", { class: "gantt-hit", x: x0 - m - 3, y: g.top + 2, width: 2 * m + 20, height: ROW_H - 4 }),
          svgEl("path", { class: "gantt-milestone-shape", d: `M${x0},${g.cy - m}L${x0 + m},${g.cy}L${x0},${g.cy + m}L${x0 - m},${g.cy}Z` }));
        right = x0 + m;
      } else if (t.summary) {
        const w = Math.max(this.xOf(t.x1) - x0, 8), sy = g.cy - 3;
        grp.append(svgEl("rect", { class: "gantt-hit", x: x0, y: g.top + 4, width: w, height: ROW_H - 8 }),
          svgEl("path", { class: "gantt-summary-shape", d: `M${x0},${sy}H${x0 + w}V${sy + 9}L${x0 + w - 5},${sy + 5}H${x0 + 5}L${x0},${sy + 9}Z` }));
        right = x0 + w;
      } else {
        const w = Math.max(this.xOf(t.x1) - x0, 4);
        const pct = clamp(Number(t.raw.percent) || 0, 0, 100);
        grp.append(svgEl("rect", { class: "gantt-hit", x: x0 - 2, y: g.top + 2, width: w + 20, height: ROW_H - 4 }),
          svgEl("rect", { class: "gantt-bar-body", x: x0, y: g.y, width: w, height: g.h, rx: 3 }));
        if (pct > 0) grp.append(svgEl("rect", { class: "gantt-bar-progress", x: x0, y: g.y, width: Math.max(3, (w * pct) / 100), height: g.h, rx: 3 }));
        right = x0 + w;
      }
      if (editable) grp.append(svgEl("circle", { class: "gantt-link-handle", cx: right + 7, cy: g.cy, r: 4.5 }));
      grp.append(svgEl("text", { class: "gantt-bar-label", x: right + (editable ? 16 : 8), y: g.cy + 4, text: t.name }));
      if (drag && drag.days) grp.style.transform = `translate(${drag.days * this.ppd}px, 0px)`;
      put(out.bars, grp);
      if (t.dl != null) put(out.marks, this.deadlineShape(t, g));
    }

    baselineShape(t, g) {
      const attrs = { class: "gantt-baseline", "data-task-id": t.key };
      if (t.milestone) {
        const x = this.xOf(t.b0), cy = g.by + 2;
        return svgEl("path", { ...attrs, d: `M${x},${cy - 3.5}L${x + 3.5},${cy}L${x},${cy + 3.5}L${x - 3.5},${cy}Z` });
      }
      const x0 = this.xOf(t.b0);
      return svgEl("rect", { ...attrs, x: x0, y: g.by, width: Math.max(this.xOf(t.b1) - x0, 2), height: 4, rx: 1 });
    }

    // A small pennant pointing down at the deadline, like MS Project's deadline arrow.
    deadlineShape(t, g) {
      const x = this.xOf(t.dl), y = g.top + 2;
      return svgEl("path", { class: `gantt-deadline${t.raw.deadline_missed ? " gantt-deadline-missed" : ""}`,
        "data-task-id": t.key, d: `M${x - 4.5},${y}H${x + 4.5}V${y + 5}L${x},${y + 10}L${x - 4.5},${y + 5}Z` });
    }

    // Links whose row span touches the rendered window; others cost nothing.
    renderLinks() {
      const frag = document.createDocumentFragment();
      const [first, last] = this.range || [0, -1];
      for (const l of this.links) {
        const ra = this.rowOf.get(l.a), rb = this.rowOf.get(l.b);
        if (ra == null || rb == null || ra === rb) continue; // an end is folded away
        if (Math.max(ra, rb) < first || Math.min(ra, rb) > last) continue;
        const a = this.byId.get(l.a), b = this.byId.get(l.b);
        if (a.x0 == null || b.x0 == null) continue;
        const crit = l.critical === true;
        frag.append(svgEl("path", { class: `gantt-link${crit ? " gantt-critical" : ""}`, "data-link-id": l.id,
          d: this.linkPath(l.type, this.ends(a), this.ends(b), ra, rb),
          "marker-end": `url(#gantt${this.uid}-arrow${crit && this.showCritical ? "-crit" : ""})` }));
      }
      this.layers.links.replaceChildren(frag);
    }

    // Orthogonal elbow connector. The first letter of the type picks the predecessor's end we
    // leave from (F: finish, heading right; S: start, heading left); the second picks where we
    // enter the successor (S: its start, from the left; F: its finish, from the right). When
    // there is no room for one elbow, the path doubles back along the row boundary.
    linkPath(type, a, b, ra, rb) {
      const fromFinish = type[0] !== "S", toFinish = type[1] === "F";
      const x1 = fromFinish ? a.x1 : a.x0, x2 = toFinish ? b.x1 : b.x0;
      const out = fromFinish ? 1 : -1;    // direction we leave the predecessor
      const into = toFinish ? 1 : -1;     // side of x2 we approach from
      const y1 = this.geom(ra).cy, y2 = this.geom(rb).cy;
      const stub = this.ppd >= 4 ? STUB : 5; // bars are tiny in Quarter zoom: keep elbows tight
      if (type === "SS" || type === "FF") {
        const x = type === "SS" ? Math.min(x1, x2) - stub : Math.max(x1, x2) + stub;
        return `M${x1},${y1}H${x}V${y2}H${x2}`;
      }
      if ((x2 - x1) * out >= stub + 6) { // room for a single elbow
        return `M${x1},${y1}H${x1 + out * stub}V${y2}H${x2}`;
      }
      const ym = rb > ra ? (ra + 1) * ROW_H : ra * ROW_H; // run along the row boundary
      return `M${x1},${y1}H${x1 + out * stub}V${ym}H${x2 + into * stub}V${y2}H${x2}`;
    }

    renderMeta() {
      const n = this.tasks.length, hidden = n - this.visible.length;
      const parts = [`${n} task${n === 1 ? "" : "s"}`];
      if (hidden) parts.push(`${hidden} folded`);
      parts.push(this.canEdit ? "Drag bars to reschedule · drag a bar's ○ onto another bar to link" : "Read-only");
      this.meta.textContent = parts.join(" · ");
    }

    setStatus(msg, kind = "info") {
      clearTimeout(this.statusTimer);
      this.status.textContent = msg || "";
      this.status.className = `gantt-status is-${kind}`;
      if (msg && kind === "ok") this.statusTimer = setTimeout(() => this.setStatus(""), 8000);
    }

    // ---- view controls ----
    setZoom(zoom, clientX) {
      if (!ZOOMS[zoom] || zoom === this.zoom) return;
      const vw = this.viewWidth();
      const offset = clientX == null ? vw / 2
        : clamp(clientX - this.scroller.getBoundingClientRect().left - this.gridW, 0, vw);
      const day = this.doc ? this.dayAt(this.scroller.scrollLeft + offset) : null;
      this.zoom = zoom;
      this.savePrefs();
      for (const b of this.zoomBtns) b.setAttribute("aria-pressed", String(b.dataset.zoom === zoom));
      if (this.doc) this.renderAll("zoom", day == null ? null : { day, offset });
    }

    setToggle(prop, on) {
      this[prop] = on;
      (prop === "showCritical" ? this.critBtn : this.baseBtn).setAttribute("aria-pressed", String(on));
      this.savePrefs();
      if (this.doc) this.renderAll("toggle");
    }

    scrollToToday() {
      const d = this.todayDay;
      if (!this.doc) return;
      if (d < this.origin || d > this.end) { this.setStatus("Today is outside this plan's timeline."); return; }
      this.scroller.scrollLeft = Math.max(0, this.xOf(d) - this.viewWidth() / 3);
    }

    // Ctrl/⌘ + wheel zooms around the pointer. Trackpad pinches send many small deltas,
    // so they are accumulated into steps.
    onWheel(e) {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      this.wheelAcc += e.deltaY;
      if (Math.abs(this.wheelAcc) < 40 || performance.now() - (this.wheelAt || 0) < 120) return;
      const i = clamp(ZOOM_KEYS.indexOf(this.zoom) + Math.sign(this.wheelAcc), 0, ZOOM_KEYS.length - 1);
      this.wheelAcc = 0;
      this.wheelAt = performance.now();
      this.setZoom(ZOOM_KEYS[i], e.clientX);
    }

    onScroll() {
      if (!this.drag && !this.linkDrag) this.hideTip();
      this.el.classList.toggle("gantt-scrolled-x", this.scroller.scrollLeft > 0);
      if (this.doc) this.renderRows(false);
    }

    onResize() {
      if (!this.doc || this.resizeRaf) return;
      this.resizeRaf = requestAnimationFrame(() => {
        this.resizeRaf = 0;
        const [w, ht] = [this.scroller.clientWidth, this.scroller.clientHeight];
        if (`${w}x${ht}` === this.lastSize) return;
        // A height-only change (e.g. the footer wrapping a long message) while the rows overflow
        // the viewport changes no geometry: only the row window may need to grow.
        if (w === this.lastWidth && this.visible.length * ROW_H >= this.bodyHeight() && this.height === this.visible.length * ROW_H) {
          this.lastSize = `${w}x${ht}`;
          this.renderRows(false, "resize");
          return;
        }
        this.renderAll("resize", { day: this.dayAt(this.scroller.scrollLeft), offset: 0 });
      });
    }

    maxGridW() { return Math.max(160, Math.min(900, this.el.clientWidth * 0.75)); }
    // Narrow task lists drop columns from the right (Dur., then Finish, then Start) instead of
    // squeezing the task names.
    applyGridWidth() {
      const w = this.gridW, cols = w >= 458 ? 5 : w >= 404 ? 4 : w >= 290 ? 3 : 2;
      this.el.style.setProperty("--gantt-grid-w", `${w}px`);
      this.splitter.style.left = `${w}px`;
      for (let n = 2; n <= 4; n++) this.el.classList.toggle(`gantt-cols-${n}`, n === cols);
    }
    setGridWidth(w) {
      this.prefGridW = clamp(w, 220, 900);
      this.savePrefs();
      if (this.doc) this.renderAll("resize", { day: this.dayAt(this.scroller.scrollLeft), offset: 0 });
    }

    onSplitterDown(e) {
      e.preventDefault();
      const sp = this.splitter, startX = e.clientX, startW = this.gridW;
      sp.setPointerCapture(e.pointerId);
      sp.classList.add("is-active");
      const move = (ev) => {
        this.gridW = clamp(startW + ev.clientX - startX, 220, this.maxGridW());
        this.applyGridWidth();
      };
      const up = () => {
        sp.removeEventListener("pointermove", move);
        sp.removeEventListener("pointerup", up);
        sp.removeEventListener("pointercancel", up);
        sp.classList.remove("is-active");
        this.setGridWidth(this.gridW);
      };
      sp.addEventListener("pointermove", move);
      sp.addEventListener("pointerup", up);
      sp.addEventListener("pointercancel", up);
    }

    savePrefs() {
      writeJSON(PREFS_KEY, { zoom: this.zoom, critical: this.showCritical, baseline: this.showBaseline, gridW: this.prefGridW });
    }

    // ---- grid interactions ----
    onGridClick(e) {
      const row = e.target.closest(".gantt-row");
      const t = row && this.byId.get(row.dataset.taskId);
      if (!t) return;
      if (e.target.closest(".gantt-fold")) this.toggleFold(t);
      else this.revealBar(t);
    }

    toggleFold(t) {
      if (this.folded.has(t.key)) this.folded.delete(t.key);
      else this.folded.add(t.key);
      writeJSON(FOLD_KEY + this.projectKey, [...this.folded]);
      this.computeVisible();
      this.renderAll("fold");
      // The row was rebuilt: put keyboard focus back on its toggle.
      const btn = this.rowsEl.querySelector(`.gantt-row[data-task-id="${CSS.escape(t.key)}"] .gantt-fold`);
      if (btn) btn.focus({ preventScroll: true });
    }

    // Clicking a row brings its bar into view when it is scrolled off horizontally.
    revealBar(t) {
      if (t.x0 == null) return;
      const left = this.scroller.scrollLeft, x = this.xOf(t.x0);
      if (x < left + 8 || x > left + this.viewWidth() - 40) this.scroller.scrollLeft = Math.max(0, x - 48);
    }

    setHoverRow(row) {
      if (row === this.hoverRow) return;
      this.rowsEl.querySelector(".is-hover")?.classList.remove("is-hover");
      this.hoverRow = row;
      this.hoverRect.classList.toggle("is-on", row >= 0);
      if (row < 0) return;
      this.hoverRect.setAttribute("y", row * ROW_H);
      if (this.range) this.rowsEl.children[row - this.range[0]]?.classList.add("is-hover");
    }

    barEl(key) { return this.layers.bars.querySelector(`.gantt-bar[data-task-id="${CSS.escape(key)}"]`); }
    rowEl(key) { return this.rowsEl.querySelector(`.gantt-row[data-task-id="${CSS.escape(key)}"]`); }

    // ---- tooltip ----
    onHover(e) {
      const row = Math.floor((e.clientY - this.svg.getBoundingClientRect().top) / ROW_H);
      this.setHoverRow(row < this.visible.length ? row : -1);
      const hit = e.target.closest(".gantt-bar, .gantt-baseline, .gantt-deadline");
      const t = hit && this.byId.get(hit.dataset.taskId);
      if (!t) { this.hideTip(); return; }
      this.muteTitle(hit);
      if (this.tipKey !== t.key) { this.tipKey = t.key; this.fillTip(t.name, this.taskFacts(t)); }
      this.placeTip(e.clientX, e.clientY);
    }

    taskFacts(t) {
      const raw = t.raw, rows = [];
      if (t.milestone) rows.push(["Date", fmtLong(t.finishDay)]);
      else rows.push(["Start", fmtLong(t.startDay)], ["Finish", fmtLong(t.finishDay)]);
      rows.push(["Duration", fmtDays(raw.duration_days)],
        ["Complete", `${clamp(Number(raw.percent) || 0, 0, 100)} %`],
        ["Total float", fmtDays(raw.total_float_days)],
        ["Critical", raw.critical ? "Yes" : "No"]);
      if (t.baseFinishDay != null && t.finishDay != null) {
        const v = t.finishDay - t.baseFinishDay;
        rows.push(["Baseline finish", fmtLong(t.baseFinishDay)],
          ["Variance", v === 0 ? "On baseline" : `${fmtDays(v, true)} (${v > 0 ? "late" : "early"})`]);
      }
      if (t.dl != null) rows.push(["Deadline", `${fmtLong(finishDayOf(t.dl))}${raw.deadline_missed ? " — missed" : ""}`]);
      if (raw.assignees) rows.push(["Assigned", String(raw.assignees)]);
      return rows;
    }

    fillTip(title, rows) {
      this.tip.replaceChildren(h("div", { class: "gantt-tip-title", text: title }),
        h("dl", {}, ...rows.flatMap(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })])));
    }

    placeTip(cx, cy) {
      const tip = this.tip;
      tip.hidden = false;
      const w = tip.offsetWidth, ht = tip.offsetHeight;
      let x = cx + 14, y = cy + 18;
      if (x + w > window.innerWidth - 8) x = cx - w - 14;
      if (y + ht > window.innerHeight - 8) y = cy - ht - 12;
      tip.style.left = `${Math.max(8, x)}px`;
      tip.style.top = `${Math.max(8, y)}px`;
    }

    hideTip() {
      this.tip.hidden = true;
      this.tipKey = null;
      this.restoreTitle();
    }

    // The bar's <title> names it for assistive tech, but the browser would also show it as a
    // native tooltip on top of ours; blank it only while our tooltip is visible.
    muteTitle(g) {
      const title = g.classList.contains("gantt-bar") ? g.querySelector(":scope > title") : null;
      if (title === this.mutedTitle) return;
      this.restoreTitle();
      if (!title) return;
      this.mutedTitle = title;
      this.mutedText = title.textContent;
      title.textContent = "";
    }
    restoreTitle() {
      if (this.mutedTitle) this.mutedTitle.textContent = this.mutedText;
      this.mutedTitle = null;
    }

    // ---- dragging: shared plumbing ----
    onPointerDown(e) {
      if (e.button !== 0 || !this.canEdit || this.busy || this.drag || this.linkDrag) return;
      const g = e.target.closest(".gantt-bar");
      const t = g && this.byId.get(g.dataset.taskId);
      if (!t || t.summary) return;
      e.preventDefault();
      this.hideTip();
      this.svg.setPointerCapture(e.pointerId);
      if (e.target.closest(".gantt-link-handle")) this.startLink(t);
      else this.drag = { key: t.key, t, startX: e.clientX, startLeft: this.scroller.scrollLeft, days: 0, moved: false };
    }

    onPointerMove(e) {
      if (this.drag && !this.drag.saving) this.updateMove(e.clientX, e.clientY);
      else if (this.linkDrag && !this.busy) this.updateLink(e.clientX, e.clientY);
      else if (!this.drag && !this.linkDrag) this.onHover(e);
    }

    onPointerUp() {
      if (this.drag && !this.drag.saving) this.finishMove();
      else if (this.linkDrag && !this.busy) this.finishLink();
    }

    cancelDrag() {
      if (this.busy || (!this.drag && !this.linkDrag)) return;
      this.drag = null;
      this.linkDrag = null;
      this.endGesture();
      this.renderRows(true, "drag");
    }

    endGesture() {
      this.stopAutoScroll();
      this.hideTip();
      this.layers.overlay.replaceChildren();
      this.el.classList.remove("gantt-is-dragging", "gantt-is-linking");
    }

    // Scrolls while the pointer is near (or past) an edge of the timeline viewport. When
    // linking, the grid is a drop target too, so pointing at it must not scroll sideways.
    autoScroll(cx, cy, linking) {
      const r = this.scroller.getBoundingClientRect();
      const left = r.left + this.gridW, right = r.left + this.scroller.clientWidth;
      const top = r.top + HEAD_H, bottom = r.top + this.scroller.clientHeight;
      const speed = (d) => clamp(d / 3, -24, 24);
      let vx = 0, vy = 0;
      if (cx < left + EDGE && !(linking && cx < left)) vx = speed(cx - left - EDGE);
      else if (cx > right - EDGE) vx = speed(cx - right + EDGE);
      if (linking && cy < top + EDGE) vy = speed(cy - top - EDGE);
      else if (linking && cy > bottom - EDGE) vy = speed(cy - bottom + EDGE);
      this.autoVel = { vx, vy, cx, cy };
      if ((vx || vy) && !this.autoRaf) this.autoRaf = requestAnimationFrame(() => this.autoStep());
    }
    autoStep() {
      this.autoRaf = 0;
      const v = this.autoVel, sc = this.scroller;
      if (!v || (!this.drag && !this.linkDrag)) return;
      const before = sc.scrollLeft + sc.scrollTop;
      sc.scrollLeft += v.vx;
      sc.scrollTop += v.vy;
      if (sc.scrollLeft + sc.scrollTop === before) return; // hit the end: wait for the pointer
      if (this.drag) this.updateMove(v.cx, v.cy);
      else this.updateLink(v.cx, v.cy);
    }
    stopAutoScroll() {
      cancelAnimationFrame(this.autoRaf);
      this.autoRaf = 0;
      this.autoVel = null;
    }

    // ---- moving a bar ----
    updateMove(cx, cy) {
      const d = this.drag;
      const px = cx - d.startX + (this.scroller.scrollLeft - d.startLeft);
      if (!d.moved) {
        if (Math.abs(px) < 4) return; // a click, not a drag
        d.moved = true;
        this.el.classList.add("gantt-is-dragging");
        this.drawGhost(d.t);
      }
      const snap = ZOOMS[this.zoom].snap;
      const days = Math.round(px / this.ppd / snap) * snap;
      if (days !== d.days) {
        d.days = days;
        const g = this.barEl(d.key);
        if (g) {
          g.classList.add("gantt-dragging");
          g.style.transform = `translate(${days * this.ppd}px, 0px)`;
        }
        this.renderLinks();
      }
      const start = d.t.startDay + days;
      this.tipKey = "drag";
      this.fillTip(d.t.name, [["New start", fmtLong(start)], ["Shift", days ? fmtDays(days, true) : "—"]]);
      this.placeTip(cx, cy);
      this.autoScroll(cx, cy, false);
    }

    // Dashed outline where the bar was, so users see how far they moved it.
    drawGhost(t) {
      const row = this.rowOf.get(t.key), g = this.geom(row);
      const e = this.ends(t);
      this.layers.overlay.replaceChildren(svgEl("rect", { class: "gantt-ghost", x: e.x0, y: t.milestone ? g.cy - g.m : g.y,
        width: Math.max(e.x1 - e.x0, 4), height: t.milestone ? 2 * g.m : g.h, rx: 3 }));
    }

    async finishMove() {
      const d = this.drag;
      this.endGesture();
      this.drag = d.moved && d.days !== 0 ? d : null;
      if (!d.moved) return; // a plain click
      if (!this.drag) { this.renderRows(true, "drag"); return; } // dragged back to where it started
      d.saving = true;
      this.busy = true;
      this.barEl(d.key)?.classList.add("gantt-saving");
      const t = d.t, start = t.startDay + d.days;
      this.setStatus(`Saving “${t.name}”…`);
      const res = await this.post(this.moveUrl, { task: t.id, start: isoDate(start), version: t.raw.version ?? "" });
      this.busy = false;
      if (res.ok) {
        this.drag = null;
        await this.refresh(res.doc);
        const now = this.byId.get(t.key);
        this.setStatus(`Moved “${t.name}”: starts ${fmtLong(now ? now.startDay : start)}.`, "ok");
      } else {
        this.snapBack(d.key);
        this.setStatus(res.detail, "error");
        if (res.status === 409 || res.status === 412) this.load({ quiet: true }); // stale version: fetch the current plan
      }
    }

    // Animates a refused move back to where it came from, then redraws cleanly.
    snapBack(key) {
      this.drag = null;
      const g = this.barEl(key);
      if (g) {
        g.classList.remove("gantt-saving");
        g.classList.add("gantt-snapback");
        g.style.transform = "translate(0px, 0px)";
      }
      this.renderLinks();
      setTimeout(() => { if (!this.drag && !this.linkDrag) this.renderRows(true, "drag"); }, 220);
    }

    // ---- drawing a link ----
    startLink(t) {
      const g = this.geom(this.rowOf.get(t.key)), x = this.ends(t).x1 + 7;
      this.linkDrag = { from: t, x, y: g.cy, target: null };
      this.band = svgEl("path", { class: "gantt-rubber", d: `M${x},${g.cy}L${x},${g.cy}` });
      this.layers.overlay.replaceChildren(this.band);
      this.el.classList.add("gantt-is-linking");
      this.barEl(t.key)?.classList.add("gantt-link-source");
    }

    updateLink(cx, cy) {
      const L = this.linkDrag, r = this.svg.getBoundingClientRect();
      this.band.setAttribute("d", `M${L.x},${L.y}L${cx - r.left},${cy - r.top}`);
      const hit = this.taskAt(cx, cy);
      const target = hit && hit !== L.from && !hit.summary ? hit : null;
      if (target !== L.target) {
        if (L.target) this.markTarget(L.target, false);
        L.target = target;
        if (target) this.markTarget(target, true);
      }
      this.tipKey = "link";
      this.fillTip(target ? `${L.from.name} → ${target.name}` : L.from.name,
        [["Link", target ? "Finish-to-start" : "Drop on another task"]]);
      this.placeTip(cx, cy);
      this.autoScroll(cx, cy, true);
    }

    markTarget(t, on) {
      this.barEl(t.key)?.classList.toggle("gantt-link-target", on);
      this.rowEl(t.key)?.classList.toggle("is-link-target", on);
    }

    // The task under the pointer: a bar in the timeline or a row in the grid.
    taskAt(cx, cy) {
      const el = document.elementFromPoint(cx, cy);
      const hit = el && el.closest(".gantt-bar, .gantt-row");
      return hit && this.el.contains(hit) ? this.byId.get(hit.dataset.taskId) || null : null;
    }

    async finishLink() {
      const L = this.linkDrag;
      this.stopAutoScroll();
      this.hideTip();
      this.el.classList.remove("gantt-is-linking");
      if (!L.target) { this.linkDrag = null; this.endGesture(); this.renderRows(true, "drag"); return; }
      this.busy = true;
      this.band.classList.add("gantt-saving");
      this.setStatus(`Linking “${L.from.name}” → “${L.target.name}”…`);
      const res = await this.post(this.linkUrl, { from: L.from.id, to: L.target.id, type: "FS" });
      this.busy = false;
      this.linkDrag = null;
      this.endGesture();
      if (res.ok) {
        await this.refresh(res.doc);
        this.setStatus(`Linked “${L.from.name}” → “${L.target.name}” (finish-to-start).`, "ok");
      } else {
        this.renderRows(true, "drag");
        this.setStatus(res.detail, "error");
      }
    }

    // ---- server ----
    // After a saved edit: use the document the server sent back, or fetch it if it sent none.
    refresh(doc) {
      return doc ? this.applyDoc(doc) : this.load({ quiet: true });
    }

    // POSTs a form; resolves to {ok, doc} or {ok: false, status, code, detail}. Never throws.
    async post(url, params) {
      if (!url) return { ok: false, status: 0, detail: "Editing is not configured for this chart." };
      let res;
      try {
        res = await fetch(url, { method: "POST", credentials: "same-origin", cache: "no-store",
          headers: { "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
            "X-CSRFToken": this.csrf, Accept: "application/json" },
          body: new URLSearchParams(params).toString() });
      } catch {
        return { ok: false, status: 0, detail: "Network error: the change was not saved." };
      }
      let body = null;
      try { body = await res.json(); } catch { /* e.g. an HTML error page */ }
      if (res.ok) return { ok: true, doc: body && Array.isArray(body.tasks) ? body : null };
      return { ok: false, status: res.status, code: body && body.code,
        detail: (body && body.detail) || `The change was not saved (HTTP ${res.status}).` };
    }
  }

  // ---- public entry points ---------------------------------------------------------------
  const registry = new WeakMap();
  const instances = [];

  // Idempotent: a second init on the same element returns the existing chart.
  function init(element) {
    if (!(element instanceof HTMLElement)) throw new TypeError("TandemGantt.init expects an element");
    let chart = registry.get(element);
    if (!chart) {
      chart = new Gantt(element);
      registry.set(element, chart);
      instances.push(chart);
    }
    return chart;
  }
  function initAll(root = document) {
    root.querySelectorAll("[data-gantt]").forEach(init);
  }

  window.TandemGantt = { init, initAll, instances };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => initAll());
  else initAll();
})();
