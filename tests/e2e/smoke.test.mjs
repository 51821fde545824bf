// End-to-end: the release build, served under /mixplan/, in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, openPage, screenshot, dragSlider } from './support.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

// The smoke page's demo curve (src/components/smoke_panel.rs): $120k ceiling, K = $40k, s = 1.6.
const demoRevenue = (x) => (x <= 0 ? 0 : 120000 / (1 + Math.pow(40000 / x, 1.6)));
const asCurrency = (x) => '$' + Math.round(x).toLocaleString('en-US');
const chartSvg = (page) => page.locator('[data-testid=smoke-chart] .scatterlayer').innerHTML();

test('slider drives the number and the chart, offline, without console errors', async () => {
  const { page, requests, problems } = await openPage(browser);
  await page.goto(server.url);
  const value = page.locator('[data-testid=smoke-value]');
  await value.waitFor();
  await page.locator('[data-testid=smoke-chart] svg.main-svg').first().waitFor();
  assert.equal(await value.textContent(), asCurrency(demoRevenue(20000)));
  const svgBefore = await chartSvg(page);

  await dragSlider(page, '[data-testid=smoke-slider]', 0.75);
  const spend = Number(await page.locator('[data-testid=smoke-slider]').inputValue());
  assert.ok(spend > 50000 && spend < 100000, `the drag moved the slider (now ${spend})`);
  await page.waitForFunction(
    ([sel, text]) => document.querySelector(sel)?.textContent === text,
    ['[data-testid=smoke-value]', asCurrency(demoRevenue(spend))],
  );
  assert.notEqual(await chartSvg(page), svgBefore, 'the chart re-rendered');

  // Keyboard: one arrow press moves one $500 step.
  await page.locator('[data-testid=smoke-slider]').focus();
  await page.keyboard.press('ArrowLeft');
  assert.equal(Number(await page.locator('[data-testid=smoke-slider]').inputValue()), spend - 500);
  await page.waitForFunction(
    ([sel, text]) => document.querySelector(sel)?.textContent === text,
    ['[data-testid=smoke-value]', asCurrency(demoRevenue(spend - 500))],
  );

  await screenshot(page, 'smoke-1280x800');
  const offsite = requests.filter((u) => !u.startsWith(server.origin + '/'));
  assert.deepEqual(offsite, [], 'no request left 127.0.0.1');
  assert.ok(requests.some((u) => u.endsWith('.wasm')), 'the wasm module was fetched');
  assert.deepEqual(problems, [], 'no console errors or warnings');
  await page.close();
});

test('phone layout (390x844) renders the page and chart', async () => {
  const { page, problems } = await openPage(browser, { width: 390, height: 844 });
  await page.goto(server.url);
  await page.locator('[data-testid=smoke-chart] svg.main-svg').first().waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no horizontal scroll on a phone (page is ${width}px wide)`);
  await screenshot(page, 'smoke-390x844');
  assert.deepEqual(problems, []);
  await page.close();
});
