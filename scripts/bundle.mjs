#!/usr/bin/env node
// Finishes a Trunk build (README "Offline"); runs as Trunk's post_build hook (Trunk.toml) on
// its staging directory, or by hand on a build: `node scripts/bundle.mjs [DIR]` (default: the
// hook's $TRUNK_STAGING_DIR, else dist/).
//
// Each step is its own module: bundle-page.mjs (0 and 3), bundle-sw.mjs (1), bundle-file.mjs
// (2), sharing bundle-lib.mjs.
//
// 0. index.html: moves the app wasm's URL and integrity hash from Trunk's <link rel="preload">
//    (whose integrity Chromium ignores) onto public/boot.js's tag (moveWasmIntegrityToBoot).
// 1. Service worker: writes DIR/sw.js from public/sw.js with the build's version (a hash of
//    every shell file's name and content) and the list of shell files to cache.
// 2. One-file bundle: writes DIR/mixplan.html from DIR/index.html with everything inlined, so
//    it opens from file:// with no server and no network:
//    - CSS as <style>, the favicon as a data: URL;
//    - the big payloads gzip-compressed and written as text (scripts/bundle-text.mjs: a
//      base-122 variant, 8/7 of the bytes where base64 takes 4/3) in non-executed
//      <script type="text/plain"> blocks: the app's wasm, its wasm-bindgen glue with the
//      start code (the boot module), plotly.js, and for each worker (the fit worker and the
//      on-demand worker) its glue and a loader holding its wasm;
//    - one inline classic script (where public/start-worker.js was) that inflates them with
//      the browser's DecompressionStream: each worker becomes a Blob URL, the fit worker
//      starts at once, then plotly.js and the boot module run as inline scripts, which the
//      policy allows by their sha256 hashes (no blob: script, no eval);
//    - its own Content-Security-Policy: nothing may load from anywhere (default-src 'none');
//      scripts only the start script, plotly.js's text and the boot module, by their sha256
//      hashes, plus 'wasm-unsafe-eval' for WebAssembly; styles the inline ones by hash (and
//      the empty <style> plotly.js fills with insertRule); images data: and blob: (the
//      favicon, plotly's image export); workers blob:.
//    The manifest link, the preloads and the service worker are left out (none works from
//    file://), and <html> gets `data-offline-bundle`, which hides the download link.
// 3. Debug builds (TRUNK_PROFILE=debug, `make serve`): no bundle (a debug wasm is large and
//    the dev server does not need it). Trunk's serve injects an inline auto-reload script
//    into index.html and rewrites it per response, so the page's script-src gets
//    'unsafe-inline' in debug builds only. A release build has no inline script.
// 4. Sizes (scripts/bundle-sizes.mjs): prints what the first visit downloads, raw and gzip,
//    and the bundle's size, against issue #13's goals.
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ROOT, BundleError } from './bundle-lib.mjs';
import { moveWasmIntegrityToBoot, allowDevServerScripts } from './bundle-page.mjs';
import { writeServiceWorker } from './bundle-sw.mjs';
import { BUNDLE_FILE, buildBundle } from './bundle-file.mjs';
import { GOALS, sizeReport, sizeTable } from './bundle-sizes.mjs';

async function main() {
  const dir = resolve(process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? join(ROOT, 'dist'));
  if (!existsSync(join(dir, 'index.html'))) {
    throw new BundleError(`${dir}/index.html is missing: run \`trunk build --release\` first (or \`make bundle\`)`);
  }
  moveWasmIntegrityToBoot(dir);
  const version = writeServiceWorker(dir);
  if (process.env.TRUNK_PROFILE === 'debug') {
    allowDevServerScripts(dir);
    console.log(`mixplan: service worker for build ${version}; no ${BUNDLE_FILE} in a debug build (\`make bundle\` writes it)`);
    return;
  }
  const { html, sizes } = await buildBundle(dir);
  writeFileSync(join(dir, BUNDLE_FILE), html);
  const raw = Buffer.byteLength(html);
  const gzip = gzipSync(html, { level: 9 }).length;
  const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
  console.log(`mixplan: service worker for build ${version}; ${BUNDLE_FILE} ${raw} B raw (${kb(raw)}, ${kb(gzip)} gzip)`
    + ` from app wasm ${kb(sizes.appWasm)}, fit worker wasm ${kb(sizes.workerWasm)}, on-demand worker wasm ${kb(sizes.readerWasm)}, plotly.js ${kb(sizes.plotly)}, glue ${kb(sizes.appGlue + sizes.workerGlue + sizes.readerGlue)}, CSS ${kb(sizes.css ?? 0)}`);
  const report = sizeReport(dir);
  const verdict = (value, goal) => `${value <= goal ? 'met' : 'MISSED'} (goal <= ${goal} B)`;
  console.log(`mixplan: sizes of this build\n${sizeTable(report)}\n`
    + `mixplan: ${BUNDLE_FILE} ${raw} B raw: ${verdict(raw, GOALS.bundleRaw)}; first visit ${report.firstVisit.gzip} B gzip: ${verdict(report.firstVisit.gzip, GOALS.firstVisitGzip)}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await main();
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    console.error(`scripts/bundle.mjs: ${error.message}`);
    process.exit(1);
  }
}
