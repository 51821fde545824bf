// The build hook's changes to the served page, DIR/index.html (see scripts/bundle.mjs).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BundleError, attributes, cspHash } from './bundle-lib.mjs';

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
 * Dev server only: adds the sha256 of each inline script of DIR/index.html (Trunk's
 * auto-reload script) to its policy's script-src.
 */
export function allowDevServerScripts(dir) {
  const path = join(dir, 'index.html');
  let html = readFileSync(path, 'utf8');
  const hashes = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => cspHash(m[1]));
  if (hashes.length === 0) return;
  html = html.replace(/(<meta\s+http-equiv="Content-Security-Policy"\s+content="[^"]*script-src )/i, (head) => `${head}${hashes.join(' ')} `);
  writeFileSync(path, html);
}
