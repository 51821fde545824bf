// End-to-end: the Performance tab in the release build in headless Chromium. Run with
// `node --test tests/e2e/performance.test.mjs` after `trunk build --release`.
//
// The tab bar (ARIA tabs, arrow keys); the demo's cards equal `mixplan kpi` on
// data_processed/; a user's daily wide file with every column gives KPI cards equal to the
// CLI's for the same period (the same facts written as the star schema's daily tables), a
// period change, and an alert that scrolls to and highlights its chart; a file without the
// platform columns lists them (perf-missing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plannerSite, id, ROOT } from './support.mjs';

const site = plannerSite();
const TMP = mkdtempSync(join(tmpdir(), 'mixplan-performance-'));
const DAYS = 210; // 30 weeks from Monday 2024-01-01: enough for the model's fit (27 at least)
const START = Date.UTC(2024, 0, 1);
const SPIKE_DAY = 198; // 2024-07-17: Display's CPM 3× its usual level
const CHANNELS = [
  { id: 'search', base: 900, cpm: 30, ctr: 0.04 },
  { id: 'display', base: 400, cpm: 6, ctr: 0.005 },
];

/** A deterministic jitter in [0.9, 1.1). */
function jitter(t, k) {
  return 0.9 + ((t * 7919 + k * 104729) % 97) / 97 * 0.2;
}

/** Day `t`'s facts: per channel [spend, impressions, clicks, platform revenue, conversions], and the business row. */
function day(t) {
  const weekday = [1.1, 1, 1, 1, 0.95, 0.8, 0.85][t % 7];
  const channels = CHANNELS.map((c, k) => {
    const spend = Math.round(c.base * weekday * jitter(t, k) * 100) / 100;
    const cpm = c.cpm * jitter(t, k + 10) * (c.id === 'display' && t === SPIKE_DAY ? 3 : 1);
    const impressions = Math.round(spend / cpm * 1000);
    const clicks = Math.round(impressions * c.ctr * jitter(t, k + 20));
    const conversions = Math.round(clicks * 0.08 * jitter(t, k + 30));
    const revenue = Math.round(conversions * 60 * 100) / 100;
    return [spend, impressions, clicks, revenue, conversions];
  });
  const media = channels.reduce((sum, c) => sum + c[0], 0);
  const revenue = Math.round((5000 + 1.8 * media + 300 * Math.sin(t / 5)) * 100) / 100;
  const orders = Math.round(revenue / 55);
  return { channels, revenue, orders, customers: Math.round(orders * 0.8), cogs: Math.round(revenue * 0.55 * 100) / 100 };
}

const date = (t) => new Date(START + t * 86_400_000).toISOString().slice(0, 10);
const FACTS = Array.from({ length: DAYS }, (_, t) => day(t));

/** The user's wide file. */
function wideCsv() {
  const header = ['date', ...CHANNELS.map((c) => c.id),
    ...CHANNELS.flatMap((c) => ['impressions', 'clicks', 'platform_revenue', 'conversions'].map((m) => `${c.id}_${m}`)),
    'revenue', 'orders', 'customers', 'cogs'];
  const lines = [header.join(',')];
  FACTS.forEach((f, t) => {
    lines.push([date(t), ...f.channels.map((c) => c[0].toFixed(2)), ...f.channels.flatMap((c) => [c[1], c[2], c[3].toFixed(2), c[4]]),
      f.revenue.toFixed(2), f.orders, f.customers, f.cogs.toFixed(2)].join(','));
  });
  return lines.join('\n') + '\n';
}

/** The same facts as the star schema's daily tables, in a fresh directory. */
function starDir() {
  const dir = mkdtempSync(join(TMP, 'facts-'));
  const marketing = ['date,channel_id,spend,impressions,clicks,platform_revenue,conversions'];
  const sales = ['date,revenue,orders,customers,cogs,average_price,price_index,promotion,holiday'];
  FACTS.forEach((f, t) => {
    f.channels.forEach((c, k) => marketing.push(`${date(t)},${CHANNELS[k].id},${c[0].toFixed(2)},${c[1]},${c[2]},${c[3].toFixed(2)},${c[4]}`));
    sales.push(`${date(t)},${f.revenue.toFixed(2)},${f.orders},${f.customers},${f.cogs.toFixed(2)},55,1,0,0`);
  });
  writeFileSync(join(dir, 'fact_marketing_daily.csv'), marketing.join('\n') + '\n');
  writeFileSync(join(dir, 'fact_sales_daily.csv'), sales.join('\n') + '\n');
  return dir;
}

