// Starts the app, with subresource integrity: imports the wasm-bindgen glue, which Trunk
// preloads with its integrity hash (<link rel="modulepreload" integrity>), and fetches the
// app's wasm with the hash the build put on this script's tag (data-wasm,
// data-wasm-integrity: scripts/bundle.mjs moves them there from the <link rel="preload"> Trunk
// writes, because Chromium ignores integrity on such a preload and then warns). The browser
// refuses either file if its bytes do not match. Served over http(s) only, then registers the
// service worker (public/sw.js) that keeps the app shell for offline use. (The one-file
// bundle, mixplan.html, starts the app its own way: scripts/bundle.mjs.)
//
// Loaded `async`, so the wasm download starts as soon as this small file has arrived; the app
// itself starts once the document is parsed, when plotly.js (a classic script) has run.

/** Says in the page that the app could not start, and why (the page is empty otherwise). */
function reportStartFailure(error) {
  const note = document.createElement('p');
  note.setAttribute('role', 'alert');
  note.textContent = `mixplan could not start: ${error.message}. Reload the page; if it fails again, `
    + 'the site\'s files may be incomplete or from two different versions: clear this site\'s data in the browser and reload.';
  document.body.append(note);
}

try {
  const script = document.querySelector('script[data-mixplan="boot"]');
  const glue = document.querySelector('link[rel="modulepreload"][href$=".js"]');
  const { wasm, wasmIntegrity } = script?.dataset ?? {};
  if (!glue || !wasm || !wasmIntegrity) {
    throw new Error('the page lacks the app\'s preload link or wasm hash (rebuild with `trunk build --release`)');
  }
  const wasmResponse = fetch(new URL(wasm, document.baseURI), { integrity: wasmIntegrity });
  const { default: init } = await import(glue.href);
  if (document.readyState === 'loading') {
    await new Promise((parsed) => addEventListener('DOMContentLoaded', parsed, { once: true }));
  }
  await init({ module_or_path: wasmResponse });
} catch (error) {
  if (document.readyState === 'loading') {
    addEventListener('DOMContentLoaded', () => reportStartFailure(error), { once: true });
  } else {
    reportStartFailure(error);
  }
  throw error;
}

if ('serviceWorker' in navigator && (location.protocol === 'https:' || location.protocol === 'http:')) {
  // After the page has loaded, so that caching the shell does not compete with the first paint.
  const register = () => navigator.serviceWorker.register('./sw.js').catch((error) => {
    // Offline use is a bonus: the page works without it, so this is a warning, not an error.
    console.warn(`mixplan: offline use is unavailable (the service worker did not register: ${error.message})`);
  });
  if (document.readyState === 'complete') register(); else addEventListener('load', register, { once: true });
}
