// Where the time of a slider move goes (issue #11, item 8): loads the release build in
// headless Chromium, waits for the posterior, then records Chrome's sampling profiler
// (CDP `Profiler.start`, 50 µs interval) over MOVES slider moves made as tests/bench/browser.mjs
// makes them (input event, wait for the revenue interval in the DOM, one animation frame).
//
// The samples are split by time: those inside a move's window, from its input event to the
// interval's text in the DOM (the benchmark's measure), and those outside it (the animation
// frame that redraws the charts, style, layout, paint). The page's clock is matched to the
// profiler's by a calibration busy-wait (`mixplanProfileCalibration`) found in the samples.
// For each part: the self time by bucket (the app's wasm, the JS glue, plotly.js, DOM calls,
// garbage collection, the rest), then the functions with the most self and total time.
// Then a second pass of the same moves, without the profiler, counts the DOM mutations each
// move makes before the next frame: how many, where (the nearest `data-testid`), and how
// many wrote the value that was already there.
//
// Wasm function names show only in a build that keeps its name section: build one with
// `data-wasm-opt-params="-g"` added to the app's `<link data-trunk rel="rust">` in
// index.html (e.g. into another directory with `trunk build --release --dist DIR`, then
// serve it as dist/); a plain release build shows `wasm-function[123]`. Not part of any test.
//
//   node tests/bench/profile_slider.mjs [moves] [top]
import { serveDist, launchBrowser, openPage } from '../e2e/support.mjs';

const MOVES = Number(process.argv[2] ?? 300);
const TOP = Number(process.argv[3] ?? 30);
const CALIBRATION_MS = 30;

/** Makes `moves` slider moves in the page; each move's [input, interval in DOM] window. */
const makeMoves = (page, moves, countMutations) => page.evaluate(async ([moves, calibrationMs, countMutations]) => {
  // A named busy-wait the profiler samples, to match the two clocks.
  window.mixplanProfileCalibration = function mixplanProfileCalibration() {
    const start = performance.now();
    while (performance.now() - start < calibrationMs) { /* spin */ }
    return [start, performance.now()];
  };
  const calibration = window.mixplanProfileCalibration();
  const channels = [...document.querySelectorAll('[data-testid^="channel-slider-"]')];
  const target = document.querySelector('[data-testid="revenue-interval"]');
  const windows = [];
  const mutations = { records: 0, unchanged: 0, byPlace: {} };
  const place = (node) => {
    let el = node.nodeType === 1 ? node : node.parentElement;
    while (el && !el.dataset?.testid) el = el.parentElement;
    return el ? el.dataset.testid.replace(/-(paid_search|email|display|social|affiliate)$/, '-*') : '(none)';
  };
  for (let i = 0; i < moves; i++) {
    const slider = channels[i % channels.length];
    const f = 0.05 + 0.4 * (((i * 7919) % 1000) / 1000);
    const updated = new Promise((resolve) => {
      const observer = new MutationObserver(() => { observer.disconnect(); resolve(performance.now()); });
      observer.observe(target, { childList: true, characterData: true, subtree: true, attributes: true });
    });
    let all;
    const records = [];
    if (countMutations) {
      all = new MutationObserver((found) => records.push(...found));
      all.observe(document.body, { childList: true, characterData: true, subtree: true, attributes: true, attributeOldValue: true, characterDataOldValue: true });
    }
    const t0 = performance.now();
    slider.value = String(Math.round(f * Number(slider.max) / 100) * 100);
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    windows.push([t0, await updated]);
    if (countMutations) {
      // Everything the move wrote up to the interval's update (the charts redraw later).
      records.push(...all.takeRecords());
      all.disconnect();
      for (const r of records) {
        mutations.records++;
        const key = `${r.type} ${place(r.target)}`;
        mutations.byPlace[key] = (mutations.byPlace[key] ?? 0) + 1;
        const now = r.type === 'attributes' ? r.target.getAttribute(r.attributeName)
          : r.type === 'characterData' ? r.target.data : undefined;
        if (r.type !== 'childList' && now === r.oldValue) mutations.unchanged++;
      }
    }
    await new Promise((r) => requestAnimationFrame(() => r()));
  }
  return { calibration, windows, mutations };
}, [moves, CALIBRATION_MS, countMutations]);

