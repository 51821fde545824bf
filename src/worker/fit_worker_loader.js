// The fit worker's script (started by index.html, taken over by src/worker/client.rs):
// loads the wasm-bindgen glue Trunk writes for src/bin/fit_worker.rs (no-modules target), then
// the wasm, whose main() installs the message handler. Relative URLs: they resolve against
// this script's own address, so the site works under any sub-path. Written by hand instead
// of Trunk's data-loader-shim, whose wasm_bindgen("…") call is deprecated (console warning).
importScripts('./fit_worker.js');
wasm_bindgen({ module_or_path: './fit_worker_bg.wasm' }).catch((error) => {
  // A rejected promise would go unnoticed by the page; an uncaught error reaches it as the
  // worker's `error` event, and the page says the fit could not run.
  setTimeout(() => { throw error; });
});
