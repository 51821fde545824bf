// Shared end-to-end harness: serve the release build under /mixplan/ (as GitHub Pages does)
// on 127.0.0.1, drive Debian's headless Chromium with playwright-core, and watch every
// request and console message. Every page is guarded (guardPage): a request outside the
// page's own origin or a Content-Security-Policy violation fails the test that opened it.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after, afterEach } from 'node:test';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// MIXPLAN_DIST serves another build (the benchmarks alternate two builds with it).
export const DIST = process.env.MIXPLAN_DIST ? resolve(process.env.MIXPLAN_DIST) : join(ROOT, 'dist');
export const ARTIFACTS = join(ROOT, 'tests', 'e2e', 'artifacts');
export const BASE_PATH = '/mixplan/';

/** The simulated store's channels, in page order. */
export const CHANNELS = ['paid_search', 'email', 'display', 'social', 'affiliate'];
/** Every chart on the planner page that is always shown, by test id (the scenario
 * comparison's chart shows only once two scenarios are ticked). */
export const CHARTS = ['chart-contribution', 'chart-split', 'chart-donut', 'chart-response', 'chart-fit', 'chart-decomposition',
  'chart-horizon-plan', 'chart-forecast', 'chart-frontier'];
/** The CSS selector of the element with `data-testid="testid"`. */
export const id = (testid) => `[data-testid="${testid}"]`;

/** The command-line tool the e2e tests compare the page with (`cargo build -p mixplan-cli`; make test builds it). */
export const CLI = join(ROOT, 'target', 'debug', 'mixplan');
/** The built-in store's weekly data, as the CLI reads it. */
export const STORE = join(ROOT, 'data_processed', 'mmm_data.csv');
/**
 * The page's sampler (`fitting::page_sampler`, `page_posterior_job`) as CLI flags: 2 chains ×
 * (300 warm-up + 800 draws), seed 42, diagonal mass matrix, 400 of the 1,600 draws kept.
 */
export const PAGE_SAMPLER = ['--chains', '2', '--warmup', '300', '--draws', '800', '--keep-draws', '400', '--posterior-seed', '42', '--diagonal-mass'];

/** Runs the CLI with `args` from the repository's root and parses its JSON output. */
export function cli(args) {
  return JSON.parse(execFileSync(CLI, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] }));
}


const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain',
};

/**
 * Serves dist/ under BASE_PATH on 127.0.0.1 at a free port. Resolves to { url, origin,
 * served, close }: `served` lists the path of every request the server received.
 * `rewrite(path, body)`, if given, may return other bytes to serve for a file.
 */
export async function serveDist({ rewrite } = {}) {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error('dist/index.html is missing: run `trunk build --release` first (make test does)');
  }
  const served = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    served.push(path);
    if (!path.startsWith(BASE_PATH)) {
      res.writeHead(404).end('outside the site');
      return;
    }
    let file = normalize(join(DIST, path.slice(BASE_PATH.length)));
    if (!file.startsWith(DIST)) { res.writeHead(403).end(); return; }
    if (path.endsWith('/')) file = join(file, 'index.html');
    try {
      const read = await readFile(file);
      const body = rewrite?.(path.slice(BASE_PATH.length), read) ?? read;
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${BASE_PATH}`,
    origin: `http://127.0.0.1:${port}`,
    served,
    close: () => { server.closeAllConnections(); return new Promise((ok) => server.close(ok)); },
  };
}

/** Launches headless Chromium with the flags this closed network needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Guards of the pages opened since the last assertGuardsClean(). */
const guards = [];

/** The origin a URL belongs to; every file: URL shares one ('file://'). */
function originOf(url) {
  const parsed = new URL(url);
  return parsed.protocol === 'file:' ? 'file://' : parsed.origin;
}

/**
 * Watches `page` (and its context's service worker) for what no page of mixplan may do, and
 * keeps it for assertGuardsClean():
 * - `foreign`: requests outside the page's own origin, which is that of the first document
 *   the page loads (data: and blob: URLs are the page's own memory, not the network);
 * - `csp`: Content-Security-Policy violations, from `securitypolicyviolation` events in the
 *   page and Chromium's console reports ("…violates the following Content Security Policy
 *   directive…") in the page and its workers.
 * Call before the page's first navigation. To run a test library in a page (axe-core, say),
 * use `page.evaluate(source)`: `page.addScriptTag` adds an inline script, which the page's
 * policy refuses and this guard reports.
 */
export async function guardPage(page) {
  const guard = { origin: undefined, foreign: [], csp: [] };
  guards.push(guard);
  const check = (url) => {
    if (/^(data|blob|about):/.test(url)) return;
    if (guard.origin === undefined) guard.origin = originOf(url);
    else if (originOf(url) !== guard.origin) guard.foreign.push(url);
  };
  page.on('request', (request) => check(request.url()));
  page.context().on('request', (request) => { if (request.serviceWorker()) check(request.url()); });
  const reportCsp = (where) => (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) guard.csp.push(`${where}: ${message.text()}`);
  };
  page.on('console', reportCsp('console'));
  page.on('worker', (worker) => worker.on('console', reportCsp(`worker ${worker.url()}`)));
  await page.exposeBinding('mixplanTestCspViolation', (_source, report) => guard.csp.push(report));
  await page.addInitScript(() => {
    addEventListener('securitypolicyviolation', (event) => {
      window.mixplanTestCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline code'} (${event.sourceFile}:${event.lineNumber})`);
    }, true);
  });
  return guard;
}

/**
 * Fails when a page opened since the last call requested anything outside its own origin or
 * violated its Content-Security-Policy (see guardPage); plannerSite() calls it after each test.
 */
