// In-browser benchmark of the release build (make bench-browser; not part of make test):
// loads the planner in headless Chromium, reads the start-up fit time, then makes 1,000
// slider moves and times each from the input event to the updated DOM (the predicted
// revenue's text), reporting the median and the 95th percentile. Then waits for the
// posterior (reading its sampling time in the worker) and times 1,000 more moves until the
// revenue's 90% interval (computed over all posterior draws) is updated.
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

  const measure = (testid) => page.evaluate(async ([moves, testid]) => {
    const channels = [...document.querySelectorAll('[data-testid^="channel-slider-"]')];
    const target = document.querySelector(`[data-testid="${testid}"]`);
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
  }, [MOVES, testid]);
  const report = (label, times) => {
    const ok = times.filter(Number.isFinite).sort((a, b) => a - b);
    const q = (p) => ok[Math.min(ok.length - 1, Math.floor(p * ok.length))];
    console.log(`${label}: ${ok.length}/${times.length} moves, median ${q(0.5).toFixed(3)} ms, p95 ${q(0.95).toFixed(3)} ms, max ${ok[ok.length - 1].toFixed(3)} ms`);
    if (ok.length !== times.length) {
      console.error(`${times.length - ok.length} moves did not update the DOM within 1 s`);
      process.exitCode = 1;
    }
  };

  const times = await measure('predicted-revenue');
  const fitSorted = [...fits].sort((a, b) => a - b);
  console.log(`browser: ${(await browser.version())}`);
  console.log(`fit (start-up, in page): median ${fitSorted[Math.floor(LOADS / 2)].toFixed(0)} ms over ${LOADS} loads [${fits.map((f) => f.toFixed(0)).join(', ')}]`);
  report('slider move -> updated DOM (point figures)', times);

  const posterior = page.locator('[data-testid="posterior-status"]:text-is("ready")');
  await posterior.waitFor({ state: 'attached', timeout: 180_000 });
  const draws = await page.locator('[data-testid="posterior-text"]').textContent();
  console.log(`posterior (last load, in the worker): ${Number(await posterior.getAttribute('data-sampling-ms')).toFixed(0)} ms; ${draws}`);
  report('slider move -> updated DOM (90% interval over all draws)', await measure('revenue-interval'));
} finally {
  await browser.close();
  await server.close();
}