/** `mixplan kpi` on the same facts (the release or debug binary, whichever was built last). */
function cliKpi(args, factsDir = starDir()) {
  const binary = ['release', 'debug'].map((p) => join(ROOT, 'target', p, 'mixplan')).filter(existsSync)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  assert.ok(binary, 'build the CLI first: cargo build --bin mixplan');
  return JSON.parse(execFileSync(binary, ['kpi', '--facts-dir', factsDir, ...args], { encoding: 'utf8' }));
}

/** The cards' unrounded values by KPI name. */
async function cardValues(page) {
  const values = {};
  for (const card of await page.locator('[data-testid^="kpi-card-"]').all()) {
    const name = (await card.getAttribute('data-testid')).slice('kpi-card-'.length);
    values[name] = Number(await card.getAttribute('data-value'));
  }
  return values;
}

/** Asserts the page's cards equal the CLI's for the same period. */
function assertSameCards(pageValues, cli) {
  assert.equal(Object.keys(pageValues).length, 8);
  for (const card of cli.cards) {
    const expected = card.value.value;
    const got = pageValues[card.kpi];
    assert.ok(Math.abs(got - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${card.kpi}: page ${got}, CLI ${expected}`);
  }
}

test('the tab bar switches views with the mouse and the arrow keys; the demo shows the CLI\'s cards', async () => {
  const { page, problems } = await site.openPlanner();
  const plan = page.locator(id('tab-plan'));
  const performance = page.locator(id('tab-performance'));
  assert.equal(await page.locator('[role="tablist"]').count(), 1);
  assert.equal(await plan.getAttribute('aria-selected'), 'true');
  assert.equal(await performance.getAttribute('tabindex'), '-1');
  assert.equal(await page.locator(id('performance-view')).count(), 0, 'not built before the tab is opened');

  await plan.focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await performance.getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-performance');
  assert.ok(await page.locator('#panel-plan').evaluate((el) => el.classList.contains('hidden')));

  await page.locator(id('kpi-card-roas')).waitFor({ timeout: 60_000 });
  assert.match(await page.locator(id('perf-period-label')).innerText(), /^2024-11-30 to 2024-12-29 \(30 days\)/);
  assertSameCards(await cardValues(page), cliKpi([], join(ROOT, 'data_processed')));
  assert.equal(await page.locator(`${id('perf-channel-table')} tbody tr`).count(), 5);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await plan.getAttribute('aria-selected'), 'true');
  assert.ok(await page.locator('#panel-plan').isVisible());
  assert.deepEqual(problems, []);
  await page.close();
});

test('a daily file with platform columns: cards equal the CLI, the period changes, an alert leads to its chart', async () => {
  const { page, problems } = await site.openPlanner();
  const path = join(TMP, 'daily_shop.csv');
  writeFileSync(path, wideCsv());
  await page.locator(id('data-file')).setInputFiles(path);
  await page.locator('[data-testid^="mapping-role-"]').first().waitFor({ timeout: 60_000 });
  const roles = { date: 'date', revenue: 'target', search: 'spend', display: 'spend' };
  for (const select of await page.locator('[data-testid^="mapping-role-"]').all()) {
    const column = (await select.getAttribute('data-testid')).slice('mapping-role-'.length);
    await select.selectOption(roles[column] ?? 'ignore');
  }
  await page.locator(id('mapping-confirm')).click();
  await page.locator(id('data-source')).filter({ hasText: 'Your data — daily_shop.csv' }).waitFor({ timeout: 120_000 });

  await page.locator(id('tab-performance')).click();
  await page.locator(id('kpi-card-spend')).waitFor({ timeout: 60_000 });
  // Default: the last 30 days.
  assert.match(await page.locator(id('perf-period-label')).innerText(), /^2024-06-29 to 2024-07-28 \(30 days\)/);
  assertSameCards(await cardValues(page), cliKpi(['--from', '2024-06-29', '--to', '2024-07-28']));
  assert.equal(await page.locator(`${id('perf-channel-table')} tbody tr`).count(), 2);
  await page.locator(`${id('perf-trend-spend')} svg.main-svg`).first().waitFor();

  // Last 7 days: other numbers, still the CLI's.
  const before = await page.locator(id('perf-period-label')).innerText();
  await page.locator(id('perf-period')).selectOption('7');
  await page.waitForFunction(([sel, prev]) => document.querySelector(sel)?.innerText !== prev, [id('perf-period-label'), before]);
  assert.match(await page.locator(id('perf-period-label')).innerText(), /^2024-07-22 to 2024-07-28 \(7 days\)/);
  assertSameCards(await cardValues(page), cliKpi(['--from', '2024-07-22', '--to', '2024-07-28']));

  // Dates around the spike: its alert, in words, leads to its chart.
  await page.locator(id('perf-period')).selectOption('dates');
  await page.locator(id('perf-from')).fill('2024-07-08');
  await page.locator(id('perf-to')).fill('2024-07-23');
  await page.locator(id('perf-to')).dispatchEvent('change');
  await page.locator(id('perf-from')).dispatchEvent('change');
  const alert = page.locator(`${id('perf-alerts')} button`).filter({ hasText: 'Display CPM on 17 July 2024 was' });
  await alert.waitFor({ timeout: 60_000 });
  const cli = cliKpi(['--from', '2024-07-08', '--to', '2024-07-23']);
  assert.ok(cli.alerts.some((a) => a.chart === 'perf-chart-display-cpm' && a.date === '2024-07-17'), 'the CLI finds it too');
  assertSameCards(await cardValues(page), cli);
  const chart = page.locator('#perf-chart-display-cpm');
  assert.equal(await chart.getAttribute('data-highlighted'), 'false');
  await page.evaluate(() => window.scrollTo(0, 0));
  await alert.click();
  assert.equal(await chart.getAttribute('data-highlighted'), 'true');
  await page.waitForFunction(() => {
    const box = document.getElementById('perf-chart-display-cpm')?.getBoundingClientRect();
    return box && box.top < window.innerHeight && box.bottom > 0;
  });
  await page.locator(`${id('perf-chart-display-cpm')} svg.main-svg`).first().waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('a file without the platform columns: the tab lists the missing ones', async () => {
  const { page, problems } = await site.openPlanner();
  const path = join(TMP, 'weekly_shop.csv');
  const lines = ['week,search,tv,revenue'];
  for (let w = 0; w < 40; w++) {
    const search = 3000 + 2500 * Math.sin(w);
    const tv = 5000 + 4000 * Math.cos(1.7 * w);
    lines.push(`${new Date(START + w * 7 * 86_400_000).toISOString().slice(0, 10)},${search.toFixed(2)},${tv.toFixed(2)},${(90000 + 0.8 * search + 0.5 * tv + 500 * Math.sin(w * 0.7)).toFixed(2)}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
  await page.locator(id('data-file')).setInputFiles(path);
  await page.locator(id('mapping-confirm')).waitFor({ timeout: 60_000 });
  await page.locator(id('mapping-confirm')).click();
  await page.locator(id('data-source')).filter({ hasText: 'Your data — weekly_shop.csv' }).waitFor({ timeout: 120_000 });
  await page.locator(id('tab-performance')).click();
  const missing = page.locator(id('perf-missing'));
  await missing.waitFor({ timeout: 60_000 });
  const text = await missing.innerText();
  for (const column of ['search_impressions', 'search_clicks', 'tv_platform_revenue', 'tv_conversions', 'orders', 'customers', 'cogs']) {
    assert.ok(text.includes(column), `${column} listed: ${text}`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});
