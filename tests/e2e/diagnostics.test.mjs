// End-to-end: the "Model checks" section in the release build in headless Chromium. Run with
// `node --test tests/e2e/diagnostics.test.mjs` after `trunk build --release`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plannerSite, id } from './support.mjs';

const site = plannerSite();
const CHECKS = ['autocorrelation', 'normality', 'heteroscedasticity', 'collinearity', 'stability'];

test('opening Model checks runs every check, says in words whether it passes, and draws both charts', async () => {
  const { page, problems } = await site.openPlanner({ width: 1280, height: 900 });
  const section = page.locator(id('model-checks'));
  // Closed at first: nothing is computed or shown.
  assert.equal(await section.evaluate((el) => el.open), false);
  assert.equal(await page.locator(id('checks-summary')).count(), 0);

  await section.locator('summary').click();
  const summary = page.locator(id('checks-summary'));
  await summary.waitFor();
  const match = /^(\d) of 5 checks pass\.$/.exec((await summary.innerText()).trim());
  assert.ok(match, `summary: ${await summary.innerText()}`);

  let passed = 0;
  for (const check of CHECKS) {
    const text = (await page.locator(id(`check-${check}`)).innerText()).trim();
    assert.match(text, new RegExp(`^(✓ Passes|✗ Fails) — ${check}: .{40,}`), text);
    if (text.startsWith('✓')) passed += 1;
  }
  assert.equal(passed, Number(match[1]));

  for (const chart of ['chart-acf', 'chart-stability']) {
    await page.locator(`${id(chart)} svg.main-svg`).first().waitFor();
  }
  // One ACF bar per lag (10 on 156 weeks), one stability line per channel.
  assert.equal(await page.locator(`${id('chart-acf')} .bars .point`).count(), 10);
  assert.equal(await page.locator(`${id('chart-stability')} .scatterlayer .trace`).count(), 5);
  assert.deepEqual(problems, []);
});
