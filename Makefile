# The commands of the README:
#   make run      installs what is missing, builds, and opens the app on the embedded demo ENT
#   make test     runs every test CI runs (.ci/run calls it)
#   make package  builds the .deb and the .rpm (release) into target/release/bundle/
# and the steps they are made of, for a faster inner loop.
.PHONY: run test package deps deps-e2e deps-package ui lint test-rust test-ui test-fast check-layers bindings

CARGO ?= cargo

run: deps ui
	$(CARGO) run --bin messagerie -- --demo

test: deps-e2e ui lint doc licenses test-ui test-rust

deps:
	@scripts/deps.sh

deps-e2e:
	@scripts/deps.sh e2e

deps-package:
	@scripts/deps.sh package

# The installable packages, with the Tauri bundler (scripts/package.sh says what and where).
package: deps-package ui
	scripts/package.sh

# The app embeds ui/dist at compile time, so the UI is built before any cargo build of the app.
ui:
	cd ui && npm run build

lint: check-layers bindings
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	cd ui && npm run typecheck && npm run lint

# The TypeScript of every type that crosses IPC, written by ts-rs (the `export_bindings_*` tests
# of the two crates that derive TS) into ui/src/bindings: stale or missing files fail.
bindings:
	rm -rf ui/src/bindings
	$(CARGO) test --locked -q -p messagerie-core --lib export_bindings
	$(CARGO) test --locked -q -p messagerie --lib export_bindings
	@if ! git diff --quiet -- ui/src/bindings || [ -n "$$(git ls-files --others -- ui/src/bindings)" ]; then \
	  git status --short -- ui/src/bindings; \
	  echo "ui/src/bindings is not what the Rust types generate: add what 'make bindings' wrote"; exit 1; fi

# The core and the server must stay free of Tauri (and so build and test fast).
check-layers:
	@for p in messagerie-core ent-server ent-protocol ent-directory messagerie-cli; do \
	  if $(CARGO) tree -p $$p -e normal,dev --prefix none | grep -qE '^tauri '; then \
	    echo "$$p depends on tauri: keep it out"; exit 1; fi; done

test-ui:
	cd ui && npm test

.PHONY: doc licenses

# The API docs of the workspace's own crates build without a warning (broken links, bad HTML
# in doc comments). --no-deps: the dependencies' docs are not ours to check, and cost minutes.
# Every `§n` the code cites exists in docs/protocol.md (or docs/communication-rules.md).
doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --workspace --locked
	node scripts/check-citations.mjs

# Every dependency's licence may be combined with AGPL-3.0-or-later (deny.toml says which and
# why), and so may the npm packages the UI ships. The check itself is offline: it reads
# Cargo.lock, the downloaded crates and ui/package-lock.json. `cargo fetch` first downloads the
# crates of the other platforms (Windows, macOS), which no build here needs but the check reads;
# it does nothing when they are already there.
licenses:
	$(CARGO) fetch --locked
	$(CARGO) deny --offline --locked check licenses
	node scripts/npm-licenses.mjs

# Unit, integration and end-to-end tests (tests/e2e drives the built app under Xvfb).
test-rust:
	$(CARGO) test --workspace --locked

# The inner loop: no Tauri, no WebKit.
test-fast:
	$(CARGO) test --locked -p messagerie-core -p ent-server -p ent-protocol -p ent-directory
