# mixplan — the two commands a newcomer needs:
#   make serve   install what is missing (pinned, idempotent), then serve the app on 127.0.0.1
#   make test    install the same plus Chromium, then run every test
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export TRUNK_OFFLINE := true
PORT ?= 8080

.PHONY: serve test tools tools-test build bundle bench clean

tools:
	@scripts/setup.sh serve

tools-test:
	@scripts/setup.sh test

serve: tools
	@echo "mixplan: serving on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	trunk serve --address 127.0.0.1 --port $(PORT)

test: tools-test
	@scripts/test.sh

# The release bundle in dist/, with relative URLs (works at / and under /mixplan/). Trunk's
# post_build hook (scripts/bundle.mjs) also writes the service worker's file list and the
# one-file offline bundle dist/mixplan.html.
build: tools
	trunk build --release

# The one-file offline bundle dist/mixplan.html (README "Offline"): the release build, then
# scripts/bundle.mjs again on dist/ to print its size (it is idempotent).
bundle: build
	node scripts/bundle.mjs dist

# Benchmarks (not part of `make test`): criterion on the numerical core, then the
# in-browser benchmark (start-up fit and 1,000 slider moves in headless Chromium), and the
# whole fit at 156x5, 520x10 and 1,000x20 natively (fit_speed) and in the fit worker, then
# the page's standard posterior over 5 page loads (time and leapfrog steps).
bench: tools-test
	cargo bench -p mixplan-core
	cargo run --release -p mixplan-core --example fit_speed -- --requests target/fit-speed
	trunk build --release
	node tests/bench/browser.mjs 1000
	node tests/bench/posterior_page.mjs 5

# How often the model recovers the simulated store's truth over 100 simulator seeds (the
# figure docs/model.md quotes; a few minutes on 2 cores; not part of `make test`).
SEEDS ?= 100
.PHONY: bench-recovery
bench-recovery:
	cargo run --release -p mixplan-core --example recovery -- --seeds $(SEEDS)

# Trust benchmark (issue #11 item 6): uplift capture of the recommended split under the TRUE
# response over a seeded family of realistic worlds; docs/trust.md quotes its output (a few
# seconds for 50 worlds once built; not part of `make test`). Per-world JSON in target/trust/.
WORLDS ?= 50
TRUST_SEED ?= 20261130
.PHONY: bench-trust
bench-trust:
	cargo run --release -p mixplan-core --example trust -- --worlds $(WORLDS) --seed $(TRUST_SEED)

clean:
	cargo clean
	rm -rf dist node_modules
