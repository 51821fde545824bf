// End-to-end: the "Social → search" panel in the release build in headless Chromium. Run with
// `node --test tests/e2e/mediation.test.mjs` after `trunk build --release`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plannerSite, id } from './support.mjs';

const site = plannerSite();

test('opening Social → search shows the indirect share with its interval, and the toggle changes the recommended split', async () => {
  const { page, problems } = await site.openPlanner({ width: 1280, height: 900 });
  const panel = page.locator(id('mediation-panel'));
  // Closed at first: nothing is computed.
  assert.equal(await panel.evaluate((el) => el.open), false);
  assert.equal(await page.locator(id('mediation-indirect-share-social')).count(), 0);

  await panel.locator('summary').click();
  const share = page.locator(id('mediation-indirect-share-social'));
  await share.waitFor();
  // "25.7% (14.4%–35.8%)": a share with an interval around it.
  const text = (await share.innerText()).trim();
  const match = /^(-?[\d.]+)% \((-?[\d.]+)%–(-?[\d.]+)%\)$/.exec(text);
  assert.ok(match, `share: ${text}`);
  const [estimate, lower, upper] = match.slice(1).map(Number);
  assert.ok(lower <= estimate && estimate <= upper, text);

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
