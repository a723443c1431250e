#!/usr/bin/env bash
# Builds the installable packages of Messagerie with the Tauri bundler:
#   scripts/package.sh           release build: target/release/bundle/{deb,rpm}/ (`make package`)
#   scripts/package.sh --debug   bundles the debug build that is already in target/debug
#                                into target/package-debug/debug/bundle/ (what the install
#                                test does, without compiling anything)
# What goes in them (desktop entry, icons, man pages, dependencies) is the `bundle` section of
# tauri.conf.json and the files in packaging/. The Tauri CLI is @tauri-apps/cli from npm
# (packaging/package.json; scripts/deps.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

tauri=packaging/node_modules/.bin/tauri
if [[ ! -x "$tauri" ]]; then
  echo "The Tauri CLI is missing: run scripts/deps.sh package (or scripts/deps.sh e2e)" >&2
  exit 1
fi

# --no-sign: nothing here signs packages (apt and dnf trust a local file you install by hand).
# --ci: never prompt.
common=(--bundles deb,rpm --no-sign --ci)
target=${CARGO_TARGET_DIR:-target}
if [[ "${1:-}" == "--debug" ]]; then
  built=$target/debug/messagerie
  [[ -x "$built" ]] || { echo "no $built: build the app first (cargo build)" >&2; exit 1; }
  # `tauri bundle` packages the binary of <target dir>/debug as it is, and at the end writes it
  # back in place, which fails (« Text file busy ») while a test runs it: it gets a copy, in a
  # target folder of its own. --no-binary-patching keeps the packaged binary byte for byte the
  # one the tests run (the patch only serves Tauri's updater, which this app does not use).
  stage=$target/package-debug
  dir=$stage/debug
  # Only this run's packages in the folders (an older version's would be listed, and tested).
  rm -rf "$stage"
  mkdir -p "$dir"
  cp "$built" "$dir/messagerie"
  CARGO_TARGET_DIR=$stage "$tauri" bundle --debug --no-binary-patching "${common[@]}"
else
  dir=$target/release
  rm -rf "$dir/bundle/deb" "$dir/bundle/rpm"
  # `tauri build` compiles the release binary with the UI embedded (ui/dist, built by `make ui`)
  # then bundles it.
  "$tauri" build "${common[@]}"
fi

echo
echo "Packages:"
for f in "$dir"/bundle/deb/*.deb "$dir"/bundle/rpm/*.rpm; do
  [[ -e "$f" ]] && printf '  %s (%s)\n' "$f" "$(du -h "$f" | cut -f1)"
done
