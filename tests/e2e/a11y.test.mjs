// End-to-end: accessibility of the planner (issue #13 item 7), in the release build in
// headless Chromium. An automated audit with axe-core (injected from node_modules, no
// network) that fails on any serious or critical violation, and keyboard checks that axe
// cannot make: Tab reaches every control in page order with a visible focus ring, sliders
// move with the arrow and Page keys and the revenue follows, and gains and losses are said
// in words or signs, not only in green and red.
// Run with `node --test tests/e2e/a11y.test.mjs` after `trunk build --release`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { plannerSite, dragSlider, typeInto, ROOT, CHANNELS, CHARTS, id } from './support.mjs';

const site = plannerSite();
/** Opens the planner and waits until the model is fitted and every chart has drawn. */
const openPlanner = (viewport = { width: 1280, height: 800 }) => site.openPlanner(viewport, CHARTS);

const AXE_SOURCE = readFile(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
/** Impacts that fail the audit; `moderate` and `minor` findings are printed, not failed. */
const FAILING = new Set(['serious', 'critical']);
/** Money as the page writes it: `$19,138`, `-$300`. */
const MONEY = /^-?\$\d{1,3}(,\d{3})*$/;
/** Everything Tab can stop on. */
// A <details>' <summary> is a tab stop too (the Model checks section opens from it).
const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]';

/** Waits until the charts have drawn what the page state asks for (two animation frames). */
async function chartsSettled(page) {
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
}

/**
 * Runs axe-core on the whole page (every rule it ships, WCAG 2.x A/AA and best practice)
 * and returns its violations, each as `impact rule: help (n nodes: selectors)`.
 */
async function audit(page, t, where) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    // Not page.addScriptTag: an inline <script> is refused by the page's CSP (see support.mjs).
    await page.evaluate(await AXE_SOURCE);
  }
  await chartsSettled(page);
  const { violations, incomplete, passed } = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations', 'incomplete'] });
    return {
      violations: result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` [${n.failureSummary.replace(/\s+/g, ' ')}]` : ''}`),
      })),
      // What axe could not decide (e.g. text over an image): reported, for a human to check.
      incomplete: result.incomplete.map((v) => `${v.id} (${v.nodes.length})`),
      passed: result.passes.length,
    };
  });
  t.diagnostic(`axe at ${where}: ${passed} rules passed; undecided: ${incomplete.join(', ') || 'none'}`);
  const line = (v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes: ${v.nodes.slice(0, 4).join('; ')})`;
  t.diagnostic(`axe at ${where}: ${violations.length} violation(s)`);
  for (const v of violations) t.diagnostic(`  ${line(v)}`);
  return violations.filter((v) => FAILING.has(v.impact)).map((v) => `${where}: ${line(v)}`);
}

test('axe-core finds no serious or critical violation: laptop, phone, summary open, unbalanced plan', async (t) => {
  const failing = [];
  const { page, problems } = await openPlanner();
  failing.push(...await audit(page, t, 'laptop 1280x800, start'));

  // A refused amount (error text), the executive summary open, then a plan that cannot
  // balance (locks above the total: the red note, hidden headline figures).
  await typeInto(page, id('channel-amount-email'), '12,5');
  await page.locator(id('export-summary')).click();
  failing.push(...await audit(page, t, 'laptop, field error and printable summary open'));
  await page.locator(id('print-summary-close')).click();
  await page.locator(id('channel-lock-paid_search')).check();
  await page.locator(id('channel-lock-email')).check();
  await typeInto(page, id('total-budget-number'), '10000');
  assert.match(await page.locator(id('balanced')).textContent(), /^✗ not balanced/);
  failing.push(...await audit(page, t, 'laptop, locks above the total'));
  assert.deepEqual(problems, [], 'no console errors or warnings');
  await page.close();

  const phone = await openPlanner({ width: 390, height: 844 });
  failing.push(...await audit(phone.page, t, 'phone 390x844'));
  await phone.page.close();

  assert.deepEqual(failing, [], `serious or critical accessibility violations:\n${failing.join('\n')}`);
});

