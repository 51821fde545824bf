// Where the time of a slider move goes (issue #11, item 8): loads the release build in
// headless Chromium, waits for the posterior, then records Chrome's sampling profiler
// (CDP `Profiler.start`, 50 µs interval) over MOVES slider moves made as tests/bench/browser.mjs
// makes them, and prints the functions with the most self time and the most total time
// during the moves. Wasm function names show only in a build that keeps its name section
// (e.g. `data-wasm-opt-params="-g"` on the app's `<link data-trunk rel="rust">`); a plain
// release build shows `$func123`-style names. Not part of any test.
//
//   node tests/bench/profile_slider.mjs [moves] [top]
import { serveDist, launchBrowser, openPage } from '../e2e/support.mjs';

const MOVES = Number(process.argv[2] ?? 300);
const TOP = Number(process.argv[3] ?? 40);

const server = await serveDist();
const browser = await launchBrowser();
try {
  const { page } = await openPage(browser, { width: 1280, height: 800 });
  await page.goto(server.url);
  await page.locator('[data-testid="posterior-status"]:text-is("ready")').waitFor({ state: 'attached', timeout: 180_000 });
  await page.locator('[data-testid="chart-contribution"] svg.main-svg').first().waitFor();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  const moved = await page.evaluate(async (moves) => {
    const channels = [...document.querySelectorAll('[data-testid^="channel-slider-"]')];
    const target = document.querySelector('[data-testid="revenue-interval"]');
    let spent = 0;
    for (let i = 0; i < moves; i++) {
      const slider = channels[i % channels.length];
      const f = 0.05 + 0.4 * (((i * 7919) % 1000) / 1000);
      const updated = new Promise((resolve) => {
        const observer = new MutationObserver(() => { observer.disconnect(); resolve(performance.now()); });
        observer.observe(target, { childList: true, characterData: true, subtree: true, attributes: true });
      });
      const t0 = performance.now();
      slider.value = String(Math.round(f * Number(slider.max) / 100) * 100);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      spent += (await updated) - t0;
      await new Promise((r) => requestAnimationFrame(() => r()));
    }
    return spent;
  }, MOVES);
  const { profile } = await cdp.send('Profiler.stop');

  // Self time per node from the samples; total time by walking up the parents.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const name = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url ? n.callFrame.url.split('/').pop() : ''}`.trim();
  const selfByName = new Map();
  const totalByName = new Map();
  for (const [nodeId, ms] of self) {
    const key = name(byId.get(nodeId));
    selfByName.set(key, (selfByName.get(key) ?? 0) + ms);
    const seen = new Set();
    for (let id = nodeId; id !== undefined; id = parent.get(id)) {
      const k = name(byId.get(id));
      if (seen.has(k)) continue;
      seen.add(k);
      totalByName.set(k, (totalByName.get(k) ?? 0) + ms);
    }
  }
  const print = (title, map) => {
    console.log(`\n${title} (ms over ${MOVES} moves; per move = /${MOVES})`);
    for (const [k, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
      console.log(`${ms.toFixed(1).padStart(9)}  ${(ms / MOVES).toFixed(3).padStart(7)}  ${k}`);
    }
  };
  console.log(`input -> interval in the DOM: ${(moved / MOVES).toFixed(3)} ms mean over ${MOVES} moves`);
  print('self time', selfByName);
  print('total time', totalByName);
} finally {
  await browser.close();
  await server.close();
}
