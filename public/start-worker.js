// Starts the fit worker at once, so it loads while the app's wasm does; the app takes it over
// (src/worker/client.rs, EARLY_WORKER) with the events it sent until then. The worker script
// is ./fit_worker_loader.js next to the page, or, in the one-file bundle (mixplan.html), the
// Blob URL the bundle puts in window.mixplanFitWorkerUrl before this runs.
(() => {
  const worker = new Worker(window.mixplanFitWorkerUrl ?? './fit_worker_loader.js');
  const early = [];
  // Kept for the app, which reports errors in the page (so the default report is off).
  worker.onmessage = worker.onerror = (event) => { event.preventDefault(); early.push(event); };
  window.mixplanFitWorker = { worker, early };
})();
