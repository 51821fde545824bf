// End-to-end: the "Social → search" panel in the release build in headless Chromium. Its
// share is compared with `mixplan mediation` on the same data (`target/debug/mixplan`, which
// `make test` builds before the e2e); in the multiplicative model form, every effect, interval
// and split with `mixplan mediation --form multiplicative`. Run with `node --test tests/e2e/mediation.test.mjs`
// after `trunk build --release` and `cargo build -p mixplan-cli`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWithRoles, plannerSite, id, ROOT } from './support.mjs';

const site = plannerSite();

/** `mixplan mediation FILE [ARGS…]` (default: the demo store, clicks from its fact_marketing.csv), as JSON. */
function cliMediation(file = join(ROOT, 'data_processed', 'mmm_data.csv'), args = []) {
  const cli = join(ROOT, 'target', 'debug', 'mixplan');
  assert.ok(existsSync(cli), 'build the CLI first: cargo build -p mixplan-cli');
  const out = execFileSync(cli, ['mediation', file, ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.toString('utf8'));
}

/** The panel's share text as `[estimate, lower, upper]` in percent. */
function shareOf(text) {
  const match = /^(-?[\d.]+)% \((-?[\d.]+)%–(-?[\d.]+)%\)$/.exec(text);
  assert.ok(match, `share: ${text}`);
  return match.slice(1).map(Number);
}

/** The page's share equals the CLI's, to the shown 0.1 %. */
function assertSameShare(text, cli) {
  const [estimate, lower, upper] = shareOf(text);
  for (const [shown, exact] of [[estimate, cli.estimate], [lower, cli.lower], [upper, cli.upper]]) {
    assert.ok(Math.abs(shown - 100 * exact) <= 0.051, `page ${text} vs CLI ${JSON.stringify(cli)}`);
  }
}

test('opening Social → search shows the indirect share with its interval, and the toggle changes the recommended split', async () => {
  const { page, problems } = await site.openPlanner({ width: 1280, height: 900 });
  const panel = page.locator(id('mediation-panel'));
  // Closed at first: nothing is computed.
  assert.equal(await panel.evaluate((el) => el.open), false);
  assert.equal(await page.locator(id('mediation-indirect-share-social')).count(), 0);

  await panel.locator('summary').click();
  const share = page.locator(id('mediation-indirect-share-social'));
  await share.waitFor();
  // "31.2% (22.9%–37.6%)": a share with an interval around it.
  const text = (await share.innerText()).trim();
  const [estimate, lower, upper] = shareOf(text);
  assert.ok(lower <= estimate && estimate <= upper, text);
  // The page (its fit, in the on-demand worker) shows the CLI's numbers.
  assertSameShare(text, cliMediation().sources.find((s) => s.channel === 'social').indirect_share);

  // The store's weekly paid-search clicks are embedded: nothing is said to be missing.
  assert.equal(await page.locator(id('mediation-missing')).count(), 0);

  const recommended = page.locator(id('mediation-recommended'));
  const plain = (await recommended.innerText()).trim();
  assert.match(plain, /^Recommended \(social at its direct effect\): /);
  const toggle = page.locator(id('mediation-toggle'));
  assert.equal(await toggle.isChecked(), false);
  await toggle.check();
  await page.waitForFunction(
    (sel) => document.querySelector(sel)?.textContent.includes('total effect'),
    id('mediation-recommended'),
  );
  const aware = (await recommended.innerText()).trim();
  assert.match(aware, /^Recommended \(social at its total effect\): /);
  const social = (line) => Number(/Social \$([\d,]+)/.exec(line)[1].replaceAll(',', ''));
  // Valued at its total effect, social gets more of the same budget.
  assert.ok(social(aware) > social(plain), `${plain} → ${aware}`);

  const time = (await page.locator(id('mediation-time')).innerText()).trim();
  console.log(`mediation panel: ${text}; ${time}`);
  assert.deepEqual(problems, []);
});

test('a file of your own with a paid_search_clicks column: the panel uses those clicks and shows the CLI\'s share', async () => {
  // The store's weekly table plus its paid-search clicks as a column of the file, every week
  // moved 52 weeks later: the page embeds clicks only for the store's own weeks, so the
  // panel can only have these from the file.
  const weekly = readFileSync(join(ROOT, 'data_processed', 'mmm_data.csv'), 'utf8').trim().split('\n');
  const facts = readFileSync(join(ROOT, 'data_processed', 'fact_marketing.csv'), 'utf8').trim().split('\n');
  const header = facts[0].split(',');
  const clicks = new Map(facts.slice(1).map((l) => l.split(','))
    .filter((f) => f[header.indexOf('channel_id')] === 'paid_search')
    .map((f) => [f[0], f[header.indexOf('clicks')]]));
  const later = (week) => new Date(Date.parse(`${week}T00:00:00Z`) + 364 * 86_400_000).toISOString().slice(0, 10);
  const lines = [`${weekly[0]},paid_search_clicks`, ...weekly.slice(1).map((l) => {
    const [week, ...rest] = l.split(',');
    return [later(week), ...rest, clicks.get(week)].join(',');
  })];
  const path = join(mkdtempSync(join(tmpdir(), 'mixplan-mediation-')), 'shop_clicks.csv');
  writeFileSync(path, lines.join('\n') + '\n');

  const { page, problems } = await site.openPlanner({ width: 1280, height: 900 });
  await loadWithRoles(page, path, {
    week: 'date', revenue: 'target', price_index: 'control', promotion: 'control', holiday: 'control',
    paid_search_clicks: 'metric',
  }, 'spend');

  await page.locator(`${id('mediation-panel')} summary`).click();
  const share = page.locator(id('mediation-indirect-share-social'));
  await share.waitFor({ timeout: 60_000 });
  // The file's clicks are used: nothing is said to be missing, and the share is the CLI's
  // on the same file (which reads the paid_search_clicks column).
  assert.equal(await page.locator(id('mediation-missing')).count(), 0);
  const text = (await share.innerText()).trim();
  assertSameShare(text, cliMediation(path).sources.find((s) => s.channel === 'social').indirect_share);
  console.log(`mediation panel on your file: ${text}`);
  assert.deepEqual(problems, []);
});

test('in the multiplicative model form the panel shows `mixplan mediation --form multiplicative`: every effect, interval and split, and says the parts do not add up', async () => {
  const { page, problems } = await site.openPlanner({ width: 1280, height: 900 });
  // Refit in the multiplicative form (as model_form.test.mjs does) and wait for its posterior,
  // so the page is not rebuilt under the panel.
  await page.locator(id('model-form-choice')).selectOption('multiplicative');
  await page.locator(`${id('model-form')}[data-form="multiplicative"]`).waitFor({ state: 'attached', timeout: 120_000 });
  await page.locator(`${id('posterior-status')}:text-is("ready")`).waitFor({ state: 'attached', timeout: 120_000 });

  await page.locator(`${id('mediation-panel')} summary`).click();
  await page.locator(`${id('mediation-effects')}[data-form="multiplicative"]`).waitFor({ timeout: 60_000 });
  assert.match(await page.locator(id('mediation-form-note')).innerText(), /do not add up to the total/);
  assert.equal(await page.locator(id('mediation-missing')).count(), 0);

  const cli = cliMediation(undefined, ['--form', 'multiplicative']);
  assert.equal(cli.form, 'multiplicative');
  const social = cli.sources.find((s) => s.channel === 'social');
  // The page's fit (wasm, in the worker) and the CLI's (native) agree to ~1e-12; the estimate
  // and its bootstrap are deterministic (seed 42), so their figures agree far inside 1e-6.
  const close = (shown, exact, what) => assert.ok(
    Math.abs(shown - exact) <= 1e-6 * Math.max(Math.abs(exact), 1e-9), `${what}: page ${shown}, CLI ${exact}`);
  for (const [testid, key] of [['direct', 'direct'], ['indirect', 'indirect'], ['total', 'total'], ['total-roi', 'total_roi'], ['indirect-share', 'indirect_share']]) {
    const cell = page.locator(id(`mediation-${testid}-social`));
    for (const bound of ['estimate', 'lower', 'upper']) {
      close(Number(await cell.getAttribute(`data-${bound}`)), social[key][bound], `${key} ${bound}`);
    }
  }
  // Removal effects: direct + through search exceed the total in this form.
  assert.ok(social.direct.estimate + social.indirect.estimate > social.total.estimate, JSON.stringify(social));
  assertSameShare((await page.locator(id('mediation-indirect-share-social')).innerText()).trim(), social.indirect_share);

  // Both splits of the historical weekly budget, on the log curves.
  const budget = cli.splits.budget;
  for (const c of cli.splits.channels) {
    for (const [testid, key] of [['plain', 'plain'], ['aware', 'mediation_aware']]) {
      const shown = Number(await page.locator(id(`mediation-split-${testid}-${c.channel}`)).getAttribute('data-value'));
      assert.ok(Math.abs(shown - c[key]) <= 1e-6 * budget, `${c.channel} ${key}: page ${shown}, CLI ${c[key]}`);
    }
  }
  const cliSocial = cli.splits.channels.find((c) => c.channel === 'social');
  assert.ok(cliSocial.mediation_aware > cliSocial.plain, JSON.stringify(cliSocial));
  console.log(`mediation panel, multiplicative: share ${(await page.locator(id('mediation-indirect-share-social')).innerText()).trim()}, social ${cliSocial.plain.toFixed(0)} → ${cliSocial.mediation_aware.toFixed(0)} a week`);
  assert.deepEqual(problems, []);
});
