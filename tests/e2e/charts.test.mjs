// End-to-end: the charts and the numbers around them, in the release build in headless
// Chromium. Run with `node --test tests/e2e/charts.test.mjs` after `trunk build --release`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { plannerSite, dragSlider, ARTIFACTS, CHANNELS, CHARTS, id } from './support.mjs';

/** Money as the page writes it: `$19,138`, `-$300`, no decimals, no `k`. */
const MONEY = /^[-−]?\$\d{1,3}(,\d{3})*$/;
/** What a broken number looks like on screen. */
const NOT_A_NUMBER = /NaN|\binf\b|Infinity|∞/i;

const site = plannerSite();
/** Opens the planner and waits until the model is fitted and every chart has drawn. */
const openPlanner = (viewport) => site.openPlanner(viewport, CHARTS);

/** Waits until every chart has drawn what the page state asks for (two animation frames). */
async function chartsSettled(page) {
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
}

/** All text a user can see or a screen reader can read, chart text and data values included. */
async function everyShownText(page) {
  return page.evaluate(() => {
    const parts = [document.body.innerText];
    for (const el of document.querySelectorAll('svg text')) parts.push(el.textContent);
    for (const el of document.querySelectorAll('[data-value], [aria-label], [title]')) {
      parts.push(el.getAttribute('data-value') ?? '', el.getAttribute('aria-label') ?? '', el.getAttribute('title') ?? '');
    }
    for (const el of document.querySelectorAll('input')) parts.push(el.value);
    return parts.join('\n');
  });
}

async function saveChart(page, testid, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.locator(id(testid)).screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** The bounding boxes of the legend and the axis titles of one chart. */
async function legendAndTitles(page, testid) {
  return page.evaluate((sel) => {
    const root = document.querySelector(sel);
    const box = (q) => { const el = root.querySelector(q); if (!el) return null; const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, right: r.right, bottom: r.bottom }; };
    return { legend: box('g.legend'), xtitle: box('.g-xtitle text'), ytitle: box('.g-ytitle text'), chart: box('svg.main-svg') };
  }, id(testid));
}

/**
 * Drags a range input's thumb with the mouse past the left end of its track, as a user
 * drags a channel to $0. Starts on the thumb itself (also when it sits at the right end,
 * where the shared `dragSlider` would press just outside the input).
 */
async function dragToZero(page, selector) {
  await page.locator(selector).scrollIntoViewIfNeeded();
  const box = await page.locator(selector).boundingBox();
  const value = await page.locator(selector).evaluate((el) => (el.value - el.min) / (el.max - el.min));
  const thumb = Math.min(16, box.width / 4);
  const start = box.x + thumb / 2 + value * (box.width - thumb);
  const y = box.y + box.height / 2;
  await page.mouse.move(start, y);
  await page.mouse.down();
  for (let i = 1; i <= 5; i++) await page.mouse.move(start + (box.x - 20 - start) * (i / 5), y);
  await page.mouse.up();
}

/** Moves the mouse to the middle of the first element `selector` matches. */
async function pointAt(page, selector) {
  await page.locator(selector).first().scrollIntoViewIfNeeded();
  const box = await page.locator(selector).first().boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
}

const overlap = (a, b) => a.x < b.right && b.x < a.right && a.y < b.bottom && b.y < a.bottom;