test('Tab reaches every control in page order, each with a visible focus ring', async (t) => {
  const { page } = await openPlanner();
  // What a keyboard user must be able to reach: every enabled, visible control, in DOM order.
  const expected = await page.evaluate((selector) => {
    const shown = (el) => el.checkVisibility({ visibilityProperty: true }) && el.getClientRects().length > 0;
    return [...document.querySelectorAll(selector)]
      .filter((el) => !el.disabled && el.tabIndex >= 0 && shown(el))
      .map((el, i) => { el.dataset.a11yOrder = String(i); return el.dataset.testid || el.id || el.tagName; });
  }, FOCUSABLE);
  const sliders = await page.locator('input[type=range]:enabled').count();
  // An unselected tab of the Plan / Performance tab bar is reached with the arrow keys from the
  // selected one (WAI-ARIA tabs, roving tabindex; tests/e2e/performance.test.mjs), not with Tab.
  const buttons = await page.locator('button:enabled:visible:not([role=tab][aria-selected=false])').evaluateAll((els) => els.map((el) => el.dataset.testid || el.id || el.textContent));
  assert.ok(sliders >= CHANNELS.length, `the total and the channel sliders are enabled (${sliders})`);
  assert.ok(expected.filter((name) => /slider|total-budget$|^confidence$|^price-change$/.test(name)).length === sliders, 'every slider is a tab stop');
  assert.ok(buttons.length >= 5, `apply, the exports and the chart downloads (${buttons})`);
  assert.deepEqual(expected.filter((name) => buttons.includes(name)), buttons, 'every button is a tab stop');

  const visited = [];
  const unringed = [];
  for (let step = 0; step < expected.length + 5; step++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1 && style.outlineColor !== 'rgba(0, 0, 0, 0)';
      const shadow = style.boxShadow !== 'none';
      return {
        order: el.dataset.a11yOrder ?? null,
        name: el.dataset.testid || el.id || el.tagName,
        focusVisible: el.matches(':focus-visible'),
        ring: outline || shadow,
      };
    });
    if (stop === null || (visited.length > 0 && stop.order === '0')) break; // left the page or wrapped
    visited.push(stop.name);
    if (!stop.focusVisible || !stop.ring) unringed.push(stop.name);
  }
  t.diagnostic(`${visited.length} tab stops: ${visited.join(', ')}`);
  assert.deepEqual(visited, expected, 'Tab visits every enabled control once, in page order');
  assert.deepEqual(unringed, [], 'every tab stop shows a focus ring (outline or box-shadow on :focus-visible)');
  for (const ch of CHANNELS) assert.ok(visited.includes(`channel-slider-${ch}`), `Tab reaches the ${ch} slider`);
  assert.ok(visited.includes('total-budget') && visited.includes('apply-optimal') && visited.includes('export-plan-csv'));

  // Shift+Tab walks back the same way: from past the end to the last stop, then one more.
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    return el?.dataset.testid || el?.id || el?.tagName; // named as the stops above are
  });
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(), visited.at(-1), 'Shift+Tab comes back to the last stop');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(), visited.at(-2), 'Shift+Tab goes back one stop');
  await page.close();
});

test('every control has a name, and every slider says its value in money', async () => {
  const { page } = await openPlanner();
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, button, select, textarea, progress')]
    .filter((el) => {
      const byLabel = [...(el.labels ?? [])].some((l) => l.textContent.trim() !== '');
      const byAria = (el.getAttribute('aria-label') ?? '').trim() !== ''
        || (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).some((ref) => document.getElementById(ref)?.textContent.trim());
      const byText = el.tagName === 'BUTTON' && el.textContent.trim() !== '';
      return !(byLabel || byAria || byText);
    })
    .map((el) => el.outerHTML.slice(0, 120)));
  assert.deepEqual(unnamed, [], 'every control is labelled (<label for>, aria-label or its text)');
  // A channel's slider snaps to its $100 step; its value text says the exact amount placed.
  // The confidence control is a probability, not money: checked on its own below.
  const confidence = await page.locator(id('confidence')).evaluate((el) => ({ text: el.getAttribute('aria-valuetext') ?? '', label: [...el.labels].map((l) => l.textContent.trim()).join(' ') || el.getAttribute('aria-label') || '' }));
  assert.match(confidence.text, /\d+ ?%/, `the confidence control says its value as a percentage (${confidence.text})`);
  assert.notEqual(confidence.label, '', 'the confidence control has a label');
  // The price change (Price and promotions panel) is a percentage, not money: checked on its own.
  const price = await page.locator(id('price-change')).evaluate((el) => ({ text: el.getAttribute('aria-valuetext') ?? '', label: [...el.labels].map((l) => l.textContent.trim()).join(' ') }));
  assert.match(price.text, /^[+-]?\d+ %$/, `the price change says its value as a percentage (${price.text})`);
  assert.notEqual(price.label, '', 'the price change has a label');
  const sliders = await page.locator('input[type=range]:not([data-testid=confidence]):not([data-testid=price-change])').evaluateAll((els) => els.map((el) => ({
    id: el.id, value: Number(el.closest('[data-channel]')?.dataset.spend ?? el.value), text: el.getAttribute('aria-valuetext'),
    label: [...el.labels].map((l) => l.textContent.trim()).join(' '),
  })));
  assert.equal(sliders.length, CHANNELS.length + 1, 'the total and one slider per channel');
  for (const s of sliders) {
    assert.match(s.text ?? '', MONEY, `${s.id}: aria-valuetext is money`);
    assert.equal(Number(s.text.replace(/[$,]/g, '')), Math.round(s.value), `${s.id}: aria-valuetext says the amount`);
    assert.notEqual(s.label, '', `${s.id} has a visible <label for>`);
  }
  await page.close();
});

