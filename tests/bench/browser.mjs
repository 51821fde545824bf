// In-browser benchmark of the release build (make bench-browser; not part of make test):
// loads the planner in headless Chromium, reads the start-up fit time, then makes 1,000
// slider moves and times each from the input event to the updated DOM (the predicted
// revenue's text), reporting the median and the 95th percentile; then re-plans the 13-week
// horizon plan (5 channels) MOVES/5 times from its budget field and times each to the
// updated forecast.
//
//   node tests/bench/browser.mjs [moves]
import { serveDist, launchBrowser, openPage } from '../e2e/support.mjs';

const MOVES = Number(process.argv[2] ?? 1000);
const LOADS = 5;

const server = await serveDist();
const browser = await launchBrowser();
try {
  const fits = [];
  let page;
  for (let i = 0; i < LOADS; i++) {
    ({ page } = await openPage(browser, { width: 1280, height: 800 }));
    await page.goto(server.url);
    const status = page.locator('[data-testid="fit-status"]:text-is("ready")');
    await status.waitFor({ state: 'attached', timeout: 60_000 });
    fits.push(Number(await status.getAttribute('data-fit-ms')));
    if (i < LOADS - 1) await page.close();
  }
  await page.locator('[data-testid="chart-contribution"] svg.main-svg').first().waitFor();

  const times = await page.evaluate(async (moves) => {
    const channels = [...document.querySelectorAll('[data-testid^="channel-slider-"]')];
    const target = document.querySelector('[data-testid="predicted-revenue"]');
    const out = [];
    for (let i = 0; i < moves; i++) {
      const slider = channels[i % channels.length];
      const max = Number(slider.max);
      // Sweep each slider back and forth so every move changes the plan.
      const f = 0.05 + 0.4 * (((i * 7919) % 1000) / 1000);
      const updated = new Promise((resolve) => {
        const observer = new MutationObserver(() => { observer.disconnect(); resolve(performance.now()); });
        observer.observe(target, { childList: true, characterData: true, subtree: true, attributes: true });
      });
      const t0 = performance.now();
      slider.value = String(Math.round(f * max / 100) * 100);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      const t1 = await Promise.race([updated, new Promise((r) => setTimeout(() => r(NaN), 1000))]);
      out.push(t1 - t0);
      // Let the browser paint between moves, as it does between drag events.
      await new Promise((r) => requestAnimationFrame(() => r()));
    }
    return out;
  }, MOVES);

  // Horizon re-plan (issue #12): 13 weeks x 5 channels, timed from the budget field's input
  // event to the updated forecast (the plan is solved, forecast and drawn into the table).
  const REPLANS = Math.max(20, Math.round(MOVES / 5));
  await page.locator('[data-testid="plan-table"]').waitFor();
  const replans = await page.evaluate(async (count) => {
    const field = document.querySelector('[data-testid="horizon-budget"]');
    const target = document.querySelector('[data-testid="forecast-revenue"]');
    const start = Number(field.value);
    const out = [];
    for (let i = 0; i < count; i++) {
      const updated = new Promise((resolve) => {
        const observer = new MutationObserver(() => { observer.disconnect(); resolve(performance.now()); });
        observer.observe(target, { childList: true, characterData: true, subtree: true, attributes: true });
      });
      const t0 = performance.now();
      // Budgets within ±30 % of the default, each different from the last.
      field.value = String(Math.round(start * (0.7 + 0.6 * (((i * 7919) % 1000) / 1000))));
      field.dispatchEvent(new Event('input', { bubbles: true }));
      const t1 = await Promise.race([updated, new Promise((r) => setTimeout(() => r(NaN), 2000))]);
      out.push(t1 - t0);
      await new Promise((r) => requestAnimationFrame(() => r()));
    }
    return out;
  }, REPLANS);

  const ok = times.filter(Number.isFinite).sort((a, b) => a - b);
  const q = (p) => ok[Math.min(ok.length - 1, Math.floor(p * ok.length))];
  const fitSorted = [...fits].sort((a, b) => a - b);
  console.log(`browser: ${(await browser.version())}`);
  console.log(`fit (start-up, in page): median ${fitSorted[Math.floor(LOADS / 2)].toFixed(0)} ms over ${LOADS} loads [${fits.map((f) => f.toFixed(0)).join(', ')}]`);
  console.log(`slider move -> updated DOM: ${ok.length}/${times.length} moves, median ${q(0.5).toFixed(3)} ms, p95 ${q(0.95).toFixed(3)} ms, max ${ok[ok.length - 1].toFixed(3)} ms`);
  const planned = replans.filter(Number.isFinite).sort((a, b) => a - b);
  const qp = (p) => planned[Math.min(planned.length - 1, Math.floor(p * planned.length))];
  console.log(`horizon re-plan 13x5 (budget input -> updated forecast): ${planned.length}/${replans.length}, median ${qp(0.5).toFixed(3)} ms, p95 ${qp(0.95).toFixed(3)} ms, max ${planned[planned.length - 1].toFixed(3)} ms (goal <= 20 ms)`);
  if (planned.length !== replans.length) {
    console.error(`${replans.length - planned.length} re-plans did not update the forecast within 2 s`);
    process.exitCode = 1;
  }
  if (ok.length !== times.length) {
    console.error(`${times.length - ok.length} moves did not update the DOM within 1 s`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await server.close();
}
