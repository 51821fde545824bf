#!/usr/bin/env node
// Finishes a Trunk build (README "Offline"); runs as Trunk's post_build hook (Trunk.toml) on
// its staging directory, or by hand on a build: `node scripts/bundle.mjs [DIR]` (default: the
// hook's $TRUNK_STAGING_DIR, else dist/).
//
// 0. index.html: moves the app wasm's URL and integrity hash from Trunk's <link rel="preload">
//    (whose integrity Chromium ignores) onto public/boot.js's tag (moveWasmIntegrityToBoot).
// 1. Service worker: writes DIR/sw.js from public/sw.js with the build's version (a hash of
//    every shell file's name and content) and the list of shell files to cache.
// 2. One-file bundle: writes DIR/mixplan.html from DIR/index.html with everything inlined, so
//    it opens from file:// with no server and no network:
//    - CSS as <style>, the favicon as a data: URL, plotly.js as an inline <script>;
//    - the app's wasm, gzip-compressed and base64-encoded, inflated in the page with the
//      browser's DecompressionStream and instantiated by the wasm-bindgen glue, both in one
//      inline module script;
//    - the fit worker as a Blob URL: its glue, its wasm (gzip + base64) and a loader, kept in
//      a non-executed <script type="text/plain"> block the page turns into a Blob;
//    - its own Content-Security-Policy: nothing may load from anywhere (default-src 'none');
//      scripts only the three inline ones, by their sha256 hashes, plus 'wasm-unsafe-eval'
//      for WebAssembly; styles the inline ones by hash (and the empty <style> plotly.js
//      fills with insertRule); images data: and blob: (the favicon, plotly's image export);
//      workers blob: (the fit worker).
//    The manifest link, the preloads and the service worker are left out (none works from
//    file://), and <html> gets `data-offline-bundle`, which hides the download link.
// 3. Debug builds (TRUNK_PROFILE=debug, `make serve`): no bundle (a debug wasm is large and
//    the dev server does not need it). Trunk's serve injects an inline auto-reload script
//    into index.html; its hash is added to the page's script-src so the strict policy keeps
//    working. A release build has no inline script and gets no hash.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The one-file bundle's name, next to index.html (src/components/offline_link.rs links it). */
export const BUNDLE_FILE = 'mixplan.html';
/** sha256 of the empty string: the empty <style> element plotly.js adds, then fills by CSSOM. */
const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";
/** Files of the build the service worker does not cache. */
const NOT_SHELL = [/^sw\.js$/, /^mixplan\.html$/, /\.txt$/, /(^|\/)\./];

/** Stops the build with `message`, which says what is wrong and how to fix it. */
class BundleError extends Error {}

/** Every file under `dir`, as paths relative to it with '/' separators, sorted. */
function listFiles(dir) {
  const found = [];
  const walk = (at) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path); else found.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return found.sort();
}

/** `'sha256-…'` of `text` (UTF-8), as a CSP hash source. */
const cspHash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

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

/** Writes DIR/sw.js: public/sw.js with BUILD = { version, files }. Returns the version. */
export function writeServiceWorker(dir) {
  const files = listFiles(dir).filter((f) => f !== 'index.html' && !NOT_SHELL.some((re) => re.test(f)));
  const digest = createHash('sha256');
  for (const file of ['index.html', ...files]) {
    digest.update(file).update('\0').update(readFileSync(join(dir, file))).update('\0');
  }
  const version = digest.digest('hex').slice(0, 16);
  const template = readFileSync(join(ROOT, 'public', 'sw.js'), 'utf8');
  const marker = /\/\* mixplan:build \*\/.*\/\* \/mixplan:build \*\//;
  if (!marker.test(template)) {
    throw new BundleError('public/sw.js lost its `/* mixplan:build */ … /* /mixplan:build */` line; put it back so the build can fill in the file list');
  }
  const build = JSON.stringify({ version, files });
  writeFileSync(join(dir, 'sw.js'), template.replace(marker, () => `/* mixplan:build */ ${build} /* /mixplan:build */`));
  return version;
}

/** Decodes the character references Trunk writes in attribute values (`&#x2D;`, `&amp;`…). */
function decodeEntities(text) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1].toLowerCase() === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    return named[ref.toLowerCase()] ?? whole;
  });
}

