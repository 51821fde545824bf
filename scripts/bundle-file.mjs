// The one-file offline bundle: DIR/mixplan.html from DIR/index.html with everything inlined
// (see scripts/bundle.mjs for what and why).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipAsync } from '@gfx/zopfli';
import { BundleError, attributes, cspHash, readReferenced } from './bundle-lib.mjs';
import { mixplanFromText, toText } from './bundle-text.mjs';

/** The one-file bundle's name, next to index.html (src/components/offline_link.rs links it). */
export const BUNDLE_FILE = 'mixplan.html';
/** sha256 of the empty string: the empty <style> element plotly.js adds, then fills by CSSOM. */
const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";
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

/**
 * Zopfli iterations for the bundle's gzip streams. Zopfli writes ordinary gzip (inflated by
 * the browser's DecompressionStream like any other) about 5 % smaller than zlib's level 9:
 * 91 KB less over the wasm and plotly.js. More iterations gain under 0.1 % for twice the
 * time (about 10 s per release build at 5).
 */
const ZOPFLI_ITERATIONS = 5;

/** The gzip (Zopfli) of `bytes` as text (scripts/bundle-text.mjs: 8/7 of its size). */
const gzipText = async (bytes) =>
  toText(await gzipAsync(bytes, { numiterations: ZOPFLI_ITERATIONS }));

/**
 * JS source of a function `mixplanInflate(text)` that returns a `Response` holding the
 * gunzipped bytes of a `gzipText` payload, typed application/wasm so WebAssembly can compile
 * it while it streams (`.text()` gives them as text).
 */
const INFLATE = `${mixplanFromText.toString()}
function mixplanInflate(text) {
  const bytes = mixplanFromText(text);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream, { headers: { 'Content-Type': 'application/wasm' } });
}`;

/**
 * The loader half of a worker's script in the bundle: its wasm (gzip, as text) inflated and
 * instantiated by the worker's no-modules wasm-bindgen glue, which comes first in the worker's
 * Blob (see START). An error reaches the page as the worker's `error` event.
 */
async function workerLoader(wasm, what) {
  const payload = await gzipText(wasm);
  return inlineable(`
${INFLATE}
// mixplan.html's ${what} loader (the served site's loads the files next to the page).
wasm_bindgen({ module_or_path: mixplanInflate('${payload}') }).catch((error) => {
  setTimeout(() => { throw error; });
});
`, what);
}

/**
 * The bundle's one classic inline script, run where public/start-worker.js was: makes each
 * worker's Blob URL (its glue, inflated, then its loader), starts the fit worker at once
 * (public/start-worker.js, given as `startWorker`), runs plotly.js (inflated; its text is
 * allowed by its hash), then runs the boot module (inflated; allowed by its hash), which
 * starts the app. Everything it inflates sits in non-executed <script type="text/plain">
 * blocks before it (ids mixplan-*). If a step fails, the page says so.
 */
