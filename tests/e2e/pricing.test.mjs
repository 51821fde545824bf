// End-to-end: the "Price and promotions" panel in the release build in headless Chromium.
// The elasticity and lift are compared with `mixplan pricing --no-posterior` on the same data,
// run from this test (`target/debug/mixplan`, which `make test` builds before the e2e). Run
// with `node --test tests/e2e/pricing.test.mjs` after `trunk build --release` and
// `cargo build -p mixplan-cli`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWithRoles, plannerSite, id, ROOT } from './support.mjs';

const site = plannerSite();

/** `mixplan pricing --no-posterior` on the demo store, as JSON (computed now, not stored). */
function cliPricing() {
  const cli = join(ROOT, 'target', 'debug', 'mixplan');
  assert.ok(existsSync(cli), 'build the CLI first: cargo build -p mixplan-cli');
  const out = execFileSync(cli, ['pricing',
    join(ROOT, 'data_processed', 'mmm_data.csv'), '--no-posterior', '--price-change', '10'],
  { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.toString('utf8'));
}

/** The `data-estimate`, `data-lower`, `data-upper` of a panel figure, as numbers. */
async function figure(page, testid) {
  const el = page.locator(id(testid));
  const get = async (name) => Number(await el.getAttribute(`data-${name}`));
  return { estimate: await get('estimate'), lower: await get('lower'), upper: await get('upper') };
}

/** Same to `rel` relative (the browser's fit runs in wasm, the CLI's natively). */
function close(actual, expected, what, rel = 1e-6) {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: page ${actual}, CLI ${expected}`);
}

test('the panel shows the CLI elasticity and lift, and a price cut and a promotion move the forecast as they say', async () => {
  const cli = cliPricing();
  const { page, problems } = await site.openPlanner({ width: 1280, height: 900 });
  const panel = page.locator(id('pricing-panel'));
  await panel.scrollIntoViewIfNeeded();
  assert.equal(await page.locator(id('pricing-missing')).count(), 0);

  const elasticity = await figure(page, 'pricing-elasticity');
  const lift = await figure(page, 'pricing-lift');
  for (const key of ['estimate', 'lower', 'upper']) {
    close(elasticity[key], cli.elasticity.log_log[key], `elasticity ${key}`);
    close(lift[key], cli.promotion.lift[key], `lift ${key}`);
  }
  assert.ok(elasticity.lower < elasticity.estimate && elasticity.estimate < elasticity.upper);
  assert.match(await page.locator(id('pricing-elasticity')).innerText(), /Price elasticity \(log-log.*90% interval/);

  // No change yet: no effect.
  const effect = () => figure(page, 'pricing-effect');
  assert.equal((await effect()).estimate, 0);

  // −10 % by keyboard, one step at a time, as a user would.
  const slider = page.locator(id('price-change'));
  await slider.focus();
  for (let i = 0; i < 10; i++) await slider.press('ArrowLeft');
  assert.equal(await slider.inputValue(), '-10');
  const cut = await effect();
  // The sign follows the elasticity (a price cut raises revenue when it is negative) and the
  // size is the CLI's −10 % sensitivity: mean(b)·(0.9^ε − 1).
  assert.equal(Math.sign(cut.estimate), -Math.sign(elasticity.estimate));
  for (const key of ['estimate', 'lower', 'upper']) {
    close(cut[key], cli.sensitivity.price_down.revenue_change[key], `−10 % ${key}`);
  }
  // Once the posterior is sampled, the combined forecast has its range too.
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.includes('adding the ends'),
    id('pricing-effect'), { timeout: 60_000 });
  const text = await page.locator(id('pricing-effect')).innerText();
  assert.match(text, /^Price -10 %: \+\$[\d,]+ per week \(90% interval \+\$[\d,]+ to \+\$[\d,]+\); promotion off: \$0\./);
  assert.match(text, /\+\d+\.\d% of the media plan's forecast \$[\d,]+\)/);
  assert.match(text, /Combined forecast \(media plan \+ price \+ promotion\): \$[\d,]+ per week \(90% interval \$[\d,]+ to \$[\d,]+, adding the ends\)\.$/);
  const percent = Number(await page.locator(id('pricing-effect')).getAttribute('data-percent'));
  const media = Number(await page.locator(id('predicted-revenue')).getAttribute('data-value'));
  close(percent, cut.estimate / media, 'share of the media plan forecast', 1e-3);

  // Promotion on at the data's mean depth: the CLI's promotion_on effect adds to the cut.
  const toggle = page.locator(id('promo-toggle'));
  await toggle.check();
  close(Number(await page.locator(id('promo-depth')).inputValue()), cli.promotion.mean_depth, 'default depth', 1e-3);
  const both = await effect();
  close(both.estimate, cut.estimate + cli.sensitivity.promotion_on.revenue_change.estimate, 'price + promotion');
  assert.ok(both.estimate > cut.estimate, 'a promotion adds revenue');
  assert.match(await page.locator(id('pricing-effect')).innerText(), /; promotion on: \+\$[\d,]+ per week \(90% interval/);
  await toggle.uncheck();
  close((await effect()).estimate, cut.estimate, 'promotion off again');
  assert.deepEqual(problems, []);
});

test('a user file without price or promotion columns: the panel says which are missing and how to add them', async () => {
  const { page, problems } = await site.openPlanner();
  const start = Date.UTC(2023, 0, 2);
  const lines = ['week,search_spend,tv_spend,price,revenue'];
  for (let w = 0; w < 60; w++) {
    const date = new Date(start + w * 7 * 86_400_000).toISOString().slice(0, 10);
    const search = 3000 + 2500 * Math.sin(w);
    const tv = 5000 + 4000 * Math.cos(1.7 * w);
    lines.push(`${date},${search.toFixed(2)},${tv.toFixed(2)},${(1 + 0.02 * Math.sin(w / 3)).toFixed(3)},${(90000 + 0.8 * search + 0.5 * tv + 500 * Math.sin(w * 0.7)).toFixed(2)}`);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'mixplan-pricing-')), 'shop.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  await loadWithRoles(page, path,
    { week: 'date', revenue: 'target', search_spend: 'spend', tv_spend: 'spend', price: 'control' });

  const message = page.locator(id('pricing-missing'));
  await message.waitFor();
  const text = await message.innerText();
  // Its price column is named 'price', not 'price_index', and it has no promotion column.
  assert.match(text, /weekly columns 'price_index' \(the price index.*\) and 'promotion' \(the promotion depth/);
  assert.match(text, /Add them to your file and give them the role “control”/);
  for (const testid of ['price-change', 'promo-toggle', 'pricing-effect']) {
    assert.equal(await page.locator(id(testid)).count(), 0, testid);
  }
  assert.deepEqual(problems, []);
});