/** The page's revenue figure: exact value and text. */
const revenue = (page) => page.locator(id('predicted-revenue')).evaluate((el) => ({ value: el.dataset.value, text: el.textContent }));

/** Presses `key` on the focused slider and returns its value, text and the revenue after. */
async function press(page, selector, key) {
  const before = await revenue(page);
  await page.keyboard.press(key);
  await page.waitForFunction(([sel, prev]) => document.querySelector(sel)?.dataset.value !== prev,
    [id('predicted-revenue'), before.value], { timeout: 5_000 });
  const after = await revenue(page);
  const slider = await page.locator(selector).evaluate((el) => ({ value: Number(el.value), text: el.getAttribute('aria-valuetext') }));
  return { before, after, ...slider };
}

test('sliders move with ArrowRight/Left, PageUp/Down and Home/End, and the revenue figure follows', async () => {
  const { page, problems } = await openPlanner();
  for (const selector of [id('channel-slider-social'), id('total-budget')]) {
    const slider = page.locator(selector);
    const step = Number(await slider.getAttribute('step'));
    // Start from the middle of the range, so no key below hits an end.
    if (selector === id('channel-slider-social')) await dragSlider(page, selector, 0.4);
    await slider.focus();
    const start = Number(await slider.inputValue());

    const right = await press(page, selector, 'ArrowRight');
    assert.equal(right.value, start + step, `${selector}: ArrowRight moves one step`);
    assert.notEqual(right.after.text, right.before.text, `${selector}: the revenue text changes`);
    assert.equal(right.text, `$${right.value.toLocaleString('en-US')}`, 'aria-valuetext follows the value');

    const left = await press(page, selector, 'ArrowLeft');
    assert.equal(left.value, start, `${selector}: ArrowLeft moves back`);
    assert.equal(left.after.value, right.before.value, 'same plan, same revenue');

    const up = await press(page, selector, 'PageUp');
    assert.ok(up.value > start + step, `${selector}: PageUp moves a big step (${start} → ${up.value})`);
    assert.notEqual(up.after.text, up.before.text);

    const down = await press(page, selector, 'PageDown');
    assert.ok(down.value < up.value, `${selector}: PageDown moves back (${up.value} → ${down.value})`);
    assert.notEqual(down.after.text, down.before.text);
  }
  // Home and End take the total to the ends of its range.
  const total = id('total-budget');
  const [min, max] = await page.locator(total).evaluate((el) => [Number(el.min), Number(el.max)]);
  assert.equal((await press(page, total, 'Home')).value, min, 'Home: the smallest total');
  assert.equal((await press(page, total, 'End')).value, max, 'End: the largest total');
  assert.deepEqual(problems, []);
  await page.close();
});