export function assertGuardsClean() {
  const pending = guards.splice(0);
  assert.deepEqual(pending.flatMap((g) => g.foreign), [], 'requests outside the page\'s own origin');
  assert.deepEqual(pending.flatMap((g) => g.csp), [], 'Content-Security-Policy violations');
}

/**
 * Opens a page, guarded (guardPage), and records what it does: `requests` (every URL),
 * `problems` (console errors and warnings, uncaught exceptions, failed requests).
 */
export async function openPage(browser, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  await guardPage(page);
  const requests = [];
  const problems = [];
  page.on('request', (r) => requests.push(r.url()));
  // A request cut short by a navigation (a reload while the favicon loads) is not a problem.
  page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`); });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { page, requests, problems };
}

/** Saves a full-page screenshot under tests/e2e/artifacts/. */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Drags a range input's thumb with the mouse to `fraction` (0..1) of its track, as a user
 * would; the browser fires `input` events while dragging and `change` on release.
 */
export async function dragSlider(page, selector, fraction) {
  // A user scrolls to a slider below the fold before dragging it.
  await page.locator(selector).scrollIntoViewIfNeeded();
  const box = await page.locator(selector).boundingBox();
  const value = await page.locator(selector).evaluate((el) => (el.value - el.min) / (el.max - el.min));
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * value, y);
  await page.mouse.down();
  for (let i = 1; i <= 5; i++) {
    const f = value + (fraction - value) * (i / 5);
    await page.mouse.move(box.x + box.width * f, y);
  }
  await page.mouse.up();
}

/**
 * Types `text` into a text field as a user does (select what is there, type, then Tab
 * away), so the field fires `change` when it loses focus.
 */
export async function typeInto(page, selector, text) {
  const field = page.locator(selector);
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.pressSequentially(text);
  await field.press('Tab');
}

/**
 * The mapping step's role pickers, each with its column's name, once the step shows them (the
 * file is read in a worker first: without the wait, an early call finds no picker).
 */
async function rolePickers(page) {
  const pickers = page.locator('[data-testid^="mapping-role-"]');
  await pickers.first().waitFor({ timeout: 60_000 });
  const found = [];
  for (const select of await pickers.all()) {
    found.push({ column: (await select.getAttribute('data-testid')).slice('mapping-role-'.length), select });
  }
  return found;
}

/**
 * Sets every column's role in the mapping step (`roles`: column name → role; `otherwise` for
 * the rest), once the step shows its role pickers (without the wait the page's suggested
 * mapping would be fitted instead), and checks that each pick took.
 */
export async function setRoles(page, roles, otherwise = 'ignore') {
  for (const { column, select } of await rolePickers(page)) {
    const role = roles[column] ?? otherwise;
    await select.selectOption(role);
    assert.equal(await select.inputValue(), role, `the role of ${column}`);
  }
}

/**
 * The mapping step's suggested role of every column (column name → role), once it shows
 * its pickers.
 */
export async function suggestedRoles(page) {
  const roles = {};
  for (const { column, select } of await rolePickers(page)) roles[column] = await select.inputValue();
  return roles;
}

/**
 * Loads the file at `path` through the page's file input, gives each column its role from
 * `roles` (column name → role; `otherwise` for the rest), confirms, and waits until the page
 * uses the file and the model is fitted to it.
 */
export async function loadWithRoles(page, path, roles, otherwise = 'ignore') {
  await page.locator(id('data-file')).setInputFiles(path);
  await setRoles(page, roles, otherwise);
  await page.locator(id('mapping-confirm')).click();
  const name = path.split(/[\\/]/).pop();
  await page.locator(id('data-source')).filter({ hasText: `Your data — ${name}` }).waitFor({ timeout: 120_000 });
  await page.locator(`${id('fit-status')}:text-is("ready")`).waitFor({ state: 'attached' });
}

/** The page's visible text, for checks that no number shows as NaN, inf or -0. */
export function visibleText(page) {
  return page.locator('body').innerText();
}

/**
 * One server and one browser for a test file: call at the top level of the file; its
 * `before` serves dist/ and launches Chromium (setting `site.server` and `site.browser`), its
 * `after` closes both, and after each test it asserts the guard of every page the test opened
 * (assertGuardsClean). `site.openPlanner(viewport, charts)` opens the planner and waits until
 * the model is fitted in the page and every chart in `charts` has drawn.
 */
/**
 * Waits (up to 3 minutes: the machine is shared) until the posterior in use comes from a run
 * of `draws` draws per chain (800: the page's standard run; 1600: "Sample longer").
 */
export async function posteriorSampledWith(page, draws) {
  await page.waitForFunction(([sel, n]) => {
    const el = document.querySelector(sel);
    return el?.textContent === 'ready' && el.getAttribute('data-draws-per-chain') === n;
  }, [id('posterior-status'), String(draws)], { timeout: 180_000 });
}

export function plannerSite() {
  const site = {
    server: undefined,
    browser: undefined,
    async openPlanner(viewport, charts = ['chart-contribution']) {
      const opened = await openPage(site.browser, viewport);
      await opened.page.goto(site.server.url);
      await opened.page.locator(`${id('fit-status')}:text-is("ready")`).waitFor({ state: 'attached', timeout: 60_000 });
      for (const chart of charts) await opened.page.locator(`${id(chart)} svg.main-svg`).first().waitFor();
      return opened;
    },
  };
  before(async () => { site.server = await serveDist(); site.browser = await launchBrowser(); });
  afterEach(assertGuardsClean);
  after(async () => { await site.browser?.close(); await site.server?.close(); });
  return site;
}
