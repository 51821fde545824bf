# Shared helpers for the make scripts: timed steps and the tool PATH.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# Trunk must never download wasm-bindgen or wasm-opt: fail fast instead.
export TRUNK_OFFLINE=true

# step NAME COMMAND...: runs COMMAND, prints its duration, stops the script on failure.
step() {
  local name="$1"; shift
  local start=$SECONDS
  echo "==> $name"
  if "$@"; then
    echo "<== $name: ok in $((SECONDS - start)) s"
  else
    local rc=$?
    echo "<== $name: FAILED (exit $rc) after $((SECONDS - start)) s"
    exit "$rc"
  fi
}

# as_root COMMAND...: runs COMMAND as root (directly when we are root, else with sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
