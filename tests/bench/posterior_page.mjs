// The page's standard posterior in the browser (issue #11, item 8: goal <= 5 s for 156 weeks x
// 5 channels): loads the planner LOADS times in headless Chromium and reads, each time, the
// worker's sampling time and the run's leapfrog steps (each one gradient of the log
// density), so two builds with different trajectories compare per step as well as in all.
// MIXPLAN_DIST=path serves another build than dist/ (to alternate two builds).
//
//   node tests/bench/posterior_page.mjs [loads]
import { serveDist, launchBrowser, openPage, DIST } from '../e2e/support.mjs';

const LOADS = Number(process.argv[2] ?? 5);

const server = await serveDist();
const browser = await launchBrowser();
try {
  const runs = [];
  for (let i = 0; i < LOADS; i++) {
    const { page } = await openPage(browser);
    await page.goto(server.url);
    const status = page.locator('[data-testid="posterior-status"]:text-is("ready")');
    await status.waitFor({ state: 'attached', timeout: 180_000 });
    const ms = Number(await status.getAttribute('data-sampling-ms'));
    const steps = Number(await status.getAttribute('data-leapfrog-steps'));
    const converged = await status.getAttribute('data-converged');
    runs.push({ ms, steps });
    console.log(`load ${i + 1}: ${(ms / 1000).toFixed(2)} s, ${steps} leapfrog steps, ${(1000 * ms / steps).toFixed(1)} us a step, converged ${converged}`);
    await page.close();
  }
  const sorted = (f) => runs.map(f).sort((a, b) => a - b);
  const median = (xs) => xs[Math.floor(xs.length / 2)];
  const seconds = sorted((r) => r.ms / 1000);
  console.log(`${DIST}: posterior median ${median(seconds).toFixed(2)} s `
    + `(${seconds[0].toFixed(2)} - ${seconds.at(-1).toFixed(2)} s), `
    + `median ${median(sorted((r) => 1000 * r.ms / r.steps)).toFixed(1)} us a leapfrog step`);
} finally {
  await browser.close();
  await server.close();
}
