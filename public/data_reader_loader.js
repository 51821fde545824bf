// The data reader worker's script (started by src/data_source/reader_client.rs the first time
// the user loads a file): loads the wasm-bindgen glue Trunk writes for src/bin/data_reader.rs
// (no-modules target), then the wasm, whose main() installs the message handler. Relative
// URLs resolve against this script's own address (any sub-path works).
importScripts('./data_reader.js');
wasm_bindgen({ module_or_path: './data_reader_bg.wasm' }).catch((error) => {
  // An uncaught error reaches the page as the worker's `error` event (the page then says the
  // file could not be read).
  setTimeout(() => { throw error; });
});
