// End-to-end: share and export — the plan in the URL fragment, file exports, chart images,
// the printable summary (printed to PDF and rendered to PNG to look at) and window.mixplan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { plannerSite, openPage, dragSlider, typeInto, ARTIFACTS, CHANNELS, id } from './support.mjs';

const site = plannerSite();

/** Opens `url` (the site, possibly with a fragment) and waits until the model is fitted. */
async function openAt(url, viewport = { width: 1280, height: 800 }) {
  const opened = await openPage(site.browser, viewport);
  await opened.page.goto(url);
  await opened.page.locator(`${id('fit-status')}:text-is("ready")`).waitFor({ state: 'attached', timeout: 60_000 });
  await opened.page.locator(`${id('chart-contribution')} svg.main-svg`).first().waitFor();
  return opened;
}

/** Spend per channel and lock flags, as the page holds them. */
async function pagePlan(page) {
  const spend = {}; const locked = {};
  for (const ch of CHANNELS) {
    spend[ch] = Number(await page.locator(`[data-channel="${ch}"]`).getAttribute('data-spend'));
    locked[ch] = await page.locator(id(`channel-lock-${ch}`)).isChecked();
  }
  return { spend, locked };
}

const exact = (page, testid) => page.locator(id(testid)).getAttribute('data-value').then(Number);

/** Clicks `testid` and returns the download's suggested name and content. */
async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(id(testid)).click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: await readFile(path) };
}

/** True when `tool` runs (e.g. poppler-utils' pdftotext). */
function has(tool) {
  try { execFileSync(tool, ['-v'], { stdio: 'ignore' }); return true; } catch { return false; }
}

