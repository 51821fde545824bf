// The build hook's changes to the served page, DIR/index.html (see scripts/bundle.mjs).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BundleError, attributes } from './bundle-lib.mjs';

/**
 * Rewrites DIR/index.html for subresource integrity (see index.html, public/boot.js): the
 * `<link rel="preload">` Trunk writes for the app's wasm (whose integrity Chromium ignores,
 * with a warning) becomes `data-wasm` and `data-wasm-integrity` on the boot script's tag,
 * and the glue's `<link rel="modulepreload" integrity>` moves just before that tag, so it is
 * in the document when the async boot script runs. Does nothing on a page it already did.
 */
export function moveWasmIntegrityToBoot(dir) {
  const path = join(dir, 'index.html');
  let html = readFileSync(path, 'utf8');
  const boot = /<script\b[^>]*data-mixplan="boot"[^>]*>/i.exec(html);
  if (!boot) throw new BundleError('index.html has no <script data-mixplan="boot"> (public/boot.js); put it back');
  if (/data-wasm-integrity=/.test(boot[0])) return;
  // (With href: the page's comments mention these tags.)
  const preload = /<link\s+rel="preload"\s[^>]*\bhref=[^>]*>/i.exec(html);
  const modulePreload = /<link\s+rel="modulepreload"\s[^>]*\bhref=[^>]*>/i.exec(html);
  const wasm = preload && attributes(preload[0]);
  if (!wasm?.href?.endsWith('.wasm') || !wasm.integrity || !modulePreload || !attributes(modulePreload[0]).integrity) {
    throw new BundleError('index.html lacks Trunk\'s <link rel="modulepreload"> and <link rel="preload"> with integrity for the app; keep `pattern_script = ""` in Trunk.toml and no data-integrity="none" in index.html');
  }
  html = html.replace(preload[0], '').replace(modulePreload[0], '');
  const tag = boot[0].replace(/^<script\b/i, `<script data-wasm="${wasm.href}" data-wasm-integrity="${wasm.integrity}"`);
  html = html.replace(boot[0], `${modulePreload[0]}\n    ${tag}`);
  writeFileSync(path, html);
}

/**
 * Debug builds only (`make serve`): when DIR/index.html has an inline script — Trunk's
 * auto-reload script, which the dev server rewrites for each response (its host), so no hash
 * can name it — adds 'unsafe-inline' to the page's script-src. Release builds never get it.
 */
export function allowDevServerScripts(dir) {
  const path = join(dir, 'index.html');
  let html = readFileSync(path, 'utf8');
  if (!/<script\b(?![^>]*\bsrc=)[^>]*>[\s\S]*?<\/script>/i.test(html)) return;
  html = html.replace(/(<meta\s+http-equiv="Content-Security-Policy"\s+content="[^"]*script-src )/i, (head) => `${head}'unsafe-inline' `);
  writeFileSync(path, html);
}
