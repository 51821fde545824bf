// End-to-end: the "Social → search" panel in the release build in headless Chromium. Its
// share is compared with `mixplan mediation` on the same data (`target/debug/mixplan`, which
// `make test` builds before the e2e). Run with `node --test tests/e2e/mediation.test.mjs`
// after `trunk build --release` and `cargo build -p mixplan-cli`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { plannerSite, id, ROOT } from './support.mjs';

const site = plannerSite();

/** `mixplan mediation` on the demo store (clicks from its fact_marketing.csv), as JSON. */
function cliMediation() {
  const cli = join(ROOT, 'target', 'debug', 'mixplan');
  assert.ok(existsSync(cli), 'build the CLI first: cargo build -p mixplan-cli');
  const out = execFileSync(cli, ['mediation', join(ROOT, 'data_processed', 'mmm_data.csv')],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.toString('utf8'));
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
  const match = /^(-?[\d.]+)% \((-?[\d.]+)%–(-?[\d.]+)%\)$/.exec(text);
  assert.ok(match, `share: ${text}`);
  const [estimate, lower, upper] = match.slice(1).map(Number);
  assert.ok(lower <= estimate && estimate <= upper, text);
  // The page (its fit, in the on-demand worker) shows the CLI's numbers, to the shown 0.1 %.
  const cli = cliMediation().sources.find((s) => s.channel === 'social').indirect_share;
  for (const [shown, exact] of [[estimate, cli.estimate], [lower, cli.lower], [upper, cli.upper]]) {
    assert.ok(Math.abs(shown - 100 * exact) <= 0.051, `page ${text} vs CLI ${JSON.stringify(cli)}`);
  }

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