test('gains and losses are said in words and signs, not only in green and red', async () => {
  const { page } = await openPlanner();
  // Move spend from email to social, so some channels gain and some lose against the
  // historical mix at the same total.
  await dragSlider(page, id('channel-slider-social'), 0.45);
  await chartsSettled(page);

  // The contribution bars: each carries "+$x gain", "-$x loss" or "$0 no change".
  const barTexts = await page.locator(`${id('chart-contribution')} text.bartext`).evaluateAll((els) =>
    els.map((el) => [...el.querySelectorAll('tspan.line')].map((l) => l.textContent).join(' ') || el.textContent));
  assert.equal(barTexts.length, CHANNELS.length, `one label per bar: ${JSON.stringify(barTexts)}`);
  for (const text of barTexts) {
    assert.match(text, /^(\+\$[\d,]+ gain|-\$[\d,]+ loss|\$0 no change)$/, `bar label ${JSON.stringify(text)}`);
  }
  assert.ok(barTexts.some((s) => s.endsWith(' gain')) && barTexts.some((s) => s.endsWith(' loss')),
    `after the move some channels gain and some lose: ${JSON.stringify(barTexts)}`);

  // The same in the chart's text alternative, one line per channel, matching the colours.
  const summary = await page.locator(id('chart-contribution-summary')).textContent();
  const colours = await page.locator(`${id('chart-contribution')} g.point path`).evaluateAll((els) => els.map((el) => el.style.fill));
  for (const [i, text] of barTexts.entries()) {
    const [signed, word] = text.split(' ');
    const expected = word === 'no' ? 'no change' : word;
    assert.ok(summary.includes(`${signed} (${expected})`), `summary ${JSON.stringify(summary)} says ${signed} (${expected})`);
    assert.notEqual(colours[i], '', 'bars are coloured');
  }

  // The headline change carries its sign in text wherever its colour says gain or loss.
  const change = await page.locator(id('change-vs-historical')).evaluate((el) => ({
    text: el.textContent, gain: el.classList.contains('gain'), loss: el.classList.contains('loss'),
  }));
  if (change.gain) assert.match(change.text, /^\+\$/, change.text);
  if (change.loss) assert.match(change.text, /^-\$/, change.text);
  assert.ok(change.gain || change.loss, `the move changes revenue: ${change.text}`);
  // The balance indicator says balanced or not in words, with a mark, not only its colour.
  assert.match(await page.locator(id('balanced')).textContent(), /^✓ balanced: /);
  await page.close();
});

test('every chart has an accessible name and a text alternative with its numbers', async () => {
  const { page } = await openPlanner();
  for (const chart of CHARTS) {
    const info = await page.locator(id(chart)).evaluate((el) => ({
      role: el.getAttribute('role'),
      label: el.getAttribute('aria-label'),
      describedBy: (el.getAttribute('aria-describedby') ?? '').split(/\s+/).map((ref) => document.getElementById(ref)?.textContent ?? '').join(' '),
    }));
    assert.equal(info.role, 'img', `${chart} is an image to assistive technology`);
    assert.ok(info.label?.length > 10, `${chart} has an aria-label`);
    assert.match(info.describedBy, /\$\d/, `${chart}'s description has its numbers: ${info.describedBy}`);
    const summary = await page.locator(id(`${chart}-summary`)).textContent();
    assert.equal(summary.trim(), info.describedBy.trim(), `${chart}: aria-describedby points at its summary`);
  }
  // Live charts' summaries follow the plan.
  const before = await page.locator(id('chart-split-summary')).textContent();
  await dragSlider(page, id('channel-slider-display'), 0.3);
  await page.waitForFunction(([sel, prev]) => document.querySelector(sel)?.textContent !== prev,
    [id('chart-split-summary'), before]);
  await page.close();
});

test('the printable summary opens and closes from the keyboard (Enter, Close, Escape), and focus comes back', async () => {
  const { page } = await openPlanner();
  const focused = () => page.evaluate(() => document.activeElement?.dataset.testid || document.activeElement?.id || document.activeElement?.tagName);
  await page.locator(id('export-summary')).focus();
  await page.keyboard.press('Enter');
  await page.locator(id('print-summary')).and(page.locator('.open')).waitFor();
  assert.equal(await focused(), 'print-summary-heading', 'focus moves into the summary');
  assert.equal(await page.locator(id('export-summary')).getAttribute('aria-expanded'), 'true');
  // Tab reaches its buttons; Enter on Close closes it and focus returns to the opener.
  await page.locator(id('print-summary-close')).focus();
  await page.keyboard.press('Enter');
  await page.locator(`${id('print-summary')}.open`).waitFor({ state: 'detached' });
  assert.equal(await page.locator(id('print-summary')).isVisible(), false);
  assert.equal(await focused(), 'export-summary', 'focus returns to the button that opened the summary');
  assert.equal(await page.locator(id('export-summary')).getAttribute('aria-expanded'), 'false');
  // Escape closes it too.
  await page.keyboard.press('Enter');
  await page.locator(`${id('print-summary')}.open`).waitFor();
  await page.keyboard.press('Escape');
  await page.locator(`${id('print-summary')}.open`).waitFor({ state: 'detached' });
  assert.equal(await focused(), 'export-summary', 'Escape closes the summary and focus returns');
  await page.close();
});