const START = (startWorker) => `${INFLATE}
const mixplanBlock = (id) => document.getElementById(id).textContent;
async function mixplanWorkerUrl(id) {
  const glue = await mixplanInflate(mixplanBlock(id + '-glue')).text();
  return URL.createObjectURL(new Blob([glue, mixplanBlock(id)], { type: 'text/javascript' }));
}
function mixplanRunScript(text, type) {
  const script = document.createElement('script');
  if (type) script.type = type;
  script.textContent = text;
  document.head.append(script);
}
// Everything is inflated at once; the scripts then run in order.
const mixplanInflated = ['mixplan-plotly', 'mixplan-boot'].map((id) => mixplanInflate(mixplanBlock(id)).text());
window.mixplanStarted = (async () => {
  [window.mixplanFitWorkerUrl, window.mixplanOnDemandUrl] = await Promise.all(
    [mixplanWorkerUrl('mixplan-fit-worker'), mixplanWorkerUrl('mixplan-on-demand')]);
${startWorker}
  const [plotly, boot] = await Promise.all(mixplanInflated);
  mixplanRunScript(plotly);
  if (!window.Plotly) throw new Error('plotly.js did not run');
  mixplanRunScript(boot, 'module');
})().catch((error) => {
  const say = () => {
    const note = document.createElement('p');
    note.setAttribute('role', 'alert');
    note.textContent = \`mixplan could not start: \${error.message}. Reload the page.\`;
    document.body.append(note);
  };
  if (document.readyState === 'loading') addEventListener('DOMContentLoaded', say, { once: true }); else say();
  throw error;
});
`;

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
export async function buildBundle(dir) {
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

  // The workers: each one's no-modules glue (gzip, as text) and a loader with its wasm, made
  // one Blob URL by START (the fit worker, started at once; the on-demand worker, started
  // when a file is loaded or the model checks are opened).
  const workerGlue = readReferenced(dir, 'fit_worker.js', 'fit worker glue').toString('utf8');
  const workerWasm = readReferenced(dir, 'fit_worker_bg.wasm', 'fit worker wasm');
  const readerGlue = readReferenced(dir, 'on_demand.js', 'on-demand worker glue').toString('utf8');
  const readerWasm = readReferenced(dir, 'on_demand_bg.wasm', 'on-demand worker wasm');
  const start = inlineable(START(scripts['start-worker']), 'public/start-worker.js');

  // plotly.js, gzip as text (under a third of its raw size), run by START as an inline <script>
  // whose text the policy allows by its sha256 hash (the text an inline plotly.js always
  // had; no blob: script and no eval).
  const plotly = scripts.plotly;

  if (!appWasm) throw new BundleError('the boot script\'s tag has no data-wasm; scripts/bundle.mjs must run moveWasmIntegrityToBoot first');
  const glue = inlineable(readReferenced(dir, appGlue, 'app glue').toString('utf8'), appGlue);
  const wasmBytes = readReferenced(dir, appWasm, 'app wasm');
  const init = defaultExport(glue);
  if (/^\s*import\s/m.test(glue)) {
    throw new BundleError('the app\'s wasm-bindgen glue imports other modules (snippets); inline them in scripts/bundle.mjs');
  }
  // The boot module (run by START, allowed by its hash): the app's glue, then the app started
  // from its wasm (the served site's start is public/boot.js) once the document is parsed.
  const boot = `${glue}
${INFLATE}
if (document.readyState === 'loading') {
  await new Promise((parsed) => addEventListener('DOMContentLoaded', parsed, { once: true }));
}
await ${init}({ module_or_path: mixplanInflate(document.getElementById('mixplan-app-wasm').textContent) });
`;

  scriptHashes.push(cspHash(start), cspHash(plotly), cspHash(boot));
  const block = (id, text) => `<script type="text/plain" id="${id}">${text}</script>\n`;
  const [fitGlue, fitLoader, onDemandGlue, onDemandLoader, plotlyText, bootText, appWasmText] = await Promise.all([
    gzipText(Buffer.from(workerGlue, 'utf8')),
    workerLoader(workerWasm, 'fit worker'),
    gzipText(Buffer.from(readerGlue, 'utf8')),
    workerLoader(readerWasm, 'on-demand worker'),
    gzipText(Buffer.from(plotly, 'utf8')),
    gzipText(Buffer.from(boot, 'utf8')),
    gzipText(wasmBytes),
  ]);
  const inline = {
    'start-worker': block('mixplan-fit-worker-glue', fitGlue)
      + block('mixplan-fit-worker', fitLoader)
      + block('mixplan-on-demand-glue', onDemandGlue)
      + block('mixplan-on-demand', onDemandLoader)
      + block('mixplan-plotly', plotlyText)
      + block('mixplan-boot', bootText)
      + block('mixplan-app-wasm', appWasmText)
      + `<script>${start}</script>\n`,
    plotly: '',
    boot: '',
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
    readerGlue: readerGlue.length, readerWasm: readerWasm.length,
  });
  return { html, sizes };
}