const server = await serveDist();
const browser = await launchBrowser();
try {
  const { page } = await openPage(browser, { width: 1280, height: 800 });
  await page.goto(server.url);
  await page.locator('[data-testid="posterior-status"]:text-is("ready")').waitFor({ state: 'attached', timeout: 180_000 });
  await page.locator('[data-testid="chart-contribution"] svg.main-svg').first().waitFor();
  const draws = await page.locator('[data-testid="posterior-text"]').textContent();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  const { calibration, windows } = await makeMoves(page, MOVES, false);
  const { profile } = await cdp.send('Profiler.stop');

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url ? n.callFrame.url.split('/').pop().replace(/-[0-9a-f]{16}/, '') : ''}`.trim();
  const stack = (id) => { const out = []; for (let at = id; at !== undefined; at = parent.get(at)) out.push(byId.get(at)); return out; };
  // Sample times (profiler clock, ms) and each sample's duration (to the next sample).
  const times = [];
  let clock = profile.startTime;
  for (const dt of profile.timeDeltas) { clock += dt; times.push(clock / 1000); }
  const duration = (i) => (i + 1 < times.length ? times[i + 1] - times[i] : 0);
  // The calibration's first and last samples give the profiler time of its start and end.
  const calibrated = times.filter((_, i) => stack(profile.samples[i]).some((n) => n.callFrame.functionName === 'mixplanProfileCalibration'));
  if (calibrated.length < 2) throw new Error('the calibration busy-wait was not sampled');
  const offset = (calibrated[0] - calibration[0] + calibrated[calibrated.length - 1] - calibration[1]) / 2;
  const inWindow = (t) => {
    // Windows are sorted; binary search the last one starting at or before t.
    let lo = 0, hi = windows.length - 1, found = -1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (windows[mid][0] + offset <= t) { found = mid; lo = mid + 1; } else hi = mid - 1; }
    return found >= 0 && t <= windows[found][1] + offset;
  };

  const bucket = (node) => {
    const f = node.callFrame;
    if (/plotly/.test(f.url)) return 'plotly.js';
    if (/_bg\.wasm$/.test(f.url) || /^wasm-function|^\$/.test(f.functionName)) return 'app wasm (Rust)';
    if (/mixplan-app.*\.js$/.test(f.url)) return 'wasm-bindgen JS glue';
    if (f.functionName === '(garbage collector)') return 'garbage collector';
    if (f.functionName === '(program)' || f.functionName === '(idle)' || f.functionName === '(root)') return f.functionName;
    if (!f.url) return 'browser built-ins (DOM calls, ...)';
    return 'other JS';
  };
  const summarise = (label, keep) => {
    const selfBy = new Map(), totalBy = new Map(), buckets = new Map(), crates = new Map();
    let spent = 0;
    profile.samples.forEach((id, i) => {
      if (!keep(times[i])) return;
      const ms = duration(i);
      spent += ms;
      const nodes = stack(id);
      const leaf = name(nodes[0]);
      selfBy.set(leaf, (selfBy.get(leaf) ?? 0) + ms);
      const b = bucket(nodes[0]);
      buckets.set(b, (buckets.get(b) ?? 0) + ms);
      if (b === 'app wasm (Rust)') {
        // The crate of the wasm function (its path's first segment, `<T as x::…>` read as x).
        const crate = nodes[0].callFrame.functionName.replace(/^<+/, '').replace(/^&?(mut )?[A-Z]\w* as /, '')
          .match(/^[A-Za-z_][A-Za-z0-9_]*/)?.[0] ?? '(unnamed)';
        crates.set(crate, (crates.get(crate) ?? 0) + ms);
      }
      const seen = new Set();
      for (const n of nodes) {
        const k = name(n);
        if (seen.has(k)) continue;
        seen.add(k);
        totalBy.set(k, (totalBy.get(k) ?? 0) + ms);
      }
    });
    console.log(`\n=== ${label}: ${spent.toFixed(1)} ms sampled, ${(spent / MOVES).toFixed(3)} ms per move ===`);
    const print = (title, map, top) => {
      console.log(`-- ${title} (ms in all, ms per move)`);
      for (const [k, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
        console.log(`${ms.toFixed(1).padStart(9)}  ${(ms / MOVES).toFixed(4).padStart(8)}  ${k.slice(0, 160)}`);
      }
    };
    print('self time by bucket', buckets, 20);
    print('app wasm self time by crate (names need a -g build)', crates, 20);
    print('self time', selfBy, TOP);
    print('total time', totalBy, TOP);
    // The app's own functions (components, planner, core), however small.
    const own = new Map([...totalBy].filter(([k]) => /mixplan_(app|core)::/.test(k)));
    print('total time of the app\'s own functions', own, TOP);
  };

  const spans = windows.map(([a, b]) => b - a).sort((a, b) => a - b);
  console.log(`posterior: ${draws}`);
  console.log(`input -> interval in the DOM while profiled: median ${spans[Math.floor(spans.length / 2)].toFixed(3)} ms, mean ${(spans.reduce((s, x) => s + x, 0) / spans.length).toFixed(3)} ms over ${MOVES} moves (the profiler slows it)`);
  summarise('inside the moves (input event -> interval in the DOM)', inWindow);
  summarise('outside the moves (animation frames: charts, style, layout, paint; idle)', (t) => !inWindow(t));

  const { mutations } = await makeMoves(page, MOVES, true);
  console.log(`\n=== DOM mutations per move, before the next frame (no profiler) ===`);
  console.log(`${(mutations.records / MOVES).toFixed(1)} records per move, ${(mutations.unchanged / MOVES).toFixed(1)} of them wrote the value already there`);
  for (const [k, n] of Object.entries(mutations.byPlace).sort((a, b) => b[1] - a[1])) {
    console.log(`${(n / MOVES).toFixed(2).padStart(8)}  ${k}`);
  }
} finally {
  await browser.close();
  await server.close();
}