test('dragging each channel to zero leaves no NaN or infinity anywhere on the page', async () => {
  const { page, problems } = await openPlanner({ width: 1280, height: 800 });
  assert.doesNotMatch(await everyShownText(page), NOT_A_NUMBER, 'clean at the start');
  for (const ch of CHANNELS) {
    await dragToZero(page, id(`channel-slider-${ch}`));
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-spend')) === 0,
      `[data-channel="${ch}"]`);
    await chartsSettled(page);
    const text = await everyShownText(page);
    const bad = text.split('\n').filter((line) => NOT_A_NUMBER.test(line));
    assert.deepEqual(bad, [], `after dragging ${ch} to $0`);
    // The channel's table row: a dash where a ratio has no finite value, never "inf".
    const cells = await page.locator(`${id(`channel-row-${ch}`)} td`).allTextContents();
    assert.equal(cells[0], '$0', `${ch} budget cell: ${cells}`);
    for (const cell of cells) assert.match(cell, /^(—|[-+]?\$[\d,]+\*?|-?\d+\.\d+%|\d+\.\d\d)$/, `${ch} cell ${JSON.stringify(cell)}`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('hover labels show money with separators and no decimals, shares with one decimal', async () => {
  const { page, problems } = await openPlanner({ width: 1280, height: 800 });
  // A real mouse over the first contribution bar.
  await pointAt(page, `${id('chart-contribution')} .bars .point path`);
  await page.locator(`${id('chart-contribution')} .hoverlayer .hovertext`).first().waitFor();
  const bar = await page.locator(`${id('chart-contribution')} .hoverlayer`).evaluate((el) => el.textContent);
  assert.match(bar, /^Paid Search\$[\d,]+ per week \([-+]?\$[\d,]+ vs historical mix\)$/, bar);

  // Every cartesian chart through plotly's own hover, on its first point of each trace.
  for (const chart of ['chart-split', 'chart-response', 'chart-fit', 'chart-decomposition']) {
    const labels = await page.evaluate((sel) => {
      const gd = document.querySelector(sel);
      const out = [];
      gd.data.forEach((trace, curveNumber) => {
        window.Plotly.Fx.hover(gd, [{ curveNumber, pointNumber: 0 }]);
        out.push([...gd.querySelectorAll('.hoverlayer text')].map((t) => t.textContent).join(' | '));
      });
      window.Plotly.Fx.unhover(gd);
      return out;
    }, id(chart));
    assert.ok(labels.length > 0, chart);
    for (const label of labels) {
      const amounts = label.match(/[-−]?\$[\d,.]+k?/g) ?? [];
      assert.ok(amounts.length > 0, `${chart}: an amount in ${JSON.stringify(label)}`);
      for (const amount of amounts) assert.match(amount, MONEY, `${chart}: ${JSON.stringify(label)}`);
      assert.doesNotMatch(label, /\d\.\d{3,}|\d+(\.\d+)?k\b/, `${chart}: raw number in ${JSON.stringify(label)}`);
    }
  }

  // The donut: shares with one decimal on the slices, money in the hover.
  const slices = await page.locator(`${id('chart-donut')} text.slicetext`).allTextContents();
  assert.equal(slices.length, CHANNELS.length);
  for (const s of slices) assert.match(s, /\d+\.\d%$/, `slice text ${JSON.stringify(s)}`);
  // Point into the donut's ring, left of its centre (plotly stores where it drew the pie).
  await page.locator(id('chart-donut')).scrollIntoViewIfNeeded();
  const point = await page.evaluate((sel) => {
    const gd = document.querySelector(sel);
    const { cx, cy, r } = gd.calcdata[0][0];
    const svg = gd.querySelector('svg.main-svg').getBoundingClientRect();
    return { x: svg.x + cx - 0.78 * r, y: svg.y + cy, labels: gd.data[0].labels };
  }, id('chart-donut'));
  await page.mouse.move(point.x, point.y);
  await page.locator(`${id('chart-donut')} .hoverlayer .hovertext`).first().waitFor();
  const slice = await page.locator(`${id('chart-donut')} .hoverlayer`).evaluate((el) => el.textContent);
  assert.match(slice, /^.+\$[\d,]+ per week\d+\.\d% of the budget$/, slice);
  assert.ok(point.labels.some((name) => slice.startsWith(`${name}$`)), `${slice} names a channel`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('with the locks above the total the donut says so instead of collapsing into empty axes', async () => {
  const { page, problems } = await openPlanner({ width: 1280, height: 800 });
  for (const ch of CHANNELS.slice(0, 4)) await page.locator(id(`channel-lock-${ch}`)).check();
  await dragSlider(page, id('total-budget'), -0.1);
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-value') === '', id('optimal-revenue'));
  await chartsSettled(page);
  const donut = await page.evaluate((sel) => {
    const gd = document.querySelector(sel);
    return {
      traces: gd.data.length,
      note: [...gd.querySelectorAll('.annotation text')].map((t) => t.textContent).join(' '),
      ticks: gd.querySelectorAll('.xtick, .ytick').length,
      axisLines: gd.querySelectorAll('.xy .gridlayer path, .zerolinelayer path').length,
    };
  }, id('chart-donut'));
  assert.equal(donut.traces, 0);
  assert.equal(donut.note, 'No feasible split:unlock a channel or raise the total');
  assert.equal(donut.ticks, 0, 'no empty axes');
  assert.equal(donut.axisLines, 0, 'no grid lines');
  await saveChart(page, 'chart-donut', 'donut-infeasible');
  assert.doesNotMatch(await everyShownText(page), NOT_A_NUMBER);
  assert.deepEqual(problems, []);
  await page.close();
});

test('at 390 px and 1280 px the response legend clears the axis titles and captions fit', async () => {
  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
    const { page, problems } = await openPlanner(viewport);
    await page.locator(id('chart-response')).scrollIntoViewIfNeeded();
    await chartsSettled(page);
    const boxes = await legendAndTitles(page, 'chart-response');
    assert.ok(boxes.legend && boxes.xtitle && boxes.ytitle, JSON.stringify(boxes));
    assert.ok(!overlap(boxes.legend, boxes.xtitle), `legend clear of the spend axis title at ${viewport.width}px: ${JSON.stringify(boxes)}`);
    assert.ok(!overlap(boxes.legend, boxes.ytitle), `legend clear of the revenue axis title at ${viewport.width}px: ${JSON.stringify(boxes)}`);
    for (const [name, box] of Object.entries(boxes)) {
      assert.ok(box.x >= boxes.chart.x - 1 && box.right <= boxes.chart.right + 1 && box.y >= boxes.chart.y - 1 && box.bottom <= boxes.chart.bottom + 1,
        `${name} inside the chart at ${viewport.width}px: ${JSON.stringify(boxes)}`);
    }
    // Every chart caption is shown whole: nothing clipped or pushed off screen.
    const captions = await page.evaluate(() => [...document.querySelectorAll('figcaption')].filter((el) => el.getClientRects().length > 0).map((el) => {
      const r = el.getBoundingClientRect();
      return { text: el.textContent, right: r.right, overflow: el.scrollWidth - el.clientWidth };
    }));
    assert.equal(captions.length, CHARTS.length);
    for (const c of captions) {
      assert.ok(c.overflow <= 0 && c.right <= viewport.width, `caption ${JSON.stringify(c)} fits at ${viewport.width}px`);
    }
    for (const chart of CHARTS) await saveChart(page, chart, `${chart}-${viewport.width}`);
    assert.deepEqual(problems, []);
    await page.close();
  }
});
