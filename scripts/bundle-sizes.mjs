// Sizes of a build (README "Offline", issue #13's goals): what the first visit downloads,
// each file raw and gzip -9, and the one-file bundle. Used by scripts/bundle.mjs (printed
// after every release build) and by tests/e2e/offline.test.mjs (asserted).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BundleError, attributes } from './bundle-lib.mjs';

/** Goals of issue #13: mixplan.html raw, and the first visit's transfer (gzip). */
export const GOALS = { bundleRaw: 2_500_000, firstVisitGzip: 800_000 };

/** The fit worker's files, which public/start-worker.js starts at once on every visit. */
const FIT_WORKER_FILES = ['fit_worker_loader.js', 'fit_worker.js', 'fit_worker_bg.wasm'];

/**
 * Files of a build that no visit downloads until the user asks for what they do (README
 * "Offline"): the on-demand worker, started when a file is loaded or the model checks are
 * opened. The service worker caches them when they are first fetched, not at install
 * (scripts/bundle-sw.mjs).
 */
export const LAZY_FILES = [/^on_demand/];

/** `{ raw, gzip }` of `bytes` (gzip at level 9, as a server's best case). */
export function measure(bytes) {
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/**
 * The files DIR/index.html loads before the planner is usable, in the order the page asks for
 * them: the page, its stylesheets and icon, the app's glue, boot script and wasm, plotly.js,
 * the early fit worker's loader, glue and wasm. Paths relative to DIR.
 */
export function plannerFiles(dir) {
  const html = readFileSync(join(dir, 'index.html'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const files = ['index.html'];
  const local = (href) => href && !/^[a-z]+:/i.test(href) ? decodeURIComponent(href.replace(/^\.\//, '').split(/[?#]/)[0]) : undefined;
  for (const m of html.matchAll(/<(link|script)\b[^>]*>/gi)) {
    const a = attributes(m[0]);
    const rel = (a.rel ?? '').toLowerCase();
    if (m[1].toLowerCase() === 'link' && ['stylesheet', 'icon', 'modulepreload', 'manifest'].includes(rel)) files.push(local(a.href));
    if (m[1].toLowerCase() === 'script') {
      files.push(local(a.src));
      if (a['data-wasm']) files.push(local(a['data-wasm']));
    }
  }
  files.push(...FIT_WORKER_FILES);
  const found = files.filter(Boolean);
  for (const file of found) {
    if (!existsSync(join(dir, file))) throw new BundleError(`${file}, which the first visit loads, is missing from ${dir}; rebuild with \`trunk build --release\``);
  }
  return [...new Set(found)];
}

/**
 * Rows `{ file, raw, gzip }` for the files the planner needs (plannerFiles), then totals:
 * `planner` (those files), `firstVisit` (those plus sw.js and what the service worker caches
 * at install: BUILD.files of DIR/sw.js, which leaves out the lazy files), and `lazy`.
 */
export function sizeReport(dir) {
  const row = (file) => ({ file, ...measure(readFileSync(join(dir, file))) });
  const sum = (rows) => rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip }), { raw: 0, gzip: 0 });
  const planner = plannerFiles(dir).map(row);
  const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
  const build = /\/\* mixplan:build \*\/ (.*) \/\* \/mixplan:build \*\//.exec(sw);
  if (!build) throw new BundleError(`${dir}/sw.js has no build line; run scripts/bundle.mjs on the build`);
  const { files, lazy = [] } = JSON.parse(build[1]);
  const precached = ['sw.js', ...files].filter((f) => !planner.some((r) => r.file === f)).map(row);
  return {
    rows: planner,
    planner: sum(planner),
    precached,
    firstVisit: sum([...planner, ...precached]),
    lazy: lazy.map(row),
  };
}

/** The report as Markdown table rows (README "Offline"). */
export function sizeTable(report) {
  const n = (v) => v.toLocaleString('en-US');
  const line = (name, s) => `| ${name} | ${n(s.raw)} B | ${n(s.gzip)} B |`;
  return [
    '| file | raw | gzip -9 |', '|---|---|---|',
    ...report.rows.map((r) => line(`\`${r.file}\``, r)),
    line('**planner usable** (the files above)', report.planner),
    line(`service worker + its precache (${report.precached.map((r) => `\`${r.file}\``).join(', ')})`, {
      raw: report.firstVisit.raw - report.planner.raw, gzip: report.firstVisit.gzip - report.planner.gzip,
    }),
    line('**first visit** (all of the above)', report.firstVisit),
    ...report.lazy.map((r) => line(`\`${r.file}\` (lazy: only when a file is loaded, the model checks are opened or the Performance tab is shown)`, r)),
  ].join('\n');
}