test('the URL fragment follows the plan without new history entries, and opening it restores the plan', async () => {
  const { page, requests, problems } = await openAt(site.server.url);
  await page.waitForFunction(() => location.hash.startsWith('#v2;total='));
  const historyLength = await page.evaluate(() => history.length);
  await page.locator(id('channel-lock-email')).check();
  for (const f of [0.2, 0.35, 0.5]) await dragSlider(page, id('channel-slider-paid_search'), f);
  const expected = await pagePlan(page);
  // Debounced: the fragment catches up within a moment of the last move.
  await page.waitForFunction((ps) => {
    const m = /paid_search=([0-9.]+)/.exec(location.hash);
    return m && Math.abs(Number(m[1]) - ps) < 0.006;
  }, expected.spend.paid_search);
  const link = await page.evaluate(() => location.href);
  assert.match(link, /#v2;total=\d+(\.\d+)?;ch\.paid_search=[0-9.]+;ch\.email=[0-9.]+;.*;lock=email;confidence=0\.95;weeks=13;budget=\d+$/);
  assert.equal(await page.evaluate(() => history.length), historyLength, 'replaceState: no history entry per move');
  assert.ok(requests.every((r) => !r.includes('v2;total') && !r.includes('v2%3Btotal')), 'the fragment is never sent to the server');

  const opened = await openAt(link);
  const restored = await pagePlan(opened.page);
  for (const ch of CHANNELS) {
    assert.ok(Math.abs(restored.spend[ch] - expected.spend[ch]) < 0.03, `${ch}: ${restored.spend[ch]} vs ${expected.spend[ch]}`);
    assert.equal(restored.locked[ch], expected.locked[ch], `lock of ${ch}`);
  }
  assert.equal(await opened.page.locator(id('link-note')).count(), 0, 'a valid link shows no note');
  assert.deepEqual([...problems, ...opened.problems], []);
  await opened.page.close();
  await page.close();
});

test('the link also carries the confidence, the horizon and the scenario being viewed; a fresh page restores them', async () => {
  const { page, problems } = await openAt(site.server.url);
  // Confidence 0.95 (the default) → 0.85 with the keyboard (step 0.05).
  const confidence = page.locator(id('confidence'));
  await confidence.focus();
  await confidence.press('ArrowLeft');
  await confidence.press('ArrowLeft');
  assert.equal(await confidence.inputValue(), '0.85');
  await typeInto(page, id('horizon-weeks'), '8');
  await typeInto(page, id('horizon-budget'), '250000');
  await page.locator(id('plan-table')).waitFor();
  // Save the plan under a name that needs escaping, move away from it, then open it.
  const name = 'Q3 push; 50% search';
  await page.evaluate(() => localStorage.removeItem('mixplan.scenarios'));
  await typeInto(page, id('scenario-name'), name);
  await page.locator(id('save-scenario')).click();
  const saved = await pagePlan(page);
  await dragSlider(page, id('channel-slider-paid_search'), 0.6);
  await page.waitForFunction((ps) => Math.abs(Number(document.querySelector('[data-channel="paid_search"]').dataset.spend) - ps) > 1, saved.spend.paid_search);
  assert.equal(await page.locator(id('viewed-scenario')).textContent(), '');
  await page.locator(`${id('scenario-item')}[data-name="${name}"] ${id('scenario-open')}`).click();
  assert.equal(await page.locator(id('viewed-scenario')).textContent(), `Viewing the scenario “${name}” (change the plan to leave it).`);
  assert.equal(await page.locator(`${id('scenario-item')}[data-name="${name}"]`).getAttribute('data-viewed'), 'true');
  await page.waitForFunction(() => location.hash.includes(';scenario='));
  const link = await page.evaluate(() => location.href);
  assert.match(link, /;confidence=0\.85;weeks=8;budget=250000;scenario=Q3%20push%3B%2050%25%20search$/);

  // A fresh browser context: no saved scenarios, only the link.
  const opened = await openAt(link);
  const p2 = opened.page;
  assert.equal(await p2.locator(id('link-note')).count(), 0, 'a valid link shows no note');
  const restored = await pagePlan(p2);
  for (const ch of CHANNELS) {
    assert.ok(Math.abs(restored.spend[ch] - saved.spend[ch]) < 0.03, `${ch}: ${restored.spend[ch]} vs ${saved.spend[ch]}`);
  }
  assert.equal(await p2.locator(id('confidence')).inputValue(), '0.85');
  assert.match(await p2.locator(id('recommendation')).textContent(), /at least a 85% chance/);
  assert.equal(await p2.locator(id('horizon-weeks')).inputValue(), '8');
  assert.equal(await p2.locator(id('horizon-budget')).inputValue(), '250000');
  const weeksInTable = await p2.locator(`${id('plan-table')} thead th`).allTextContents();
  assert.ok(weeksInTable.includes('W8') && !weeksInTable.includes('W9'), weeksInTable.join(' '));
  assert.ok(Math.abs(Number(await p2.locator(id('plan-table')).getAttribute('data-total')) - 250000) < 1, 'the horizon plan spends the restored budget');
  assert.equal(await p2.locator(id('viewed-scenario')).textContent(), `Viewing the scenario “${name}” (change the plan to leave it).`);
  // The restored page writes the same state back; changing the plan leaves the scenario.
  await p2.waitForFunction(() => location.hash.includes(';scenario=Q3%20push'));
  await dragSlider(p2, id('channel-slider-paid_search'), 0.2);
  await p2.waitForFunction(() => location.hash.startsWith('#v2;') && !location.hash.includes('scenario='));
  assert.equal(await p2.locator(id('viewed-scenario')).textContent(), '');
  assert.match(await p2.evaluate(() => location.hash), /;confidence=0\.85;weeks=8;budget=250000$/);
  assert.deepEqual([...problems, ...opened.problems], []);
  await p2.close();
  await page.evaluate(() => localStorage.removeItem('mixplan.scenarios'));
  await page.close();
});

test('invalid or stale links show a short note and the default plan, never a blank page', async () => {
  const fresh = await openAt(site.server.url);
  const defaults = await pagePlan(fresh.page);
  // The budget range follows the data (a fifth to three times the store's mean weekly
  // spend): the note must name the range the slider offers.
  const slider = fresh.page.locator(id('total-budget'));
  const [lo, hi] = [Number(await slider.getAttribute('min')), Number(await slider.getAttribute('max'))];
  assert.ok(lo > 500 && hi > lo, `${lo}..${hi}`);
  const money = (v) => `\\$${v.toLocaleString('en-US')}`;
  await fresh.page.close();
  for (const [fragment, reason] of [
    ['#v1;total=abc;paid_search=1', /weekly total/],
    ['#v9;total=20000', /cannot read/],
    ['#v1;total=20000;tv=20000', /other data/],
    ['#v1;total=20000;paid_search=-5', /not usable/],
    ['#v2;total=20000;ch.paid_search=20000;confidence=2', /confidence setting/],
    ['#v2;total=20000;ch.paid_search=20000;weeks=99', /plan period/],
    ['#v2;total=500;ch.paid_search=500', new RegExp(`weekly total of \\$500 is outside what the planner offers for this data \\(${money(lo)} to ${money(hi)}\\)`)],
  ]) {
    const { page, problems } = await openAt(site.server.url + fragment);
    const note = await page.locator(id('link-note')).textContent();
    assert.match(note, /^The plan in this link could not be opened/);
    assert.match(note, reason, note);
    assert.deepEqual(await pagePlan(page), defaults, `${fragment}: the default plan`);
    assert.ok(await exact(page, 'predicted-revenue') > 0, 'the planner works');
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('plan CSV/JSON, model JSON and chart PNG/SVG download from the page', async () => {
  const { page, requests, problems } = await openAt(site.server.url);
  const before = requests.length;
  const revenue = await exact(page, 'predicted-revenue');
  const plan = await pagePlan(page);

  const csv = await download(page, 'export-plan-csv');
  assert.equal(csv.name, 'mixplan-plan.csv');
  const lines = csv.bytes.toString('utf8').trim().split('\n');
  assert.equal(lines[0], 'channel,spend,share,predicted_contribution,roi,marginal_roi,optimal_spend,locked');
  assert.equal(lines.length, 1 + CHANNELS.length + 4);
  const rows = Object.fromEntries(lines.slice(1).map((l) => [l.split(',')[0], l.split(',')]));
  assert.equal(Number(rows.predicted_revenue[1]), Number(revenue.toFixed(2)));

  const json = JSON.parse((await download(page, 'export-plan-json')).bytes.toString('utf8'));
  assert.ok(Math.abs(json.predicted_revenue - revenue) < 1e-6);
  assert.deepEqual(json.channels.map((c) => c.id), CHANNELS);
  for (const c of json.channels) assert.ok(Math.abs(c.spend - plan.spend[c.id]) < 1e-6, c.id);
  assert.ok(Math.abs(json.optimal_revenue - await exact(page, 'optimal-revenue')) < 1e-6);

  const model = JSON.parse((await download(page, 'export-model-json')).bytes.toString('utf8'));
  assert.equal(model.channels.length, CHANNELS.length);
  for (const c of model.channels) for (const k of ['decay', 'half_saturation', 'shape', 'roi']) assert.equal(typeof c[k], 'number', `${c.id}.${k}`);
  assert.equal(model.metrics.r2_test.toFixed(3), await page.locator(id('r2-test')).textContent());

  const png = await download(page, 'chart-split-png');
  assert.equal(png.name, 'mixplan-chart-split.png');
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  const svg = await download(page, 'chart-response-svg');
  assert.equal(svg.name, 'mixplan-chart-response.svg');
  assert.match(svg.bytes.toString('utf8'), /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);

  // (The browser may still fetch the favicon, which the page links; nothing else.)
  const network = requests.slice(before).filter((u) => u.startsWith('http') && !/\/favicon[^/]*$/.test(u));
  assert.deepEqual(network, [], 'downloads are made in the page, no network');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the printable summary prints to a one- or two-page PDF with the headline', async () => {
  const { page, problems } = await openAt(site.server.url);
  await page.locator(`${id('chart-split')} svg.main-svg`).first().waitFor();
  assert.equal(await page.locator(id('print-summary')).isVisible(), false, 'closed until asked for');
  await page.locator(id('export-summary')).click();
  await page.locator(id('print-summary')).waitFor({ state: 'visible' });
  const headline = await page.locator(id('summary-headline')).textContent();
  assert.match(headline, /^Recommendation: (move to the recommended split|keep the current split) of \$[\d,]+ per week/);
  assert.match(await page.locator(id('summary-fit')).textContent(), /^Fit quality is (good|fair|weak)/);

  await mkdir(ARTIFACTS, { recursive: true });
  const pdfPath = join(ARTIFACTS, 'summary.pdf');
  const pdf = await page.pdf({ path: pdfPath, format: 'A4', printBackground: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.ok(pages >= 1 && pages <= 2, `${pages} pages`);
  if (has('pdftotext')) {
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-']).toString('utf8').replace(/\s+/g, ' ');
    assert.ok(text.includes(headline.replace(/\s+/g, ' ').slice(0, 60)), `the PDF has the headline: ${text.slice(0, 300)}`);
    assert.ok(text.includes('Caveats'));
    assert.ok(!text.includes('Printable summary'), 'no export buttons in print');
  }
  if (has('pdftoppm')) execFileSync('pdftoppm', ['-png', '-r', '60', pdfPath, join(ARTIFACTS, 'summary')]);

  // In print media the page is the summary: controls and buttons are gone.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator(id('total-budget')).isVisible(), false);
  assert.equal(await page.locator(id('export-plan-csv')).isVisible(), false);
  assert.equal(await page.locator(id('chart-split')).isVisible(), true, 'key chart printed');
  assert.equal(await page.locator(id('chart-fit')).isVisible(), false, 'other charts left out');
  await page.emulateMedia({ media: 'screen' });
  await page.locator(id('print-summary-close')).click();
  assert.equal(await page.locator(id('print-summary')).isVisible(), false);
  await writeFile(join(ARTIFACTS, 'summary-headline.txt'), headline);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a closed summary takes the current plan when the page prints, and while open', async () => {
  // A closed summary does not follow slider moves (it is hidden); `beforeprint` brings it
  // up to date, since it is the printed page.
  const { page, problems } = await openAt(site.server.url);
  const summarySpend = () => page.locator(`${id('print-summary')} tbody tr`).first().locator('td').first().textContent();
  const tableSpend = async () => (await page.locator(id('current-spend-paid_search')).textContent()).replace('*', '').trim();
  const follows = async () => {
    const want = await tableSpend();
    await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent === want,
      [`[data-testid="print-summary"] tbody tr td`, want], { timeout: 5_000 });
    assert.equal(await summarySpend(), want);
  };
  await dragSlider(page, id('channel-slider-paid_search'), 0.15);
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  await follows();
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  await dragSlider(page, id('channel-slider-paid_search'), 0.4);
  await page.locator(id('export-summary')).click();
  await page.locator(id('print-summary')).waitFor({ state: 'visible' });
  await follows();
  // Open, it follows every move.
  await page.locator(id('channel-slider-paid_search')).evaluate((el) => {
    el.value = String(Math.round(Number(el.max) * 0.25 / 100) * 100);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await follows();
  assert.deepEqual(problems, []);
  await page.close();
});

test('window.mixplan: predict, optimize, getPlan and setPlan agree with the page; bad input answers an error', async () => {
  const { page, problems } = await openAt(site.server.url);
  // The page writes its link into the address 300 ms after it settles; getPlan's link is
  // the same version 2 link: the plan and the page's settings.
  await page.waitForFunction(() => location.hash.startsWith('#v2;'));
  const plan = await page.evaluate(() => window.mixplan.getPlan());
  const shown = await pagePlan(page);
  assert.deepEqual(plan.channels.map((c) => c.id), CHANNELS);
  for (const c of plan.channels) assert.ok(Math.abs(c.spend - shown.spend[c.id]) < 1e-9, c.id);
  assert.ok(Math.abs(plan.predicted_revenue - await exact(page, 'predicted-revenue')) < 1e-6);
  assert.match(plan.link, /^#v2;total=[\d.]+;ch\.paid_search=[\d.]+;ch\.email=.*;confidence=[\d.]+;weeks=13;budget=[\d.]+$/);
  assert.equal(plan.link, await page.evaluate(() => location.hash), 'getPlan().link is the address bar\'s link');

  const predicted = await page.evaluate((spend) => window.mixplan.predict(spend), shown.spend);
  assert.ok(Math.abs(predicted.revenue - await exact(page, 'predicted-revenue')) < 1e-6, 'predict = the page');
  const best = await page.evaluate((total) => window.mixplan.optimize({ budget: total }), plan.total);
  assert.ok(Math.abs(best.revenue - await exact(page, 'optimal-revenue')) < 1e-6, 'optimize = the page');
  const bounded = await page.evaluate((total) => window.mixplan.optimize({ budget: total, locks: { email: 1000 }, bounds: { paid_search: { max: 4000 } } }), plan.total);
  assert.ok(Math.abs(bounded.spend.email - 1000) < 1e-6);
  assert.ok(bounded.spend.paid_search <= 4000 + 1e-6);

  const target = { paid_search: 9000, email: 3000, display: 4000, social: 8000, affiliate: 6000 };
  const set = await page.evaluate((spend) => window.mixplan.setPlan({ spend, locks: ['social'] }), target);
  assert.deepEqual(set, { ok: true });
  await page.waitForFunction(() => document.querySelector('[data-channel="paid_search"]').getAttribute('data-spend') === '9000');
  const after = await pagePlan(page);
  for (const ch of CHANNELS) assert.ok(Math.abs(after.spend[ch] - target[ch]) < 1e-6, ch);
  assert.equal(after.locked.social, true, 'the lock box follows');
  assert.equal(Number(await page.locator(id(`channel-slider-display`)).inputValue()), 4000, 'the slider follows');
  assert.equal(Number(await page.locator(id('total-budget')).inputValue()), 30000, 'the total follows');
  await page.waitForFunction(() => location.hash.includes(';ch.paid_search=9000;') && location.hash.includes(';lock=social;'));
  assert.equal(await page.evaluate(() => window.mixplan.getPlan().link), await page.evaluate(() => location.hash),
    'after setPlan too');

  const bad = await page.evaluate(() => [
    window.mixplan.predict('lots'),
    window.mixplan.predict({ tv: 100 }),
    window.mixplan.optimize({ budget: -1 }),
    window.mixplan.optimize(),
    window.mixplan.setPlan({ spend: { paid_search: 5 } }),
    window.mixplan.setPlan(null),
  ]);
  for (const answer of bad) assert.equal(typeof answer.error, 'string', JSON.stringify(answer));
  assert.match(bad[1].error, /unknown channel "tv"/);
  assert.deepEqual(await pagePlan(page), after, 'refused plans change nothing');
  assert.deepEqual(problems, []);
  await page.close();
});
