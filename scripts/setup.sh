#!/usr/bin/env bash
# Installs what mixplan needs, idempotently and at pinned versions.
#   scripts/setup.sh serve   # wasm target, trunk, wasm-bindgen-cli, npm packages (wasm-opt, plotly.js)
#   scripts/setup.sh test    # the same, plus Chromium and ChromeDriver for the browser tests
# A tool already installed at the pinned version is skipped, so a repeat run takes seconds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

MODE="${1:-serve}"
TRUNK_VERSION="0.21.14"
# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)"
if [ -z "$WASM_BINDGEN_VERSION" ]; then
  echo "error: could not read the wasm-bindgen version from Cargo.lock; run 'cargo generate-lockfile' and retry" >&2
  exit 1
fi
TRUNK_PIN="$(sed -n 's/^wasm_bindgen = "\(.*\)"/\1/p' Trunk.toml)"
if [ "$TRUNK_PIN" != "$WASM_BINDGEN_VERSION" ]; then
  echo "error: Trunk.toml pins wasm_bindgen = \"$TRUNK_PIN\" but Cargo.lock has wasm-bindgen $WASM_BINDGEN_VERSION; make them equal (Trunk would otherwise try to download it)" >&2
  exit 1
fi
# Building the installers without LTO is ~2x faster and changes nothing we rely on.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

wasm_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    echo "wasm32-unknown-unknown already installed"
  else
    rustup target add wasm32-unknown-unknown
  fi
}

cargo_tool() { # cargo_tool CRATE VERSION BINARY [cargo install flags]
  local crate="$1" version="$2" binary="$3"; shift 3
  if command -v "$binary" >/dev/null && "$binary" --version 2>/dev/null | grep -qw "$version"; then
    echo "$crate $version already installed"
  else
    cargo install "$crate" --version "$version" "$@"
  fi
}

npm_packages() {
  if ! command -v npm >/dev/null; then
    as_root apt-get update -q && as_root apt-get install -y -q nodejs npm
  fi
  local stamp=node_modules/.mixplan-lock-sha
  local want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "npm packages already match package-lock.json"
  else
    npm ci --no-audit --no-fund
    echo "$want" > "$stamp"
  fi
}

browser() {
  if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    echo "chromium and chromedriver already installed: $(chromium --version 2>/dev/null | head -1)"
  else
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
  fi
}

step "rust wasm target" wasm_target
# trunk's own lockfile builds here; its 0.22 line needs a newer rustc than this machine's.
step "trunk $TRUNK_VERSION" cargo_tool trunk "$TRUNK_VERSION" trunk --locked
# No --locked: wasm-bindgen-cli's lockfile pins a webpki-roots version crates.io no longer serves.
step "wasm-bindgen-cli $WASM_BINDGEN_VERSION" cargo_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen
step "npm packages (wasm-opt, plotly.js, playwright-core, axe-core)" npm_packages
if [ "$MODE" = "test" ]; then
  step "chromium + chromedriver" browser
fi
