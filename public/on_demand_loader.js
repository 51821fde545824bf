// The on-demand worker's script (started by src/worker/on_demand_client.rs the first time the
// user loads a file or opens the model checks): loads the wasm-bindgen glue Trunk writes for
// src/bin/on_demand.rs (no-modules target), then the wasm, whose main() installs the message
// handler. Relative URLs resolve against this script's own address (any sub-path works).
importScripts('./on_demand.js');
wasm_bindgen({ module_or_path: './on_demand_bg.wasm' }).catch((error) => {
  // An uncaught error reaches the page as the worker's `error` event (the page then says the
  // work could not be done).
  setTimeout(() => { throw error; });
});
