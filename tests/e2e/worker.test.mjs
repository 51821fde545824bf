// End-to-end: the model is fitted in a Web Worker whose script and wasm come from the page's
// own origin and path (the release build served under /mixplan/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plannerSite, openPage, id } from './support.mjs';

const site = plannerSite();

/** The worker's files, as Trunk writes them next to index.html. */
const WORKER_FILES = ['fit_worker_loader.js', 'fit_worker.js', 'fit_worker_bg.wasm'];

test('the fit worker loads its script and wasm from the page\'s own origin and path, and nothing else is requested', async () => {
  const { page, requests, problems } = await site.openPlanner({ width: 1280, height: 800 });
  // The worker that fitted the model is still there (it waits for the next request).
  const workers = page.workers();
  assert.deepEqual(workers.map((w) => w.url()), [`${site.server.url}fit_worker_loader.js`]);
  const fetchedByWorker = await workers[0].evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  assert.deepEqual(fetchedByWorker.sort(), [`${site.server.url}fit_worker.js`, `${site.server.url}fit_worker_bg.wasm`]);
  for (const file of WORKER_FILES) {
    assert.ok(requests.includes(`${site.server.url}${file}`), `${file} requested under ${site.server.url}: ${JSON.stringify(requests)}`);
  }
  assert.deepEqual(requests.filter((u) => !u.startsWith(site.server.url)), [], 'every request stays under the page\'s own origin and path');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a worker that cannot load its wasm ends in a failed status with a message, not an endless fit', async () => {
  const { page, problems } = await openPage(site.browser, { width: 1280, height: 800 });
  await page.context().route('**/fit_worker_bg.wasm', (route) => route.abort());
  await page.goto(site.server.url);
  await page.locator(`${id('fit-status')}:text-is("failed")`).waitFor({ state: 'attached', timeout: 60_000 });
  // Whether the error came before the app took the worker over or after, the page says why.
  const label = await page.locator('.fit-label').textContent();
  assert.match(label, /^(Your browser could not run the model fit in the background|The model fit stopped unexpectedly) \(.*Failed to fetch.*\)/);
  // The only problems are the aborted request and what the worker reported about it.
  const unexpected = problems.filter((p) => !p.includes('fit_worker_bg.wasm') && !/console error: .*(fetch|wasm|WebAssembly)/i.test(p));
  assert.deepEqual(unexpected, []);
  await page.close();
});