/** The attributes of a tag's source text, e.g. `<link rel="x" href="y">` → { rel: 'x', href: 'y' }. */
function attributes(tag) {
  const found = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    found[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return found;
}

/** Reads a file the page refers to by `href` (relative to the page, './' or not). */
function readReferenced(dir, href, what) {
  const path = join(dir, decodeURIComponent(href.replace(/^\.\//, '').split(/[?#]/)[0]));
  if (!existsSync(path)) throw new BundleError(`${what} ${href} is referenced by index.html but missing from ${dir}; rebuild with \`trunk build --release\``);
  return readFileSync(path);
}

/**
 * Text that goes inside an inline <script> or <style> element: it must not close the element
 * early (`</script`, `</style`) nor switch the HTML parser into its script-escape states
 * (`<!--`). Refuses rather than rewriting code it cannot understand.
 */
function inlineable(text, what) {
  for (const bad of ['</script', '</style', '<!--']) {
    if (text.toLowerCase().includes(bad)) {
      throw new BundleError(`${what} contains "${bad}", which would break out of its inline element in ${BUNDLE_FILE}; the bundler cannot inline it as is`);
    }
  }
  return text;
}

/** Base64 of the gzip (level 9) of `bytes`. */
const gzipBase64 = (bytes) => gzipSync(bytes, { level: 9 }).toString('base64');

/**
 * JS source of a function `mixplanInflate(base64)` that returns a `Response` holding the
 * gunzipped bytes, typed application/wasm so WebAssembly can compile it while it streams.
 */
const INFLATE = `function mixplanInflate(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream, { headers: { 'Content-Type': 'application/wasm' } });
}`;

/** The name the wasm-bindgen glue (an ES module) exports as default: its init function. */
function defaultExport(glue) {
  for (const list of glue.matchAll(/export\s*\{([^}]*)\}/g)) {
    const m = /([A-Za-z_$][\w$]*)\s+as\s+default/.exec(list[1]);
    if (m) return m[1];
  }
  throw new BundleError('the app\'s wasm-bindgen glue has no `export { … as default }`; the wasm-bindgen version changed its output, update scripts/bundle.mjs');
}

/**
 * Builds mixplan.html from DIR/index.html and the files it refers to.
 * Returns { html, sizes } where sizes are the raw bytes of what went in.
 */
export function buildBundle(dir) {
  let html = readFileSync(join(dir, 'index.html'), 'utf8');
  const styleHashes = new Set([EMPTY_STYLE_HASH]);
  const scriptHashes = [];
  const sizes = {};
  let appGlue; let appWasm;

  // Comments, the page's own policy (replaced below) and what file:// cannot use.
  html = html.replace(/<!--[\s\S]*?-->/g, '');
  html = html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>\s*/i, '');

  html = html.replace(/<link\b[^>]*>\s*/gi, (tag) => {
    const a = attributes(tag);
    const rel = (a.rel ?? '').toLowerCase();
    if (rel === 'modulepreload' && a.href.endsWith('.js')) { appGlue = a.href; return ''; }
    if (rel === 'manifest') return '';
    if (rel === 'stylesheet') {
      const css = inlineable(readReferenced(dir, a.href, 'stylesheet').toString('utf8'), a.href);
      styleHashes.add(cspHash(css));
      sizes.css = (sizes.css ?? 0) + css.length;
      return `<style>${css}</style>\n`;
    }
    if (rel === 'icon') {
      const bytes = readReferenced(dir, a.href, 'icon');
      const type = a.href.endsWith('.svg') ? 'image/svg+xml' : a.href.endsWith('.png') ? 'image/png' : 'image/x-icon';
      return `<link rel="icon" href="data:${type};base64,${bytes.toString('base64')}">\n`;
    }
    throw new BundleError(`index.html has a <link rel="${rel}"> the bundler does not know how to inline (${tag.trim()}); teach scripts/bundle.mjs about it`);
  });
  if (!appGlue) {
    throw new BundleError('index.html has no <link rel="modulepreload"> for the app\'s JS glue; rebuild with `trunk build --release` (Trunk.toml must keep pattern_script = "")');
  }

  const scripts = {};
  html = html.replace(/<script\b([^>]*)>([\s\S]*?)<\/script>\s*/gi, (whole, attrs, body) => {
    const a = attributes(`<script ${attrs}>`);
    const role = a['data-mixplan'];
    if (!role || !a.src || body.trim() !== '') {
      throw new BundleError(`index.html has a script the bundler does not know (${whole.slice(0, 120).trim()}…); give it a data-mixplan role in scripts/bundle.mjs`);
    }
    scripts[role] = readReferenced(dir, a.src, 'script').toString('utf8');
    if (role === 'boot') appWasm = a['data-wasm'];
    return `<!--mixplan:${role}-->`;
  });
  for (const role of ['start-worker', 'plotly', 'boot']) {
    if (scripts[role] === undefined) throw new BundleError(`index.html has no script with data-mixplan="${role}"; rebuild, or update scripts/bundle.mjs`);
  }

  // The fit worker: the no-modules glue, the wasm and a loader, in one script made a Blob URL.
  const workerGlue = readReferenced(dir, 'fit_worker.js', 'fit worker glue').toString('utf8');
  const workerWasm = readReferenced(dir, 'fit_worker_bg.wasm', 'fit worker wasm');
  const workerWasmText = gzipBase64(workerWasm);
  const workerSource = inlineable(`${workerGlue}
${INFLATE}
// mixplan.html's fit-worker loader (the served site's is src/worker/fit_worker_loader.js).
wasm_bindgen({ module_or_path: mixplanInflate('${workerWasmText}') }).catch((error) => {
  setTimeout(() => { throw error; });
});
`, 'the fit worker');
  const startWorker = inlineable(`window.mixplanFitWorkerUrl = URL.createObjectURL(new Blob(
  [document.getElementById('mixplan-fit-worker').textContent], { type: 'text/javascript' }));
${scripts['start-worker']}`, 'public/start-worker.js');

  const plotly = inlineable(scripts.plotly, 'plotly.js');

  if (!appWasm) throw new BundleError('the boot script\'s tag has no data-wasm; scripts/bundle.mjs must run moveWasmIntegrityToBoot first');
  const glue = inlineable(readReferenced(dir, appGlue, 'app glue').toString('utf8'), appGlue);
  const wasmBytes = readReferenced(dir, appWasm, 'app wasm');
  const init = defaultExport(glue);
  if (/^\s*import\s/m.test(glue)) {
    throw new BundleError('the app\'s wasm-bindgen glue imports other modules (snippets); inline them in scripts/bundle.mjs');
  }
  const boot = `${glue}
${INFLATE}
// mixplan.html starts the app from the wasm inlined here (the served site's start is public/boot.js).
await ${init}({ module_or_path: mixplanInflate('${gzipBase64(wasmBytes)}') });
`;

  scriptHashes.push(cspHash(startWorker), cspHash(plotly), cspHash(boot));
  const inline = {
    'start-worker': `<script type="text/plain" id="mixplan-fit-worker">${workerSource}</script>\n<script>${startWorker}</script>\n`,
    plotly: `<script>${plotly}</script>\n`,
    boot: `<script type="module">${boot}</script>\n`,
  };
  // A function replacement: the inlined code may contain `$&` and the like.
  html = html.replace(/<!--mixplan:([a-z-]+)-->/g, (_, role) => inline[role]);

  const policy = [
    "default-src 'none'",
    `script-src ${scriptHashes.join(' ')} 'wasm-unsafe-eval'`,
    `style-src ${[...styleHashes].join(' ')}`,
    'img-src data: blob:',
    'worker-src blob:',
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
  if (!/<meta\s+charset[^>]*>/i.test(html)) throw new BundleError('index.html has no <meta charset>; the bundle\'s policy goes right after it');
  html = html.replace(/<meta\s+charset[^>]*>/i, (charset) => `${charset}\n${meta}`);
  html = html.replace(/<html\b/i, '<html data-offline-bundle');

  Object.assign(sizes, {
    plotly: plotly.length, appGlue: glue.length, appWasm: wasmBytes.length,
    workerGlue: workerGlue.length, workerWasm: workerWasm.length,
  });
  return { html, sizes };
}

/**
 * Dev server only: adds the sha256 of each inline script of DIR/index.html (Trunk's
 * auto-reload script) to its policy's script-src.
 */
function allowDevServerScripts(dir) {
  const path = join(dir, 'index.html');
  let html = readFileSync(path, 'utf8');
  const hashes = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => cspHash(m[1]));
  if (hashes.length === 0) return;
  html = html.replace(/(<meta\s+http-equiv="Content-Security-Policy"\s+content="[^"]*script-src )/i, (head) => `${head}${hashes.join(' ')} `);
  writeFileSync(path, html);
}

function main() {
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
  const { html, sizes } = buildBundle(dir);
  writeFileSync(join(dir, BUNDLE_FILE), html);
  const raw = Buffer.byteLength(html);
  const gzip = gzipSync(html, { level: 9 }).length;
  const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
  console.log(`mixplan: service worker for build ${version}; ${BUNDLE_FILE} ${raw} B raw (${kb(raw)}, ${kb(gzip)} gzip)`
    + ` from app wasm ${kb(sizes.appWasm)}, worker wasm ${kb(sizes.workerWasm)}, plotly.js ${kb(sizes.plotly)}, glue ${kb(sizes.appGlue + sizes.workerGlue)}, CSS ${kb(sizes.css ?? 0)}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    console.error(`scripts/bundle.mjs: ${error.message}`);
    process.exit(1);
  }
}
