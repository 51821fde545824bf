// End-to-end: the "Model checks" section in the release build in headless Chromium. Run with
// `node --test tests/e2e/diagnostics.test.mjs` after `trunk build --release`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWithRoles, plannerSite, id } from './support.mjs';

const site = plannerSite();
const CHECKS = ['autocorrelation', 'normality', 'heteroscedasticity', 'collinearity', 'stability', 'form'];

test('opening Model checks runs every check, says in words whether it passes, and draws both charts', async () => {
  const { page, problems } = await site.openPlanner({ width: 1280, height: 900 });
  const section = page.locator(id('model-checks'));
  // Closed at first: nothing is computed or shown.
  assert.equal(await section.evaluate((el) => el.open), false);
  assert.equal(await page.locator(id('checks-summary')).count(), 0);

  await section.locator('summary').click();
  const summary = page.locator(id('checks-summary'));
  await summary.waitFor();
  const match = /^(\d) of 6 checks pass\.$/.exec((await summary.innerText()).trim());
  assert.ok(match, `summary: ${await summary.innerText()}`);

  let passed = 0;
  for (const check of CHECKS) {
    const text = (await page.locator(id(`check-${check}`)).innerText()).trim();
    assert.match(text, new RegExp(`^(✓ Passes|✗ Fails) — ${check}: .{40,}`), text);
    if (text.startsWith('✓')) passed += 1;
  }
  assert.equal(passed, Number(match[1]));
  // docs/diagnostics.md: the demo store passes all six (its truth is additive).
  assert.equal(passed, 6, 'every check passes on the demo store');

  for (const chart of ['chart-acf', 'chart-stability']) {
    await page.locator(`${id(chart)} svg.main-svg`).first().waitFor();
  }
  // One ACF bar per lag (10 on 156 weeks), one stability line per channel.
  assert.equal(await page.locator(`${id('chart-acf')} .bars .point`).count(), 10);
  assert.equal(await page.locator(`${id('chart-stability')} .scatterlayer .trace`).count(), 5);
  assert.deepEqual(problems, []);
});

test('on a file whose noise is AR(1) the autocorrelation check fails and says so in words', async () => {
  const { page, problems } = await site.openPlanner({ width: 1280, height: 900 });

  await loadAr1File(page);
  const section = page.locator(id('model-checks'));
  assert.equal(await section.evaluate((el) => el.open), false);
  await section.locator('summary').click();
  const check = page.locator(id('check-autocorrelation'));
  await check.waitFor({ timeout: 60_000 });
  const text = (await check.innerText()).trim();
  assert.match(text, /^✗ Fails — autocorrelation: .{40,}/, text);
  assert.deepEqual(problems, []);
});

/** Loads an 80-week file whose noise is AR(1) (φ = 0.95) and waits for its fit. */
async function loadAr1File(page) {
  // 80 weeks whose noise is AR(1) with φ = 0.95 (a fixed LCG, so the file is the same every run).
  let seed = 12345;
  const uniform = () => { seed = (1103515245 * seed + 12345) % 2147483648; return seed / 2147483648; };
  const start = Date.UTC(2023, 0, 2);
  const lines = ['week,search_spend,tv_spend,revenue'];
  let noise = 0;
  for (let w = 0; w < 80; w++) {
    noise = 0.95 * noise + 4000 * (uniform() - 0.5);
    const date = new Date(start + w * 7 * 86_400_000).toISOString().slice(0, 10);
    const search = 3000 + 2500 * Math.sin(w);
    const tv = 5000 + 4000 * Math.cos(1.7 * w);
    lines.push(`${date},${search.toFixed(2)},${tv.toFixed(2)},${(90000 + 0.8 * search + 0.5 * tv + noise).toFixed(2)}`);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'mixplan-checks-')), 'ar1.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  await loadWithRoles(page, path, { week: 'date', revenue: 'target', search_spend: 'spend', tv_spend: 'spend' });
}

test('Model checks left open while a new file is fitted run again for the new data without reopening', async () => {
  const { page, problems } = await site.openPlanner({ width: 1280, height: 900 });
  const section = page.locator(id('model-checks'));
  await section.locator('summary').click();
  const check = page.locator(id('check-autocorrelation'));
  await check.waitFor();
  assert.match((await check.innerText()).trim(), /^✓ Passes — autocorrelation/);

  await loadAr1File(page);
  // The new planner's checks replace the demo's (no "Running the checks…" left hanging);
  // if the section were closed by the new fit, opening it must run them.
  if (!(await section.evaluate((el) => el.open))) await section.locator('summary').click();
  await page.locator(id('check-autocorrelation')).filter({ hasText: '✗ Fails — autocorrelation' })
    .waitFor({ timeout: 60_000 });
  assert.equal(await section.evaluate((el) => el.open), true);
  assert.deepEqual(problems, []);
});
